"""The SessionManager: which sessions exist, who may use them, where they live, and how many there may be.

The sessions themselves live in session hosts (app/host/): worker processes, one per core, or a
thread of this process when ``workers`` is 0. The manager keeps only each session's record (id, token,
owner, host, last use), so that checking a token or a limit never waits for a busy host.
"""

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.core.config import Settings
from app.core.errors import Forbidden, HostUnavailable, LimitReached, NotAuthenticated, SessionNotFound
from app.schemas.session import SessionConfig
from app.web.host_client import HostClient

SESSION_ID_BYTES = 9
SESSION_ID_PATTERN = "[A-Za-z0-9_-]{12}"
"""A session id: secrets.token_urlsafe(SESSION_ID_BYTES), 12 URL-safe characters. Routes match only these, so
that /api/sessions/import can never be read as a session's id."""


@dataclass
class SessionRecord:
    """What the web process knows of a session."""

    id: str
    token: str
    owner: str
    host: HostClient
    touched: float  # when it was last used, on the manager's clock
    viewers: int = 0


class SessionManager:
    """Creates, finds, authorizes, routes, deletes and evicts sessions."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic):
        self.settings = settings
        self.clock = clock  # seconds; injected by tests so that idleness never depends on the real time
        self.records: dict[str, SessionRecord] = {}
        self._lock = threading.Lock()
        count = max(1, settings.workers)
        self.hosts = [HostClient(settings, in_process=settings.workers == 0) for _ in range(count)]

    def start(self) -> None:
        """Start the hosts (from the running event loop)."""
        for host in self.hosts:
            host.start()

    def stop(self) -> None:
        """Stop the hosts; every session ends."""
        for host in self.hosts:
            host.stop()

    def __len__(self) -> int:
        return len(self.records)

    async def create(self, config: SessionConfig, owner: str) -> dict:
        """A new session for client ``owner`` on the least loaded host; its description and token."""
        self.evict_idle()
        with self._lock:
            if len(self.records) >= self.settings.max_sessions:
                raise LimitReached("limit.server_sessions", most=self.settings.max_sessions)
            mine = sum(1 for r in self.records.values() if r.owner == owner)
            if mine >= self.settings.max_sessions_per_client:
                raise LimitReached("limit.client_sessions", count=mine)
            alive = [host for host in self.hosts if host.alive]
            if not alive:
                raise HostUnavailable()
            record = SessionRecord(secrets.token_urlsafe(SESSION_ID_BYTES), secrets.token_urlsafe(24), owner,
                                   min(alive, key=lambda h: h.sessions), touched=self.clock())
            self.records[record.id] = record  # reserved now, so that concurrent creates count it
            record.host.sessions += 1
        try:
            described = await record.host.create(record.id, record.token, owner, config.model_dump())
        except BaseException:
            self.delete(record.id)  # also on the host, in case it built the session after we gave up
            raise
        return {**described, "token": record.token}

    async def import_document(self, config: SessionConfig, model: dict, owner: str) -> dict:
        """A new session for ``owner`` from an exported document's config and model: its description and
        token. If anything fails after the session was reserved (a model that does not fit, a host that
        stopped, a cancelled request), the session is deleted, so it never counts against the client."""
        created = await self.create(config, owner)
        record = self.records[created["id"]]
        try:
            await self.call(record, "load_model", model)
            described = await self.call(record, "describe")
        except BaseException:
            self.delete(record.id)
            raise
        return {**described, "token": created["token"]}

    def authorize(self, session_id: str, token: str | None) -> SessionRecord:
        """The record of ``session_id`` if ``token`` is its token; raises otherwise. Marks it as used."""
        record = self.records.get(session_id)
        if record is None:
            raise SessionNotFound(session_id=session_id)
        if not token:
            raise NotAuthenticated()
        if not secrets.compare_digest(token.encode(), record.token.encode()):
            raise Forbidden()
        record.touched = self.clock()
        return record

    async def call(self, record: SessionRecord, op: str, *args) -> object:
        """Run operation ``op`` on the session where it lives."""
        return await record.host.call(record.id, op, *args)

    def _forget(self, session_id: str) -> SessionRecord | None:
        with self._lock:
            record = self.records.pop(session_id, None)
            if record is not None:
                record.host.sessions -= 1
        return record

    def delete(self, session_id: str) -> None:
        """End a session; its streams are closed."""
        record = self._forget(session_id)
        if record is not None:
            try:
                record.host.delete(session_id)
            except HostUnavailable:
                pass  # a stopped host has lost its sessions already

    def evict_idle(self) -> list[str]:
        """Delete sessions untouched for longer than the idle limit (and not being watched)."""
        limit = self.clock() - self.settings.session_idle_seconds
        stale = [sid for sid, r in list(self.records.items()) if r.touched < limit and not r.viewers]
        for sid in stale:
            self.delete(sid)
        return stale
