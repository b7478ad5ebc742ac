"""The checkpoint writer: a thread of each session host that writes checkpoints to the store, so that neither a
training slice nor the host's message loop ever waits for the database.

Per session only the newest checkpoint waits to be written (a newer one replaces one not yet written), so many
sessions checkpointing at once cost one write each, however slow the database. When a write fails (database
unreachable, disk full) it is kept and tried again with a growing pause (BACKOFF_SECONDS), unless a newer one
replaces it: nothing is dropped silently, the error is logged, and ``status()`` says how long writes have failed
(the host reports it; /api/health shows it). A delete overtakes a waiting checkpoint of the same session, and
no checkpoint of a deleted session is written after its delete.
"""

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from app.store.sessions import Checkpoint, SessionStore

log = logging.getLogger("nnplay.store")
BACKOFF_SECONDS = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
DELETED_REMEMBERED = 10_000  # ids whose late checkpoints are ignored


@dataclass(frozen=True)
class _Job:
    kind: str  # "create", "save" or "delete"
    checkpoint: Checkpoint | None = None
    token_hash: str = ""
    owner: str = ""
    class_id: str | None = None


class CheckpointWriter:
    """Writes a host's checkpoints in a thread of its own, newest per session, retrying failures."""

    def __init__(self, store: SessionStore, clock=time.monotonic):
        self.store = store
        self.clock = clock
        self._pending: OrderedDict[str, _Job] = OrderedDict()
        self._deleted: OrderedDict[str, None] = OrderedDict()
        self._changed = threading.Condition()
        self._writing: str | None = None  # the id whose job is being written
        self._writing_job: _Job | None = None
        self._closed = False
        self.written = 0
        self.failing_since: float | None = None  # when the current run of failures began (the writer's clock)
        self.last_error = ""
        self._thread = threading.Thread(target=self._write_forever, name="nnplay-checkpoints", daemon=True)
        self._thread.start()

    # ----- what the host asks for -------------------------------------------------------------------
    def create(self, checkpoint: Checkpoint, token_hash: str, owner: str, class_id: str | None = None) -> None:
        """Store a new session (with its owner, token's hash and class) and its first checkpoint."""
        self._put(checkpoint.id, _Job("create", checkpoint, token_hash, owner, class_id))

    def save(self, checkpoint: Checkpoint) -> None:
        """Store a newer checkpoint of a stored session."""
        with self._changed:
            if checkpoint.id in self._deleted:
                return
            self._enqueue(checkpoint.id, _Job("save", checkpoint))

    def delete(self, session_id: str) -> None:
        """Remove a session's data; later checkpoints of it are ignored."""
        with self._changed:
            self._deleted[session_id] = None
            while len(self._deleted) > DELETED_REMEMBERED:
                self._deleted.popitem(last=False)
            self._enqueue(session_id, _Job("delete"))

    def _put(self, session_id: str, job: _Job) -> None:
        with self._changed:
            if session_id not in self._deleted:
                self._enqueue(session_id, job)

    def _enqueue(self, session_id: str, job: _Job) -> None:
        """Put ``job`` after the others, in place of the session's waiting one (a save keeps an unwritten create,
        with the newer state)."""
        waiting = self._pending.pop(session_id, None)
        if waiting is None and self._writing == session_id:
            waiting = self._writing_job  # being written now: if that fails, this one must still create the row
        self._pending[session_id] = _merged(waiting, job)  # oldest first
        self._changed.notify_all()

    def flush(self, timeout: float) -> bool:
        """Wait until everything asked for so far is written; False if that took longer than ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._pending or self._writing is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True

    def flush_one(self, session_id: str, timeout: float) -> bool:
        """Wait until what was asked for ``session_id`` is written; False if that took longer than ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while session_id in self._pending or self._writing == session_id:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True

    def close(self, timeout: float) -> bool:
        """Write what waits (within ``timeout``), then stop; whether everything was written."""
        done = self.flush(timeout)
        with self._changed:
            self._closed = True
            self._changed.notify_all()
        return done

    def status(self) -> dict:
        """Checkpoints waiting, written, and the current failure if writes fail."""
        with self._changed:
            waiting = len(self._pending) + (self._writing is not None)
        failing = None if self.failing_since is None else self.clock() - self.failing_since
        return {"waiting": waiting, "written": self.written, "failing_seconds": failing,
                "last_error": self.last_error if failing is not None else ""}

    # ----- the thread ----------------------------------------------------------------------------------
    def _write_forever(self) -> None:
        failures = 0
        while True:
            with self._changed:
                while not self._pending and not self._closed:
                    self._changed.wait()
                if not self._pending:
                    return
                session_id, job = self._pending.popitem(last=False)
                self._writing, self._writing_job = session_id, job
            try:
                self._write(session_id, job)
            except Exception as exc:  # the database failed: keep the job (unless replaced) and try again later
                failures += 1
                if self.failing_since is None:
                    self.failing_since = self.clock()
                self.last_error = f"{type(exc).__name__}: {exc}"[:500]
                log.error("writing a checkpoint of session %s failed (%d in a row): %s", session_id, failures,
                          self.last_error)
                with self._changed:
                    self._writing, self._writing_job = None, None
                    # Tried again after the others (one row that always fails must not hold up the rest), unless
                    # a newer one replaced it (a delete, or a save that keeps its create: see _merged).
                    newer = self._pending.pop(session_id, None)
                    self._pending[session_id] = job if newer is None else _merged(job, newer)
                    self._changed.notify_all()
                    pause = BACKOFF_SECONDS[min(failures, len(BACKOFF_SECONDS)) - 1]
                    self._changed.wait_for(lambda: self._closed, timeout=pause)
                    if self._closed:
                        return
                continue
            failures, self.failing_since = 0, None
            with self._changed:
                self._writing, self._writing_job = None, None
                self.written += 1
                self._changed.notify_all()

    def _write(self, session_id: str, job: _Job) -> None:
        if job.kind == "delete":
            self.store.delete(session_id)
        elif job.kind == "create":
            self.store.create(job.checkpoint, job.token_hash, job.owner, job.class_id)
        elif not self.store.save(job.checkpoint):
            log.warning("session %s is no longer stored; its checkpoint was not written", session_id)


def _merged(waiting: _Job | None, newer: _Job) -> _Job:
    """What to write instead of ``waiting`` (not written yet, or failed) and ``newer``: the newer job, except that a
    save after an unwritten create is that create with the newer state (the row must exist before it can be
    updated)."""
    if waiting is not None and waiting.kind == "create" and newer.kind == "save":
        return _Job("create", newer.checkpoint, waiting.token_hash, waiting.owner, waiting.class_id)
    return newer
