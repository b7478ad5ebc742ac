"""Property-based fuzz of the stream's control messages (docs/protocol.md) against a real server.

Whatever a client sends (play, pause, step, reset, set, fps and view with values inside and at the edges of
their limits, rates that make training diverge, and invalid messages: wrong types, booleans, NaN and
Infinity as bare tokens, 1e400, huge integers, missing and unknown fields, non-objects, deep nesting,
binary, messages at and over the size limit), the server:

- answers every invalid message with a JSON error message (a ``code`` or a ``message``), in order, and
  never with an internal failure; the stream goes on, except after an oversize message, which closes it
  with 1009 by design;
- answers no valid message with an error, and still serves afterwards (a ``step`` gives a frame);
- never sends NaN or Infinity, in its JSON messages or in a frame's header (parsed as strict JSON);
- leaks neither the stream's place among the session's viewers (the server allows one stream per
  session, so a leak would refuse the next) nor sessions (the server's count, seen through its
  ``max_sessions`` limit, is back to what it was).

Hypothesis runs derandomized (the same examples on every run), with few examples and a deadline, so the
module takes seconds. Two explicit examples always run: every limit's edges, inside and just outside, and
the inputs that once dropped the stream (random draws reach them only now and then).
"""

import json
import math
import time
import typing
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from hypothesis import example, given, note, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from app.host.frames import PREFIX, decode
from app.schemas.session import SessionConfig
from engine import optimizers
from tests.app.test_live_server import create
from tests.conftest import serving

# The server's limits, passed to it and followed by the strategies.
MAX_FPS, MAX_GRID, MAX_NEURON_RESOLUTION, MAX_MESSAGE_BYTES = 60, 200, 64, 16_384
MAX_SESSIONS = 3  # small, so that counting the sessions through the limit is quick
ANSWER_SECONDS = 15  # how long any one answer may take on a loaded machine (it takes milliseconds)
FUZZ = settings(max_examples=50, derandomize=True, database=None, deadline=timedelta(seconds=10))

SIMPLE_TYPES = ("play", "pause", "step", "reset")
CONTROL_TYPES = {*SIMPLE_TYPES, "set", "fps", "view", "auth"}
SERVER_FAILURES = {"internal", "request.error", "host.unavailable", "host.timeout", "call.time_limit"}  # 5xx
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


# ----- what the server sends ----------------------------------------------------------------------------
def strict_json(text: str | bytes) -> typing.Any:
    """``text`` parsed as the browser's JSON.parse would: NaN, Infinity and -Infinity are no JSON."""

    def refuse(token: str):
        raise AssertionError(f"{token} in a message of the server: {text[:300]!r}")

    return json.loads(text, parse_constant=refuse)


def frame_header(frame: bytes) -> dict:
    """A binary frame's header, parsed as strict JSON; the frame must also decode whole."""
    *_, length = PREFIX.unpack_from(frame)
    header = strict_json(frame[PREFIX.size:PREFIX.size + length])
    decode(frame)  # the payload holds what the header says
    return header


def assert_answer(errors: list[dict], control: Control) -> None:
    """``errors`` (the error messages that answered ``control``) are right: none for a valid control; for an
    invalid one, one error with a code or a sentence, that is no server failure."""
    if control.valid:
        assert errors == [], f"{control} got {errors}"
        return
    assert len(errors) == 1, f"{control} got {errors}"
    error = errors[0]
    assert isinstance(error.get("code"), str) or (isinstance(error.get("message"), str) and error["message"]), \
        (error, control)
    if "code" in error:
        assert error["code"] not in SERVER_FAILURES and isinstance(error.get("params"), dict), (error, control)
    if control.code is not None:
        assert error.get("code") == control.code, (error, control)


class Stream:
    """The client's side of one stream: reads what the server sends and checks each message."""

    def __init__(self, ws):
        self.ws = ws
        self.errors: list[dict] = []  # error messages, in the order they came
        self.version = -1  # the newest session version a frame showed

    def read_until(self, finished, what: str) -> None:
        """Read (checking every message) until ``finished(message)`` holds for an error message or a frame's
        header; fails after ANSWER_SECONDS."""
        deadline = time.monotonic() + ANSWER_SECONDS
        while True:
            try:
                data = self.ws.recv(timeout=max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                pytest.fail(f"no {what} within {ANSWER_SECONDS} s")
            if isinstance(data, bytes):
                message = frame_header(data)
                assert message["type"] == "frame", message
                self.version = max(self.version, message["version"])
            else:
                message = strict_json(data)
                assert message.get("type") == "error", message
                self.errors.append(message)
            if finished(message):
                return

    def read_until_closed(self) -> int:
        """Read (checking every message) until the server closes the stream; its close code."""
        try:
            self.read_until(lambda message: False, "close")
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd is not None else 1006
        raise AssertionError("unreachable")


def sentinel(index: int) -> str:
    """The message sent after control ``index``: an unknown type, whose error (it names the type) says that
    the server has read every message before it."""
    return json.dumps({"type": f"fuzz-sentinel-{index}"})


def is_sentinel_answer(message: dict, index: int) -> bool:
    return message["type"] == "error" and f"'fuzz-sentinel-{index}'" in message.get("message", "")


def exchange(base: str, config: dict, controls: list[Control], oversize: Control | None) -> None:
    """Send ``controls`` (each followed by a sentinel) on the stream of a new session made from ``config``;
    check what answers each and that the stream still serves; then send ``oversize``, if any, and check that
    it closes the stream."""
    sid, token = create(base, **config)
    try:
        url = base.replace("http", "ws", 1) + f"/api/sessions/{sid}/stream"
        with connect(url, subprotocols=["nnplay", f"token.{token}"], open_timeout=ANSWER_SECONDS,
                     max_size=None) as ws:
            assert strict_json(ws.recv(timeout=ANSWER_SECONDS))["type"] == "hello"
            stream = Stream(ws)
            awaited = "the controls to go out"
            try:
                for index, control in enumerate(controls):  # all at once: the server reads them while it works
                    ws.send(control.data)
                    ws.send(sentinel(index))
                for index, control in enumerate(controls):
                    start, awaited = len(stream.errors), f"the answer to {control}"
                    stream.read_until(lambda m, index=index: is_sentinel_answer(m, index), awaited)
                    assert_answer(stream.errors[start:-1], control)
                known, start, awaited = stream.version, len(stream.errors), "a frame after a step"
                ws.send(json.dumps({"type": "step"}))  # the stream still serves: the step's frame comes
                stream.read_until(lambda m: m["type"] == "frame" and m["version"] > known, awaited)
                assert stream.errors[start:] == [], "a step got an error"
                if oversize is not None:
                    start, awaited = len(stream.errors), f"the close after {oversize}"
                    ws.send(oversize.data)
                    assert stream.read_until_closed() == 1009, "an oversize message closes the stream with 1009"
                    assert_answer(stream.errors[start:], oversize)  # said before the close
            except ConnectionClosed as closed:
                pytest.fail(f"the server dropped the stream ({closed}) while waiting for {awaited}")
        assert_a_stream_opens(base, sid, token)
    finally:
        httpx.delete(f"{base}/api/sessions/{sid}", headers={"Authorization": f"Bearer {token}"}, timeout=10)


def assert_a_stream_opens(base: str, sid: str, token: str) -> None:
    """A new stream of the session gets its hello: the closed one gave back its place (the server allows
    one stream per session; it may take a moment to notice the close)."""
    url = base.replace("http", "ws", 1) + f"/api/sessions/{sid}/stream"
    deadline = time.monotonic() + ANSWER_SECONDS
    while True:
        with connect(url, subprotocols=["nnplay", f"token.{token}"], open_timeout=ANSWER_SECONDS) as ws:
            first = strict_json(ws.recv(timeout=ANSWER_SECONDS))
        if first["type"] == "hello":
            return
        assert first.get("code") == "stream.too_many", first
        assert time.monotonic() < deadline, "the closed stream still holds its place among the viewers"


def live_sessions(base: str) -> int:
    """How many sessions the server holds, seen through its limit: MAX_SESSIONS less how many more it creates."""
    created = []
    try:
        while True:
            response = httpx.post(f"{base}/api/sessions", json={}, timeout=ANSWER_SECONDS)
            if response.status_code == 429:
                assert response.json()["code"] == "limit.server_sessions", response.text
                return MAX_SESSIONS - len(created)
            assert response.status_code == 201 and len(created) < MAX_SESSIONS, response.text
            created.append(response.json())
    finally:
        for body in created:
            httpx.delete(f"{base}/api/sessions/{body['id']}", headers={"Authorization": f"Bearer {body['token']}"},
                         timeout=ANSWER_SECONDS)


# ----- the tests ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server():
    """One real server for the module, with the limits the strategies follow and one stream per session."""
    with serving(workers="1", max_sessions=str(MAX_SESSIONS), max_sessions_per_client=str(MAX_SESSIONS),
                 max_viewers_per_session="1", max_fps=str(MAX_FPS), max_grid=str(MAX_GRID),
                 max_neuron_resolution=str(MAX_NEURON_RESOLUTION),
                 max_ws_message_bytes=str(MAX_MESSAGE_BYTES)) as base:
        yield base


# Inputs that once ended the stream without a word (each is also in the strategies, but not always drawn).
REGRESSIONS = [Control(text, "regression", valid=False) for text in [
    json_object({"type": '"fps"', "value": HUGE_INTEGER}),  # math.isfinite() raised OverflowError
    deep(DEEPEST),  # the JSON parser's RecursionError
    json_object({"type": '"set"', "learning_rate": deep(500)}),  # pickling it for the host raised RecursionError
    json_object({"type": '"set"', "\ud800": "1"}),  # the error echoed the lone surrogate, which UTF-8 cannot encode
]]


def _edges() -> list[Control]:
    """Every limit's edges, inside and just outside: one of each kind of number the server checks."""
    ranges = {  # (type, field) -> (low, high, whether low is allowed)
        ("fps", "value"): (1, MAX_FPS, True), ("view", "output_resolution"): (2, MAX_GRID, True),
        ("view", "neuron_resolution"): (2, MAX_NEURON_RESOLUTION, True),
        ("set", "learning_rate"): (0, MAX_LEARNING_RATE, False),
        ("set", "batch_size"): (MIN_BATCH_SIZE, MAX_BATCH_SIZE, True), ("set", "reg_rate"): (0, MAX_REG_RATE, True),
    }
    edges = []
    for (kind, field), (low, high, low_allowed) in ranges.items():
        whole = kind == "view"
        inside = [low if low_allowed else math.ulp(0), high, *([] if whole else [float(high)])]
        outside = just_outside(low, high, low_allowed=low_allowed)
        code = "config.invalid" if kind == "set" else None
        edges += [Control(json.dumps({"type": kind, field: value}), "edge", valid=True) for value in inside]
        edges += [Control(json.dumps({"type": kind, field: value}), "edge", valid=False, code=code)
                  for value in outside]
    return edges


EDGES = _edges()


def test_any_control_messages_get_answers_and_leave_the_stream_serving(server):
    before = live_sessions(server)

    @FUZZ
    @given(SEQUENCES)
    @example(({}, EDGES, None))
    @example(({}, [REGRESSIONS[0]], None))
    @example(({}, [REGRESSIONS[1]], None))
    @example(({}, [REGRESSIONS[2]], None))
    @example(({}, [REGRESSIONS[3]], None))
    def check(sequence: tuple[dict, list[Control], Control | None]) -> None:
        note(f"session config, controls and oversize message: {sequence!r}")  # Hypothesis prints lists as ""
        exchange(server, *sequence)

    check()
    assert live_sessions(server) == before, "sessions leaked"


def auth_message(token: str) -> str:
    """An auth message with ``token``, the JSON text of its value."""
    return json_object({"type": '"auth"', "token": token})


# Auth messages with a wrong token (any non-empty string), or with none (a missing, empty or non-string one).
WRONG_TOKENS = NAMES.filter(bool).map(
    lambda token: Control(auth_message(json.dumps(token)), "auth", valid=False, code="auth.wrong"))
NO_TOKENS = st.one_of(st.just('{"type": "auth"}'), st.just(auth_message('""')),
                      ANY_JSON.filter(lambda text: not text.startswith('"')).map(auth_message),
                      ).map(lambda text: Control(text, "auth", valid=False, code="auth.missing"))


def test_a_first_message_without_the_token_is_refused_with_4403(server):
    """Without a token in the subprotocols, the first message must be an ``auth`` message with the token: a
    wrong token gets ``auth.wrong``, any other message ``auth.missing``, then the close 4403; never a dropped
    connection."""
    sid, token = create(server)
    url = server.replace("http", "ws", 1) + f"/api/sessions/{sid}/stream"

    @settings(FUZZ, max_examples=25)
    @given(st.one_of(INVALID, WRONG_TOKENS, NO_TOKENS))
    @example(REGRESSIONS[1])  # the JSON parser's RecursionError dropped the connection
    @example(Control(auth_message('"\\ud800"'), "auth", valid=False, code="auth.wrong"))  # so did a lone surrogate
    def check(control: Control) -> None:
        with connect(url, open_timeout=ANSWER_SECONDS, max_size=None) as ws:
            ws.send(control.data)
            stream = Stream(ws)
            assert stream.read_until_closed() == 4403, control
        expected = control.code if control.kind == "auth" else "auth.missing"
        assert [error.get("code") for error in stream.errors] == [expected], (stream.errors, control)

    try:
        check()
    finally:
        httpx.delete(f"{server}/api/sessions/{sid}", headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_an_oversize_message_is_said_before_the_close_on_a_real_server(server):
    """docs/protocol.md: before the close 1009, the server says why (``stream.message_too_large``)."""
    sid, token = create(server)
    try:
        url = server.replace("http", "ws", 1) + f"/api/sessions/{sid}/stream"
        with connect(url, subprotocols=["nnplay", f"token.{token}"], open_timeout=ANSWER_SECONDS,
                     max_size=None) as ws:
            ws.recv(timeout=ANSWER_SECONDS)
            ws.send('{"type": "play", "pad": "' + "x" * MAX_MESSAGE_BYTES + '"}')
            stream = Stream(ws)
            assert stream.read_until_closed() == 1009
        assert [error.get("code") for error in stream.errors] == ["stream.message_too_large"]
    finally:
        httpx.delete(f"{server}/api/sessions/{sid}", headers={"Authorization": f"Bearer {token}"}, timeout=10)
