"""A pure ASGI middleware that lets only JSON bodies into the API: 415 for any other (or no) Content-Type.

A web page on another site can POST a form (application/x-www-form-urlencoded, multipart/form-data) or
text/plain, or a body with no Content-Type at all, without the browser asking first (no CORS preflight);
only application/json needs the preflight. So refusing every other body type, before it is read, keeps
other sites from creating sessions in a visitor's name. Requests without a body are not concerned."""

from app.web.api.errors import send_error
from app.web.api.request_head import head_of

JSON = "application/json"
API_PREFIX = "/api/"


class JsonBodiesOnly:
    """Answers 415 (code request.media_type) to an API request whose body is not declared as JSON."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].startswith(API_PREFIX):
            head = head_of(scope)
            if head.media_type != JSON and head.has_body:
                return await send_error(scope, send, 415, "request.media_type",
                                        {"media_type": head.media_type or "no Content-Type", "expected": JSON})
        await self.app(scope, receive, send)
