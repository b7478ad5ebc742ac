"""A class's dashboard stream, in the web process: the roster and a small live frame of every student's network,
multiplexed on one WebSocket for the teacher (protocol: docs/protocol.md "The class stream").

Each student whose session is in memory gets a *passive* viewer on its host: the host sends a frame when the
session has changed since the last one, at the tile view (a small output heatmap), within this stream's byte
budget shared among the students; a passive viewer never makes a session train (a session trains while its
student plays it, not while the teacher looks). The pull model of the session stream holds: each tile is asked
for at the dashboard's rate, so a slow dashboard gets fewer, newer tiles and nothing queues. The roster
(nicknames, statuses, epochs) is sent when it changes and at least every ROSTER_REFRESH_SECONDS.
"""

import asyncio
import itertools
import json
import struct

import anyio
from fastapi import WebSocket, WebSocketDisconnect

from app.core.config import Settings
from app.core.frame_format import header_of
from app.schemas.status import SessionStatus, StudentStatus
from app.store.classes import ClassRow
from app.web.classroom import Classroom
from app.web.stream_relay import send_message

TILE_OUTPUT_RESOLUTION, TILE_NEURON_RESOLUTION = 16, 2
DEFAULT_TILE_FPS, MIN_TILE_FPS, MAX_TILE_FPS = 2.0, 0.2, 5.0
ROSTER_SECONDS = 0.5  # how often the roster is looked at (sent if it changed)
ROSTER_REFRESH_SECONDS = 5.0  # sent at least this often, changed or not
CLASS_STREAM_BYTES_PER_SECOND = 200_000.0  # every tile of one dashboard together
TILE_PREFIX = struct.Struct(">H")  # the student id's length; then the id (ASCII), then the frame
_viewer_ids = itertools.count(10**12)  # apart from the session streams' viewer ids


def tile_message(student_id: str, frame: bytes) -> bytes:
    """A binary tile: the student's id, then a standard frame of their session."""
    name = student_id.encode("ascii")
    return TILE_PREFIX.pack(len(name)) + name + frame


class ClassStream:
    """Serves one dashboard of one class until the teacher leaves."""

    def __init__(self, websocket: WebSocket, row: ClassRow, classroom: Classroom, settings: Settings):
        self.ws, self.class_id, self.classroom, self.settings = websocket, row.id, classroom, settings
        self.fps = DEFAULT_TILE_FPS
        self.watched: dict[str, tuple[int, object]] = {}  # session id -> (viewer id, its host)
        self.student_of: dict[str, str] = {}  # session id -> student id
        self.headers: dict[str, dict] = {}  # session id -> its latest tile's header (status, epoch)
        self.tiles: dict[str, bytes] = {}  # student id -> the newest tile not yet sent
        self._tile_ready = asyncio.Event()

    async def run(self) -> None:
        """Serve until the client leaves; unwatch every student's session at the end."""
        row = self.classroom.cached(self.class_id)
        await send_message(self.ws, {"type": "hello", "class": self.classroom.summary(row), "tile": {
            "output_resolution": TILE_OUTPUT_RESOLUTION, "neuron_resolution": TILE_NEURON_RESOLUTION,
            "fps": self.fps}})
        try:
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(self._receive, tasks.cancel_scope)
                tasks.start_soon(self._roster, tasks.cancel_scope)
                tasks.start_soon(self._ask_for_tiles, tasks.cancel_scope)
                tasks.start_soon(self._send_tiles, tasks.cancel_scope)
        except (WebSocketDisconnect, ConnectionError, RuntimeError):
            pass
        finally:
            for session_id in list(self.watched):
                self._unwatch(session_id)

    # ----- the roster -------------------------------------------------------------------------------
    async def _roster(self, scope) -> None:
        last, last_sent = None, 0.0
        loop = asyncio.get_running_loop()
        try:
            while True:
                roster = await self._read_roster()
                if roster is None:  # the class was deleted
                    await send_message(self.ws, {"type": "ended"})
                    await self.ws.close(1000)
                    break
                if roster != last or loop.time() - last_sent >= ROSTER_REFRESH_SECONDS:
                    await send_message(self.ws, roster)
                    last, last_sent = roster, loop.time()
                await asyncio.sleep(ROSTER_SECONDS)
        except (WebSocketDisconnect, ConnectionError, RuntimeError):
            pass
        finally:
            scope.cancel()

    async def _read_roster(self) -> dict | None:
        row = self.classroom.cached(self.class_id)
        if row is None:
            return None
        students = await self.classroom.roster(row)
        watched = await self.classroom.sessions.live([student["session_id"] for student in students])
        records = self.classroom.sessions.records
        entries, counts = [], {status: 0 for status in StudentStatus}
        live = set()
        for student in students:
            self.student_of[student["session_id"]] = student["id"]
            record = records.get(student["session_id"])
            header = self.headers.get(student["session_id"])
            if record is None:
                status = StudentStatus.offline
            elif header is not None and header.get("status") == SessionStatus.diverged:
                status = StudentStatus.diverged
            elif header is not None and header.get("status") == SessionStatus.playing and watched.get(record.id):
                status = StudentStatus.playing  # plays, and their page is open: it trains
            else:
                status = StudentStatus.paused
            if record is not None:
                live.add(student["session_id"])
            epoch = header["epoch"] if header is not None and record is not None else student["epoch"]
            counts[status] += 1
            entries.append({**student, "status": status, "epoch": epoch})
        for session_id in set(self.watched) - live:  # left memory (or the class): no more tiles
            self._unwatch(session_id)
        for session_id in live - set(self.watched):
            self._watch(session_id)
        return {"type": "roster", "class": self.classroom.summary(row), "students": entries, "counts": counts}

    # ----- tiles --------------------------------------------------------------------------------------
    def _watch(self, session_id: str) -> None:
        record = self.classroom.sessions.records.get(session_id)
        if record is None or record.host is None:
            return
        viewer_id = next(_viewer_ids)
        budget = CLASS_STREAM_BYTES_PER_SECOND / max(1, len(self.student_of))
        try:
            record.host.watch(viewer_id, session_id, lambda frame: self._on_tile(session_id, frame),
                              lambda: self._on_closed(session_id), passive=True, bytes_per_second=budget)
        except RuntimeError:
            return  # its host has stopped
        self.watched[session_id] = (viewer_id, record.host)

    def _unwatch(self, session_id: str) -> None:
        viewer_id, host = self.watched.pop(session_id, (None, None))
        if viewer_id is not None:
            try:
                host.unwatch(viewer_id)
            except RuntimeError:
                pass

    def _on_tile(self, session_id: str, frame: bytes) -> None:
        student_id = self.student_of.get(session_id)
        if student_id is None:
            return
        try:
            self.headers[session_id] = header_of(frame)  # its status and epoch, for the roster
        except ValueError:
            pass
        self.tiles[student_id] = tile_message(student_id, frame)  # only the newest waits
        self._tile_ready.set()

    def _on_closed(self, session_id: str) -> None:
        self.watched.pop(session_id, None)  # deleted or out of memory: watched again when it is back

    async def _ask_for_tiles(self, scope) -> None:
        """Ask every watched session for its next tile, at the dashboard's rate (sent only if it changed)."""
        try:
            while True:
                for session_id, (viewer_id, host) in list(self.watched.items()):
                    try:
                        host.want(viewer_id, TILE_OUTPUT_RESOLUTION, TILE_NEURON_RESOLUTION)
                    except RuntimeError:
                        self.watched.pop(session_id, None)
                await asyncio.sleep(1.0 / self.fps)
        finally:
            scope.cancel()

    async def _send_tiles(self, scope) -> None:
        try:
            while True:
                await self._tile_ready.wait()
                self._tile_ready.clear()
                tiles, self.tiles = self.tiles, {}
                for tile in tiles.values():
                    await self.ws.send_bytes(tile)
        except (WebSocketDisconnect, ConnectionError, RuntimeError):
            pass
        finally:
            scope.cancel()

    async def _receive(self, scope) -> None:
        try:
            while True:
                message = await self.ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                if text is None or len(text) > self.settings.max_ws_message_bytes:
                    continue
                try:
                    command = json.loads(text)
                except ValueError:
                    continue
                value = command.get("value") if isinstance(command, dict) else None
                if command.get("type") == "fps" and isinstance(value, int | float) and not isinstance(value, bool) \
                        and MIN_TILE_FPS <= value <= MAX_TILE_FPS:
                    self.fps = float(value)
                else:
                    await send_message(self.ws, {"type": "error", "code": "stream.class_control", "params": {},
                                                 "message": f"the class stream takes only fps ({MIN_TILE_FPS:g} to "
                                                            f"{MAX_TILE_FPS:g} tiles per second per student)"})
        except (WebSocketDisconnect, ConnectionError, RuntimeError):
            pass
        finally:
            scope.cancel()
