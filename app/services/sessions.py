"""The SessionManager: every live session by id, who may use it, and how many there may be."""

import secrets
import threading
import time

from app.core.config import Settings
from app.schemas.session import SessionConfig
from app.services.errors import Forbidden, LimitReached, NotAuthenticated, SessionNotFound
from app.services.session import Session


class SessionManager:
    """Creates, finds, authorizes, deletes and evicts sessions. Thread-safe."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def create(self, config: SessionConfig, owner: str) -> Session:
        """A new session for client ``owner``, with a fresh id and secret token."""
        self.evict_idle()
        with self._lock:
            if len(self._sessions) >= self.settings.max_sessions:
                raise LimitReached(f"the server holds its maximum of {self.settings.max_sessions} sessions; try later")
            mine = sum(1 for s in self._sessions.values() if s.owner == owner)
            if mine >= self.settings.max_sessions_per_client:
                raise LimitReached(f"you already have {mine} sessions, the most one client may hold; delete one first")
        session = Session(secrets.token_urlsafe(9), secrets.token_urlsafe(24), owner, config, self.settings)
        with self._lock:
            self._sessions[session.id] = session
        return session

    def authorize(self, session_id: str, token: str | None) -> Session:
        """The session ``session_id`` if ``token`` is its token; raises otherwise. Marks it as used."""
        session = self._sessions.get(session_id)
        if session is None:
            raise SessionNotFound(f"no session {session_id!r} (it may have expired after inactivity)")
        if not token:
            raise NotAuthenticated("this call needs the session's token (Authorization: Bearer <token>)")
        if not secrets.compare_digest(token.encode(), session.token.encode()):
            raise Forbidden("this token does not belong to this session")
        session.touch()
        return session

    def delete(self, session_id: str) -> None:
        """Forget a session; its streams stop at their next check."""
        with self._lock:
            session = self._sessions.pop(session_id, None)
        if session is not None:
            session.playing = False
            session.closed = True

    def evict_idle(self) -> list[str]:
        """Delete sessions untouched for longer than the idle limit (and not streaming)."""
        limit = time.monotonic() - self.settings.session_idle_seconds
        with self._lock:
            stale = [sid for sid, s in self._sessions.items() if s.touched < limit and not s.viewers]
        for sid in stale:
            self.delete(sid)
        return stale
