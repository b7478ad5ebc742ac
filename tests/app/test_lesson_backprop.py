"""Lesson 8 (backpropagation): every number its figures show for Fig. 3-13's network at x = (1, -1) is the
engine's and, where the chapter prints it, the chapter's; its claims about eq. 3.18 and the chain rule hold; the
walk-through task needs the stepping."""

import numpy as np
import pytest

from app.host import walkthrough
from app.web.lessons import backpropagation
from engine import Dense, Sequential, chain

LESSON = backpropagation.LESSON
FIG_3_13 = LESSON["weights"]
SAMPLE = {"input": [1, -1], "target": 0}
STEP_TASK, COUNT_TASK, ZERO_TASK, DELTA_TASK = 0, 1, 2, 3


def fig_3_13(loss="cross_entropy", output="sigmoid", dtype="float64"):
    """Fig. 3-13's network built with the engine directly, compiled with ``loss``."""
    model = Sequential([Dense(2, "sigmoid", input_dim=2), Dense(2, "sigmoid"), Dense(2, output)], dtype=dtype)
    model.set_weights([np.array(part) for layer in FIG_3_13["layers"] for part in (layer["W"], layer["b"])])
    model.compile(loss=loss, learning_rate=0.03)
    return model


@pytest.fixture
def lesson_session(client, new_session):
    """A session started as the lesson page starts it: the lesson's config, then its weights."""
    sid, headers, _ = new_session(**client.get("/api/lessons/backpropagation").json()["config"])
    assert client.put(f"/api/sessions/{sid}/weights", json=FIG_3_13, headers=headers).status_code == 200
    return sid, headers


def post(client, lesson_session, **body):
    sid, headers = lesson_session
    response = client.post(f"/api/sessions/{sid}/backprop", json={**SAMPLE, **body}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def check(client, lesson_session, task, answer=None):
    sid, headers = lesson_session
    body = {"answer": answer} if answer is not None else None
    response = client.post(f"/api/sessions/{sid}/lessons/backpropagation/tasks/{task}/check", json=body,
                           headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_walk_through_numbers_are_the_engines_and_the_chapters(client, lesson_session):
    bp = post(client, lesson_session)
    model = fig_3_13()
    X, y = np.array([SAMPLE["input"]], dtype=float), np.array([SAMPLE["target"]])
    exact = model.backprop(X, y)
    # forward: the chapter prints h(1) = (0.98, 0.12), h(2) = (0.86, 0.11), y = (0.62, 0.83) (Fig. 3-13)
    for shown, printed, engine in zip(bp["forward"]["h"], [(0.98, 0.12), (0.86, 0.11), (0.62, 0.83)],
                                      exact.trace.outputs, strict=True):
        assert [round(v, 2) for v in shown] == list(printed)
        np.testing.assert_allclose(shown, engine[0], atol=1e-6)  # the session is float32
    for shown, engine in zip(bp["forward"]["a"], exact.trace.linear, strict=True):
        np.testing.assert_allclose(shown, engine[0], atol=1e-5)
    assert bp["loss"] == pytest.approx(model.compute_loss(X, y), abs=1e-6)
    np.testing.assert_allclose(bp["grad_output"], exact.grad_output[0], atol=1e-5)
    for name, engine in (("deltas", exact.deltas), ("grad_h", exact.grad_h)):
        for shown, expected in zip(bp[name], engine, strict=True):
            np.testing.assert_allclose(shown, expected[0], atol=1e-6)
    np.testing.assert_allclose(bp["grad_input"], model.layers[0].W.T @ exact.deltas[0][0], atol=1e-6)
    for k, layer in enumerate(model.layers):
        np.testing.assert_allclose(bp["g_prime"][k], layer.activation.derivative(exact.trace.linear[k][0],
                                                                              exact.trace.outputs[k][0]), atol=1e-6)
        np.testing.assert_allclose(bp["gradients"][k]["W"], exact.gradients[2 * k], atol=1e-6)
        np.testing.assert_allclose(bp["gradients"][k]["b"], exact.gradients[2 * k + 1], atol=1e-6)
        # the update shows W and b, each one step of gradient descent (eq. 3.11) with the session's alpha
        np.testing.assert_allclose(bp["updated"][k]["W"], layer.W - 0.03 * exact.gradients[2 * k], atol=1e-6)
        np.testing.assert_allclose(bp["updated"][k]["b"], layer.b - 0.03 * exact.gradients[2 * k + 1], atol=1e-6)
    assert bp["learning_rate"] == 0.03


def test_the_two_deltas_shown_and_why_they_differ():
    """The page shows delta(3) = [-0.3823, 0] (this network) and [-0.3823, 0.8291] (eq. 3.18); the sentence says
    eq. 3.18 is y - e(c) exactly for sigmoid + binary cross-entropy per output (or softmax + cross-entropy)."""
    X, y = np.array([SAMPLE["input"]], dtype=float), np.array([SAMPLE["target"]])
    onehot = np.array([1.0, 0.0])
    lesson = fig_3_13().backprop(X, y)
    out = lesson.trace.outputs[-1][0]
    assert [round(v, 4) for v in lesson.deltas[-1][0]] == [-0.3823, 0.0]
    assert [round(v, 4) for v in out - onehot] == [-0.3823, 0.8291]
    task = LESSON["tasks"][DELTA_TASK]["text"]
    assert "[-0.3823, 0.8291]" in task["en"] and "[-0.3823, 0]" in task["en"]
    # the right pairs: there the engine's delta is the chapter's y - e(c), with that network's y
    for loss, output in (("binary_cross_entropy", "sigmoid"), ("cross_entropy", "softmax")):
        bp = fig_3_13(loss, output).backprop(X, y)
        np.testing.assert_allclose(bp.deltas[-1][0], bp.trace.outputs[-1][0] - onehot, atol=1e-12)
    bce = fig_3_13("binary_cross_entropy").backprop(X, y)
    assert [round(v, 4) for v in bce.deltas[-1][0]] == [-0.3823, 0.8291]  # the very numbers eq. 3.18 gives
    # and with -log y_c on sigmoid outputs the chain rule gives dl/dy * g'(a): 0 for the other output
    np.testing.assert_allclose(lesson.deltas[-1][0], lesson.grad_output[0] * out * (1 - out), atol=1e-12)


def test_the_answer_carries_the_chapters_delta(client, lesson_session):
    bp = post(client, lesson_session)
    assert [round(v, 4) for v in bp["chapter_delta"]] == [-0.3823, 0.8291]
    assert [round(v, 4) for v in bp["deltas"][-1]] == [-0.3823, 0.0]


def test_walk_through_steps_follow_the_chapter():
    plan = walkthrough.steps(3)
    assert len(plan) == 15
    assert [(s["kind"], s["layer"]) for s in plan] == [
        ("input", None), ("forward", 1), ("forward", 2), ("forward", 3), ("loss", None), ("output_grad", None),
        ("output_delta", 3), ("hidden_grad", 2), ("hidden_delta", 2), ("hidden_grad", 1), ("hidden_delta", 1),
        ("params", 3), ("params", 2), ("params", 1), ("update", None)]  # Fig. 3-27: a(3), a(2), a(1) in turn
    assert [s["eq"] for s in plan if s["kind"] in ("output_delta", "hidden_grad", "hidden_delta")] == [
        "3.17-3.18", "3.20-3.21", "3.22-3.23", "3.20-3.21", "3.22-3.23"]
    assert len(walkthrough.steps(1)) == 7


@pytest.mark.parametrize(("start", "count", "field"), [
    ({"half": "a", "layer": 3, "index": 0}, 1, ("deltas", 2, 0)),  # Fig. 3-19: one path
    ({"half": "h", "layer": 2, "index": 1}, 2, ("grad_h", 1, 1)),  # Fig. 3-20: two paths
    ({"half": "h", "layer": 1, "index": 0}, 4, ("grad_h", 0, 0)),  # Fig. 3-21: n paths
    ({"half": "a", "layer": 1, "index": 1}, 4, ("deltas", 0, 1)),
    ({"half": "h", "layer": 0, "index": 0}, 8, ("grad_input", None, 0)),
    ({"half": "h", "layer": 3, "index": 1}, 1, ("grad_output", None, 1)),
])
def test_chain_rule_paths_sum_to_what_backpropagation_finds(client, lesson_session, start, count, field):
    bp = post(client, lesson_session, paths_from=start)
    paths = bp["paths"]
    assert paths["count"] == count and len(paths["paths"]) == count
    name, layer, index = field
    expected = bp[name][index] if layer is None else bp[name][layer][index]
    assert paths["backprop"] == pytest.approx(expected, abs=1e-7)
    assert paths["sum"] == pytest.approx(expected, abs=1e-6)  # eq. 3.19: the sum over paths is the gradient
    for path in paths["paths"]:
        assert path["product"] == pytest.approx(float(np.prod(path["factors"])), abs=1e-12)
        assert path["nodes"][0] == [start["half"], start["layer"], start["index"]] and path["nodes"][-1][0] == "l"


def test_the_questions_answers_are_what_the_engine_shows(client, lesson_session):
    paths = post(client, lesson_session, paths_from={"half": "h", "layer": 1, "index": 0})["paths"]
    count_task, zero_task = LESSON["tasks"][COUNT_TASK], LESSON["tasks"][ZERO_TASK]
    right = count_task["conditions"][0]["value"]
    assert count_task["choices"][right]["en"] == str(len(paths["paths"])) == "4"
    through_y2 = [p for p in paths["paths"] if ["h", 3, 1] in p["nodes"]]
    assert through_y2 and all(p["product"] == 0 for p in through_y2)
    assert all(p["factors"][-1] == 0 for p in through_y2)  # because dl/dy2 = 0 (eq. 3.15), the right choice
    assert zero_task["conditions"][0]["value"] == 0 and "dl/dy₂ = 0" in zero_task["choices"][0]["en"]
    assert all(p["product"] != 0 for p in paths["paths"] if p not in through_y2)  # no weight on them is 0
    for task in (count_task, zero_task, LESSON["tasks"][DELTA_TASK]):
        right = task["conditions"][0]["value"]
        assert check(client, lesson_session, LESSON["tasks"].index(task), right)["passed"] is True
        assert check(client, lesson_session, LESSON["tasks"].index(task), (right + 1) % 3)["passed"] is False


def test_check_needs_the_walk_through_up_to_the_update(client, lesson_session):
    result = check(client, lesson_session, STEP_TASK)
    assert result["passed"] is False  # pressing Check alone
    gradients, walked = result["conditions"]
    assert walked["measured"] == 0 and gradients["passed"] is True
    for step in range(14):
        post(client, lesson_session, step=step)
    assert check(client, lesson_session, STEP_TASK)["conditions"][1]["measured"] == 14
    post(client, lesson_session, step=99)  # a step this network does not have is not seen
    post(client, lesson_session, input=[0, 0], step=14)  # another sample's walk-through is not the task's
    assert check(client, lesson_session, STEP_TASK)["passed"] is False
    assert post(client, lesson_session, step=14)["reached"] == 14
    result = check(client, lesson_session, STEP_TASK)
    assert result["passed"] is True and result["conditions"][1]["measured"] == 15


def test_paths_are_not_listed_for_a_softmax_output_or_a_node_that_is_not_there(client, new_session):
    sid, headers, _ = new_session(data={"name": "gauss", "n_points": 100}, hidden_layers=[2, 2],
                                  activation="sigmoid", output="softmax", loss="cross_entropy")
    body = {**SAMPLE, "paths_from": {"half": "h", "layer": 1, "index": 0}}
    paths = client.post(f"/api/sessions/{sid}/backprop", json=body, headers=headers).json()["paths"]
    assert paths["paths"] is None and paths["count"] == 4
    body["paths_from"] = {"half": "a", "layer": 0, "index": 0}  # an input has no linear half
    assert client.post(f"/api/sessions/{sid}/backprop", json=body, headers=headers).json()["paths"]["count"] == 0


def test_engine_counts_and_caps_the_paths():
    model = fig_3_13()
    assert chain.count([2, 2, 2], ("h", 0, 0)) == 8 and chain.count([2, 2, 2], ("a", 3, 1)) == 1
    with pytest.raises(ValueError):
        chain.paths([np.zeros((8, 2)), np.zeros((8, 8)), np.zeros((2, 8))], [np.zeros(8)] * 3, np.zeros(2),
                    ("h", 0, 0))  # 128 paths
    assert len(chain.paths([layer.W for layer in model.layers], [np.ones(2)] * 3, np.ones(2), ("h", 1, 0))) == 4


def test_the_record_keeps_only_the_latest_samples_of_a_session():
    class Owner:  # stands for a Session: anything weakly referable
        pass

    owner = Owner()
    walkthrough.record(owner, [1, -1], 0, 3)
    assert walkthrough.record(owner, [1, -1], 0, 1) == 3  # the furthest step stays
    for n in range(walkthrough.MAX_SAMPLES):
        walkthrough.record(owner, [n, n], 0, 0)
    assert walkthrough.reached(owner, [1, -1], 0) is None and walkthrough.reached(owner, [5, 5], 0) == 0
