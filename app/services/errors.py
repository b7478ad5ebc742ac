"""The service layer's errors; app/api/errors.py maps each to an HTTP status."""

from pydantic import ValidationError


class SessionError(ValueError):
    """A request that cannot be carried out as asked; the message says why (422)."""


class SessionNotFound(LookupError):
    """No live session has this id: never existed, deleted or evicted (404)."""


class NotAuthenticated(PermissionError):
    """The request carries no token (401)."""


class Forbidden(PermissionError):
    """The token is not this session's (403)."""


class LimitReached(RuntimeError):
    """The server or this client holds as many sessions as allowed (429)."""


def describe_error(error: dict) -> str:
    """One pydantic error as "field.path: message"."""
    where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path"))
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def readable(exc: ValidationError, most: int = 5) -> str:
    """A validation error as short lines a person can act on."""
    return "; ".join(describe_error(e) for e in exc.errors()[:most]) or "the request is not valid"
