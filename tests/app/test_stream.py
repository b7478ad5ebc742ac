"""The WebSocket stream through the ASGI test client: auth, control messages, frames and their decoding."""

import json
import math

import numpy as np
import pytest
from starlette.websockets import WebSocketDisconnect

from app.host.frames import decode


def open_stream(client, sid, auth, **kwargs):
    token = auth["Authorization"].removeprefix("Bearer ")
    return client.websocket_connect(f"/api/sessions/{sid}/stream", subprotocols=["nnplay", f"token.{token}"],
                                    **kwargs)


def next_frames(ws, count: int) -> list[tuple[dict, np.ndarray, dict]]:
    """The next ``count`` frames, however long the machine takes to train and build them."""
    return [decode(ws.receive_bytes()) for _ in range(count)]


def test_playing_streams_frames_with_rising_epochs_and_valid_heatmaps(client, new_session):
    sid, headers, _ = new_session(data={"name": "spiral", "n_points": 200}, hidden_layers=[6, 4])
    with open_stream(client, sid, headers) as ws:
        hello = ws.receive_json()
        assert hello["type"] == "hello" and hello["layers"] == [[6, 2, "tanh"], [4, 6, "tanh"], [1, 4, "sigmoid"]]
        ws.send_json({"type": "view", "output_resolution": 32, "neuron_resolution": 10})
        ws.send_json({"type": "play"})
        frames = next_frames(ws, 8)
        ws.send_json({"type": "pause"})
    epochs = [header["epoch"] for header, _, _ in frames]
    assert len(frames) >= 5 and epochs == sorted(epochs) and epochs[-1] > epochs[0] >= 0  # the first: at once
    seen = {}
    for header, weights, maps in frames:
        assert header["type"] == "frame" and math.isfinite(header["train_loss"] or 0)
        if weights is not None:
            assert weights.shape == ((2 * 6 + 6) + (6 * 4 + 4) + (4 + 1),) and np.isfinite(weights).all()
        for key, values in maps.items():
            seen[key] = values
            kind, layer, _ = key
            expected = (32, 32) if kind == "output" else (10, 10)
            assert values.shape == expected
            if kind != "input":  # tanh and sigmoid neurons stay within their ranges
                assert values.min() >= -1.0001 and values.max() <= 1.0001
    assert ("output", 3, 0) in seen and {("neuron", 1, j) for j in range(6)} <= set(seen)
    assert {("input", 0, 0), ("input", 0, 1)} <= set(seen)


def test_decoded_output_heatmap_matches_the_grid_endpoint(client, new_session):
    sid, headers, _ = new_session(hidden_layers=[3])
    with open_stream(client, sid, headers) as ws:
        ws.receive_json()
        ws.send_json({"type": "view", "output_resolution": 16, "neuron_resolution": 16})
        header, _, maps = decode(ws.receive_bytes())
    grid = client.get(f"/api/sessions/{sid}/grid?resolution=16", headers=headers).json()
    np.testing.assert_allclose(maps[("output", 2, 0)], np.array(grid["layers"][-1][0]), atol=1 / 255 + 1e-6)


def test_step_and_reset_and_live_learning_rate(client, new_session):
    sid, headers, _ = new_session()
    with open_stream(client, sid, headers) as ws:
        ws.receive_json()
        ws.send_json({"type": "step"})
        assert decode(ws.receive_bytes())[0]["epoch"] == 1
        ws.send_json({"type": "set", "learning_rate": 0.3})
        header = decode(ws.receive_bytes())[0]
        assert header["learning_rate"] == pytest.approx(0.3) and header["epoch"] == 1
        ws.send_json({"type": "set", "hidden_layers": [2]})
        assert "PATCH" in ws.receive_json()["message"]
        ws.send_json({"type": "reset"})
        assert decode(ws.receive_bytes())[0]["epoch"] == 0


def test_bad_control_messages_get_errors_not_disconnects(client, new_session):
    sid, headers, _ = new_session()
    with open_stream(client, sid, headers) as ws:
        ws.receive_json()
        for message in ["not json", "[1, 2]", '{"type": "dance"}', '{"type": "fps", "value": -3}',
                        '{"type": "view", "output_resolution": 5000}', '{"type": "set", "learning_rate": -1}']:
            ws.send_text(message)
            assert ws.receive_json()["type"] == "error", message
        ws.send_bytes(b"\x00\x01")
        assert "JSON text" in ws.receive_json()["message"]
        ws.send_json({"type": "step"})
        assert decode(ws.receive_bytes())[0]["epoch"] == 1  # still serving


def test_oversize_control_message_closes_the_stream(client, new_session, settings):
    sid, headers, _ = new_session()
    with open_stream(client, sid, headers) as ws:
        ws.receive_json()
        ws.send_text('{"type": "play", "pad": "' + "x" * settings.max_ws_message_bytes + '"}')
        assert closing_error(ws)["code"] == "stream.message_too_large"  # said first, then closed
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 1009


@pytest.mark.parametrize("protocols, code", [(["nnplay"], 4403), (["nnplay", "token.wrong"], 4403)])
def test_stream_needs_the_sessions_token(client, new_session, protocols, code):
    sid, _, _ = new_session()
    with client.websocket_connect(f"/api/sessions/{sid}/stream", subprotocols=protocols) as ws:
        if protocols == ["nnplay"]:
            ws.send_json({"type": "auth", "token": "nope"})
        assert ws.receive_json()["code"] == "auth.wrong"  # said first, then closed
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == code


def test_token_may_come_as_the_first_message(client, new_session):
    sid, headers, _ = new_session()
    with client.websocket_connect(f"/api/sessions/{sid}/stream") as ws:
        ws.send_json({"type": "auth", "token": headers["Authorization"].removeprefix("Bearer ")})
        assert ws.receive_json()["type"] == "hello"


def test_foreign_origin_is_refused(client, new_session):
    sid, headers, _ = new_session()
    with pytest.raises(WebSocketDisconnect) as closed, \
            open_stream(client, sid, headers, headers={"origin": "http://evil.example"}) as ws:
        ws.receive_json()
    assert closed.value.code == 1008


def test_divergence_reaches_the_stream_as_a_status_without_nan(client, new_session):
    sid, headers, _ = new_session(data={"name": "plane", "n_points": 200, "noise": 0.2}, hidden_layers=[8, 8],
                                  activation="relu", learning_rate=50, batch_size=5)
    with open_stream(client, sid, headers) as ws:
        ws.receive_json()
        ws.send_json({"type": "play"})
        for _ in range(500):  # frames come while it trains; the one after the divergence says so
            header, weights, maps = decode(ws.receive_bytes())
            assert weights is None or np.isfinite(weights).all()
            assert all(np.isfinite(m).all() for m in maps.values())
            assert all(math.isfinite(header[k]) for k in ("train_loss", "test_loss") if header[k] is not None)
            if header["status"] == "diverged":
                assert "learning rate" in header["message"]
                break
        else:
            pytest.fail("no frame reported the divergence")


def test_deleting_the_session_closes_its_stream(client, new_session):
    sid, headers, _ = new_session()
    with open_stream(client, sid, headers) as ws:
        ws.receive_json()
        client.delete(f"/api/sessions/{sid}", headers=headers)
        assert closing_error(ws)["code"] == "stream.session_ended"  # said first, then closed
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                ws.receive_bytes()
        assert closed.value.code == 4410


@pytest.mark.parametrize("config, output_shape, outputs", [
    ({"data": {"name": "sine", "n_points": 60}, "hidden_layers": [5]}, (24,), 1),
    ({"data": {"name": "blobs", "n_points": 60, "params": {"n_classes": 4}}, "hidden_layers": [5]}, (24, 24), 4),
])
def test_one_dimensional_and_multi_class_frames(client, new_session, config, output_shape, outputs):
    sid, headers, _ = new_session(**config)
    with open_stream(client, sid, headers) as ws:
        hello = ws.receive_json()
        assert hello["layers"][-1][0] == outputs
        ws.send_json({"type": "view", "output_resolution": 24, "neuron_resolution": 8})
        ws.send_json({"type": "step"})
        maps = {}
        for _ in range(3):
            header, _, frame_maps = decode(ws.receive_bytes())
            maps.update(frame_maps)
            if header["epoch"] == 1 and header["shapes"].get("output") == list(output_shape):
                break
    output_maps = [values for (kind, _, _), values in maps.items() if kind == "output"]
    assert len(output_maps) == outputs and all(m.shape == output_shape for m in output_maps)
    if outputs > 1:  # softmax: the class maps sum to one in every cell
        np.testing.assert_allclose(np.sum(output_maps, axis=0), 1, atol=outputs * 0.5 / 255 + 1e-3)


def closing_error(ws) -> dict:
    """The error message the server sends before it closes the stream (frames before it are skipped)."""
    while True:
        message = ws.receive()
        assert message["type"] == "websocket.send", message
        if message.get("text") is not None:
            error = json.loads(message["text"])
            if error.get("type") == "error":
                return error


def assert_closes(ws, code: int) -> None:
    with pytest.raises(WebSocketDisconnect) as closed:
        while True:
            ws.receive_bytes()
    assert closed.value.code == code


@pytest.mark.parametrize(("protocols", "code"),
                         [(["nnplay"], "auth.missing"), (["nnplay", "token.wrong"], "auth.wrong")])
def test_a_refused_token_is_said_with_a_code_in_the_handshakes_language(client, new_session, protocols, code):
    from app.core.messages import render

    sid, _, _ = new_session()
    with client.websocket_connect(f"/api/sessions/{sid}/stream", subprotocols=protocols,
                                  headers={"accept-language": "zh"}) as ws:
        if protocols == ["nnplay"]:
            ws.send_json({"type": "nothing"})  # not an auth message: no token
        error = ws.receive_json()
        assert error == {"type": "error", "code": code, "params": {}, "message": render(code, {}, "zh")}
        assert_closes(ws, 4403)


def test_an_unknown_session_is_said_with_a_code_before_4404(client):
    from app.core.messages import render

    with client.websocket_connect("/api/sessions/AAAAAAAAAAAA/stream", subprotocols=["nnplay", "token.x"],
                                  headers={"accept-language": "zh-CN"}) as ws:
        error = ws.receive_json()
        assert error["code"] == "session.not_found" and error["params"] == {"session_id": "AAAAAAAAAAAA"}
        assert error["message"] == render("session.not_found", error["params"], "zh")
        assert_closes(ws, 4404)


def test_the_end_of_a_session_and_an_oversize_message_are_said_before_the_close(client, new_session, settings):
    sid, headers, _ = new_session()
    with open_stream(client, sid, headers) as ws:
        ws.receive_json()
        ws.send_text('{"type": "play", "pad": "' + "x" * settings.max_ws_message_bytes + '"}')
        error = closing_error(ws)
        assert error["code"] == "stream.message_too_large"
        assert error["params"] == {"most": settings.max_ws_message_bytes}
        assert_closes(ws, 1009)
    with open_stream(client, sid, headers) as ws:
        ws.receive_json()
        client.delete(f"/api/sessions/{sid}", headers=headers)
        error = closing_error(ws)
        assert error["code"] == "stream.session_ended" and error["params"] == {}
        assert_closes(ws, 4410)


def test_one_stream_too_many_is_said_with_a_code_before_4429():
    from fastapi.testclient import TestClient

    from app.core.config import Settings
    from app.main import create_app

    with TestClient(create_app(Settings(workers=0, max_viewers_per_session=1))) as client:
        created = client.post("/api/sessions", json={}).json()
        headers = {"Authorization": f"Bearer {created['token']}"}
        with open_stream(client, created["id"], headers) as first:
            assert first.receive_json()["type"] == "hello"
            with open_stream(client, created["id"], headers, headers={"accept-language": "zh"}) as second:
                error = second.receive_json()
                assert error["code"] == "stream.too_many" and error["params"] == {"most": 1}
                assert "1" in error["message"] and "网络" in error["message"]
                assert_closes(second, 4429)
