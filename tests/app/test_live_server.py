"""Against a real uvicorn process on loopback, with a real WebSocket client (the websockets package)."""

import json
import time

import httpx
import numpy as np
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from app.streaming.frames import decode


def create(base: str, **config) -> tuple[str, str]:
    body = httpx.post(f"{base}/api/sessions", json=config, timeout=10).json()
    return body["id"], body["token"]


def test_stream_over_a_real_socket_and_rest_stays_responsive(live_server):
    sid, token = create(live_server, data={"name": "spiral", "n_points": 300}, hidden_layers=[8] * 6)
    other_sid, other_token = create(live_server)
    auth = {"Authorization": f"Bearer {other_token}"}
    url = live_server.replace("http", "ws") + f"/api/sessions/{sid}/stream"
    with connect(url, subprotocols=["nnplay", f"token.{token}"], open_timeout=10) as ws:
        assert ws.subprotocol == "nnplay"
        assert json.loads(ws.recv(timeout=10))["type"] == "hello"
        ws.send(json.dumps({"type": "play"}))
        latencies, epochs = [], []
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            header, weights, maps = decode(ws.recv(timeout=10))
            epochs.append(header["epoch"])
            start = time.perf_counter()
            assert httpx.get(f"{live_server}/api/sessions/{other_sid}", headers=auth, timeout=10).status_code == 200
            latencies.append(time.perf_counter() - start)
        ws.send(json.dumps({"type": "pause"}))
    assert len(epochs) >= 10 and epochs == sorted(epochs) and epochs[-1] > 0
    assert np.median(latencies) < 0.25  # a loose bound: REST is served while another session trains


def test_dropping_the_connection_stops_training_and_reconnecting_resumes(live_server):
    sid, token = create(live_server)
    auth = {"Authorization": f"Bearer {token}"}
    url = live_server.replace("http", "ws") + f"/api/sessions/{sid}/stream"
    with connect(url, subprotocols=["nnplay", f"token.{token}"], open_timeout=10) as ws:
        ws.recv(timeout=10)
        ws.send(json.dumps({"type": "play"}))
        for _ in range(5):
            ws.recv(timeout=10)
    time.sleep(0.3)  # the server notices the close
    first = httpx.get(f"{live_server}/api/sessions/{sid}", headers=auth, timeout=10).json()["metrics"]["epoch"]
    time.sleep(0.5)
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
