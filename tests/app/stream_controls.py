"""The stream's control messages as Hypothesis strategies, for tests/app/test_stream_fuzz.py: valid ones (inside
and at the edges of each limit) and invalid ones (wrong types, bare NaN/Infinity, huge numbers, unknown fields,
non-objects, deep nesting, binary, oversize), each a ``Control`` that says whether the server must accept it and
the error code it must answer with when that code is known. The limits follow the schema's own bounds."""

import json
import math
import typing
from dataclasses import dataclass

from hypothesis import strategies as st

from app.schemas.session import SessionConfig
from engine import optimizers

# The server's limits, passed to it and followed by the strategies.
MAX_FPS, MAX_GRID, MAX_NEURON_RESOLUTION, MAX_MESSAGE_BYTES = 60, 200, 64, 16_384

SIMPLE_TYPES = ("play", "pause", "step", "reset")
CONTROL_TYPES = {*SIMPLE_TYPES, "set", "fps", "view", "auth"}
LIVE_FIELDS = ("learning_rate", "batch_size", "reg_rate", "regularization", "optimizer")
REGULARIZATIONS = typing.get_args(SessionConfig.model_fields["regularization"].annotation)
OPTIMIZERS = tuple(optimizers.OPTIMIZERS)


def schema_bound(field: str, kind: str) -> float:
    """A bound (``gt``, ``ge`` or ``le``) of a SessionConfig field, so that the strategies follow the schema."""
    return next(getattr(rule, kind) for rule in SessionConfig.model_fields[field].metadata if hasattr(rule, kind))


MAX_LEARNING_RATE, MAX_BATCH_SIZE = schema_bound("learning_rate", "le"), schema_bound("batch_size", "le")
MIN_BATCH_SIZE, MAX_REG_RATE = schema_bound("batch_size", "ge"), schema_bound("reg_rate", "le")


@dataclass(frozen=True)
class Control:
    """One message a client sends (text or binary), its kind, whether the server must accept it, and the
    error code it must answer with when that code is known."""

    data: str | bytes
    kind: str
    valid: bool
    code: str | None = None

    def __repr__(self) -> str:
        shown = repr(self.data) if len(self.data) <= 200 else f"{self.data[:100]!r}... ({len(self.data)} long)"
        return f"Control({shown}, {self.kind!r}, valid={self.valid}, code={self.code})"

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        """Hypothesis's printer: the short repr, not every field (a message may be 32 kB)."""
        printer.text(repr(self))


# ----- strategies: JSON text of values ------------------------------------------------------------------
def json_object(fields: dict[str, str]) -> str:
    """A JSON object from field names and the JSON *text* of their values (which may be bare NaN tokens)."""
    return "{" + ", ".join(f"{json.dumps(name)}: {value}" for name, value in fields.items()) + "}"


# Text, sometimes with lone surrogates: JSON may write them (as "\\ud800"), UTF-8 cannot, so the server must
# not echo them unescaped.
NAMES = st.text(max_size=10) | st.lists(st.characters(categories=["Cs"]) | st.characters(), max_size=6).map("".join)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | NAMES
ANY_VALUE = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                         | st.dictionaries(NAMES, inner, max_size=3), max_leaves=6)
ANY_JSON = ANY_VALUE.map(json.dumps)  # json.dumps writes NaN and Infinity as bare tokens
NOT_NUMBERS = (st.none() | st.booleans() | NAMES | st.lists(st.integers(), max_size=2)
               | st.dictionaries(NAMES, st.integers(), max_size=2)).map(json.dumps)
HUGE_INTEGER = "1" + "0" * 400  # past float's range: float() of it overflows


def refused_numbers(low: float, high: float, *, low_allowed: bool = True, whole: bool = False) -> st.SearchStrategy:
    """JSON text of values a number field from ``low`` to ``high`` must refuse: numbers below or above,
    NaN and infinities as bare tokens, literals past float's range, non-numbers, and for a field of whole
    numbers fractions within the range."""
    below_int = math.ceil(low) - 1 if low_allowed or low != math.ceil(low) else int(low)
    tokens = ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", HUGE_INTEGER, "-" + HUGE_INTEGER,
              *map(json.dumps, just_outside(low, high, low_allowed=low_allowed))]
    if not (low == 0 and low_allowed):
        tokens.append("1e-400")  # reads as 0.0
    numbers = st.one_of(
        st.integers(max_value=below_int), st.integers(min_value=math.floor(high) + 1),
        st.floats(max_value=low).filter(lambda value: value < low or (value == low and not low_allowed)),
        st.floats(min_value=high).filter(lambda value: value > high),
    ).map(json.dumps)
    huge = st.integers(309, 5000).map(lambda digits: "9" * digits)  # past float's range; over 4300: not read
    fractions = st.floats(low, high).filter(lambda value: not value.is_integer()).map(json.dumps)
    return st.one_of(st.sampled_from(tokens), numbers, huge, NOT_NUMBERS, *([fractions] if whole else []))


def just_outside(low: float, high: float, *, low_allowed: bool = True) -> list[float]:
    """The numbers nearest to a range that it refuses: the nearest float and whole number either side."""
    below = [math.nextafter(low, -math.inf), math.ceil(low) - 1] if low_allowed \
        else [low, math.nextafter(low, -math.inf)]
    return [*below, math.nextafter(high, math.inf), math.floor(high) + 1]


def refused_names(allowed: tuple[str, ...]) -> st.SearchStrategy:
    """JSON text of values a field naming one of ``allowed`` must refuse."""
    return st.one_of(NAMES.filter(lambda name: name not in allowed).map(json.dumps),
                     st.sampled_from(["NaN", "1e400"]), NOT_NUMBERS.filter(lambda text: not text.startswith('"')))


def deep(depth: int) -> str:
    """A JSON array nested ``depth`` deep."""
    return "[" * depth + "]" * depth


DEEPEST = (MAX_MESSAGE_BYTES - 64) // 2  # nesting that still fits a message
DEPTHS = st.integers(1, DEEPEST) | st.sampled_from([2, 20, 500, 999, 1000, DEEPEST])  # pickle fails near 450

# ----- strategies: valid messages -----------------------------------------------------------------------
LIVE_VALUES = {
    "learning_rate": st.floats(0, MAX_LEARNING_RATE, exclude_min=True) | st.sampled_from([1e-6, 10, MAX_LEARNING_RATE]),
    "batch_size": st.integers(MIN_BATCH_SIZE, MAX_BATCH_SIZE) | st.sampled_from([MIN_BATCH_SIZE, MAX_BATCH_SIZE]),
    "reg_rate": st.floats(0, MAX_REG_RATE),
    "regularization": st.sampled_from(REGULARIZATIONS),
    "optimizer": st.sampled_from(OPTIMIZERS),
}
LIVE_CHANGES = st.fixed_dictionaries({}, optional=LIVE_VALUES)
VALID_KINDS = {
    **{kind: st.just({"type": kind}) for kind in SIMPLE_TYPES},
    "fps": st.fixed_dictionaries({"type": st.just("fps"), "value": st.integers(1, MAX_FPS) | st.floats(1, MAX_FPS)
                                  | st.sampled_from([1, MAX_FPS])}),
    "view": st.fixed_dictionaries({"type": st.just("view")}, optional={
        "output_resolution": st.integers(2, MAX_GRID) | st.sampled_from([2, MAX_GRID]),
        "neuron_resolution": st.integers(2, MAX_NEURON_RESOLUTION) | st.sampled_from([2, MAX_NEURON_RESOLUTION])}),
    "set": LIVE_CHANGES.map(lambda changes: {"type": "set", **changes}),
    "diverge": st.fixed_dictionaries({"type": st.just("set"), "learning_rate": st.just(MAX_LEARNING_RATE),
                                      "batch_size": st.just(1), "optimizer": st.sampled_from(OPTIMIZERS)}),
}
VALID = st.sampled_from(sorted(VALID_KINDS)).flatmap(
    lambda kind: VALID_KINDS[kind].map(lambda message: Control(json.dumps(message), kind, valid=True)))


# ----- strategies: invalid messages ---------------------------------------------------------------------
def refused(kind: str, text: st.SearchStrategy, code: str | None = None) -> st.SearchStrategy:
    """Invalid controls of ``kind`` from a strategy of their text; ``code``: the error code they must get."""
    return text.map(lambda data: Control(data, kind, valid=False, code=code))


def _not_a_control(text: str) -> bool:
    try:
        return not isinstance(json.loads(text), dict)
    except (ValueError, RecursionError):
        return True


UNKNOWN_TYPES = st.one_of(
    NAMES.filter(lambda kind: kind not in CONTROL_TYPES and "sentinel" not in kind).map(json.dumps),
    ANY_JSON.filter(lambda text: not text.startswith('"')), st.sampled_from(["NaN", "1e400", HUGE_INTEGER]))
VIEW_LIMITS = {"output_resolution": MAX_GRID, "neuron_resolution": MAX_NEURON_RESOLUTION}


@st.composite
def refused_views(draw) -> str:
    """A view message with one refused resolution (and perhaps a valid other one)."""
    bad = draw(st.sampled_from(sorted(VIEW_LIMITS)))
    fields = {"type": '"view"', bad: draw(refused_numbers(2, VIEW_LIMITS[bad], whole=True))}
    other = next(name for name in VIEW_LIMITS if name != bad)
    if draw(st.booleans()):
        fields[other] = json.dumps(draw(st.integers(2, VIEW_LIMITS[other])))
    return json_object(fields)


REFUSED_LIVE_VALUES = {
    "learning_rate": refused_numbers(0, MAX_LEARNING_RATE, low_allowed=False),
    "batch_size": refused_numbers(MIN_BATCH_SIZE, MAX_BATCH_SIZE, whole=True),
    "reg_rate": refused_numbers(0, MAX_REG_RATE),
    "regularization": refused_names(REGULARIZATIONS),
    "optimizer": refused_names(OPTIMIZERS),
}


@st.composite
def refused_live_changes(draw) -> str:
    """A set message with one refused live value, among valid ones."""
    fields = {"type": '"set"', **{name: json.dumps(value) for name, value in draw(LIVE_CHANGES).items()}}
    bad = draw(st.sampled_from(LIVE_FIELDS))
    fields[bad] = draw(REFUSED_LIVE_VALUES[bad])
    return json_object(fields)


OTHER_FIELDS = st.sampled_from(sorted(set(SessionConfig.model_fields) - set(LIVE_FIELDS))) | NAMES


@st.composite
def changes_that_are_not_live(draw) -> str:
    """A set message with a field the stream cannot change (perhaps among valid live ones)."""
    fields = {"type": '"set"', **{name: json.dumps(value) for name, value in draw(LIVE_CHANGES).items()}}
    name = draw(OTHER_FIELDS.filter(lambda name: name not in LIVE_FIELDS and name != "type"))
    fields[name] = draw(ANY_JSON)
    return json_object(fields)


def at_the_limit(character: str) -> str:
    """An unknown type that makes the message exactly MAX_MESSAGE_BYTES long (``character`` may be multibyte)."""
    room = MAX_MESSAGE_BYTES - len('{"type": ""}')
    width = len(character.encode())
    return '{"type": "' + character * (room // width) + "x" * (room % width) + '"}'


NESTED = ['{"type": "set", "learning_rate": %s}', '{"type": "set", "seed": %s}', '{"type": "fps", "value": %s}',
          '{"type": "view", "output_resolution": %s}', '{"type": %s}', "%s"]
INVALID_KINDS = {  # kind -> (the text of such messages, the error code they must get if one is known)
    "not JSON": (st.sampled_from(["", "not json", "{", '{"type": "play"', "{'type': 'play'}"])
                 | st.text(max_size=30).filter(_not_a_control), None),
    "not an object": (st.sampled_from(["NaN", "null"]) | ANY_JSON.filter(lambda text: not text.startswith("{")),
                      None),
    "no type": (st.just("{}") | ANY_JSON.map(lambda value: json_object({"value": value})), None),
    "unknown type": (UNKNOWN_TYPES.map(lambda kind: json_object({"type": kind})), None),
    "fps": (st.just('{"type": "fps"}') | refused_numbers(1, MAX_FPS).map(
        lambda value: json_object({"type": '"fps"', "value": value})), None),
    "view": (refused_views(), None),
    "set a refused value": (refused_live_changes(), "config.invalid"),
    "set a field that is not live": (changes_that_are_not_live(), "stream.live_fields"),
    "deep": (st.tuples(st.sampled_from(NESTED), DEPTHS).map(lambda pair: pair[0] % deep(pair[1])), None),
    "binary": (st.binary(max_size=64) | st.just(b'{"type": "step"}'), None),
    "at the limit": (st.sampled_from(["x", "é", "网"]).map(at_the_limit), None),
}
# Each kind as often as the others (a one_of of them all would favour those made of several branches).
INVALID = st.sampled_from(sorted(INVALID_KINDS)).flatmap(lambda kind: refused(kind, *INVALID_KINDS[kind]))
OVERSIZE = st.one_of(  # over the limit in UTF-8 bytes, though not always in characters
    st.integers(MAX_MESSAGE_BYTES + 1, 2 * MAX_MESSAGE_BYTES).map(lambda size: '{"type": "play", "pad": "'
                                                                   + "x" * (size - 26) + '"}'),
    st.sampled_from(["é", "网"]).map(lambda character: json_object(
        {"type": '"play"', "pad": json.dumps(character * (MAX_MESSAGE_BYTES // 2 + 1), ensure_ascii=False)})),
    st.integers(MAX_MESSAGE_BYTES + 1, 2 * MAX_MESSAGE_BYTES).map(lambda size: b"\x00" * size),
).map(lambda data: Control(data, "oversize", valid=False, code="stream.message_too_large"))
# Valid and invalid controls alike often (a plain VALID | INVALID would draw from INVALID's many branches).
CONTROLS = st.booleans().flatmap(lambda valid: VALID if valid else INVALID)
# Small sessions of every task; sgd or momentum at a huge learning rate diverges on the last three.
CONFIGS = st.sampled_from([
    {"hidden_layers": [3]},  # two classes, tanh
    {"data": {"name": "blobs", "n_points": 60, "params": {"n_classes": 3}}, "hidden_layers": [3]},  # softmax
    {"data": {"name": "sine", "n_points": 60}, "hidden_layers": [4]},  # 1-D regression
    {"data": {"name": "plane", "n_points": 100}, "activation": "relu", "hidden_layers": [4, 2]},  # regression
    {"activation": "linear", "hidden_layers": [2]},
])
# A session, a sequence of controls, and now and then an oversize message to end it (shrinking drops it first).
SEQUENCES = st.tuples(CONFIGS, st.lists(CONTROLS, min_size=1, max_size=10),
                      st.integers(0, 4).flatmap(lambda n: OVERSIZE if n == 4 else st.none()))
