"""Regressions from a review of the server: resource limits, recovery, and answers that stay 4xx."""

import json
import threading

import httpx
import numpy as np  # noqa: I001
import pytest
from starlette.websockets import WebSocketDisconnect

from app.core.config import Settings
from app.core.errors import HostUnavailable
from app.host.frames import FrameEncoder, LayerMaps, Snapshot, decode
from app.schemas.session import SessionConfig
from app.web.sessions import SessionManager
from tests.app.test_stream import open_stream
from tests.conftest import run_in_own_loop


def test_forged_import_with_huge_layers_is_refused_before_anything_is_built(client, new_session):
    sid, headers, _ = new_session()
    document = client.get(f"/api/sessions/{sid}/model", headers=headers).json()
    document["model"]["layers"][0]["units"] = 4000
    document["model"]["input_dim"] = 4000
    response = client.post("/api/sessions/import", json={"document": document})
    assert response.status_code == 422 and "do not match" in response.json()["detail"]


def test_a_failed_change_keeps_the_training_done_so_far(client, new_session):
    sid, headers, _ = new_session()
    client.post(f"/api/sessions/{sid}/train", json={"epochs": 20}, headers=headers)
    weights = client.get(f"/api/sessions/{sid}/weights", headers=headers).json()
    response = client.patch(f"/api/sessions/{sid}", json={"data": {"n_points": 5000}}, headers=headers)
    assert response.status_code == 422
    body = client.get(f"/api/sessions/{sid}", headers=headers).json()
    assert body["metrics"]["epoch"] == 20
    assert client.get(f"/api/sessions/{sid}/weights", headers=headers).json() == weights
    assert len(client.get(f"/api/sessions/{sid}/history", headers=headers).json()["epoch"]) == 20


@pytest.mark.parametrize("inputs", [[[1, 2], [3]], [[1e300, 1e300]], [["a", 1]]])
def test_bad_predict_inputs_are_422(client, new_session, inputs):
    sid, headers, _ = new_session()
    response = client.post(f"/api/sessions/{sid}/predict", json={"inputs": inputs}, headers=headers)
    assert response.status_code == 422, response.text


def test_weights_too_large_for_float32_are_refused(client, new_session):
    sid, headers, _ = new_session(hidden_layers=[1])
    layers = [{"W": [[1e300, 0]], "b": [0]}, {"W": [[1]], "b": [0]}]
    response = client.put(f"/api/sessions/{sid}/weights", json={"layers": layers}, headers=headers)
    assert response.status_code == 422 and "too large for float32" in response.json()["detail"]


def test_overflowing_weights_give_null_losses_not_nan(client, new_session):
    sid, headers, _ = new_session(hidden_layers=[1], activation="linear", output="linear", loss="squared_error")
    layers = [{"W": [[3e38, 3e38]], "b": [0]}, {"W": [[3e38]], "b": [0]}]
    assert client.put(f"/api/sessions/{sid}/weights", json={"layers": layers}, headers=headers).status_code == 200
    metrics = client.get(f"/api/sessions/{sid}", headers=headers).json()["metrics"]
    assert metrics["train_loss"] is None
    with open_stream(client, sid, headers) as ws:
        text = ws.receive_text()

        def refuse(name):
            raise AssertionError(f"{name} in the hello message")

        json.loads(text, parse_constant=refuse)  # strict JSON: the browser's JSON.parse must accept it


def test_view_change_on_an_idle_session_sends_a_frame(client, new_session):
    sid, headers, _ = new_session()
    with open_stream(client, sid, headers) as ws:
        ws.receive_json()
        first = decode(ws.receive_bytes())[0]
        ws.send_json({"type": "view", "output_resolution": 16, "neuron_resolution": 8})
        header = decode(ws.receive_bytes())[0]
        assert header["shapes"]["output"] == [16, 16] and header["epoch"] == first["epoch"] == 0


@pytest.mark.parametrize("command", [{"type": "fps", "value": 1e-300}, {"type": "fps", "value": True},
                                     {"type": "view", "neuron_resolution": 200}])
def test_stream_settings_out_of_range_are_refused(client, new_session, command):
    sid, headers, _ = new_session()
    with open_stream(client, sid, headers) as ws:
        ws.receive_json()
        ws.send_json(command)
        assert ws.receive_json()["type"] == "error"


def test_auth_message_with_a_non_string_token_is_refused(client, new_session):
    sid, _, _ = new_session()
    with client.websocket_connect(f"/api/sessions/{sid}/stream") as ws:
        ws.send_json({"type": "auth", "token": 123})
        assert ws.receive_json()["code"] == "auth.missing"  # said first, then closed
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 4403


def test_streams_per_session_are_limited(client, new_session, settings):
    sid, headers, _ = new_session()
    opened = [open_stream(client, sid, headers) for _ in range(settings.max_viewers_per_session)]
    sockets = [context.__enter__() for context in opened]
    try:
        for ws in sockets:
            assert ws.receive_json()["type"] == "hello"
        with open_stream(client, sid, headers) as extra, pytest.raises(WebSocketDisconnect) as closed:
            assert extra.receive_json()["code"] == "stream.too_many"  # said first, then closed
            extra.receive_json()
        assert closed.value.code == 4429
    finally:
        for context in opened:
            context.__exit__(None, None, None)


def test_grids_too_large_for_the_network_are_refused(client, new_session):
    sid, headers, _ = new_session(hidden_layers=[32] * 8)
    response = client.get(f"/api/sessions/{sid}/grid?resolution=200", headers=headers)
    assert response.status_code == 422 and "smaller resolution" in response.json()["detail"]
    assert client.get(f"/api/sessions/{sid}/grid?resolution=20", headers=headers).status_code == 200


def test_encoder_forgets_maps_of_an_old_view():
    encoder = FrameEncoder(1e9)
    for resolution in range(10, 40):
        values = np.zeros((4, resolution, resolution), dtype=np.float32)
        encoder.encode(Snapshot({"type": "frame"}, np.zeros(2), [LayerMaps(1, values, (-1.0, 1.0), "neuron")]))
    assert len(encoder.sent_maps) == 1


def test_new_sessions_go_to_hosts_that_are_alive():
    run_in_own_loop(_new_sessions_go_to_hosts_that_are_alive())


async def _new_sessions_go_to_hosts_that_are_alive():
    now = [0.0]  # the manager's clock: idleness must not depend on how long the machine has been up
    manager = SessionManager(Settings(workers=2), clock=lambda: now[0])
    manager.hosts = [type(manager.hosts[0])(manager.settings, in_process=True) for _ in range(2)]
    manager.start()
    try:
        manager.hosts[0].stop()
        for _ in range(3):
            created = await manager.create(SessionConfig(), "me")
            assert manager.records[created["id"]].host is manager.hosts[1]
        assert manager.evict_idle() == []  # just made: nothing is idle
        now[0] += manager.settings.session_idle_seconds + 1
        assert len(manager.evict_idle()) == 3  # eviction goes on whatever the hosts' state
        manager.hosts[1].stop()
        with pytest.raises(HostUnavailable):
            await manager.create(SessionConfig(), "me")
    finally:
        manager.stop()


def test_a_long_rest_training_call_leaves_room_for_other_calls(live_server):
    body = httpx.post(f"{live_server}/api/sessions", json={"data": {"name": "spiral", "n_points": 2000},
                                                          "hidden_layers": [8] * 6}, timeout=10).json()
    auth = {"Authorization": f"Bearer {body['token']}"}
    url = f"{live_server}/api/sessions/{body['id']}"
    finished = threading.Event()

    def train():
        assert httpx.post(f"{url}/train", json={"epochs": 300}, headers=auth, timeout=60).status_code == 200
        finished.set()

    worker = threading.Thread(target=train)
    worker.start()
    answered_during = 0
    while not finished.is_set() and answered_during < 3:
        epoch = httpx.get(url, headers=auth, timeout=60).json()["metrics"]["epoch"]
        answered_during += 0 < epoch < 300 and not finished.is_set()
    worker.join(60)
    assert answered_during == 3  # read the session mid-training: the call trains in slices


def test_a_value_nested_thousands_deep_is_refused_not_a_500(client, new_session):
    """Valid JSON nested too deeply to be handed to the session's host is a 422, whatever field holds it."""
    sid, headers, _ = new_session()
    for field in ("learning_rate", "unknown_field"):
        body = '{"' + field + '": ' + "[" * 600 + "]" * 600 + "}"
        response = client.patch(f"/api/sessions/{sid}", content=body,
                                headers={**headers, "content-type": "application/json"})
        assert response.status_code == 422 and response.json()["code"] == "request.nesting", response.text
    assert client.get(f"/api/sessions/{sid}", headers=headers).status_code == 200
