"""What the web process keeps of a session (``SessionRecord``), what else its calls are subject to
(``SessionPolicy``: a class's pause and locks), and its operations sent where it lives (``SessionProxy``)."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from app.core.host_api import Op, RemoteOps
from app.web.host_link import HostLink

if TYPE_CHECKING:
    from app.web.sessions import SessionManager


class SessionPolicy(Protocol):
    """What sessions are subject to besides their own limits: their class's pause and locks."""

    def check(self, record: "SessionRecord", op: Op, args: tuple) -> None:
        """Raise (Locked) to refuse the call."""

    def info(self, record: "SessionRecord") -> dict | None:
        """What the session's streams are told of it (a ``class`` message), or None."""

    def stream_ended(self, record: "SessionRecord", seconds: float) -> None:
        """A stream of the session (its own page's, not a teacher's) was open ``seconds``."""


@dataclass
class SessionRecord:
    """What the web process knows of a session."""

    id: str
    token_hash: str  # of its token (app/store/sessions.py token_hash): memory holds no token either
    owner: str  # the creating client's address (caps anonymous creation only)
    host: HostLink | None  # None only for a stored session found to be deleted (find(restore=False))
    touched: float  # when it was last used, on the manager's clock
    viewers: int = 0
    class_id: str | None = None  # a student's session: its class (app/web/classroom.py)
    student_id: str | None = None

    @property
    def principal(self) -> str:
        """On whose behalf its work runs (see the module's docstring): the student, or the session itself."""
        return self.student_id or self.id


class SessionProxy(RemoteOps):
    """One session's SessionOps, each sent to its host as ("call", request_id, session_id, op, args)."""

    def __init__(self, manager: "SessionManager", record: SessionRecord):
        self.manager, self.record = manager, record

    async def _send(self, op: Op, args: tuple) -> object:
        return await self.manager.call(self.record, op, *args)
