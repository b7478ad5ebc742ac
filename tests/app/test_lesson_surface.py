"""Lessons 6 and 7 (sections 3.2-3.2.3): what their text and tasks claim, asserted against the engine and the API."""

import math

import numpy as np
import pytest

from app.web.lessons import network_is_a_function as l6
from app.web.lessons import objective_and_optimizer as l7
from engine import Dense, Sequential, activations, datasets, losses, surface


def start(client, new_session, lesson):
    sid, headers, _ = new_session(**lesson["config"])
    return sid, headers


def check(client, sid, headers, lesson, task, answer=None):
    body = {"answer": answer} if answer is not None else None
    return client.post(f"/api/sessions/{sid}/lessons/{lesson['id']}/tasks/{task}/check", json=body,
                       headers=headers).json()


def fig_3_13() -> Sequential:
    model = Sequential([Dense(2, "sigmoid", input_dim=2), Dense(2, "sigmoid"), Dense(2, "sigmoid")], dtype="float64")
    model.set_weights([array for layer in l6.FIG_3_13["layers"] for array in (layer["W"], layer["b"])])
    return model


def choice(lesson, task) -> str:
    """The English text of a question task's right choice."""
    right = next(c["value"] for c in lesson["tasks"][task]["conditions"] if c["kind"] == "answer")
    return lesson["tasks"][task]["choices"][right]["en"]


# ----- lesson 6 -----------------------------------------------------------------------------------------------


def test_fig_3_13_gives_the_chapters_numbers():
    trace = fig_3_13().forward_trace(np.array([[1.0, -1.0], [0.0, 0.0]]))
    rounded = [np.round(h, 2).tolist() for h in trace.outputs]
    assert rounded == [[[0.98, 0.12], [0.73, 0.5]], [[0.86, 0.11], [0.72, 0.12]], [[0.62, 0.83], [0.51, 0.85]]]
    assert choice(l6.LESSON, 1) == "({:.2f}, {:.2f})".format(*trace.outputs[1][1])  # task 1: h(2) at (0, 0)


def test_entering_fig_3_13_passes_the_first_task_and_the_questions_need_their_right_choice(client, new_session):
    lesson = l6.LESSON
    sid, headers = start(client, new_session, lesson)
    assert check(client, sid, headers, lesson, 0)["passed"] is False
    for k, layer in enumerate(l6.FIG_3_13["layers"], start=1):  # what the matrix editor sends, cell by cell
        for row, weights in enumerate(layer["W"]):
            for col, value in enumerate(weights):
                client.patch(f"/api/sessions/{sid}/weights", json={"layer": k, "row": row, "col": col, "value": value},
                             headers=headers)
            client.patch(f"/api/sessions/{sid}/weights", json={"layer": k, "row": row, "col": None,
                                                               "value": layer["b"][row]}, headers=headers)
    assert check(client, sid, headers, lesson, 0)["passed"] is True
    for task in (1, 2, 3):
        right = lesson["tasks"][task]["conditions"][0]["value"]
        assert check(client, sid, headers, lesson, task, answer=right)["passed"] is True
        assert check(client, sid, headers, lesson, task, answer=(right + 1) % 3)["passed"] is False


def test_the_design_tables_engine_code_runs():
    """Fig. 3-12's engine column, its three cells one after the other, is code that runs on this engine."""
    data = datasets.generate("gauss", n_points=100, noise=0.0, seed=0)
    scope = {"Sequential": Sequential, "Dense": Dense, "x": data.X, "y": data.y}
    exec("\n".join(l6.DESIGN["engine"]), scope)  # noqa: S102 - the lesson's own code, written in this repository
    model, history = scope["model"], scope["history"]
    assert [layer.units for layer in model.layers] == [2, 2, 2] and model.loss.name == "cross_entropy"
    assert model.optimizer.learning_rate == pytest.approx(0.03)
    assert history.status in ("completed", "reached_loss") and 1 <= len(history.loss) <= 20  # a step count or J <= 0.05


def test_the_design_tables_rest_calls_work(client):
    """Fig. 3-12's REST column, call by call, against this server."""
    sid, headers = None, {}
    for calls in l6.DESIGN["rest"]:
        for method, path, body in calls:
            response = client.request(method, path.replace("{id}", str(sid)), json=body, headers=headers)
            assert response.status_code in (200, 201), (method, path, response.text)
            if sid is None:
                sid, headers = response.json()["id"], {"Authorization": f"Bearer {response.json()['token']}"}
    config = client.get(f"/api/sessions/{sid}", headers=headers).json()["config"]
    assert config["hidden_layers"] == [2, 2] and config["loss"] == "cross_entropy"
    weights = client.get(f"/api/sessions/{sid}/weights", headers=headers).json()
    assert [len(layer["b"]) for layer in weights["layers"]] == [2, 2, 2]  # one output per class, as eq. 3.9 needs


# ----- lesson 7 -----------------------------------------------------------------------------------------------


def test_the_lessons_starts_are_the_engines():
    assert [tuple(s) for s in l7.STARTS] == list(surface.MODELS["linear_squared_error"].starts)


def test_the_threshold_task_needs_a_good_step_size(client, new_session):
    lesson = l7.LESSON
    sid, headers = start(client, new_session, lesson)
    assert check(client, sid, headers, lesson, 2)["passed"] is False  # the default alpha = 0.1: too slow
    for alpha, passes in ((0.32, False), (1.0, True), (1.6, True), (1.9, False)):
        client.patch(f"/api/sessions/{sid}", json={"learning_rate": alpha}, headers=headers)
        result = check(client, sid, headers, lesson, 2)
        assert result["passed"] is passes, (alpha, result)
    client.patch(f"/api/sessions/{sid}", json={"learning_rate": 1.0}, headers=headers)
    assert check(client, sid, headers, lesson, 2)["conditions"][0]["measured"] == [5, 5]


def test_eq_3_9_with_three_classes_is_minus_log_of_the_true_class_output():
    """Task 3: softmax output y = (0.7, 0.2, 0.1), true class 2; the engine's cross-entropy is -log 0.2."""
    softmax, loss = activations.get("softmax"), losses.get("cross_entropy")
    a = np.log(np.array([[0.7, 0.2, 0.1]]))  # softmax(log y) = y
    y = softmax.fn(a.copy())
    value = float(loss.value(a, y, np.array([[0.0, 1.0, 0.0]]), softmax)[0])
    assert value == pytest.approx(-math.log(0.2))
    assert choice(l7.LESSON, 3).endswith(f"{value:.2f}")


def test_eq_3_12_for_fig_3_13_has_eighteen_entries_weights_first():
    """Task 4: grad J stacks dJ/dW(1), dJ/dW(2), dJ/dW(3), then dJ/db(1), ... (eq. 3.12): 18 numbers."""
    model = fig_3_13()
    model.compile(loss="cross_entropy")
    gradients = model.gradients(np.array([[1.0, -1.0]]), np.array([0]))
    assert sum(g.size for g in gradients) == model.n_params == int(choice(l7.LESSON, 4)) == 18
    assert model.n_weights == 12  # theta holds the 12 weights first, then the 6 biases


def test_the_surface_api_answers_the_figure(client):
    body = client.post("/api/surface", json={"model": "sigmoid_cross_entropy", "learning_rate": 5,
                                             "stop_below": 0.5}).json()
    model = surface.MODELS["sigmoid_cross_entropy"]
    assert [tuple(path["path"][0][:2]) for path in body["paths"]] == list(model.starts)
    assert body["surface"]["w"][0] == model.w_range[0] and body["surface"]["b"][-1] == model.b_range[1]
    assert all(path["stopped"] is not None and path["path"][-1][2] <= 0.5 for path in body["paths"])
    assert len(body["paths"][0]["gradient"]) == 2 and len(body["surface"]["minimum"]) == 3
    assert client.post("/api/surface", json={"stop_below": 0}).status_code == 422


def test_the_cross_entropy_api_answers_eq_3_9(client):
    body = client.post("/api/cross-entropy", json={"scores": [math.log(0.7), math.log(0.2), math.log(0.1)],
                                                   "target": 1}).json()
    assert body["y"] == pytest.approx([0.7, 0.2, 0.1]) and body["one_hot"] == [0, 1, 0]
    assert body["loss"] == pytest.approx(-math.log(0.2))  # task 3's right choice
    assert client.post("/api/cross-entropy", json={"scores": [1, 2], "target": 2}).status_code == 422
    assert client.post("/api/cross-entropy", json={"scores": [1], "target": 0}).status_code == 422
