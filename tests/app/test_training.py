"""Training over plain HTTP: XOR to high accuracy, per-call limits, divergence as a status."""

import math


def test_xor_trained_over_rest_reaches_high_accuracy(client, new_session):
    sid, headers, _ = new_session(data={"name": "xor", "n_points": 300, "noise": 0.0}, hidden_layers=[8, 4],
                                  optimizer="adam", learning_rate=0.01, batch_size=10)
    response = client.post(f"/api/sessions/{sid}/train", json={"epochs": 150}, headers=headers)
    body = response.json()
    assert response.status_code == 200 and body["status"] == "completed" and body["epochs_run"] == 150
    assert body["history"]["epoch"] == list(range(1, 151))
    assert body["history"]["train_loss"][-1] < body["history"]["train_loss"][0] / 3
    assert body["metrics"]["train_accuracy"] >= 0.95 and body["metrics"]["test_accuracy"] >= 0.9
    again = client.post(f"/api/sessions/{sid}/train", json={"epochs": 10}, headers=headers).json()
    assert again["history"]["epoch"] == list(range(151, 161))  # the run continues


def test_step_trains_exactly_one_epoch(client, new_session):
    sid, headers, _ = new_session()
    for expected in (1, 2):
        assert client.post(f"/api/sessions/{sid}/step", headers=headers).json()["metrics"]["epoch"] == expected


def test_epochs_per_call_are_bounded(client, new_session, settings):
    sid, headers, _ = new_session()
    response = client.post(f"/api/sessions/{sid}/train", json={"epochs": settings.max_epochs_per_call + 1},
                           headers=headers)
    assert response.status_code == 422 and "call again" in response.json()["detail"]
    assert client.post(f"/api/sessions/{sid}/train", json={"epochs": 0}, headers=headers).status_code == 422


def test_divergence_is_a_status_and_no_nan_comes_back(client, new_session):
    sid, headers, _ = new_session(data={"name": "plane", "n_points": 200, "noise": 0.2}, hidden_layers=[8, 8],
                                  activation="relu", learning_rate=50, batch_size=5)
    body = client.post(f"/api/sessions/{sid}/train", json={"epochs": 200}, headers=headers).json()
    assert body["status"] == "diverged" and "learning rate" in body["message"]
    assert body["metrics"]["status"] == "diverged"
    numbers = [body["metrics"]["train_loss"], body["metrics"]["test_loss"], *body["history"]["train_loss"]]
    assert all(math.isfinite(x) for x in numbers)
    weights = client.get(f"/api/sessions/{sid}/weights", headers=headers).json()
    assert all(math.isfinite(w) for layer in weights["layers"] for row in layer["W"] for w in row)
    again = client.post(f"/api/sessions/{sid}/train", json={"epochs": 5}, headers=headers).json()
    assert again["epochs_run"] == 0 and again["status"] == "diverged"  # stays stopped until reset
    client.post(f"/api/sessions/{sid}/reset", headers=headers)
    assert client.get(f"/api/sessions/{sid}", headers=headers).json()["metrics"]["status"] == "idle"
