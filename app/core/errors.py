"""The service layer's errors. Each carries a stable ``code`` and its ``params`` (app/core/messages.py
makes the sentence in the reader's language); app/web/api/errors.py maps each class to an HTTP status."""

from pydantic import ValidationError

from app.core.messages import render


class AppError(Exception):
    """An error with a code from the message table and the values its sentence needs."""

    default_code = "request.error"

    def __init__(self, code: str | None = None, **params):
        self.code = code or self.default_code
        self.params = params
        super().__init__(render(self.code, params))

    def message(self, language: str) -> str:
        """The sentence in ``language``."""
        return render(self.code, self.params, language)


class SessionError(AppError, ValueError):
    """A request that cannot be carried out as asked; the message says why (422)."""


class Conflict(AppError):
    """The request clashes with what is going on now, e.g. a job already running (409)."""


class SessionNotFound(AppError, LookupError):
    """No live session has this id: never existed, deleted or evicted (404)."""

    default_code = "session.not_found"


class NotFound(AppError, LookupError):
    """No such thing besides a session, e.g. a lesson (404)."""


class NotAuthenticated(AppError, PermissionError):
    """The request carries no token (401)."""

    default_code = "auth.missing"


class Forbidden(AppError, PermissionError):
    """The token is not this session's (403)."""

    default_code = "auth.wrong"


class LimitReached(AppError):
    """The server, this client or this user already has as many sessions, calls or jobs as allowed (429)."""


class Locked(AppError):
    """The teacher has paused the class or locked this control (423)."""

    default_code = "class.paused"


class TimeLimit(AppError):
    """A heavy call could not finish within the per-call time limit, waiting for its turn included (503)."""

    default_code = "call.time_limit"


class HostUnavailable(AppError, RuntimeError):
    """The session host has stopped or does not answer; its sessions are lost (503)."""

    default_code = "host.unavailable"


# How an error crosses from a host to the web process: its class's name, code and params.
TRANSPORTED = {cls.__name__: cls for cls in (SessionError, Conflict, SessionNotFound, NotFound, LimitReached,
                                             TimeLimit, HostUnavailable)}


def transported(kind: str, code: str, params: dict) -> AppError:
    """The error a host reported, rebuilt on the web side (an unknown kind is an internal failure)."""
    cls = TRANSPORTED.get(kind)
    return cls(code, **params) if cls is not None else AppError("internal", **params)


def describe_error(error: dict) -> str:
    """One pydantic error as "field.path: message"."""
    where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path"))
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def readable(exc: ValidationError, most: int = 5) -> str:
    """A validation error (pydantic's, or FastAPI's RequestValidationError: anything with ``errors()``) as short
    lines a person can act on."""
    return "; ".join(describe_error(e) for e in exc.errors()[:most]) or "the request is not valid"
