"""A pure ASGI middleware that refuses request bodies above the configured size with 413."""

from app.web.api.errors import send_error
from app.web.api.request_head import head_of


class BodySizeLimit:
    """Rejects a body larger than ``max_bytes``: by Content-Length up front, or while a chunked body
    streams in (then the 413 goes out at once and the app sees the client as gone)."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = head_of(scope).declared_length
        if declared is not None and declared > self.max_bytes:
            return await self._refuse(send, scope)
        received, refused = 0, False

        async def counted_receive():
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    refused = True
                    await self._refuse(send, scope)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message):
            if not refused:  # once refused, whatever the app answers is dropped
                await send(message)

        await self.app(scope, counted_receive, guarded_send)

    async def _refuse(self, send, scope):
        await send_error(scope, send, 413, "request.too_large", {"most": self.max_bytes})
