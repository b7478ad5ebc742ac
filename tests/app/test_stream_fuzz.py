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
from datetime import timedelta

import httpx
import pytest
from hypothesis import example, given, note, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from app.host.frames import PREFIX, decode
from tests.app.stream_controls import (
    ANY_JSON,
    DEEPEST,
    HUGE_INTEGER,
    INVALID,
    MAX_BATCH_SIZE,
    MAX_FPS,
    MAX_GRID,
    MAX_LEARNING_RATE,
    MAX_MESSAGE_BYTES,
    MAX_NEURON_RESOLUTION,
    MAX_REG_RATE,
    MIN_BATCH_SIZE,
    NAMES,
    SEQUENCES,
    Control,
    deep,
    json_object,
    just_outside,
)
from tests.app.test_live_server import create
from tests.conftest import serving

MAX_SESSIONS = 3  # small, so that counting the sessions through the limit is quick
ANSWER_SECONDS = 15  # how long any one answer may take on a loaded machine (it takes milliseconds)
FUZZ = settings(max_examples=50, derandomize=True, database=None, deadline=timedelta(seconds=10))
SERVER_FAILURES = {"internal", "request.error", "host.unavailable", "host.timeout", "call.time_limit"}  # 5xx

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
