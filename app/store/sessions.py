"""Stored sessions: one row per session, written whole in one transaction (a crash mid-write leaves the last
good checkpoint), read back by id, counted for the caps, removed on delete or when too old."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, insert, select, update

from app.store.tables import sessions


def token_hash(token: str) -> str:
    """What is stored of a token: its SHA-256, hex. Tokens are 192 random bits, so a plain hash suffices."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SessionRow:
    """Who a stored session belongs to: what the web process needs to let its owner back in."""

    id: str
    token_hash: str
    owner: str
    principal: str
    epoch: int
    used_at: float
    class_id: str | None = None  # a student's session: its class


@dataclass(frozen=True)
class Checkpoint:
    """A session's stored state: its config (JSON), how it stood, and the bytes of its model and history."""

    id: str
    principal: str
    config: str
    epoch: int
    status: str
    state: bytes
    history: bytes

    @property
    def size_bytes(self) -> int:
        return len(self.config) + len(self.state) + len(self.history)


class SessionStore:
    """The sessions table, through one SQLAlchemy engine. Every method is blocking: call it from a worker
    thread (the hosts' checkpoint writer, or ``asyncio.to_thread`` in the web process)."""

    def __init__(self, engine: Engine, clock: Callable[[], float]):
        self.engine = engine
        self.clock = clock  # wall-clock seconds (retention outlives restarts); injected by tests

    def create(self, checkpoint: Checkpoint, token_hash: str, owner: str, class_id: str | None = None) -> None:
        """Store a new session (replacing a row of the same id, so that a create tried again is no error)."""
        now = self.clock()
        with self.engine.begin() as connection:
            connection.execute(delete(sessions).where(sessions.c.id == checkpoint.id))
            connection.execute(insert(sessions).values(
                id=checkpoint.id, token_hash=token_hash, owner=owner, principal=checkpoint.principal,
                config=checkpoint.config, epoch=checkpoint.epoch, status=checkpoint.status, state=checkpoint.state,
                history=checkpoint.history, size_bytes=checkpoint.size_bytes, created_at=now, saved_at=now,
                used_at=now, class_id=class_id))

    def save(self, checkpoint: Checkpoint) -> bool:
        """Replace a stored session's state with ``checkpoint``; False if it is not stored (deleted)."""
        now = self.clock()
        with self.engine.begin() as connection:
            done = connection.execute(update(sessions).where(sessions.c.id == checkpoint.id).values(
                config=checkpoint.config, epoch=checkpoint.epoch, status=checkpoint.status, state=checkpoint.state,
                history=checkpoint.history, size_bytes=checkpoint.size_bytes, saved_at=now, used_at=now))
        return done.rowcount == 1

    def load(self, session_id: str) -> Checkpoint | None:
        """The stored state of a session, or None."""
        with self.engine.connect() as connection:
            row = connection.execute(select(
                sessions.c.id, sessions.c.principal, sessions.c.config, sessions.c.epoch, sessions.c.status,
                sessions.c.state, sessions.c.history).where(sessions.c.id == session_id)).first()
        return None if row is None else Checkpoint(row.id, row.principal, row.config, row.epoch, row.status,
                                                   bytes(row.state), bytes(row.history))

    def find(self, session_id: str) -> SessionRow | None:
        """Who a stored session belongs to, or None."""
        with self.engine.connect() as connection:
            row = connection.execute(select(
                sessions.c.id, sessions.c.token_hash, sessions.c.owner, sessions.c.principal, sessions.c.epoch,
                sessions.c.used_at, sessions.c.class_id).where(sessions.c.id == session_id)).first()
        return None if row is None else SessionRow(*row)

    def touch(self, session_id: str) -> None:
        """The session was used now (retention counts from its last use)."""
        with self.engine.begin() as connection:
            connection.execute(update(sessions).where(sessions.c.id == session_id).values(used_at=self.clock()))

    def delete(self, session_id: str) -> bool:
        """Remove a session's data; whether it was stored."""
        with self.engine.begin() as connection:
            return connection.execute(delete(sessions).where(sessions.c.id == session_id)).rowcount == 1

    def count(self, owner: str | None = None, used_since: float | None = None) -> tuple[int, int]:
        """(sessions, bytes) stored, in all or of one owner; only those used at ``used_since`` or later if given."""
        query = select(func.count(), func.coalesce(func.sum(sessions.c.size_bytes), 0))
        if owner is not None:
            query = query.where(sessions.c.owner == owner)
        if used_since is not None:
            query = query.where(sessions.c.used_at >= used_since)
        with self.engine.connect() as connection:
            number, size = connection.execute(query).one()
        return int(number), int(size)

    def used_since(self, cutoff: float) -> list[str]:
        """The ids of the sessions used (created, changed or restored) at ``cutoff`` or later, newest first."""
        with self.engine.connect() as connection:
            return list(connection.execute(select(sessions.c.id).where(sessions.c.used_at >= cutoff)
                                           .order_by(sessions.c.used_at.desc())).scalars())

    def purge_unused_since(self, cutoff: float, keep: set[str] = frozenset()) -> int:
        """Remove the sessions last used before ``cutoff`` (wall-clock seconds), but those in ``keep``; how many."""
        with self.engine.begin() as connection:
            old = connection.execute(select(sessions.c.id).where(sessions.c.used_at < cutoff)).scalars().all()
            gone = [session_id for session_id in old if session_id not in keep]
            for start in range(0, len(gone), 500):
                connection.execute(delete(sessions).where(sessions.c.id.in_(gone[start:start + 500])))
        return len(gone)
