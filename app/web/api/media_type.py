"""A pure ASGI middleware that lets only JSON bodies into the API: 415 for any other (or no) Content-Type.

A web page on another site can POST a form (application/x-www-form-urlencoded, multipart/form-data) or
text/plain, or a body with no Content-Type at all, without the browser asking first (no CORS preflight);
only application/json needs the preflight. So refusing every other body type, before it is read, keeps
other sites from creating sessions in a visitor's name. Requests without a body are not concerned."""

from app.web.api.errors import send_error

JSON = "application/json"
API_PREFIX = "/api/"


def has_body(headers: dict[bytes, bytes]) -> bool:
    """Whether the request announces a body: a non-zero Content-Length, or a Transfer-Encoding (chunked)."""
    length = headers.get(b"content-length", b"").strip()
    return b"transfer-encoding" in headers or (length != b"" and length != b"0")


def media_type(headers: dict[bytes, bytes]) -> str:
    """The Content-Type without its parameters (``; charset=utf-8``), lowercase; "" when there is none."""
    return headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()


class JsonBodiesOnly:
    """Answers 415 (code request.media_type) to an API request whose body is not declared as JSON."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].startswith(API_PREFIX):
            headers = dict(scope.get("headers", ()))
            declared = media_type(headers)
            if declared != JSON and has_body(headers):
                return await send_error(scope, send, 415, "request.media_type",
                                        {"media_type": declared or "no Content-Type", "expected": JSON})
        await self.app(scope, receive, send)
