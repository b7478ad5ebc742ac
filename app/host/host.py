"""A session host: owns sessions, runs their operations, trains the playing ones and builds their frames.

A host talks to the web process over one duplex connection (a multiprocessing Pipe end) with small
pickled tuples. It runs in a worker *process* (one per core, so that training and frame building use
every core despite the GIL) or, for tests and tiny setups, in a thread of the web process: the same
code either way.

Messages in:  ("create", request_id, session_id, token, owner, config_dict)
              ("call", request_id, session_id, op, args)       op: an Op name (app/core/host_api.py)
              ("delete", session_id)
              ("watch", viewer_id, session_id) / ("unwatch", viewer_id)
              ("want", viewer_id, output_resolution, neuron_resolution)  # the viewer is ready for a frame
              ("stop",)
Messages out: ("result", request_id, ok, value)   value: the op's result, or (error class, code, params)
              ("frame", viewer_id, bytes)          # at most one per "want": slow viewers never queue
              ("closed", viewer_id)                # the session was deleted
"""

import logging
import os
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from app.core.config import Settings
from app.core.errors import AppError
from app.host import snapshot
from app.host.frames import FrameEncoder, Snapshot
from app.host.ops import OPS
from app.host.session import Session
from app.schemas.session import SessionConfig
from app.schemas.status import SessionStatus

log = logging.getLogger("nnplay.host")
MIN_SLICE_SECONDS = 0.0002  # shorter than any epoch: a slice is then exactly one epoch
OP_THREADS = 4
BUSY_WAIT_SECONDS = 0.001


@dataclass
class Viewer:
    """One stream watching one session: its encoder state and whether it waits for a frame."""

    session_id: str
    encoder: FrameEncoder
    output_resolution: int = 64
    neuron_resolution: int = 20
    waiting: bool = False
    sent_version: int = -1
    lock: threading.Lock = field(default_factory=threading.Lock)


class Shots:
    """One session's snapshots of its latest version, one per view (output, neuron resolution), shared by
    its viewers: the expensive part of a frame is built once per session, version and view.

    Holds at most ``most`` views (least recently used dropped first); a newer version replaces them all.
    """

    def __init__(self, most: int):
        self.most = most
        self.version = -1
        self.by_view: dict[tuple[int, int], Snapshot] = {}  # insertion order = least recently used first
        self.lock = threading.Lock()  # one take at a time per session: viewers at the same view wait for it

    def get(self, session: Session, output_resolution: int, neuron_resolution: int) -> Snapshot:
        view = (output_resolution, neuron_resolution)
        with self.lock:
            shot = self.by_view.pop(view, None) if session.version == self.version else None
            if shot is None:
                shot = snapshot.take(session, output_resolution, neuron_resolution)  # under the session's lock
                version = shot.header["version"]
                if version != self.version:
                    self.version, self.by_view = version, {}
            self.by_view[view] = shot
            while len(self.by_view) > self.most:
                del self.by_view[next(iter(self.by_view))]
            return shot


class SessionHost:
    """Serves one connection until it closes or says stop."""

    def __init__(self, settings: Settings, connection):
        self.settings = settings
        self.connection = connection
        self.sessions: dict[str, Session] = {}
        self.viewers: dict[int, Viewer] = {}
        self.shots: dict[str, Shots] = {}  # by session id: the snapshots its viewers share
        self._shots_lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._changed = threading.Condition()  # wakes the trainer when a session starts playing
        # Operations run here, off the reader thread; several, so a long one never holds up the others.
        self._pool = ThreadPoolExecutor(max_workers=OP_THREADS, thread_name_prefix="nnplay-op")
        self._stopping = False
        self._turn = 0

    # ----- the message loop ----------------------------------------------------------------------
    def serve(self) -> None:
        """Read and dispatch messages until the connection closes."""
        trainer = threading.Thread(target=self._train_forever, name="nnplay-trainer", daemon=True)
        trainer.start()
        try:
            while True:
                try:
                    message = self.connection.recv()
                except (EOFError, OSError):
                    break
                if message[0] == "stop":
                    break
                self._dispatch(message)
        finally:
            self._stopping = True
            with self._changed:
                self._changed.notify_all()
            self._pool.shutdown(wait=False, cancel_futures=True)
            self.connection.close()  # the web process's reader sees the end

    def _dispatch(self, message: tuple) -> None:
        kind = message[0]
        if kind == "call":
            self._pool.submit(self._call, *message[1:])
        elif kind == "create":
            self._pool.submit(self._create, *message[1:])
        elif kind == "delete":
            self._delete(message[1])
        elif kind == "watch":
            _, viewer_id, session_id = message
            self.viewers[viewer_id] = Viewer(session_id, FrameEncoder(self.settings.stream_bytes_per_second))
            with self._changed:  # a playing session may have just got its first viewer back
                self._changed.notify_all()
        elif kind == "unwatch":
            viewer = self.viewers.pop(message[1], None)
            if viewer is not None and not any(v.session_id == viewer.session_id for v in list(self.viewers.values())):
                self._drop_shots(viewer.session_id)  # nobody left to share them
        elif kind == "want":
            _, viewer_id, output_resolution, neuron_resolution = message
            viewer = self.viewers.get(viewer_id)
            if viewer is not None:
                if (viewer.output_resolution, viewer.neuron_resolution) != (output_resolution, neuron_resolution):
                    viewer.output_resolution, viewer.neuron_resolution = output_resolution, neuron_resolution
                    viewer.sent_version = -1  # a new view: send even if nothing trained
                viewer.waiting = True
                session = self.sessions.get(viewer.session_id)
                if session is not None and session.version != viewer.sent_version:
                    self._pool.submit(self._serve_viewers, session)

    def _send(self, message: tuple) -> None:
        with self._send_lock:
            try:
                self.connection.send(message)
            except (OSError, EOFError):
                pass  # the web process is gone; serve() ends on the next read

    # ----- operations ----------------------------------------------------------------------------
    def _create(self, request_id: int, session_id: str, token: str, owner: str, config: dict) -> None:
        try:
            session = Session(session_id, token, owner, SessionConfig.model_validate(config), self.settings)
            self.sessions[session_id] = session
            self._send(("result", request_id, True, session.describe()))
        except Exception as exc:  # never leave the caller waiting
            self._send(("result", request_id, False, _reported(exc, "creating a session")))

    def _call(self, request_id: int, session_id: str, op: str, args: tuple) -> None:
        session = self.sessions.get(session_id)
        if session is None:
            self._send(("result", request_id, False, ("SessionNotFound", "session.not_found",
                                                      {"session_id": session_id})))
            return
        try:
            value = OPS[op](session, *args)
            reply = ("result", request_id, True, value)
        except Exception as exc:
            reply = ("result", request_id, False, _reported(exc, f"operation {op}"))
        self._send(reply)
        if session.status == SessionStatus.playing:
            with self._changed:
                self._changed.notify_all()
        self._serve_viewers(session)

    def _delete(self, session_id: str) -> None:
        session = self.sessions.pop(session_id, None)
        if session is not None:
            session.close()
        self._drop_shots(session_id)
        for viewer_id, viewer in list(self.viewers.items()):
            if viewer.session_id == session_id:
                self.viewers.pop(viewer_id, None)
                self._send(("closed", viewer_id))

    # ----- frames --------------------------------------------------------------------------------
    def _shots_of(self, session: Session) -> Shots:
        """The session's shared snapshots; a deleted session's are not kept (a fresh, unlisted set)."""
        with self._shots_lock:
            if self.sessions.get(session.id) is not session:
                return Shots(1)
            shots = self.shots.get(session.id)
            if shots is None:
                shots = self.shots[session.id] = Shots(self.settings.max_viewers_per_session)
            return shots

    def _drop_shots(self, session_id: str) -> None:
        with self._shots_lock:
            self.shots.pop(session_id, None)

    def _serve_viewers(self, session: Session) -> None:
        """Send a frame to each viewer of ``session`` that waits for one and has not seen this version."""
        for viewer_id, viewer in list(self.viewers.items()):
            if viewer.session_id != session.id or not viewer.waiting:
                continue
            with viewer.lock:
                version = session.version
                if not viewer.waiting or version == viewer.sent_version:
                    continue
                shot = self._shots_of(session).get(session, viewer.output_resolution, viewer.neuron_resolution)
                frame = viewer.encoder.encode(shot)  # this viewer's own deltas and byte budget
                viewer.waiting, viewer.sent_version = False, shot.header["version"]
            self._send(("frame", viewer_id, frame))

    # ----- training ------------------------------------------------------------------------------
    def _playing(self) -> list[Session]:
        watched = {viewer.session_id for viewer in list(self.viewers.values())}
        return [s for s in list(self.sessions.values())
                if s.status == SessionStatus.playing and s.id in watched]

    def _train_forever(self) -> None:
        """Round-robin over the playing, watched sessions: one short slice each, then their frames.

        The slice shrinks as more sessions play, so that each of them still changes at about the
        default frame rate; with many sessions a slice is a single epoch.
        """
        while not self._stopping:
            with self._changed:
                playing = self._playing()
                while not playing and not self._stopping:
                    self._changed.wait(timeout=1.0)
                    playing = self._playing()
            if self._stopping:
                return
            self._turn = (self._turn + 1) % len(playing)
            session = playing[self._turn]
            turn = 1.0 / (len(playing) * self.settings.default_fps)
            seconds = max(MIN_SLICE_SECONDS, min(self.settings.train_chunk_seconds, turn))
            try:
                if not session.play_slice(seconds):
                    time.sleep(BUSY_WAIT_SECONDS)  # a REST call holds this session: the next one's turn
                    continue
            except Exception:  # the session paused itself
                log.error("training session %s failed:\n%s", session.id, traceback.format_exc())
            self._serve_viewers(session)


def _reported(exc: Exception, doing: str) -> tuple[str, str, dict]:
    """An error as it crosses to the web process: (class name, code, params); a bug is logged here."""
    if isinstance(exc, AppError):
        return type(exc).__name__, exc.code, exc.params
    log.error("%s failed:\n%s", doing, traceback.format_exc())
    return "internal", "internal", {"reason": f"{type(exc).__name__}: {exc}"}


def run_host(settings: dict, connection) -> None:
    """Entry point of a host process."""
    import sys

    sys.setswitchinterval(settings.get("gil_switch_seconds", 0.005))
    # Training soaks up every idle cycle; the web process, which answers requests and sends frames,
    # must not wait behind it.
    os.nice(settings.get("host_niceness", 0))
    SessionHost(Settings(**settings), connection).serve()
