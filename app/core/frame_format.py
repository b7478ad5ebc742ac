"""The outer format of a stream frame (docs/protocol.md), shared: the hosts write frames (app/host/frames.py),
the web process reads a frame's header to tell a class's dashboard how each student stands (app/web/class_relay.py).

A frame is PREFIX (magic, version, flags, reserved, the header's length), the header (JSON), then the payload."""

import json
import struct

MAGIC, VERSION = b"NNPF", 1
FLAG_DEFLATE = 1  # the payload is deflated
PREFIX = struct.Struct("<4sBBHI")


def header_of(frame: bytes) -> dict:
    """A frame's header (epoch, status, losses, ...); ValueError if ``frame`` is not a frame."""
    try:
        magic, version, _, _, length = PREFIX.unpack_from(frame)
    except struct.error:
        raise ValueError("not an nnplay frame") from None
    if magic != MAGIC or version != VERSION:
        raise ValueError("not an nnplay frame")
    return json.loads(frame[PREFIX.size:PREFIX.size + length])
