"""A session host: owns sessions, runs their operations, trains the playing ones and builds their frames.

A host talks to the web process over one duplex connection (a multiprocessing Pipe end) with small
pickled tuples. It runs in a worker *process* (one per core, so that training and frame building use
every core despite the GIL) or, for tests and tiny setups, in a thread of the web process: the same
code either way.

Messages in:  ("create", request_id, session_id, principal, config_dict, token_hash, owner, class_id)
              ("restore", request_id, session_id)               # from its checkpoint in the store
              ("call", request_id, session_id, op, args)       op: an Op name (app/core/host_api.py)
              ("delete", session_id)                           # and its stored data
              ("unload", request_id, session_id)               # checkpoint written, then out of memory (idle)
              ("writer_status", request_id)                    # the checkpoint writer's state (for /api/health)
              ("watch", viewer_id, session_id, passive) / ("unwatch", viewer_id)   # passive: a teacher
                                                               # looking on (it does not make the session train)
              ("want", viewer_id, output_resolution, neuron_resolution)  # the viewer is ready for a frame
              ("stop",)
Messages out: ("result", request_id, ok, value)   value: the op's result, or (error class, code, params)
              ("frame", viewer_id, bytes)          # at most one per "want": slow viewers never queue
              ("closed", viewer_id)                # the session was deleted

Who gets the CPU: light operations (a few milliseconds at most) run at once on a small pool. Everything heavy
runs in fair turns of the host's FairShare (app/host/fair_share.py), keyed by each session's principal: heavy
operations (app/core/host_api.py HEAVY_OPS) each on a thread of their own, within the per-call time limit;
experiments on theirs; and the *trainer*, one thread that gives the due sessions (playing and watched, or with
a viewer waiting for a frame of a newer version) a training slice and their frames, always taking the due
session whose principal has used the least. Deleting a session cancels all of its work at once.

Checkpoints (app/host/stored_session.py, written by the store's CheckpointWriter thread, never in a slice or
the message loop): on creation, after every call that changed a session (config, weights, import, reset, pause,
training), every ``checkpoint_seconds`` while it plays, before it leaves memory, and for every session when the
host stops (training paused first).
"""

import logging
import os
import threading
import time
import traceback
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy.exc import SQLAlchemyError

from app.core.config import Settings
from app.core.errors import AppError, HostUnavailable, LimitReached, SessionNotFound, TimeLimit
from app.core.host_api import HEAVY_OPS, Op
from app.host import fair_share, snapshot, stored_session
from app.host.fair_pool import FairPool
from app.host.fair_share import Cancelled, FairShare, PastDeadline, Work
from app.host.frames import FrameEncoder
from app.host.ops import OPS
from app.host.session import Session
from app.host.shots import Shots
from app.host.trainer import Trainer
from app.schemas.session import SessionConfig
from app.store import database
from app.store.sessions import SessionStore
from app.store.writer import CheckpointWriter

log = logging.getLogger("nnplay.host")
LIGHT_THREADS = 4
HEAVY_THREADS = 32  # heavy calls waiting for or holding a turn; the web side caps them per principal too
UNLOAD_THREADS = 2
DELETED_REMEMBERED = 10_000  # ids of deleted sessions a host refuses to create or restore again
STOP_LOCK_SECONDS = 1.0  # a stopping host waits this long for each session's lock (REST work holds it 20 ms)
UNLOAD_WRITE_SECONDS = 10.0  # an idle session leaving memory waits this long at most for its checkpoint
FINAL_WRITE_SECONDS = 3.0  # a stopping host's last checkpoints must be written within this (STOP_TIMEOUT is 5 s)


@dataclass
class Viewer:
    """One stream watching one session: its encoder state and whether it waits for a frame."""

    session_id: str
    encoder: FrameEncoder
    output_resolution: int = 64
    neuron_resolution: int = 20
    waiting: bool = False
    sent_version: int = -1
    passive: bool = False  # a teacher looking on: frames when it changes, but it does not make the session train
    lock: threading.Lock = field(default_factory=threading.Lock)


class SessionHost:
    """Serves one connection until it closes or says stop."""

    def __init__(self, settings: Settings, connection, share: FairShare | None = None,
                 store: SessionStore | None = None):
        self.settings = settings
        if store is None:  # its own connection; the schema as the web process left it (upgraded if need be)
            store = SessionStore(database.connect(settings), time.time)
            try:
                database.upgrade(store.engine)
            except SQLAlchemyError as exc:  # the store is down: train in memory, the writer retries (no crash loop)
                log.error("the store cannot be reached as this host starts: %s", exc)
        self.store = store
        self.writer = CheckpointWriter(self.store)
        self._deleted: OrderedDict[str, None] = OrderedDict()  # ids deleted here: never created or restored again
        # Unloads wait for their checkpoint to be written: on threads of their own, never the light calls'.
        self._unloads = ThreadPoolExecutor(UNLOAD_THREADS, thread_name_prefix="nnplay-unload")
        self._saved_at: dict[str, float] = {}  # session id -> when its last checkpoint was taken (monotonic)
        self.connection = connection
        self.sessions: dict[str, Session] = {}
        self.viewers: dict[int, Viewer] = {}
        self.shots: dict[str, Shots] = {}  # by session id: the snapshots its viewers share
        self.share = share or FairShare()  # this host's CPU, in fair turns
        self._shots_lock = threading.Lock()
        self._jobs_lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._changed = threading.Condition()  # wakes the trainer when some session may have become due
        # Calls wait per principal, served in turn (app/host/fair_pool.py): light ones run at once, heavy ones
        # then wait for a turn of the CPU, so they have threads of their own.
        self._light = FairPool(LIGHT_THREADS, "nnplay-op")
        self._heavy = FairPool(HEAVY_THREADS, "nnplay-heavy")
        self._stopping = False
        self.trainer = Trainer(self)  # training slices and frames, in fair turns (app/host/trainer.py)

    # ----- the message loop ----------------------------------------------------------------------
    def serve(self) -> None:
        """Read and dispatch messages until the connection closes."""
        trainer = threading.Thread(target=self.trainer.run_forever, name="nnplay-trainer", daemon=True)
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
            self._checkpoint_all()
            self._stopping = True
            with self._send_lock:
                self.connection.close()  # the web process's reader sees the end: its waiting calls fail as lost
            for session in list(self.sessions.values()):
                session.close()  # cancels their work (which can no longer answer)
            self.share.wake()  # work waiting for a turn (the trainer's too) sees that it is no longer wanted
            self._poke()
            self._light.shutdown()
            self._heavy.shutdown()
            self._unloads.shutdown(wait=False)

    def _dispatch(self, message: tuple) -> None:
        kind = message[0]
        if kind == "call":
            _, request_id, session_id, op, args = message
            session = self.sessions.get(session_id)
            principal = session.principal if session is not None else session_id
            pool = self._heavy if op in HEAVY_OPS else self._light
            pool.submit(principal, self._call, request_id, session_id, op, args, self.share.clock())
        elif kind == "create":
            self._light.submit(message[3], self._create, *message[1:])
        elif kind == "restore":
            self._light.submit(message[2], self._restore, *message[1:])
        elif kind == "delete":
            self._deleted[message[1]] = None
            while len(self._deleted) > DELETED_REMEMBERED:
                self._deleted.popitem(last=False)
            self._delete(message[1])
            self.writer.delete(message[1])
        elif kind == "writer_status":
            self._send(("result", message[1], True, self.writer.status()))
        elif kind == "unload":
            self._unloads.submit(self._unload, *message[1:])
        elif kind == "watch":
            _, viewer_id, session_id, passive, bytes_per_second = message
            self.viewers[viewer_id] = Viewer(session_id, FrameEncoder(bytes_per_second or
                                                                      self.settings.stream_bytes_per_second),
                                             passive=passive)
            self._poke()  # a playing session may have just got its first viewer back
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
                self._poke()

    def _send(self, message: tuple) -> None:
        with self._send_lock:
            try:
                self.connection.send(message)
            except (OSError, EOFError):
                pass  # the web process is gone; serve() ends on the next read

    def _poke(self) -> None:
        """Some session may have become due (or stopped being so): let the trainer look again."""
        with self._changed:
            self._changed.notify_all()
        self.share.nudge()

    # ----- operations ----------------------------------------------------------------------------
    def _create(self, request_id: int, session_id: str, principal: str, config: dict, token_hash: str,
                owner: str, class_id: str | None = None) -> None:
        try:
            if session_id in self._deleted:  # the web side gave up on it and deleted it before it was built
                raise SessionNotFound(session_id=session_id)
            session = Session(session_id, principal, SessionConfig.model_validate(config), self.settings, self.share)
            self.writer.create(stored_session.capture(session), token_hash, owner, class_id)
            self._saved_at[session_id] = time.monotonic()
            self.sessions[session_id] = session
            self._send(("result", request_id, True, session.describe()))
        except Exception as exc:  # never leave the caller waiting
            self._send(("result", request_id, False, _reported(exc, "creating a session")))

    def _restore(self, request_id: int, session_id: str) -> None:
        """Bring a stored session back into memory from its checkpoint (read here, on a pool thread)."""
        try:
            session = self.sessions.get(session_id)
            if session is None:
                if session_id in self._deleted:
                    raise SessionNotFound(session_id=session_id)
                try:
                    stored = self.store.load(session_id)
                    if stored is not None:
                        self.store.touch(session_id)  # retention counts from the last use
                except SQLAlchemyError as exc:
                    raise HostUnavailable("store.unavailable", reason=type(exc).__name__) from None
                if stored is None:
                    raise SessionNotFound(session_id=session_id)
                session = stored_session.revive(stored, self.settings, self.share)
                self._saved_at[session_id] = time.monotonic()
                if session_id in self._deleted:  # deleted while it was read
                    raise SessionNotFound(session_id=session_id)
                self.sessions.setdefault(session_id, session)
            self._send(("result", request_id, True, self.sessions[session_id].describe()))
        except Exception as exc:
            self._send(("result", request_id, False, _reported(exc, "restoring a session")))

    def _unload(self, request_id: int, session_id: str) -> None:
        """Out of memory once its checkpoint is written, so that any host can bring it back as it was. If it
        cannot be written in time (the store is failing), it stays here, where it is still safe: answers False."""
        session = self.sessions.get(session_id)
        written = True
        if session is not None:
            self._checkpoint(session, force=True)
            written = self.writer.flush_one(session_id, UNLOAD_WRITE_SECONDS)
            if written:
                self._delete(session_id)
        self._send(("result", request_id, True, written))

    # ----- checkpoints ----------------------------------------------------------------------------
    def _checkpoint(self, session: Session, force: bool = False) -> None:
        """Hand the session's checkpoint to the writer: if ``force``, or if it plays and its last one is
        ``checkpoint_seconds`` old."""
        now = time.monotonic()
        if session.closed or not (force or now - self._saved_at.get(session.id, 0) >= self.settings.checkpoint_seconds):
            return
        self._saved_at[session.id] = now
        try:
            self.writer.save(stored_session.capture(session))
        except Exception:
            log.exception("taking a checkpoint of session %s failed", session.id)

    def _checkpoint_all(self) -> None:
        """The host stops: pause every session, checkpoint it, and write everything (within a bound). A session
        whose lock stays held (a call in the middle of a step) is checkpointed as it is, unpaused."""
        for session in list(self.sessions.values()):
            if session.closed:
                continue
            if session.lock.acquire(timeout=STOP_LOCK_SECONDS):
                try:
                    session.pause()
                finally:
                    session.lock.release()
            try:
                self.writer.save(stored_session.capture(session, lock_seconds=STOP_LOCK_SECONDS))
            except TimeoutError:
                log.error("session %s stayed busy as the host stopped: its last checkpoint is an older one", session.id)
        if not self.writer.close(FINAL_WRITE_SECONDS):
            log.error("the last checkpoints were not all written before the host stopped: %s", self.writer.status())

    def _call(self, request_id: int, session_id: str, op: str, args: tuple, arrived: float) -> None:
        session = self.sessions.get(session_id)
        before = None if session is None else session.version
        try:
            if session is None:
                raise SessionNotFound(session_id=session_id)
            if op == Op.experiment_start:
                with self._jobs_lock:  # the count and the start together, or two calls could pass the cap
                    self._admit_job()
                    value = OPS[op](session, *args)
            elif op in HEAVY_OPS:  # its deadline counts from its arrival: waiting for a turn uses it up too
                work = Work(session.principal, arrived + self.settings.max_seconds_per_call, lambda: session.closed,
                            session.holds_lock)
                with self.share.turn(work):
                    value = OPS[op](session, *args)
            else:
                value = OPS[op](session, *args)
            reply = ("result", request_id, True, value)
        except Cancelled:  # deleted while the call waited or ran
            reply = ("result", request_id, False, _reported(SessionNotFound(session_id=session_id), op))
        except PastDeadline:
            reply = ("result", request_id, False,
                     _reported(TimeLimit(seconds=self.settings.max_seconds_per_call), op))
        except Exception as exc:
            reply = ("result", request_id, False, _reported(exc, f"operation {op}"))
        if session is not None and session.version != before:
            self._checkpoint(session, force=True)  # a change the user made (or training they asked for), before
            # the answer: what a client was told happened is queued for the store (written moments later)
        self._send(reply)
        if session is not None and session.version != before:
            self._poke()  # its viewers are due a frame, or it started playing

    def _admit_job(self) -> None:
        running = sum(1 for session in list(self.sessions.values()) if session.job_running)
        if running >= self.settings.max_jobs:
            raise LimitReached("limit.jobs", most=self.settings.max_jobs)

    def _delete(self, session_id: str) -> None:
        self._saved_at.pop(session_id, None)
        session = self.sessions.pop(session_id, None)
        if session is not None:
            session.close()  # its calls, slices and jobs stop at their next checkpoint, or at once if waiting
            self.trainer.stacks.forget(session)
        self._drop_shots(session_id)
        for viewer_id, viewer in list(self.viewers.items()):
            if viewer.session_id == session_id:
                self.viewers.pop(viewer_id, None)
                self._send(("closed", viewer_id))
        self.share.wake()  # its work waiting for a turn stops waiting
        self._poke()

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
        """Send a frame to each viewer of ``session`` that waits for one and has not seen this version (the
        caller holds the session's turn). When a principal that has used less waits, the turn ends after the
        frame under way: the trainer never waits in the middle of its turn, where it would hold up every
        other session's frames."""
        for viewer_id, viewer in list(self.viewers.items()):
            if viewer.session_id != session.id or not viewer.waiting:
                continue
            with viewer.lock:
                version = session.version
                if not viewer.waiting or version == viewer.sent_version:
                    continue
                viewer.waiting = False  # a frame that fails is not tried again until the viewer asks again
                view = snapshot.fitted_view(session, viewer.output_resolution, viewer.neuron_resolution,
                                            self.settings.max_frame_values)
                shot = self._shots_of(session).get(session, *view)
                frame = viewer.encoder.encode(shot)  # this viewer's own deltas and byte budget
                viewer.sent_version = shot.header["version"]
            self._send(("frame", viewer_id, frame))
            more = any(v.waiting and v.session_id == session.id for v in list(self.viewers.values()))
            work = fair_share.current()
            if more and work is not None and self.share.should_give_way(work):
                return  # the rest of its viewers wait for the session's next turn


def _reported(exc: Exception, doing: str) -> tuple[str, str, dict]:
    """An error as it crosses to the web process: (class name, code, params); a bug is logged here."""
    if isinstance(exc, AppError):
        return type(exc).__name__, exc.code, exc.params
    log.error("%s failed:\n%s", doing, traceback.format_exc())
    return "internal", "internal", {"reason": f"{type(exc).__name__}: {exc}"}


def run_host(settings: dict, connection) -> None:
    """Entry point of a host process. ``kill -USR1 <pid>`` prints every thread's stack to its stderr (the
    server's), to see what a busy or stuck host is doing."""
    import faulthandler
    import signal
    import sys

    faulthandler.register(signal.SIGUSR1, all_threads=True)
    sys.setswitchinterval(settings.get("gil_switch_seconds", 0.005))
    SessionHost(Settings(**settings), connection).serve()
    os._exit(0)  # the web process is gone or asked us to stop: end now, whatever work is still under way
