"""The few request headers the pure ASGI middlewares look at, read in one pass and kept in the scope.

The edge middlewares (allowed_hosts.py, media_type.py, limits.py) and the error answer they may send
(errors.py's send_error) each need a header or two. Reading them here once per request, rather than each
building its own dictionary of the headers, keeps one reading of each (the same rule for a repeated header
everywhere) and one pass over the headers whatever the number of middlewares."""

from dataclasses import dataclass

KEY = "nnplay.head"


@dataclass(frozen=True, slots=True)
class Head:
    """What the edge needs from a request's (or WebSocket handshake's) headers."""

    host: str | None  # None: no Host header (HTTP/1.0)
    media_type: str  # Content-Type without its parameters, lowercase; "" when there is none
    has_body: bool  # a Content-Length above 0, or a Transfer-Encoding (chunked)
    declared_length: int | None  # the largest Content-Length given in digits, if any
    accept_language: str


def head_of(scope) -> Head:
    """The request's Head, read on the first call and kept in ``scope`` for the middlewares after it."""
    head = scope.get(KEY)
    if head is None:
        head = scope[KEY] = _read(scope.get("headers", ()))
    return head


def _read(headers) -> Head:
    host = content_type = None
    has_body, declared, language = False, None, b""
    for name, value in headers:  # header names arrive lowercase (ASGI)
        if name == b"host":
            host = value
        elif name == b"content-type":
            content_type = value
        elif name == b"content-length":
            length = value.strip()
            has_body = has_body or (length != b"" and length != b"0")
            if length.isdigit():
                declared = max(declared or 0, int(length))
        elif name == b"transfer-encoding":
            has_body = True
        elif name == b"accept-language":
            language = value
    media_type = (content_type or b"").decode("latin-1").split(";")[0].strip().lower()
    return Head(host=None if host is None else host.decode("latin-1"), media_type=media_type, has_body=has_body,
                declared_length=declared, accept_language=language.decode("latin-1"))
