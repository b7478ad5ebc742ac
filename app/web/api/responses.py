"""The error answers an operation can give, for the OpenAPI document: each status with the one error body
(app/schemas/errors.py's ErrorBody) and what it means. Routes pick the statuses they can actually give."""

from typing import Any

from app.schemas.errors import ErrorBody

MEANINGS: dict[int, str] = {
    400: "The body cannot be read as JSON (code request.bad_json; `params` say where: line, column).",
    401: "No token: send the session's token as `Authorization: Bearer <token>` (code auth.missing).",
    403: "The token is not this session's (code auth.wrong).",
    404: "Not found: no such session (never created, deleted, or unused for NNPLAY_RETENTION_DAYS: code "
         "session.not_found; lost when its training process died before it was first stored: code session.lost; "
         "stored but unreadable: session.unreadable; create a new one), or no such lesson, task or experiment; "
         "`code` says which.",
    409: "Clashes with what is going on now: an experiment is already running on this session.",
    413: "The request body is larger than the server's limit (code request.too_large; `params.most` bytes).",
    415: "The body is not declared as JSON: send it with `Content-Type: application/json` (code "
         "request.media_type; refused before it is read).",
    422: "Not valid: a field of the wrong type or out of range (code request.invalid, each field in `errors`), "
         "or something the server cannot do as asked, such as a size above its limits (`code` says what).",
    423: "The class's teacher has paused the class (code class.paused) or locked this control (class.locked).",
    429: "The server, this client or this class already holds as many sessions (or tried as many wrong join codes) "
         "as allowed (code limit.* or class.full).",
    503: "The session's training process has stopped or did not answer in time (code host.*).",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` entry of a route that can answer with these error statuses."""
    return {status: {"model": ErrorBody, "description": MEANINGS[status]} for status in statuses}


SESSION_ERRORS = error_responses(401, 403, 404, 422, 423, 503)
"""Any operation on an existing session (token checked, run in its host)."""
SESSION_BODY_ERRORS = error_responses(400, 401, 403, 404, 413, 415, 422, 423, 503)
"""An operation on a session that takes a JSON body."""
CREATE_ERRORS = error_responses(400, 413, 415, 422, 429, 503)
"""Creating a session (directly or by import)."""
BODY_ERRORS = error_responses(400, 413, 415, 422)
"""An operation without a session that takes a JSON body."""
NOT_FOUND = error_responses(404, 422)
"""Reading one thing by name."""
CLASS_ERRORS = error_responses(401, 403, 404, 422, 503)
"""A teacher's call on their class (the teacher token checked)."""
CLASS_BODY_ERRORS = error_responses(400, 401, 403, 404, 413, 415, 422, 503)
"""A teacher's call on their class that takes a JSON body."""
JOIN_ERRORS = error_responses(400, 403, 404, 413, 415, 422, 429, 503)
"""A student joining a class."""
