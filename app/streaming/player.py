"""One WebSocket stream of a session: control messages in, frames out, training in the background.

Per stream, ``_receive`` applies control messages and ``_send`` asks for a frame at the client's rate,
sends it, and only then asks for the next (a slow client gets fewer, newer frames: nothing queues).
The session's trainer (one per session, shared by all its viewers) trains in short time-boxed slices on
a worker thread, so the event loop never waits for NumPy; after each slice, on the same thread, it
builds the frames its viewers are waiting for. Building frames where the training happens saves two
thread hand-offs per frame, which under load is what limited the frame rate (docs/performance.md).
While a session is paused the sender builds its frame itself, on a worker thread.
"""

import asyncio
import json
import math
import threading

import anyio
from anyio.to_thread import run_sync
from fastapi import WebSocket, WebSocketDisconnect
from fastapi.encoders import jsonable_encoder

from app.core.config import Settings
from app.services.errors import SessionError
from app.services.session import LIVE_FIELDS, Session
from app.streaming import snapshot
from app.streaming.frames import FrameEncoder

CLOSE_TOO_BIG, CLOSE_SESSION_ENDED = 1009, 4410
DEFAULT_OUTPUT_RESOLUTION, DEFAULT_NEURON_RESOLUTION = 64, 20
MIN_CHUNK_SECONDS = 0.001
TRAINER_FRAME_WAIT_SECONDS = 0.5


class Trainers:
    """At most one background training task per session, running while it plays and is watched."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.limiter = anyio.CapacityLimiter(settings.training_threads)
        self._tasks: dict[str, asyncio.Task] = {}
        self.players: dict[str, set] = {}  # session id -> its connected StreamPlayers

    def ensure(self, session: Session) -> None:
        """Start the session's trainer if it should run and is not running."""
        task = self._tasks.get(session.id)
        if session.playing and (task is None or task.done()):
            self._tasks[session.id] = asyncio.create_task(self._train(session))

    def chunk_seconds(self) -> float:
        """How long one training slice may run. A session's picture changes once per slice and the slices
        of all playing sessions take turns on the training threads, so with many sessions the slices get
        shorter: every session should change at least at the default frame rate."""
        playing = sum(1 for task in self._tasks.values() if not task.done())
        turn = self.settings.training_threads / (max(playing, 1) * self.settings.default_fps)
        return max(MIN_CHUNK_SECONDS, min(self.settings.train_chunk_seconds, turn))

    async def _train(self, session: Session) -> None:
        while session.playing and session.viewers > 0 and not session.closed:
            await run_sync(self._slice, session, self.chunk_seconds(), limiter=self.limiter)

    def _slice(self, session: Session, seconds: float) -> None:
        """On a worker thread: train for up to ``seconds``, then serve the viewers waiting for a frame."""
        session.train(1_000_000, seconds)
        for player in list(self.players.get(session.id, ())):
            player.fill_request()

    async def close(self) -> None:
        """Cancel every trainer (server shutdown)."""
        for task in self._tasks.values():
            task.cancel()
        self._tasks.clear()


class StreamPlayer:
    """Serves one connected client of one session."""

    def __init__(self, websocket: WebSocket, session: Session, settings: Settings, trainers: Trainers):
        self.ws, self.session, self.settings, self.trainers = websocket, session, settings, trainers
        self.fps = min(settings.default_fps, settings.max_fps)
        self.output_resolution = min(DEFAULT_OUTPUT_RESOLUTION, settings.max_grid)
        self.neuron_resolution = min(DEFAULT_NEURON_RESOLUTION, settings.max_grid)
        self.encoder = FrameEncoder(settings.stream_bytes_per_second)
        self.encoder_lock = threading.Lock()  # the trainer's thread and the sender may both build frames
        self.sent_version = -1
        self.loop = asyncio.get_running_loop()
        self.request: asyncio.Future | None = None  # the sender waits on it for a frame from the trainer

    async def run(self) -> None:
        """Serve until the client leaves or the session ends; never leaves a task behind."""
        session = self.session
        session.viewers += 1
        self.trainers.players.setdefault(session.id, set()).add(self)
        try:
            await self.ws.send_json(jsonable_encoder({"type": "hello", "protocol": 1, **self._describe()}))
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(self._receive, tasks.cancel_scope)
                tasks.start_soon(self._send, tasks.cancel_scope)
                self.trainers.ensure(session)
        except WebSocketDisconnect:
            pass
        finally:
            session.viewers -= 1
            self.trainers.players.get(session.id, set()).discard(self)
            session.touch()

    def _describe(self) -> dict:
        session = self.session
        with session.lock:
            layers = [[layer.units, layer.input_dim, layer.activation.name] for layer in session.model.layers]
            return {"session": session.describe(), "layers": layers, "domain": session.dataset.domain,
                    "fps": self.fps, "output_resolution": self.output_resolution,
                    "neuron_resolution": self.neuron_resolution}

    async def _error(self, message: str) -> None:
        await self.ws.send_json({"type": "error", "message": message})

    async def _receive(self, scope: anyio.CancelScope) -> None:
        try:
            while True:
                message = await self.ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                if text is None:
                    await self._error("control messages are JSON text, not binary")
                    continue
                if len(text) > self.settings.max_ws_message_bytes:
                    await self.ws.close(CLOSE_TOO_BIG, "control message too large")
                    break
                try:
                    command = json.loads(text)
                    if not isinstance(command, dict):
                        raise ValueError("a control message is a JSON object with a 'type'")
                    await self._apply(command)
                except (ValueError, TypeError) as exc:
                    await self._error(str(exc))
                    continue
                self.session.touch()
        except (WebSocketDisconnect, RuntimeError, ConnectionError):
            return
        finally:
            scope.cancel()

    async def _apply(self, command: dict) -> None:
        kind, session = command.get("type"), self.session
        if kind == "play":
            session.playing = True
            self.trainers.ensure(session)
        elif kind == "pause":
            session.playing = False
        elif kind == "step":
            session.playing = False
            await run_sync(session.train, 1, limiter=self.trainers.limiter)
        elif kind == "reset":
            session.playing = False
            await run_sync(session.reset)
        elif kind == "set":
            changes = {k: v for k, v in command.items() if k != "type"}
            unknown = set(changes) - LIVE_FIELDS
            if unknown:
                raise SessionError(f"the stream can change {', '.join(sorted(LIVE_FIELDS))} live; "
                                   f"use PATCH /api/sessions/{{id}} for {', '.join(sorted(unknown))}")
            await run_sync(session.update, changes)
        elif kind == "fps":
            value = command.get("value")
            if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
                raise ValueError("fps value must be a positive number")
            self.fps = min(float(value), self.settings.max_fps)
        elif kind == "view":
            for name in ("output_resolution", "neuron_resolution"):
                if name in command:
                    value = command[name]
                    if not isinstance(value, int) or not 2 <= value <= self.settings.max_grid:
                        raise ValueError(f"{name} must be a whole number from 2 to {self.settings.max_grid}")
                    setattr(self, name, value)
            self.sent_version = -1  # new sizes: send a frame even if nothing trained
        else:
            raise ValueError(f"unknown control message type {kind!r}; "
                             "use play, pause, step, reset, set, fps or view")
        session.version += 1

    async def _send(self, scope: anyio.CancelScope) -> None:
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        try:
            while True:
                next_at = max(next_at + 1.0 / self.fps, loop.time())
                await asyncio.sleep(next_at - loop.time())
                if self.session.closed:
                    await self.ws.close(CLOSE_SESSION_ENDED, "the session was deleted or expired")
                    return
                version = self.session.version
                if version == self.sent_version:
                    continue
                frame = await self._next_frame()
                self.sent_version = version
                await self.ws.send_bytes(frame)
        except (WebSocketDisconnect, RuntimeError, ConnectionError):
            return  # the client went away mid-send: the receiver sees the disconnect too
        finally:
            scope.cancel()

    async def _next_frame(self) -> bytes:
        """The trainer's next frame while it plays (it comes after the slice now running), else our own."""
        if self.session.playing and self.session.status != "diverged":
            self.request = self.loop.create_future()
            try:
                return await asyncio.wait_for(asyncio.shield(self.request), TRAINER_FRAME_WAIT_SECONDS)
            except TimeoutError:
                pass  # the trainer stopped or is busy elsewhere: build it here
            finally:
                self.request = None
        return await run_sync(self._frame)

    def fill_request(self) -> None:
        """On the trainer's thread: if the sender is waiting, build its frame and hand it over."""
        request = self.request
        if request is None or request.done():
            return
        frame = self._frame()
        self.loop.call_soon_threadsafe(_fulfil, request, frame)

    def _frame(self) -> bytes:
        with self.encoder_lock:
            shot = snapshot.take(self.session, self.output_resolution, self.neuron_resolution)
            return self.encoder.encode(shot)


def _fulfil(request: asyncio.Future, frame: bytes) -> None:
    if not request.done():
        request.set_result(frame)
