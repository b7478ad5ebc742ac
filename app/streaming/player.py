"""One WebSocket stream of a session: control messages in, frames out, training in the background.

Three tasks run per stream: ``_receive`` applies control messages, ``_send`` takes a snapshot of the
newest state at the client's frame rate (a slow client simply gets fewer, newer frames: nothing
queues), and the session's trainer (one per session, shared by all its viewers) trains in short
time-boxed chunks on a worker thread, so the event loop never waits for NumPy.
"""

import asyncio
import json
import math

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


class Trainers:
    """At most one background training task per session, running while it plays and is watched."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.limiter = anyio.CapacityLimiter(settings.training_threads)
        self._tasks: dict[str, asyncio.Task] = {}

    def ensure(self, session: Session) -> None:
        """Start the session's trainer if it should run and is not running."""
        task = self._tasks.get(session.id)
        if session.playing and (task is None or task.done()):
            self._tasks[session.id] = asyncio.create_task(self._train(session))

    async def _train(self, session: Session) -> None:
        chunk = self.settings.train_chunk_seconds
        while session.playing and session.viewers > 0 and not session.closed:
            await run_sync(session.train, 1_000_000, chunk, limiter=self.limiter)
            await asyncio.sleep(0)  # let the event loop breathe between chunks

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
        self.sent_version = -1

    async def run(self) -> None:
        """Serve until the client leaves or the session ends; never leaves a task behind."""
        session = self.session
        session.viewers += 1
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
                frame = await run_sync(self._frame)
                self.sent_version = version
                await self.ws.send_bytes(frame)
        except (WebSocketDisconnect, RuntimeError, ConnectionError):
            return  # the client went away mid-send: the receiver sees the disconnect too
        finally:
            scope.cancel()

    def _frame(self) -> bytes:
        shot = snapshot.take(self.session, self.output_resolution, self.neuron_resolution)
        return self.encoder.encode(shot)
