"""Inside the network over REST: the chapter's Fig. 3-13 network entered by hand, every node's value,
one-sample backprop checked against finite differences, grids, export and import."""

import numpy as np
import pytest

FIG_3_13 = {"layers": [{"W": [[1, -2], [-1, 1]], "b": [1, 0]}, {"W": [[2, -1], [-2, -1]], "b": [0, 0]},
                       {"W": [[3, -1], [-1, 4]], "b": [-2, 2]}]}
FIG_CONFIG = {"data": {"name": "gauss", "n_points": 40}, "hidden_layers": [2, 2], "activation": "sigmoid",
              "output": "sigmoid", "loss": "cross_entropy"}


@pytest.fixture
def fig_session(client, new_session):
    sid, headers, _ = new_session(**FIG_CONFIG)
    response = client.put(f"/api/sessions/{sid}/weights", json=FIG_3_13, headers=headers)
    assert response.status_code == 200, response.text
    return sid, headers


def test_fig_3_13_network_entered_by_hand_gives_the_chapters_values(client, fig_session):
    sid, headers = fig_session
    body = client.post(f"/api/sessions/{sid}/predict", json={"inputs": [[1, -1], [0, 0]]}, headers=headers).json()
    h = [np.round(np.array(layer["h"]), 2) for layer in body["layers"]]
    np.testing.assert_allclose(h[0], [[0.98, 0.12], [0.73, 0.50]])
    np.testing.assert_allclose(h[1], [[0.86, 0.11], [0.72, 0.12]])
    np.testing.assert_allclose(h[2], [[0.62, 0.83], [0.51, 0.85]])
    np.testing.assert_allclose(body["layers"][0]["a"][0], [1 * 1 + -2 * -1 + 1, -1 * 1 + 1 * -1 + 0])  # eq. 3.4


def test_backprop_gradients_equal_finite_differences(client, fig_session):
    sid, headers = fig_session
    body = client.post(f"/api/sessions/{sid}/backprop", json={"input": [1, -1], "target": 0}, headers=headers).json()
    y, target = np.array(body["forward"]["h"][-1]), np.array([1, 0])
    np.testing.assert_allclose(body["grad_output"], -target / y, rtol=1e-6)  # eq. 3.15-3.16
    # Sigmoid outputs with -log y_c (the figure's pairing): delta = -t (1 - y), not y - t (see seed-map.md).
    np.testing.assert_allclose(body["deltas"][-1], -target * (1 - y), rtol=1e-5, atol=1e-7)
    eps = 1e-2  # float32 session: a wide step keeps rounding small against the difference
    for layer_index, grads in enumerate(body["gradients"]):
        for i, j in [(0, 0), (1, 1)]:
            for sign, store in ((1, "up"), (-1, "down")):
                weights = {"layers": [dict(layer, W=[row[:] for row in layer["W"]]) for layer in FIG_3_13["layers"]]}
                weights["layers"][layer_index]["W"][i][j] += sign * eps
                client.put(f"/api/sessions/{sid}/weights", json=weights, headers=headers)
                loss = client.post(f"/api/sessions/{sid}/backprop", json={"input": [1, -1], "target": 0},
                                   headers=headers).json()["loss"]
                if store == "up":
                    up = loss
                else:
                    down = loss
            assert grads["W"][i][j] == pytest.approx((up - down) / (2 * eps), rel=2e-3, abs=1e-5)


def test_bad_weights_and_inputs_are_refused(client, fig_session):
    sid, headers = fig_session
    wrong = {"layers": FIG_3_13["layers"][:2]}
    response = client.put(f"/api/sessions/{sid}/weights", json=wrong, headers=headers)
    assert response.status_code == 422 and "expected 6 arrays" in response.json()["detail"]
    response = client.post(f"/api/sessions/{sid}/predict", json={"inputs": [[1]]}, headers=headers)  # 1-D row, 2-D data
    assert response.status_code == 422 and "rows of 2 numbers" in response.json()["detail"]
    response = client.post(f"/api/sessions/{sid}/backprop", json={"input": [0, 0], "target": 7}, headers=headers)
    assert response.status_code == 422 and "class from 0 to 1" in response.json()["detail"]


def test_grid_has_every_neuron_in_range(client, new_session):
    sid, headers, _ = new_session(hidden_layers=[3, 2])
    body = client.get(f"/api/sessions/{sid}/grid?resolution=12", headers=headers).json()
    shapes = [np.array(layer).shape for layer in body["layers"]]
    assert shapes == [(3, 12, 12), (2, 12, 12), (1, 12, 12)]
    assert np.array(body["inputs"]).shape == (2, 12, 12)
    assert all(np.abs(np.array(layer)).max() <= 1 for layer in body["layers"])  # tanh and sigmoid
    assert client.get(f"/api/sessions/{sid}/grid?resolution=500", headers=headers).status_code == 422


def test_export_then_import_reproduces_the_session(client, fig_session):
    sid, headers = fig_session
    client.post(f"/api/sessions/{sid}/train", json={"epochs": 3}, headers=headers)
    document = client.get(f"/api/sessions/{sid}/model", headers=headers).json()
    assert document["format"] == "nnplay.session" and document["model"]["format"] == "nnplay.model"
    created = client.post("/api/sessions/import", json={"document": document})
    assert created.status_code == 201
    copy_headers = {"Authorization": f"Bearer {created.json()['token']}"}
    copy_id = created.json()["id"]
    assert created.json()["metrics"]["epoch"] == 3
    original = client.get(f"/api/sessions/{sid}/weights", headers=headers).json()
    assert client.get(f"/api/sessions/{copy_id}/weights", headers=copy_headers).json() == original
    document["model"]["layers"][0]["units"] = 5
    response = client.post("/api/sessions/import", json={"document": document})
    assert response.status_code == 422
    assert client.post("/api/sessions/import", json={"document": {"format": "x"}}).status_code == 422


def test_dataset_preview_is_reproducible(client):
    config = {"name": "spiral", "n_points": 50, "noise": 0.1, "seed": 4, "train_ratio": 0.6}
    first, second = (client.post("/api/datasets/preview", json=config).json() for _ in range(2))
    assert first == second and len(first["train"]["X"]) == 30 and len(first["test"]["X"]) == 20


def test_one_weight_or_bias_can_be_edited_alone(client, fig_session):
    sid, headers = fig_session
    edit = {"layer": 2, "row": 1, "col": 0, "value": 5.5}
    assert client.patch(f"/api/sessions/{sid}/weights", json=edit, headers=headers).status_code == 200
    assert client.patch(f"/api/sessions/{sid}/weights", json={"layer": 3, "row": 0, "value": -1.25},
                        headers=headers).status_code == 200
    layers = client.get(f"/api/sessions/{sid}/weights", headers=headers).json()["layers"]
    expected = [dict(layer) for layer in FIG_3_13["layers"]]
    assert layers[1]["W"] == [[2, -1], [5.5, -1]] and layers[2]["b"] == [-1.25, 2]
    assert layers[0]["W"] == expected[0]["W"]
    for bad in ({"layer": 4, "row": 0, "value": 1}, {"layer": 1, "row": 2, "col": 0, "value": 1},
                {"layer": 1, "row": 0, "col": 5, "value": 1}, {"layer": 1, "row": 0, "value": 1e9}):
        assert client.patch(f"/api/sessions/{sid}/weights", json=bad, headers=headers).status_code == 422


@pytest.mark.parametrize(("version", "shown"), [(2, "version 2"), ("1", "version '1'"), (None, "version None"),
                                                ([1], "version '[1]'")])
def test_an_unknown_document_version_is_named_as_it_was_given(client, fig_session, version, shown):
    sid, headers = fig_session
    document = client.get(f"/api/sessions/{sid}/model", headers=headers).json()
    response = client.post("/api/sessions/import", json={"document": {**document, "version": version}})
    body = response.json()
    assert response.status_code == 422 and body["code"] == "document.version"
    assert body["detail"] == f"unsupported session document {shown}"
    assert body["params"]["version"] == (version if not isinstance(version, list) else "[1]")  # plain JSON
