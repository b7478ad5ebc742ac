"""Shared dependencies of the routers: the session manager, who is asking, and the session a route works on.

A session route's token is checked once, by its route class (app/web/api/checked_route.py), before the body
is read: ``authorize`` runs there and leaves the record in the request's scope, and ``SessionDep`` only hands
that record to the route (and documents the path parameter and the bearer scheme in the OpenAPI document)."""

from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPBearer
from starlette.convertors import StringConvertor, register_url_convertor

from app.core.errors import Forbidden, NotAuthenticated
from app.web.sessions import SESSION_ID_PATTERN, SessionManager, SessionRecord

AUTHORIZED = "nnplay.session"
"""The scope key under which a session route's check leaves the authorized SessionRecord."""


class SessionIdConvertor(StringConvertor):
    """A path segment that can be a session id (and so never a word such as `import`)."""

    regex = SESSION_ID_PATTERN


register_url_convertor("session_id", SessionIdConvertor())
register_url_convertor("class_id", SessionIdConvertor())  # class ids have the same form
CLASS_ID = "{class_id:class_id}"
"""The class id in a route's path: /api/classes/join is never read as a class's id."""
SESSION_ID = "{session_id:session_id}"
"""The session id in a route's path: `f"/sessions/{SESSION_ID}/data"`. A path whose segment cannot be an id
matches no session route: GET /api/sessions/import is a 405 (only POST is there), not "no session 'import'".
This convertor is the one check of an id's form; the path parameter below only documents it."""

SessionIdPath = Annotated[str, Path(
    description="The id returned when the session was created.",
    json_schema_extra={"pattern": f"^{SESSION_ID_PATTERN}$"},  # documented, not checked again: the route matched
)]


class SessionToken(HTTPBearer):
    """The session's token as `Authorization: Bearer <token>`. As a dependency it only hands over the record
    that the route's check authorized; being an HTTPBearer, it puts the scheme in the OpenAPI document."""

    async def token(self, request: Request) -> str | None:
        """The bearer token the request carries, if any (the scheme's own reading of the header)."""
        credentials = await super().__call__(request)
        return credentials.credentials if credentials else None

    async def __call__(self, request: Request) -> SessionRecord:  # type: ignore[override]
        record = request.scope.get(AUTHORIZED)
        if record is None:  # a programming error: SessionDep on a route that is not a CheckedRoute
            raise RuntimeError(f"{request.url.path}: a session route must be a CheckedRoute (route_class=)")
        return record


session_token = SessionToken(auto_error=False, scheme_name="HTTPBearer",
                             description="The token returned when the session was created.")


def get_manager(request: Request) -> SessionManager:
    """The application's session manager."""
    return request.app.state.sessions


def client_of(request: Request) -> str:
    """Who is asking, for per-client limits: the peer address."""
    return request.client.host if request.client else "unknown"


async def authorize(request: Request) -> SessionRecord:
    """The session named in the path, if the request carries its token (or, to read it, its class's teacher's):
    404 (session.not_found or session.lost) without such a session, 401 without a token, 403 with another one.
    Leaves the record in the scope."""
    session_id, token = request.path_params["session_id"], await session_token.token(request)
    try:
        # A DELETE does not bring a stored session back first (it may be unreadable, and it is about to go).
        record = await get_manager(request).find(session_id, token, restore=request.method != "DELETE")
    except (NotAuthenticated, Forbidden):
        if request.method != "GET":
            raise
        # A student's class's teacher may read it (GET only: the dashboard's view of one student).
        record = await request.app.state.classroom.watched_by_teacher(session_id, token, request.cookies)
        if record is None:
            raise
    request.scope[AUTHORIZED] = record
    return record


def authorized_session(session_id: SessionIdPath,
                       record: Annotated[SessionRecord, Depends(session_token)]) -> SessionRecord:
    """The session named in the path, as authorized before the body was read."""
    return record


SessionDep = Annotated[SessionRecord, Depends(authorized_session)]
ManagerDep = Annotated[SessionManager, Depends(get_manager)]
