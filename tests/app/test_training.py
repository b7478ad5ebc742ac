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


XOR_QUICK = {"data": {"name": "xor", "n_points": 300, "noise": 0.0}, "hidden_layers": [8, 4], "optimizer": "adam",
             "learning_rate": 0.01, "batch_size": 10}


def test_training_until_a_goal_stops_at_the_first_epoch_where_every_rule_holds(client, new_session):
    sid, headers, _ = new_session(**XOR_QUICK)
    goal = {"train_loss_below": 0.2, "train_accuracy_at_least": 0.95, "test_accuracy_at_least": 0.9}
    body = client.post(f"/api/sessions/{sid}/train", json={"epochs": 2000, "until": goal}, headers=headers).json()
    assert body["status"] == "goal_reached" and "reached the goal" in body["message"]
    history, metrics = body["history"], body["metrics"]
    assert 1 <= body["epochs_run"] < 2000 and len(history["epoch"]) == body["epochs_run"] == metrics["epoch"]
    assert metrics["train_accuracy"] >= 0.95 and metrics["test_accuracy"] >= 0.9
    last = {key: values[-1] for key, values in history.items()}
    assert last["train_loss"] < 0.2 and last["train_accuracy"] >= 0.95 and last["test_accuracy"] >= 0.9
    earlier = zip(*(history[key][:-1] for key in ("train_loss", "train_accuracy", "test_accuracy")), strict=True)
    assert not any(loss < 0.2 and train >= 0.95 and test >= 0.9 for loss, train, test in earlier)


def test_a_goal_out_of_reach_runs_every_epoch_and_says_completed(client, new_session):
    sid, headers, _ = new_session(**XOR_QUICK)
    until = {"train_loss_below": 1e-9, "test_accuracy_at_least": 0.5}  # AND: the easy rule alone does not stop it
    body = client.post(f"/api/sessions/{sid}/train", json={"epochs": 30, "until": until}, headers=headers).json()
    assert body["status"] == "completed" and body["epochs_run"] == 30 and body["history"]["epoch"] == list(range(1, 31))
    assert body["metrics"]["test_accuracy"] >= 0.5


def test_goals_that_cannot_be_checked_are_refused(client, new_session):
    sid, headers, _ = new_session(data={"name": "xor", "train_ratio": 1})
    response = client.post(f"/api/sessions/{sid}/train", json={"epochs": 20, "until": {"test_loss_below": 0.1}},
                           headers=headers)
    assert response.status_code == 422 and response.json()["code"] == "goal.needs_test_set"
    assert "test set" in response.json()["detail"]
    assert client.post(f"/api/sessions/{sid}/train", json={"epochs": 20, "until": {"train_loss_below": 0.1}},
                       headers=headers).status_code == 200  # training-set goals need no test set
    sid, headers, _ = new_session(data={"name": "sine", "n_points": 100})
    response = client.post(f"/api/sessions/{sid}/train",
                           json={"epochs": 5, "until": {"train_accuracy_at_least": 0.9}}, headers=headers)
    assert response.status_code == 422 and response.json()["code"] == "goal.needs_classes"
    assert client.get(f"/api/sessions/{sid}", headers=headers).json()["metrics"]["epoch"] == 0  # nothing trained


def test_bad_goals_are_refused(client, new_session):
    sid, headers, _ = new_session()
    for until in ({}, {"train_accuracy_at_least": 2}, {"test_accuracy_at_least": 0}, {"train_loss_below": 0},
                  {"test_loss_below": -1}, {"train_loss_below": "NaN"}, {"accuracy": 0.9}):
        response = client.post(f"/api/sessions/{sid}/train", json={"epochs": 5, "until": until}, headers=headers)
        assert response.status_code == 422, until
        assert response.json()["errors"][0]["loc"][:2] == ["body", "until"]
    assert client.get(f"/api/sessions/{sid}", headers=headers).json()["metrics"]["epoch"] == 0


def test_train_and_step_answers_follow_their_response_models(client, new_session):
    sid, headers, _ = new_session()
    schema = client.get("/openapi.json").json()
    train = schema["paths"]["/api/sessions/{session_id}/train"]["post"]["responses"]["200"]["content"]
    step = schema["paths"]["/api/sessions/{session_id}/step"]["post"]["responses"]["200"]["content"]
    assert train["application/json"]["schema"]["$ref"].endswith("/TrainResult")
    assert step["application/json"]["schema"]["$ref"].endswith("/StepResult")
    statuses = schema["components"]["schemas"]["TrainStatus"]["enum"]
    assert statuses == ["completed", "goal_reached", "time_limit", "diverged"]
    body = client.post(f"/api/sessions/{sid}/step", headers=headers).json()
    assert set(body) == {"status", "message", "epochs_run", "metrics"} and body["status"] == "completed"
