"""Shared dependencies of the routers: the session manager and the token check."""

from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.convertors import StringConvertor, register_url_convertor

from app.web.sessions import SESSION_ID_PATTERN, SessionManager, SessionRecord

bearer = HTTPBearer(auto_error=False, description="The token returned when the session was created.")


class SessionIdConvertor(StringConvertor):
    """A path segment that can be a session id (and so never a word such as `import`)."""

    regex = SESSION_ID_PATTERN


register_url_convertor("session_id", SessionIdConvertor())
SESSION_ID = "{session_id:session_id}"
"""The session id in a route's path: `f"/sessions/{SESSION_ID}/data"`. A path whose segment cannot be an id
matches no session route: GET /api/sessions/import is a 405 (only POST is there), not "no session 'import'"."""


def get_manager(request: Request) -> SessionManager:
    """The application's session manager."""
    return request.app.state.sessions


def client_of(request: Request) -> str:
    """Who is asking, for per-client limits: the peer address."""
    return request.client.host if request.client else "unknown"


def authorized_session(
    session_id: Annotated[str, Path(pattern=f"^{SESSION_ID_PATTERN}$")],
    manager: Annotated[SessionManager, Depends(get_manager)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> SessionRecord:
    """The session named in the path, if the request carries its token (401 without, 403 if wrong)."""
    return manager.authorize(session_id, credentials.credentials if credentials else None)


SessionDep = Annotated[SessionRecord, Depends(authorized_session)]
ManagerDep = Annotated[SessionManager, Depends(get_manager)]
