"""The claims of lessons 1 (the neuron) and 2 (logic gates and XOR), asserted against the engine through the API."""

import itertools

import numpy as np
import pytest

from app.web import lesson_catalog as catalog

CORNERS = [[0, 0], [0, 1], [1, 0], [1, 1]]
XOR_SEEDS = range(20)
XOR_EPOCHS = 1000  # well under a second of Play on the page (about 4000 epochs a second measured in Chromium)


def start(client, new_session, lesson_id, **changes):
    config = {**catalog.DESCRIBED[lesson_id].config.model_dump(), **changes}
    sid, headers, _ = new_session(**config)
    return sid, headers


def check(client, sid, headers, lesson_id, task, answer=None):
    body = None if answer is None else {"answer": answer}
    return client.post(f"/api/sessions/{sid}/lessons/{lesson_id}/tasks/{task}/check", json=body,
                       headers=headers).json()


def train(client, sid, headers, epochs):
    return client.post(f"/api/sessions/{sid}/train", json={"epochs": epochs}, headers=headers).json()


def task_index(lesson_id, dataset):
    """The task of a lesson whose dataset condition names ``dataset``."""
    return next(i for i, task in enumerate(catalog.BY_ID[lesson_id]["tasks"])
                if {"kind": "dataset", "value": dataset} in task["conditions"])


# ----- lesson 1: the neuron ------------------------------------------------------------------------------------

def test_the_sigmoid_neuron_says_class_1_exactly_when_a_is_at_least_0(client):
    """Logistic regression: P(y=1|x) = sigmoid(w^T x + b) >= 0.5 iff a >= 0, so the sign neuron's line."""
    rng = np.random.default_rng(0)
    for _ in range(40):
        w, b, x = rng.uniform(-3, 3, 2).round(2).tolist(), round(float(rng.uniform(-3, 3)), 2), rng.uniform(-2, 2, 2)
        body = client.post("/api/neuron", json={"w": w, "b": b, "x": x.round(2).tolist()}).json()
        outputs = {act["name"]: act["value"] for act in body["activations"]}
        assert (outputs["sigmoid"] >= 0.5) == (body["a"] >= 0) == (outputs["sign"] == 1)
    at_zero = client.post("/api/neuron", json={"w": [1, 1], "b": -1, "x": [0.5, 0.5]}).json()
    assert at_zero["a"] == 0 and [a["value"] for a in at_zero["activations"] if a["name"] == "sigmoid"] == [0.5]


def test_the_neuron_question_has_the_answer_the_figure_shows(client, new_session):
    """At w = (1, 1), b = -1.5, x = (1, 0): a = -0.5, P = 0.378 < 0.5, class 0; the sign function says -1."""
    body = client.post("/api/neuron", json={"w": [1, 1], "b": -1.5, "x": [1, 0]}).json()
    outputs = {act["name"]: act["value"] for act in body["activations"]}
    assert body["a"] == -0.5 and round(outputs["sigmoid"], 3) == 0.378 and outputs["sign"] == -1
    task = catalog.BY_ID["the-neuron"]["tasks"][1]
    right = task["conditions"][0]["value"]
    assert "0.378" in task["choices"][right]["en"] and "0.378" in task["choices"][right]["zh"]
    sid, headers = start(client, new_session, "the-neuron")
    assert check(client, sid, headers, "the-neuron", 1, right)["passed"] is True
    wrong = check(client, sid, headers, "the-neuron", 1, 0)
    assert wrong["passed"] is False and wrong["conditions"][0]["measured"] == 0


def test_the_lessons_and_neuron_is_a_linear_classifier_of_the_corners(client, new_session):
    """The AND task's hand-set neuron w = (1, 1), b = -1.5: +1 at (1, 1) only, and 100 % on the AND data."""
    sid, headers = start(client, new_session, "the-neuron")
    client.put(f"/api/sessions/{sid}/weights", json={"layers": [{"W": [[1, 1]], "b": [-1.5]}]}, headers=headers)
    outputs = client.post(f"/api/sessions/{sid}/predict", json={"inputs": CORNERS}, headers=headers).json()["output"]
    assert outputs == [[-1], [-1], [-1], [1]]
    assert check(client, sid, headers, "the-neuron", 0)["passed"] is True


# ----- lesson 2: logic gates and XOR ---------------------------------------------------------------------------

@pytest.mark.parametrize("dataset", ["or", "not_x1_and_x2", "x1_and_not_x2"])
def test_one_neuron_learns_each_linearly_separable_gate_of_fig_3_5(client, new_session, dataset):
    sid, headers = start(client, new_session, "logic-gates", data={"name": dataset, "n_points": 4,
                                                                    "train_ratio": 1.0})
    task = task_index("logic-gates", dataset)
    assert check(client, sid, headers, "logic-gates", task)["passed"] is False  # before training
    history = train(client, sid, headers, 300)["history"]["train_accuracy"]
    assert max(history) == 1.0
    assert check(client, sid, headers, "logic-gates", task)["passed"] is True


@pytest.mark.parametrize("changes", [{}, {"optimizer": "sgd", "learning_rate": 1.0, "batch_size": 4},
                                     {"output": "sign", "loss": "squared_error"}])
def test_one_neuron_never_gets_more_than_3_of_the_4_xor_corners(client, new_session, changes):
    """Fig. 3-6: XOR is not linearly separable, whatever the start, the optimizer or the output."""
    for seed in range(5):
        sid, headers = start(client, new_session, "logic-gates", seed=seed, **changes,
                             data={"name": "xor_gate", "n_points": 4, "train_ratio": 1.0})
        assert max(train(client, sid, headers, 500)["history"]["train_accuracy"]) <= 0.75
        client.delete(f"/api/sessions/{sid}", headers=headers)


def test_no_straight_line_separates_xor():
    """The same claim without training: every sign neuron on a fine grid of (w1, w2, b) gets at most 3 corners."""
    x = np.array(CORNERS, dtype=float)
    y = np.array([-1, 1, 1, -1])
    values = np.linspace(-2, 2, 41)
    best = max(np.mean(np.where(x @ [w1, w2] + b >= 0, 1, -1) == y)
               for w1, w2, b in itertools.product(values, values, values))
    assert best == 0.75


def fig_3_7_session(client, new_session):
    sid, headers = start(client, new_session, "logic-gates")
    figure = catalog.BY_ID["logic-gates"]["figure"]
    client.patch(f"/api/sessions/{sid}", json=figure["changes"], headers=headers)
    client.put(f"/api/sessions/{sid}/weights", json=figure["weights"], headers=headers)
    return sid, headers


def test_fig_3_7_network_computes_xor_through_the_hidden_sign_patterns(client, new_session):
    """h1 = (NOT x1) AND x2, h2 = x1 AND (NOT x2), y = h1 OR h2 (Fig. 3-6, 3-7): at the corners (h1, h2) is
    (-1, -1) for both class -1 corners, (+1, -1) at (0, 1) and (-1, +1) at (1, 0)."""
    sid, headers = fig_3_7_session(client, new_session)
    values = client.post(f"/api/sessions/{sid}/predict", json={"inputs": CORNERS}, headers=headers).json()
    assert values["layers"][0]["h"] == [[-1, -1], [1, -1], [-1, 1], [-1, -1]]
    assert values["output"] == [[-1], [1], [1], [-1]]
    question = catalog.BY_ID["logic-gates"]["tasks"][3]
    right = question["conditions"][0]["value"]
    assert "(0,0) 和 (1,1) 都给出 (−1, −1)" in question["choices"][right]["zh"]
    assert check(client, sid, headers, "logic-gates", 3, right)["passed"] is True
    assert all(check(client, sid, headers, "logic-gates", 3, wrong)["passed"] is False
               for wrong in range(len(question["choices"])) if wrong != right)


def test_fig_3_7_hidden_pair_takes_three_sign_patterns_on_the_plane(client, new_session):
    """The two hidden lines -x1 + x2 = 0.5 and x1 - x2 = 0.5 are parallel: on the whole plane (h1, h2) takes
    three of the four sign patterns, never (+1, +1), as the lesson's picture and its key say."""
    sid, headers = fig_3_7_session(client, new_session)
    grid = [[u, v] for u in np.linspace(-0.5, 1.5, 41).tolist() for v in np.linspace(-0.5, 1.5, 41).tolist()]
    values = client.post(f"/api/sessions/{sid}/predict", json={"inputs": grid}, headers=headers).json()
    hidden = values["layers"][0]["h"]
    assert {tuple(h) for h in hidden} == {(-1, -1), (1, -1), (-1, 1)}


def test_xor_with_two_hidden_neurons_is_learnt_from_most_starts_with_the_lessons_settings(client, new_session):
    """The lesson's settings (tanh, uniform initial weights, Adam 0.1, batches of 2) with one hidden layer of 2:
    measured over seeds 0..19, 18 starts reach 100 % within 1000 epochs; the default start (seed 0) is one of
    them, and a stuck start stays at 75 % (hence the text's "New weights")."""
    passed = []
    for seed in XOR_SEEDS:
        sid, headers = start(client, new_session, "logic-gates", seed=seed, hidden_layers=[2],
                             data={"name": "xor_gate", "n_points": 4, "train_ratio": 1.0})
        history = train(client, sid, headers, XOR_EPOCHS)["history"]["train_accuracy"]
        if max(history) == 1.0:
            passed.append(seed)
            assert check(client, sid, headers, "logic-gates", 1)["passed"] is True
        else:
            assert max(history[-100:]) <= 0.75  # stuck: more epochs do not help
        client.delete(f"/api/sessions/{sid}", headers=headers)
    assert 0 in passed
    assert len(passed) >= 16, passed
