"""The playground's first picture, served with the page `/`: the first stream frame and the points of a new session
of the default config.

Every new session of the default config starts from this very picture (its data and weight seeds are fixed), so
the page paints it at once (static/js/first_frame.js) while its own session is created, instead of after the
session, its description, the stream's handshake and its first frame: four round trips, about 100 ms. The
session's own first frame replaces it, and looks the same.

A host makes the picture once per process, the first time `/` is asked for (that page goes without it), on a
session of its own: never in the manager's records (so never counted against a limit or found by a client, whose
token could not fit anyway) and deleted as soon as its frame and points are read.
"""

import asyncio
import base64
import logging
import secrets
import zlib

from app.core.errors import AppError
from app.core.frame_format import FLAG_DEFLATE, PREFIX
from app.core.host_api import Op
from app.schemas.data import DataView
from app.schemas.session import SessionConfig
from app.store.sessions import token_hash
from app.web.sessions import SESSION_ID_BYTES, SessionManager
from app.web.stream_relay import DEFAULT_NEURON_RESOLUTION, DEFAULT_OUTPUT_RESOLUTION, next_viewer_id

log = logging.getLogger(__name__)
OWNER = "server:first-frame"  # whose stored session it is, the moment it exists
FRAME_TIMEOUT_SECONDS = 30.0


class FirstFrame:
    """The picture of one server process (made once; retried by a later page if making it failed)."""

    def __init__(self, manager: SessionManager):
        self.manager = manager
        self.picture: dict | None = None
        self._making: asyncio.Task | None = None

    def get(self) -> dict | None:
        """The picture, {"frame": the frame's bytes in base64, "data": the points as GET .../data answers them};
        None until it is made (the first call starts making it, in the background)."""
        if self.picture is None and (self._making is None or self._making.done()):
            self._making = asyncio.get_running_loop().create_task(self._make())
        return self.picture

    async def _make(self) -> None:
        try:
            frame, data = await self.make()
        except (AppError, LookupError, OSError, RuntimeError, TimeoutError) as exc:  # a later page tries again
            log.warning("no first frame for the playground page: %s: %s", type(exc).__name__, exc)
            return
        self.picture = {"frame": base64.b64encode(inflated(frame)).decode("ascii"), "data": data}

    async def make(self) -> tuple[bytes, dict]:
        """A new default session's first frame (at the page's view) and its points, from a session made for it on
        the least loaded host, and deleted after."""
        alive = [host for host in self.manager.hosts if host.alive]
        if not alive:
            raise LookupError("no host is running")
        host = min(alive, key=lambda h: h.sessions)
        session_id = secrets.token_urlsafe(SESSION_ID_BYTES)
        loop = asyncio.get_running_loop()
        frame: asyncio.Future = loop.create_future()

        def arrived(value: bytes | None) -> None:
            if not frame.done():
                frame.set_result(value)

        viewer_id = next_viewer_id()
        try:  # the session is deleted whatever happens, even if this is cancelled while the host builds it
            await host.create(session_id, session_id, SessionConfig().model_dump(),
                              token_hash(secrets.token_urlsafe(24)), OWNER)
            host.watch(viewer_id, session_id, arrived, lambda: arrived(None))
            most = self.manager.settings.max_grid  # the view a page's stream gets (stream_relay.StreamPlayer)
            host.want(viewer_id, min(DEFAULT_OUTPUT_RESOLUTION, most), min(DEFAULT_NEURON_RESOLUTION, most))
            data = await host.call(session_id, Op.data)
            first = await asyncio.wait_for(frame, FRAME_TIMEOUT_SECONDS)
            if first is None:
                raise LookupError("the session ended before its first frame")
        finally:
            host.unwatch(viewer_id)
            host.delete(session_id)
        # As the route answers it (its response model), so that the page gets the same points either way.
        return first, DataView.model_validate(data).model_dump(mode="json")


def inflated(frame: bytes) -> bytes:
    """The same frame with its payload uncompressed (docs/protocol.md): the page decodes it at once, where
    inflating would wait for the browser's DecompressionStream (tens of ms while the page is busy starting)."""
    magic, version, flags, reserved, head_length = PREFIX.unpack_from(frame)
    if not flags & FLAG_DEFLATE:
        return frame
    head_end = PREFIX.size + head_length
    return (PREFIX.pack(magic, version, flags & ~FLAG_DEFLATE, reserved, head_length) + frame[PREFIX.size:head_end]
            + zlib.decompress(frame[head_end:]))


def of(app) -> FirstFrame:
    """The application's FirstFrame (made on first use)."""
    first = getattr(app.state, "first_frame", None)
    if first is None:
        first = app.state.first_frame = FirstFrame(app.state.sessions)
    return first
