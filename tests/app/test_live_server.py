"""Against a real uvicorn process on loopback, with a real WebSocket client (the websockets package)."""

import json
import time

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from app.host.frames import decode


def create(base: str, **config) -> tuple[str, str]:
    body = httpx.post(f"{base}/api/sessions", json=config, timeout=10).json()
    return body["id"], body["token"]


def settled_epoch(base: str, sid: str, auth: dict, deadline_seconds: float = 30) -> int:
    """The session's epoch once two reads 0.2 s apart agree (waits on that condition, up to a deadline)."""
    deadline = time.monotonic() + deadline_seconds
    previous = None
    while True:
        epoch = httpx.get(f"{base}/api/sessions/{sid}", headers=auth, timeout=10).json()["metrics"]["epoch"]
        if epoch == previous:
            return epoch
        assert time.monotonic() < deadline, "the session never stopped training"
        previous = epoch
        time.sleep(0.2)


def test_stream_over_a_real_socket_and_rest_stays_responsive(live_server):
    sid, token = create(live_server, data={"name": "spiral", "n_points": 300}, hidden_layers=[8] * 6)
    other_sid, other_token = create(live_server)
    auth = {"Authorization": f"Bearer {other_token}"}
    url = live_server.replace("http", "ws") + f"/api/sessions/{sid}/stream"
    with connect(url, subprotocols=["nnplay", f"token.{token}"], open_timeout=10) as ws:
        assert ws.subprotocol == "nnplay"
        assert json.loads(ws.recv(timeout=10))["type"] == "hello"
        ws.send(json.dumps({"type": "play"}))
        epochs = []
        for _ in range(12):  # REST calls between frames: both are served while the session trains
            header, weights, maps = decode(ws.recv(timeout=30))
            epochs.append(header["epoch"])
            assert httpx.get(f"{live_server}/api/sessions/{other_sid}", headers=auth, timeout=30).status_code == 200
        ws.send(json.dumps({"type": "pause"}))
    # How fast REST answers under load is measured by bench/load_stream.py, not asserted here.
    assert epochs == sorted(epochs) and epochs[-1] > epochs[0] >= 0


def test_dropping_the_connection_stops_training_and_reconnecting_resumes(live_server):
    sid, token = create(live_server)
    auth = {"Authorization": f"Bearer {token}"}
    url = live_server.replace("http", "ws") + f"/api/sessions/{sid}/stream"
    with connect(url, subprotocols=["nnplay", f"token.{token}"], open_timeout=10) as ws:
        ws.recv(timeout=10)
        ws.send(json.dumps({"type": "play"}))
        for _ in range(5):
            ws.recv(timeout=10)
    first = settled_epoch(live_server, sid, auth)  # the server has noticed the close: training has stopped
    time.sleep(0.5)  # a bounded look for an orphan trainer (it would have trained many epochs by now)
    second = httpx.get(f"{live_server}/api/sessions/{sid}", headers=auth, timeout=10).json()["metrics"]["epoch"]
    assert first == second > 0  # nobody watching: no orphan trainer keeps going
    with connect(url, subprotocols=["nnplay", f"token.{token}"], open_timeout=10) as ws:
        ws.recv(timeout=10)
        epochs = [decode(ws.recv(timeout=10))[0]["epoch"] for _ in range(5)]  # still playing: it resumes
    assert epochs[-1] > second


def test_wrong_origin_is_refused_at_the_handshake(live_server):
    sid, token = create(live_server)
    url = live_server.replace("http", "ws") + f"/api/sessions/{sid}/stream"
    with pytest.raises(InvalidStatus) as refused:
        connect(url, subprotocols=["nnplay", f"token.{token}"], origin="http://evil.example", open_timeout=10)
    assert refused.value.response.status_code == 403
