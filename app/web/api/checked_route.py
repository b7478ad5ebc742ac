"""Routes that refuse what they can from cheap facts before FastAPI reads and parses the body.

FastAPI reads a request's body, parses its JSON and validates it against the route's model before any
dependency runs. So a 2 MB body sent to a session that does not exist, or without its token, was parsed and
validated first (about 150 ms of the event loop for 2 MB of small arrays) and only then refused. A CheckedRoute
runs, before FastAPI's own handler:

- on a path with a session id, the session and token check (app/web/api/deps.py's ``authorize``: a dictionary
  lookup and a comparison), so a missing session is a 404 and a missing or wrong token a 401 or 403 before a
  byte of the body is read; the route's ``SessionDep`` then hands over that record (one check, not two);
- for an endpoint marked ``@checked_body(check)``, that check on the raw bytes (read here within
  NNPLAY_MAX_BODY_BYTES and kept by the request, so FastAPI does not read them again), which refuses what it
  can count without parsing (app/web/api/body_checks.py).

Routing comes first, so an unknown path or method is still a 404 or 405 whatever the session.
"""

from collections.abc import Callable

from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute
from starlette.requests import ClientDisconnect

from app.core.config import Settings
from app.web.api.deps import authorize

BodyCheck = Callable[[bytes, Settings], None]
"""A check of a raw body with the server's settings; raises an AppError to refuse it."""
BODY_CHECK = "__body_check__"


def checked_body(check: BodyCheck) -> Callable:
    """Mark an endpoint (put this under the route's decorator) so that ``check`` sees its raw body first."""

    def mark(endpoint: Callable) -> Callable:
        setattr(endpoint, BODY_CHECK, check)
        return endpoint

    return mark


class CheckedRoute(APIRoute):
    """An APIRoute whose session (if its path names one) and raw-body check come before the body is parsed."""

    def get_route_handler(self) -> Callable:
        handle = super().get_route_handler()
        names_session = "session_id" in self.param_convertors
        body_check: BodyCheck | None = getattr(self.endpoint, BODY_CHECK, None)
        if not names_session and body_check is None:
            return handle

        async def checked(request: Request) -> Response:
            if names_session:
                await authorize(request)
            if body_check is not None:
                try:
                    body = await request.body()
                except ClientDisconnect:  # gone, or cut off by the body size limit (whose 413 went out already)
                    raise HTTPException(400, "the request body could not be read") from None
                body_check(body, request.app.state.settings)
            return await handle(request)

        return checked
