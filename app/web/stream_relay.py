"""One WebSocket stream of a session, in the web process: control messages in, frames out.

``_receive`` turns control messages into operations on the session's host. ``_send`` tells the host,
at the client's frame rate, that this viewer is ready for a frame; the host answers once the session
has changed (its trainer builds the frame right after a training slice), and only then is the next
one asked for. A slow client therefore gets fewer, newer frames, and nothing ever queues. The first frame is
asked for as soon as the client has said its view (a page does as the socket opens), or one interval after the
hello if it says none: the page has nothing to draw until it comes, and a frame of the default size would be
wasted on a client about to ask for another. When the session ends, the stream says why before it closes:
``stream.session_ended``, or ``session.lost`` when its host died.
"""

import asyncio
import contextlib
import itertools
import json

import anyio
from fastapi import WebSocket, WebSocketDisconnect
from fastapi.encoders import jsonable_encoder

from app.core.config import Settings
from app.core.errors import AppError, HostUnavailable, SessionNotFound
from app.core.messages import language_of
from app.web.sessions import SessionManager, SessionProxy, SessionRecord

CLOSE_TOO_BIG, CLOSE_SESSION_ENDED, CLOSE_TOO_MANY = 1009, 4410, 4429
ACTIVE_TIME_SECONDS = 60.0  # how often an open stream's time is counted
CLOSE_RESTART = 1012  # its host died: reconnect, and the session comes back from its checkpoint
MIN_FPS = 1
DEFAULT_OUTPUT_RESOLUTION, DEFAULT_NEURON_RESOLUTION = 64, 20
# The control messages that are one operation without arguments: type -> that SessionOps method.
SIMPLE_COMMANDS = {"play": SessionProxy.play, "pause": SessionProxy.pause, "step": SessionProxy.stream_step,
                   "reset": SessionProxy.stream_reset}
MAX_CONTROL_DEPTH = 16
"""How deeply a control message may nest (a real one nests 1 or 2 levels). Values of ``set`` travel to the
session's host pickled, and pickle (like the JSON parser) gives up at a few hundred levels."""
_viewer_ids = itertools.count(1)


def next_viewer_id() -> int:
    """A viewer id no other viewer in this process has (a host knows its viewers by it)."""
    return next(_viewer_ids)


def nesting_depth(value: object) -> int:
    """How many levels of objects and arrays ``value`` (parsed JSON) has: 0 for a number, 1 for ``[1]``."""
    deepest, todo = 0, [(value, 0)]
    while todo:  # no recursion: the value may nest thousands of levels
        value, depth = todo.pop()
        if isinstance(value, dict | list):
            depth += 1
            deepest = max(deepest, depth)
            todo.extend((item, depth) for item in (value.values() if isinstance(value, dict) else value))
    return deepest


def parse_control(text: str) -> dict:
    """The JSON object of a control message's text; ValueError (saying why) if the text is not one."""
    try:
        command = json.loads(text)
        too_deep = nesting_depth(command) > MAX_CONTROL_DEPTH
    except RecursionError:  # the parser's own limit on nesting (a RuntimeError, which would end the stream)
        too_deep = True
    if too_deep:
        raise ValueError(f"a control message may nest at most {MAX_CONTROL_DEPTH} levels deep")
    if not isinstance(command, dict):
        raise ValueError("a control message is a JSON object with a 'type'")
    return command


async def send_message(websocket: WebSocket, message: dict) -> None:
    """Send a JSON text message. Non-ASCII characters go as \\u escapes, which JSON.parse reads as well:
    an echoed lone surrogate (JSON may carry one, "\\ud800") cannot be encoded as UTF-8, so raw it would end
    the stream."""
    await websocket.send_text(json.dumps(message, separators=(",", ":")))


def close_reason(error: AppError) -> str:
    """A WebSocket close reason: the English sentence, cut to fit the protocol's 123 bytes."""
    return error.message("en").encode()[:120].decode(errors="ignore")


def error_message(websocket: WebSocket, error: AppError) -> dict:
    """A stream's error message: the code, its params and the sentence in the language of the handshake's
    Accept-Language (the page renders the code in its own), as in REST error bodies."""
    language = language_of(websocket.headers.get("accept-language"))
    return {"type": "error", "code": error.code, "params": error.params, "message": error.message(language)}


async def refuse(websocket: WebSocket, error: AppError, close_code: int) -> None:
    """Say why the stream ends, then end it: an error message with the code, its params and the sentence in
    the language of the handshake's Accept-Language (the page renders the code in its own), then the close
    (its reason is the short English sentence)."""
    try:
        await send_message(websocket, error_message(websocket, error))
    except (WebSocketDisconnect, ConnectionError, RuntimeError):
        return  # the client has gone already
    await websocket.close(close_code, close_reason(error))


class StreamPlayer:
    """Serves one connected client of one session."""

    def __init__(self, websocket: WebSocket, record: SessionRecord, manager: SessionManager, settings: Settings,
                 read_only: bool = False):
        self.ws, self.record, self.manager, self.settings = websocket, record, manager, settings
        self.read_only = read_only  # a class's teacher watching a student: frames only, never a change
        self.viewer_id = next_viewer_id()
        self.fps = min(settings.default_fps, settings.max_fps)
        self.output_resolution = min(DEFAULT_OUTPUT_RESOLUTION, settings.max_grid)
        self.neuron_resolution = min(DEFAULT_NEURON_RESOLUTION, settings.max_grid)
        self._waiting: asyncio.Future | None = None
        self._viewed = asyncio.Event()  # the client has said its view: the first frame may be asked for
        self._closed = False
        self._told = False  # whether the client was told why the stream ends
        self._told_queue: asyncio.Queue[dict] = asyncio.Queue()  # messages for the client besides frames
        self._counted_until = 0.0  # the stream's time up to here has been told (stream_ended)

    async def run(self) -> None:
        """Serve until the client leaves or the session ends; leaves no task or registration behind."""
        record, host = self.record, self.record.host
        viewers = record.viewers
        if self.manager.on_cluster:  # its streams on every web node, as its host counts them
            viewers = max(viewers, (await self.manager.live([record.id])).get(record.id, 0))
        if viewers >= self.settings.max_viewers_per_session:
            await refuse(self.ws, AppError("stream.too_many", most=self.settings.max_viewers_per_session),
                         CLOSE_TOO_MANY)
            return
        record.viewers += 1
        self._counted_until = self.manager.clock()
        try:
            host.watch(self.viewer_id, record.id, self._on_frame, self._on_closed, passive=self.read_only)
            info = await self.manager.ops(record).stream_info()
            await send_message(self.ws, jsonable_encoder({
                "type": "hello", "protocol": 1, **info, "fps": self.fps,
                "output_resolution": self.output_resolution, "neuron_resolution": self.neuron_resolution,
                "class": self.manager.class_info(record), "read_only": self.read_only}))
            self.manager.listen(record.id, self._told_queue.put_nowait)
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(self._receive, tasks.cancel_scope)
                tasks.start_soon(self._send, tasks.cancel_scope)
                tasks.start_soon(self._tell, tasks.cancel_scope)
                if not self.read_only:
                    tasks.start_soon(self._count_time)
        except (WebSocketDisconnect, LookupError, RuntimeError):
            pass  # the client left, or the session or its host is gone
        finally:
            self.manager.unlisten(record.id, self._told_queue.put_nowait)
            if not self.read_only:  # the rest of its time open (whole minutes were told as they passed)
                self.manager.stream_ended(record, self.manager.clock() - self._counted_until)
            record.viewers -= 1
            try:
                host.unwatch(self.viewer_id)
            except RuntimeError:
                pass  # the host has stopped
            record.touched = self.manager.clock()  # idle time counts from the end of the last stream
            self._on_closed()
        if not self._told and self.manager.was_lost(record.id):
            # The host died while a call of this stream waited for it: the session is lost, say so.
            await self._refuse_ended()

    async def _refuse_ended(self) -> None:
        if self.manager.was_lost(self.record.id):
            await refuse(self.ws, AppError("session.restarting", session_id=self.record.id), CLOSE_RESTART)
        else:
            await refuse(self.ws, AppError("stream.session_ended"), CLOSE_SESSION_ENDED)
        self._told = True  # not before: a cancelled refusal is made again by run()

    async def _count_time(self) -> None:
        """Tell the manager every minute that the stream is still open (a student's time active, which the
        after-class report counts while pages are still open too)."""
        while True:
            await asyncio.sleep(ACTIVE_TIME_SECONDS)
            now = self.manager.clock()
            self.manager.stream_ended(self.record, now - self._counted_until)
            self._counted_until = now

    async def _tell(self, cancel_scope) -> None:
        """Send the messages the manager has for this stream (a class paused, controls locked), in order."""
        try:
            while True:
                await send_message(self.ws, await self._told_queue.get())
        except (WebSocketDisconnect, ConnectionError, RuntimeError):
            cancel_scope.cancel()

    # ----- frames from the host (event loop callbacks) ----------------------------------------------
    def _on_frame(self, frame: bytes) -> None:
        if self._waiting is not None and not self._waiting.done():
            self._waiting.set_result(frame)

    def _on_closed(self) -> None:
        self._closed = True
        if self._waiting is not None and not self._waiting.done():
            self._waiting.set_result(None)

    async def _send(self, scope: anyio.CancelScope) -> None:
        loop = asyncio.get_running_loop()
        try:
            with contextlib.suppress(TimeoutError):  # a client that never says its view gets the default one
                await asyncio.wait_for(self._viewed.wait(), 1.0 / self.fps)
            next_at = loop.time() - 1.0 / self.fps  # the first at once; the pacing counts from it
            while not self._closed:
                next_at = max(next_at + 1.0 / self.fps, loop.time())
                await asyncio.sleep(next_at - loop.time())
                if self._closed:  # the session ended while we slept
                    break
                self._waiting = loop.create_future()
                self.record.host.want(self.viewer_id, self.output_resolution, self.neuron_resolution)
                frame = await self._waiting
                if frame is None:
                    break
                await self.ws.send_bytes(frame)
            await self._refuse_ended()
        except (WebSocketDisconnect, ConnectionError, LookupError, RuntimeError):
            return  # the client went away mid-send, or the host is gone
        finally:
            scope.cancel()

    # ----- control messages ------------------------------------------------------------------------
    async def _receive(self, scope: anyio.CancelScope) -> None:
        try:
            while True:
                message = await self.ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text, data = message.get("text"), message.get("bytes")
                size = len(text.encode(errors="surrogatepass")) if text is not None else len(data or b"")
                if size > self.settings.max_ws_message_bytes:
                    await refuse(self.ws, AppError("stream.message_too_large",
                                                   most=self.settings.max_ws_message_bytes), CLOSE_TOO_BIG)
                    break
                if text is None:
                    await self._error("control messages are JSON text, not binary")
                    continue
                try:
                    await self._apply(parse_control(text))
                except (SessionNotFound, HostUnavailable):
                    raise  # the session is gone: the stream ends (and says why)
                except (ValueError, TypeError, AppError) as exc:  # refused (a lock, a cap...): the stream goes on
                    await self._error(exc)
        except (WebSocketDisconnect, ConnectionError, LookupError, RuntimeError):
            return  # the client left, or the session or its host is gone: end the stream
        finally:
            scope.cancel()

    async def _error(self, error: Exception | str) -> None:
        """An error message: the sentence (in the language of the handshake's Accept-Language), and for
        the server's own errors their code and parameters, as in REST error bodies."""
        if isinstance(error, AppError):
            await send_message(self.ws, error_message(self.ws, error))
        else:
            await send_message(self.ws, {"type": "error", "message": str(error)})

    async def _apply(self, command: dict) -> None:
        kind = command.get("type")
        if self.read_only and kind not in ("fps", "view"):
            raise AppError("stream.read_only")
        self.record.touched = self.manager.clock()
        if kind in SIMPLE_COMMANDS:
            await SIMPLE_COMMANDS[kind](self.manager.ops(self.record))
        elif kind == "set":
            await self.manager.ops(self.record).set_live({k: v for k, v in command.items() if k != "type"})
        elif kind == "fps":
            value = command.get("value")
            # The comparisons refuse NaN and the infinities, and are exact for integers past float's range
            # (which math.isfinite() would not even take).
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not MIN_FPS <= value <= self.settings.max_fps:
                raise ValueError(f"fps value must be a number from {MIN_FPS} to {self.settings.max_fps:g}")
            self.fps = float(value)
        elif kind == "view":
            limits = {"output_resolution": self.settings.max_grid,
                      "neuron_resolution": min(self.settings.max_grid, self.settings.max_neuron_resolution)}
            for name, most in limits.items():
                if name in command:
                    value = command[name]
                    whole = isinstance(value, int) and not isinstance(value, bool)
                    if not whole or not 2 <= value <= most:
                        raise ValueError(f"{name} must be a whole number from 2 to {most}")
            for name in limits:
                setattr(self, name, command.get(name, getattr(self, name)))
            self._viewed.set()
            if self._waiting is not None and not self._waiting.done():
                # The pending request has the old sizes and may wait for a change that never comes.
                self.record.host.want(self.viewer_id, self.output_resolution, self.neuron_resolution)
        else:
            raise ValueError(f"unknown control message type {kind!r}; "
                             "use play, pause, step, reset, set, fps or view")
