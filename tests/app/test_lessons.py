"""Lessons: every task can be done by doing what it says, and the chapter's claims hold in the engine."""

import pytest

from app.web import lesson_catalog as catalog

FIG_3_13 = {"layers": [{"W": [[1, -2], [-1, 1]], "b": [1, 0]}, {"W": [[2, -1], [-2, -1]], "b": [0, 0]},
                       {"W": [[3, -1], [-1, 4]], "b": [-2, 2]}]}


def start(client, new_session, lesson_id):
    lesson = client.get(f"/api/lessons/{lesson_id}").json()
    sid, headers, _ = new_session(**lesson["config"])
    return sid, headers


def check(client, sid, headers, lesson_id, task):
    return client.post(f"/api/sessions/{sid}/lessons/{lesson_id}/tasks/{task}/check", headers=headers).json()


def test_index_lists_every_lesson_with_both_languages(client):
    index = client.get("/api/lessons").json()
    assert [lesson["id"] for lesson in index] == [lesson["id"] for lesson in catalog.LESSONS]
    for lesson in catalog.LESSONS:
        assert lesson["title"]["en"] and lesson["title"]["zh"]
        assert all(task["text"]["en"] and task["text"]["zh"] for task in lesson["tasks"])
        assert len(lesson["text"]["en"]) == len(lesson["text"]["zh"])
    assert client.get("/api/lessons/nope").status_code == 404


def test_logic_gates_one_neuron_solves_or_but_never_xor(client, new_session):
    sid, headers = start(client, new_session, "logic-gates")
    assert check(client, sid, headers, "logic-gates", 0)["passed"] is False  # nothing trained yet
    client.post(f"/api/sessions/{sid}/train", json={"epochs": 300}, headers=headers)
    assert check(client, sid, headers, "logic-gates", 0)["passed"] is True
    client.patch(f"/api/sessions/{sid}", json={"data": {"name": "xor_gate"}}, headers=headers)
    best = max(client.post(f"/api/sessions/{sid}/train", json={"epochs": 500}, headers=headers).json()
               ["history"]["train_accuracy"])
    assert best <= 0.75  # the chapter's claim, from the engine
    client.patch(f"/api/sessions/{sid}", json={"hidden_layers": [2], "activation": "tanh", "seed": 1},
                 headers=headers)
    client.post(f"/api/sessions/{sid}/train", json={"epochs": 500}, headers=headers)
    result = check(client, sid, headers, "logic-gates", 1)
    assert result["passed"] is True, result


def test_more_neurons_on_the_circle(client, new_session):
    sid, headers = start(client, new_session, "more-neurons")
    client.post(f"/api/sessions/{sid}/train", json={"epochs": 200}, headers=headers)
    one = check(client, sid, headers, "more-neurons", 1)
    assert one["passed"] is False and one["conditions"][-1]["measured"] < 0.95  # one line cannot close a disc
    client.patch(f"/api/sessions/{sid}", json={"hidden_layers": [3]}, headers=headers)
    client.post(f"/api/sessions/{sid}/train", json={"epochs": 300}, headers=headers)
    assert check(client, sid, headers, "more-neurons", 1)["passed"] is True


def test_universal_approximation_needs_more_than_one_neuron(client, new_session):
    sid, headers = start(client, new_session, "universal-approximation")
    client.post(f"/api/sessions/{sid}/train", json={"epochs": 400}, headers=headers)
    assert check(client, sid, headers, "universal-approximation", 0)["passed"] is False
    client.patch(f"/api/sessions/{sid}", json={"hidden_layers": [8]}, headers=headers)
    client.post(f"/api/sessions/{sid}/train", json={"epochs": 1500}, headers=headers)
    result = check(client, sid, headers, "universal-approximation", 0)
    assert result["passed"] is True, result


def test_network_is_a_function_checks_fig_3_13_values_from_the_engine(client, new_session):
    sid, headers = start(client, new_session, "network-is-a-function")
    assert check(client, sid, headers, "network-is-a-function", 0)["passed"] is False
    client.put(f"/api/sessions/{sid}/weights", json=FIG_3_13, headers=headers)
    result = check(client, sid, headers, "network-is-a-function", 0)
    assert result["passed"] is True
    assert [c["measured"] for c in result["conditions"]] == [[0.62, 0.83], [0.51, 0.85]]


@pytest.mark.parametrize("path", ["/lessons", "/lessons/logic-gates", "/lessons/network-is-a-function"])
def test_lesson_pages_render(client, path):
    response = client.get(path)
    assert response.status_code == 200 and "nnplay" in response.text
    assert client.get("/lessons/nope").status_code == 404


def test_backpropagation_lesson_gradients_equal_finite_differences(client, new_session):
    sid, headers = start(client, new_session, "backpropagation")
    client.put(f"/api/sessions/{sid}/weights", json=FIG_3_13, headers=headers)
    numeric = client.post(f"/api/sessions/{sid}/gradient-check", json={"input": [1, -1], "target": 0},
                          headers=headers).json()
    assert numeric["max_difference"] < 1e-8
    bp = client.post(f"/api/sessions/{sid}/backprop", json={"input": [1, -1], "target": 0}, headers=headers).json()
    for layer, exact in zip(bp["gradients"], numeric["layers"], strict=True):  # float32 session vs float64 copy
        assert max(abs(a - b) for row_a, row_b in zip(layer["W"], exact["W_numeric"], strict=True)
                   for a, b in zip(row_a, row_b, strict=True)) < 1e-5
    assert check(client, sid, headers, "backpropagation", 0)["passed"] is False  # not stepped through yet
    for step in range(15):  # the walk-through, step by step to the update, as the page asks for each
        client.post(f"/api/sessions/{sid}/backprop", json={"input": [1, -1], "target": 0, "step": step},
                    headers=headers)
    assert check(client, sid, headers, "backpropagation", 0)["passed"] is True


def test_the_neuron_lesson_and_gate_by_hand(client, new_session):
    sid, headers = start(client, new_session, "the-neuron")
    client.put(f"/api/sessions/{sid}/weights", json={"layers": [{"W": [[1, 1]], "b": [-0.5]}]}, headers=headers)
    assert check(client, sid, headers, "the-neuron", 0)["passed"] is False  # that is OR
    client.put(f"/api/sessions/{sid}/weights", json={"layers": [{"W": [[1, 1]], "b": [-1.5]}]}, headers=headers)
    assert check(client, sid, headers, "the-neuron", 0)["passed"] is True
    body = client.post("/api/neuron", json={"w": [1, 1], "b": -1.5, "x": [1, 1]}).json()
    assert body["a"] == 0.5 and abs(body["line"]["distance"] - 1.5 / 2 ** 0.5) < 1e-12
    assert client.post("/api/neuron", json={"w": [0, 0], "b": 1, "x": [0, 0]}).status_code == 422


def test_objective_and_optimizer_step_size_decides(client, new_session):
    sid, headers = start(client, new_session, "objective-and-optimizer")
    client.patch(f"/api/sessions/{sid}", json={"learning_rate": 1.0}, headers=headers)
    assert check(client, sid, headers, "objective-and-optimizer", 0)["passed"] is True
    assert check(client, sid, headers, "objective-and-optimizer", 1)["passed"] is False
    client.patch(f"/api/sessions/{sid}", json={"learning_rate": 5.0}, headers=headers)
    assert check(client, sid, headers, "objective-and-optimizer", 1)["passed"] is True
    body = client.post("/api/surface", json={"learning_rate": 0.5}).json()
    assert len(body["paths"]) == 2 and len(body["surface"]["J"]) == 60
    assert client.post("/api/surface", json={"model": "cubic"}).status_code == 422


def test_width_sweep_more_neurons_fit_better_on_the_same_data(client, new_session):
    sid, headers = start(client, new_session, "more-neurons")
    body = client.post(f"/api/sessions/{sid}/sweep", json={"widths": [1, 8], "epochs": 200}, headers=headers).json()
    one, eight = body["results"]
    assert one["test_accuracy"] < 0.9 <= eight["test_accuracy"]
    assert len(one["output"][0]) == body["resolution"] and one["parameters"] < eight["parameters"]
    too_many = client.post(f"/api/sessions/{sid}/sweep", json={"widths": [1] * 9, "epochs": 10}, headers=headers)
    assert too_many.status_code == 422


def test_one_structure_many_functions(client, new_session):
    sid, headers = start(client, new_session, "network-is-a-function")
    body = client.post(f"/api/sessions/{sid}/samples?count=3", headers=headers).json()
    maps = [str(result["output"]) for result in body["results"]]
    assert len(maps) == 3 and len(set(maps)) == 3  # three weight settings, three different functions
    assert client.post(f"/api/sessions/{sid}/samples?count=99", headers=headers).status_code == 422


def test_deep_versus_shallow_runs_as_a_job_with_equal_parameter_counts(client, new_session):
    import time

    sid, headers = start(client, new_session, "deep-versus-shallow")
    url = f"/api/sessions/{sid}/experiments/deep-vs-shallow"
    assert client.get(url, headers=headers).status_code == 404  # nothing started yet
    started = client.post(url, json={"width": 6, "depths": [1, 2, 3], "epochs": 40}, headers=headers)
    assert started.status_code == 202 and started.json()["status"] == "running"
    assert client.post(url, json={}, headers=headers).status_code == 409  # one at a time
    deadline = time.monotonic() + 60
    while (report := client.get(url, headers=headers).json())["status"] == "running":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert report["status"] == "done" and report["progress"] == 1.0 and len(report["rows"]) == 3
    for row in report["rows"]:
        assert abs(row["deep"]["parameters"] - row["shallow"]["parameters"]) <= 2
        assert row["deep"]["layers"] == [6] * row["depth"] and 0 <= row["deep"]["error"] <= 1
    assert check(client, sid, headers, "deep-versus-shallow", 0)["passed"] is True
    client.post(url, json={"width": 8, "depths": [4, 5, 6], "epochs": 1000}, headers=headers)
    cancelled = client.delete(url, headers=headers).json()
    assert cancelled["status"] == "cancelled" and cancelled["progress"] < 1


def test_fig_3_7_network_in_the_lesson_computes_xor(client, new_session):
    sid, headers = start(client, new_session, "logic-gates")
    figure = catalog.BY_ID["logic-gates"]["figure"]
    client.patch(f"/api/sessions/{sid}", json=figure["changes"], headers=headers)
    client.put(f"/api/sessions/{sid}/weights", json=figure["weights"], headers=headers)
    assert check(client, sid, headers, "logic-gates", 2)["passed"] is True


def test_universal_approximation_caveats_show_what_they_claim(client, new_session):
    figures = {f.get("label"): f for f in catalog.BY_ID["universal-approximation"]["figure"]}
    results = {}
    for label in ("caveat_overfit", "caveat_stuck"):
        sid, headers = start(client, new_session, "universal-approximation")
        assert client.patch(f"/api/sessions/{sid}", json=figures[label]["changes"], headers=headers).status_code == 200
        results[label] = client.post(f"/api/sessions/{sid}/train", json={"epochs": 1500}, headers=headers).json()
        client.delete(f"/api/sessions/{sid}", headers=headers)
    overfit = results["caveat_overfit"]["metrics"]
    assert overfit["test_loss"] > 10 * overfit["train_loss"]  # fits the training points, not the test points
    assert results["caveat_stuck"]["metrics"]["train_loss"] > 0.05  # far from the fit 8 tanh neurons reach


def test_backpropagation_check_on_one_dimensional_data_is_not_yet_instead_of_an_error(client, new_session):
    sid, headers = start(client, new_session, "backpropagation")
    changed = client.patch(f"/api/sessions/{sid}", json={"data": {"name": "sine"}}, headers=headers)
    assert changed.status_code == 200, changed.text
    response = client.post(f"/api/sessions/{sid}/lessons/backpropagation/tasks/0/check", headers=headers)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["passed"] is False
    assert result["conditions"][0]["passed"] is False and result["conditions"][0]["measured"] is None


@pytest.mark.parametrize(("language", "sentence", "link"), [
    ("en", "There is no lesson “nope”.", "All lessons"), ("zh-CN,zh;q=0.9", "没有课程“nope”。", "全部课程")])
def test_a_missing_lesson_page_is_an_html_404_in_the_readers_language(client, language, sentence, link):
    response = client.get("/lessons/nope", headers={"accept-language": language})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert sentence in response.text and 'href="/lessons"' in response.text and link in response.text
    assert ('lang="zh-CN"' in response.text) == language.startswith("zh")
    api = client.get("/api/lessons/nope", headers={"accept-language": language})
    assert api.status_code == 404 and api.headers["content-type"] == "application/json"
    assert api.json()["code"] == "lesson.not_found"


def test_a_question_is_checked_against_the_learners_choice(client, new_session, monkeypatch):
    question = {"text": {"en": "Which?", "zh": "哪个？"}, "choices": [{"en": "a", "zh": "甲"}, {"en": "b", "zh": "乙"}],
                "conditions": [{"kind": "answer", "value": 1}]}
    tasks = catalog.BY_ID["logic-gates"]["tasks"]
    monkeypatch.setitem(catalog.BY_ID["logic-gates"], "tasks", [*tasks, question])
    sid, headers = start(client, new_session, "logic-gates")
    url = f"/api/sessions/{sid}/lessons/logic-gates/tasks/{len(tasks)}/check"
    wrong = client.post(url, json={"answer": 0}, headers=headers).json()
    assert wrong["passed"] is False and wrong["conditions"][0]["measured"] == 0
    assert client.post(url, json={"answer": 1}, headers=headers).json()["passed"] is True
    assert client.post(url, headers=headers).json()["passed"] is False  # no choice sent: not yet
    assert client.post(url, json={"answer": 99}, headers=headers).status_code == 422


def test_the_right_answers_stay_on_the_server(client, new_session):
    """Neither the lesson (API or page) nor a check's answer tells which choice is right."""
    for lesson in catalog.LESSONS:
        questions = [i for i, task in enumerate(lesson["tasks"]) if task.get("choices")]
        if not questions:
            continue
        served = client.get(f"/api/lessons/{lesson['id']}").json()
        for i in questions:
            assert all(c["value"] is None for c in served["tasks"][i]["conditions"] if c["kind"] == "answer")
        assert '"kind": "answer", "value": null' in client.get(f"/lessons/{lesson['id']}").text
        sid, headers = start(client, new_session, lesson["id"])
        for i in questions:
            result = check(client, sid, headers, lesson["id"], i)
            assert all(c["expected"] is None for c in result["conditions"] if c["kind"] == "answer")
        client.delete(f"/api/sessions/{sid}", headers=headers)  # one client may hold only a few
