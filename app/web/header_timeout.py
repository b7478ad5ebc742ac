"""uvicorn's HTTP/1.1 protocol (h11) with the deadlines it lacks: slow clients cannot hold connections.

uvicorn 0.54 bounds only the silence after an answer on a kept-alive connection (``timeout_keep_alive``,
cancelled by the first byte that arrives). Nothing bounds how long a client takes to send a request's
headers, on a new connection or after that first byte, nor how long it stays silent in the middle of a body:
a client that sends ``GET / HT`` and waits holds its connection (and a file descriptor) forever. This subclass
adds one timer per connection:

- headers: from connecting, or from the previous answer, the whole head must arrive within ``seconds``
  (a deadline, not a silence: sending one byte at a time does not extend it);
- body: while a body is arriving, each silence may last at most ``seconds`` (a slow but steady upload is fine);
- then the connection is closed. Once the request is read, the app's answer takes the time it takes; a
  WebSocket, once upgraded, is watched by uvicorn's pings instead.
"""

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol


class H11WithTimeouts(H11Protocol):
    seconds: float = 10.0

    def _arm(self) -> None:
        self._disarm()
        self._timer = self.loop.call_later(self.seconds, self._expire)

    def _disarm(self) -> None:
        timer: asyncio.TimerHandle | None = getattr(self, "_timer", None)
        if timer is not None:
            timer.cancel()
            self._timer = None

    def _expire(self) -> None:
        self._timer = None
        if self.conn.their_state is h11.SEND_BODY and self.flow.read_paused:  # the app is not reading: not silence
            self._arm()
        elif not self.transport.is_closing():
            self.transport.close()  # connection_lost tells a running request that the client is gone

    def _follow(self, head_started: bool) -> None:
        """Set the timer for what the connection waits for now."""
        if getattr(self, "_upgraded", False) or self.transport.is_closing():
            self._disarm()
        elif self.conn.their_state is h11.IDLE:  # waiting for a head: keep its deadline, do not extend it
            if not head_started:
                self._arm()
        elif self.conn.their_state is h11.SEND_BODY:  # a body arriving: bound the silence
            self._arm()
        else:  # the whole request is in; the app answers it
            self._disarm()

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._follow(head_started=True)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._follow(head_started=False)  # the next head's deadline starts now

    def handle_websocket_upgrade(self, event: h11.Request) -> None:
        self._upgraded = True
        self._disarm()
        super().handle_websocket_upgrade(event)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def with_timeouts(seconds: float) -> type[H11WithTimeouts]:
    """The protocol class to give uvicorn (``http=``), with its deadline set to ``seconds``."""
    return type("H11WithTimeouts", (H11WithTimeouts,), {"seconds": seconds})
