"""How errors become HTTP answers: a status and a message a person understands, never a 500 for bad input."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from app.hosting.client import HostUnavailable
from app.services.errors import (
    Forbidden,
    LimitReached,
    NotAuthenticated,
    SessionError,
    SessionNotFound,
    describe_error,
)

STATUS = {SessionNotFound: 404, NotAuthenticated: 401, Forbidden: 403, LimitReached: 429, SessionError: 422,
          HostUnavailable: 503}


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 with one readable line per problem, plus pydantic's details."""
    errors = exc.errors()
    detail = "; ".join(describe_error(e) for e in errors[:5]) or "the request is not valid"
    return JSONResponse({"detail": detail, "errors": [{"loc": list(e.get("loc", ())), "msg": e.get("msg")}
                                                      for e in errors[:20]]}, status_code=422)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(RequestValidationError, validation_error)
    for error_type, status in STATUS.items():
        async def handler(request: Request, exc: Exception, status: int = status) -> JSONResponse:
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            return JSONResponse({"detail": str(exc)}, status_code=status, headers=headers)

        app.add_exception_handler(error_type, handler)
