"""The playground's first picture (app/web/first_frame.py) is what a new default session shows first, and a stream
sends its first frame as soon as the client has said its view (app/web/stream_relay.py), not one interval later."""

import base64
import json
import re
import time
import zlib
from types import SimpleNamespace

import httpx
import numpy as np
from websockets.sync.client import connect

from app.core.frame_format import FLAG_DEFLATE, MAGIC, PREFIX, VERSION
from app.host.frames import decode
from app.web.first_frame import FirstFrame, inflated
from tests.app.test_stream import open_stream
from tests.conftest import run_in_own_loop, serving

BOOT = re.compile(r'<script type="application/json" id="boot">(.*?)</script>', re.S)


def boot_of(html: str) -> dict:
    return json.loads(BOOT.search(html).group(1))


def first_picture(get, deadline_seconds: float = 30) -> dict:
    """The playground page's picture, once the server has made it (the first page starts making it)."""
    deadline = time.monotonic() + deadline_seconds
    while "first" not in (boot := boot_of(get("/").text)):
        assert time.monotonic() < deadline, "the server never made the first picture"
        time.sleep(0.05)
    return boot["first"]


def test_the_first_picture_is_a_new_default_sessions_first_frame_and_points(client, new_session):
    picture = first_picture(client.get)
    sid, headers, _ = new_session()  # the default config
    assert picture["data"] == client.get(f"/api/sessions/{sid}/data", headers=headers).json()
    with open_stream(client, sid, headers) as ws:
        assert ws.receive_json()["type"] == "hello"
        ws.send_json({"type": "view", "output_resolution": 64, "neuron_resolution": 20})  # as the page does
        own = ws.receive_bytes()
    cached = base64.b64decode(picture["frame"])
    assert not cached[5] & FLAG_DEFLATE  # the page decodes it without waiting for an inflate
    (header, weights, maps), (own_header, own_weights, own_maps) = decode(cached), decode(own)
    assert header == own_header and header["epoch"] == 0 and header["structure"]["data_version"] == 1
    np.testing.assert_array_equal(weights, own_weights)
    assert maps.keys() == own_maps.keys() and ("output", 3, 0) in maps
    for key in maps:
        np.testing.assert_array_equal(maps[key], own_maps[key])


def test_only_the_default_playground_carries_the_picture_and_its_session_is_gone(client):
    first_picture(client.get)
    assert "first" not in boot_of(client.get("/lessons/the-neuron").text)
    class_id = client.post("/api/classes", json={"name": "7B"}).json()["id"]
    assert "first" not in boot_of(client.get(f"/classes/{class_id}/play").text)
    manager = client.app.state.sessions  # the picture was made on a session of its own, never listed, deleted after
    deadline = time.monotonic() + 30
    while manager.store.count() != (0, 0):  # its host deletes the stored copy in the background
        assert time.monotonic() < deadline, "the picture's session was never deleted"
        time.sleep(0.05)
    assert len(manager) == 0


def test_inflating_keeps_the_frame_and_clears_the_flag():
    head, payload = b'{"type":"frame"}', bytes(range(64)) * 4
    deflated = PREFIX.pack(MAGIC, VERSION, FLAG_DEFLATE, 0, len(head)) + head + zlib.compress(payload)
    plain = inflated(deflated)
    assert plain == PREFIX.pack(MAGIC, VERSION, 0, 0, len(head)) + head + payload
    assert inflated(plain) == plain  # already plain: as it is


def test_without_a_host_the_page_goes_without_the_picture_and_a_later_page_tries_again():
    async def scenario():
        first = FirstFrame(SimpleNamespace(hosts=[SimpleNamespace(alive=False, sessions=0)]))
        assert first.get() is None
        await first._making  # failed (logged), nothing raised
        assert first.picture is None
        first.manager.hosts = []
        assert first.get() is None and not first._making.done()  # tried again
        await first._making
        assert first.picture is None

    run_in_own_loop(scenario())  # a browser test may hold a loop in this thread


def test_the_first_frame_comes_as_soon_as_the_view_is_said_not_an_interval_later():
    # One frame per 100 s: a first frame that waited for the interval would not come within the bounded wait below.
    with serving(default_fps="0.01") as base:
        body = httpx.post(f"{base}/api/sessions", json={}, timeout=10).json()
        url = base.replace("http", "ws") + f"/api/sessions/{body['id']}/stream"
        with connect(url, subprotocols=["nnplay", f"token.{body['token']}"], open_timeout=10) as ws:
            assert json.loads(ws.recv(timeout=10))["type"] == "hello"
            ws.send(json.dumps({"type": "view", "output_resolution": 32, "neuron_resolution": 8}))
            header, _, maps = decode(ws.recv(timeout=30))
        assert header["epoch"] == 0 and maps[("output", 3, 0)].shape == (32, 32)  # at the view it said
