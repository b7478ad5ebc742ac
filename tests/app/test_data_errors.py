"""A student's own data (drawn points, a CSV file) that the engine refuses: the error's code and params
(engine/user_data.py) become the answer's, so the sentence is whole in either language."""

import re

import numpy as np
import pytest

from app.core.messages import MESSAGES, render
from engine.datasets import MAX_COORDINATE, DatasetError
from engine.user_data import MAX_USER_POINTS, from_csv, from_points

BAD_POINTS = [
    ([[0, 0], [1, 1], [2, "a"]], [0, 1, 1], {}),
    ([[0, 0], [1, 1], [2]], [0, 1, 1], {}),
    ([[0, 0], [1, float("nan")]], [0, 1], {}),
    ([[0, 0], [2 * MAX_COORDINATE, 1]], [0, 1], {}),
    ([[0, 0, 0]], [0], {}),
    ([[0, 0], [1, 1]], [0, 1.5], {}),
    ([[0, 0], [1, 1]], [0, 6], {}),
    ([[0, 0], [1, 1]], [0, None], {}),
    ([[0, 0], [1, 1]], [0, 0], {}),
    ([[0, 0], [1, 1]], [0, 1, 1], {}),
    ([[0], [1]], [0.5, float("inf")], {"task": "regression"}),
    ([[0], [1]], [0.5, -3 * MAX_COORDINATE], {"task": "regression"}),
    ([], [], {}),
    ("points", [1], {}),
    ([[0, 0], 5], [0, 1], {}),
    ([[0, 0], [7, 1]], [0, 1], {"domain": [(-6, 6), (-6, 6)]}),
    ([[0, 0], [1, 1]], [0, 1], {"domain": [(1, -1), (-6, 6)]}),
    ([[0, 0], [1, 1]], "labels", {}),
    (np.zeros((MAX_USER_POINTS + 1, 2)), np.arange(MAX_USER_POINTS + 1) % 2, {}),
]
BAD_CSV = ["x1,x2,label\n0,0,0\n1,1,1\n2,2\n", "x1,x2,label\n0,0,0\n\n1,abc,1\n", "0,0,0\n1,1,9\n",
           "0,0,0\n1,inf,1\n", "0,0,0,0\n", "x1,x2,label\n", "\n \n", "0,0,0\n1,1e300,1\n", "0,0,0\n1,1,0.5\n",
           "0,0,0\n1,1,0\n"]
NAMES = re.compile(r"\b(x1|x2|x|label|target|X|y|CSV|domain|min|max|JSON)\b")


def refusals():
    for X, y, kwargs in BAD_POINTS:
        with pytest.raises(DatasetError) as caught:
            from_points(X, y, **kwargs)
        yield caught.value
    for text in BAD_CSV:
        with pytest.raises(DatasetError) as caught:
            from_csv(text)
        yield caught.value


def test_every_refusal_of_a_students_data_has_a_code_whose_english_is_the_engines_message():
    for error in refusals():
        assert error.code is not None and error.code.startswith("data."), str(error)
        assert error.code in MESSAGES, error.code
        assert render(error.code, error.params, "en") == str(error)


def test_the_chinese_sentences_hold_no_english_words_but_field_names():
    for error in refusals():
        sentence = render(error.code, error.params, "zh")
        words = NAMES.sub("", sentence)
        for value in error.params.values():
            words = words.replace(str(value), "")
        assert not re.search(r"[A-Za-z]{2,}", words), (error.code, sentence)


def test_a_bad_csv_is_refused_in_chinese_with_its_code_and_place(client):
    csv = "x1,x2,label\n0,0,0\n1,1e300,1\n"
    response = client.post("/api/sessions", json={"data": {"name": "custom", "csv": csv}},
                           headers={"accept-language": "zh-CN,zh;q=0.9"})
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "data.csv.outside"
    most = f"{MAX_COORDINATE:g}"
    assert body["params"] == {"line": 3, "column": "x2", "value": "1e+300", "most": most}
    assert body["detail"] == f"第 3 行：x2 = 1e+300 超出了 ±{most} 的范围"
    english = client.post("/api/sessions", json={"data": {"name": "custom", "csv": csv}}).json()
    assert english["detail"] == f"line 3: x2 = 1e+300 is outside ±{most}"


def test_drawn_points_are_refused_by_row(client):
    points = {"X": [[0, 0], [1, 1]], "y": [0, 7]}
    response = client.post("/api/datasets/preview", json={"name": "custom", "points": points},
                           headers={"accept-language": "zh"})
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "data.points.class"
    assert response.json()["detail"] == "第 2 行：标签 7 不在 0 到 5 之间"


def test_other_dataset_errors_keep_data_invalid_with_the_engines_reason(client):
    response = client.post("/api/datasets/preview", json={"name": "circle", "params": {"arms": 3}})
    assert response.status_code == 422
    assert response.json()["code"] == "data.invalid" and "arms" in response.json()["params"]["reason"]
