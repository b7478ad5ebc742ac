"""How errors become HTTP answers: a status, a stable code with its parameters, and a sentence in the
reader's language (Accept-Language). Never a 500 for bad input."""

import json

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.core.errors import (
    AppError,
    Conflict,
    Forbidden,
    HostUnavailable,
    LimitReached,
    Locked,
    NotAuthenticated,
    NotFound,
    SessionError,
    SessionNotFound,
    TimeLimit,
    readable,
)
from app.core.messages import language_of, render
from app.web.api.request_head import head_of

STATUS: dict[type[AppError], int] = {
    SessionNotFound: 404, NotFound: 404, NotAuthenticated: 401, Forbidden: 403, LimitReached: 429,
    SessionError: 422, Conflict: 409, Locked: 423, TimeLimit: 503, HostUnavailable: 503, AppError: 500,
}
HTTP_CODES = {404: "request.not_found", 405: "request.method_not_allowed"}


def _body(accept_language: str | None, code: str, params: dict, **extra) -> dict:
    """The JSON of an error answer (app/schemas/errors.py's ErrorBody), its sentence in the asked language."""
    return {"detail": render(code, params, language_of(accept_language)), "code": code, "params": params, **extra}


def error_body(request: Request, code: str, params: dict, **extra) -> dict:
    """The JSON of an error answer to ``request``."""
    return _body(request.headers.get("accept-language"), code, params, **extra)


async def send_error(scope, send, status: int, code: str, params: dict) -> None:
    """An error answer from a pure ASGI middleware, before any route runs: the same body, for an HTTP request or
    (as the HTTP answer to its handshake) a WebSocket."""
    body = json.dumps(_body(head_of(scope).accept_language, code, params)).encode()
    prefix = "websocket.http" if scope["type"] == "websocket" else "http"
    await send({"type": f"{prefix}.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": f"{prefix}.response.body", "body": body})


def status_of(exc: AppError) -> int:
    """The HTTP status of an error: that of its nearest class in STATUS."""
    return next(STATUS[cls] for cls in type(exc).__mro__ if cls in STATUS)


async def app_error(request: Request, exc: AppError) -> JSONResponse:
    """Any AppError: its status, code and sentence."""
    status = status_of(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(error_body(request, exc.code, exc.params), status_code=status, headers=headers)


def bad_json(error: dict, body: object) -> dict:
    """The params of request.bad_json: where the JSON stops making sense (1-based line and column) and why."""
    position = next((p for p in reversed(error.get("loc", ())) if isinstance(p, int)), 0)
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body if isinstance(body, str) else ""
    before = text[:position]
    line = before.count("\n") + 1
    column = position - (before.rfind("\n") + 1) + 1
    reason = str((error.get("ctx") or {}).get("error") or error.get("msg") or "invalid JSON")
    return {"position": position, "line": line, "column": column, "reason": reason}


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """400 for a body that is not JSON at all (code request.bad_json: where and why); otherwise 422 with one
    readable line per problem, plus each field's location and message."""
    errors = exc.errors()
    broken = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if broken is not None:
        return JSONResponse(error_body(request, "request.bad_json", bad_json(broken, exc.body)), status_code=400)
    problems = readable(exc)
    fields = [{"loc": [str(p) if not isinstance(p, int) else p for p in e.get("loc", ())], "msg": str(e.get("msg"))}
              for e in errors[:20]]
    return JSONResponse(error_body(request, "request.invalid", {"problems": problems}, errors=fields),
                        status_code=422)


HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route answers on the request's path. Starlette's own 405 names only the methods of
    the first route whose path matched (PUT /api/sessions/{id} said `Allow: GET`, though PATCH and DELETE
    exist too). Each method is tried against the app's routes as the router itself matches them."""
    routes = request.app.router.routes
    return [method for method in HTTP_METHODS
            if any(route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes)]


async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """Routing errors (unknown path, wrong method) in the same shape as every other error; a 405's `Allow`
    lists every method the path has."""
    code = HTTP_CODES.get(exc.status_code, "request.error")
    params = {"path": request.url.path, "method": request.method, "reason": str(exc.detail)}
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    return JSONResponse(error_body(request, code, params), status_code=exc.status_code, headers=headers or None)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(AppError, app_error)
