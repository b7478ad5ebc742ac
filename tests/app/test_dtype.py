"""Sessions in float64: exact gradients, exact export/import, PATCHing the dtype, grids and stream frames."""

import numpy as np
import pytest

from app.host.frames import decode

SMALL = {"data": {"name": "xor", "n_points": 100, "noise": 0.1}, "hidden_layers": [3], "seed": 3}
SAMPLE = {"input": [0.5, -0.3], "target": 1}


def flat(weights: dict) -> list[float]:
    return [w for layer in weights["layers"] for w in [*np.ravel(layer["W"]), *layer["b"]]]


def put_flat(layers: list[dict], values: list[float]) -> list[dict]:
    """The layers with W and b replaced, in the order of flat()."""
    out, at = [], 0
    for layer in layers:
        shape, units = np.shape(layer["W"]), len(layer["b"])
        size = int(np.prod(shape))
        W, b = np.reshape(values[at:at + size], shape).tolist(), list(values[at + size:at + size + units])
        out.append({"W": W, "b": b})
        at += size + units
    return out


def gradient_error(client, sid, headers, epsilon: float) -> float:
    """Largest |backprop - central difference| over every parameter, both computed by the session itself."""
    start = client.get(f"/api/sessions/{sid}/weights", headers=headers).json()
    theta = flat(start)
    analytic = flat({"layers": client.post(f"/api/sessions/{sid}/backprop", json=SAMPLE,
                                           headers=headers).json()["gradients"]})

    def loss_at(values):
        client.put(f"/api/sessions/{sid}/weights", json={"layers": put_flat(start["layers"], values)}, headers=headers)
        return client.post(f"/api/sessions/{sid}/backprop", json=SAMPLE, headers=headers).json()["loss"]

    worst = 0.0
    for i in range(len(theta)):
        plus, minus = list(theta), list(theta)
        plus[i] += epsilon
        minus[i] -= epsilon
        numeric = (loss_at(plus) - loss_at(minus)) / (2 * epsilon)
        worst = max(worst, abs(numeric - analytic[i]))
    return worst


def test_float64_backprop_matches_finite_differences_far_tighter_than_float32(client, new_session):
    sid64, headers64, body = new_session(**SMALL, dtype="float64")
    assert body["config"]["dtype"] == "float64"
    sid32, headers32, body = new_session(**SMALL)
    assert body["config"]["dtype"] == "float32"
    error64 = gradient_error(client, sid64, headers64, epsilon=1e-6)
    error32 = gradient_error(client, sid32, headers32, epsilon=1e-3)  # about the best step float32 allows
    assert error64 < 1e-8
    assert error32 > 1000 * error64


def test_float64_weights_round_trip_exactly_through_export_and_import(client, new_session):
    sid, headers, _ = new_session(**SMALL, dtype="float64", optimizer="adam", learning_rate=0.01)
    client.post(f"/api/sessions/{sid}/train", json={"epochs": 5}, headers=headers)
    document = client.get(f"/api/sessions/{sid}/model", headers=headers).json()
    assert document["config"]["dtype"] == "float64" and document["model"]["dtype"] == "float64"
    created = client.post("/api/sessions/import", json={"document": document}).json()
    assert created["config"]["dtype"] == "float64" and created["metrics"]["epoch"] == 5
    ours = flat(client.get(f"/api/sessions/{sid}/weights", headers=headers).json())
    theirs = flat(client.get(f"/api/sessions/{created['id']}/weights",
                             headers={"Authorization": f"Bearer {created['token']}"}).json())
    assert theirs == ours  # every bit
    assert any(w != float(np.float32(w)) for w in ours)  # and they really are float64 numbers


def test_patching_the_dtype_rebuilds_the_network_from_its_seed(client, new_session):
    sid, headers, _ = new_session(**SMALL)
    initial32 = flat(client.get(f"/api/sessions/{sid}/weights", headers=headers).json())
    client.post(f"/api/sessions/{sid}/train", json={"epochs": 5}, headers=headers)
    body = client.patch(f"/api/sessions/{sid}", json={"dtype": "float64"}, headers=headers).json()
    assert body["config"]["dtype"] == "float64" and body["metrics"]["epoch"] == 0
    initial64 = flat(client.get(f"/api/sessions/{sid}/weights", headers=headers).json())
    assert initial64 == pytest.approx(initial32, rel=1e-6)  # the same draw from the seed, in more digits
    trained = client.post(f"/api/sessions/{sid}/train", json={"epochs": 5}, headers=headers).json()
    assert trained["status"] == "completed" and trained["metrics"]["epoch"] == 5
    assert client.patch(f"/api/sessions/{sid}", json={"dtype": "float16"}, headers=headers).status_code == 422


def test_float64_grid_and_stream_frames(client, new_session):
    sid, headers, _ = new_session(**SMALL, dtype="float64")
    grid = client.get(f"/api/sessions/{sid}/grid?resolution=16", headers=headers).json()
    assert np.isfinite(np.array(grid["layers"][-1])).all()
    token = headers["Authorization"].removeprefix("Bearer ")
    with client.websocket_connect(f"/api/sessions/{sid}/stream", subprotocols=["nnplay", f"token.{token}"]) as ws:
        assert ws.receive_json()["type"] == "hello"
        ws.send_json({"type": "view", "output_resolution": 16, "neuron_resolution": 16})
        header, weights, maps = decode(ws.receive_bytes())
        assert header["epoch"] == 0 and np.isfinite(weights).all()
        np.testing.assert_allclose(maps[("output", 2, 0)], np.array(grid["layers"][-1][0]), atol=1 / 255 + 1e-6)
        ws.send_json({"type": "step"})
        header, _, maps = decode(ws.receive_bytes())
        assert header["epoch"] == 1 and all(np.isfinite(values).all() for values in maps.values())
