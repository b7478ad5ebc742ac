"""User data: points from a canvas and CSV text, validated with messages that name the bad row or line."""

import numpy as np
import pytest

from engine.datasets import DatasetError
from engine.user_data import MAX_USER_POINTS, from_csv, from_points


def test_from_points_accepts_lists_and_pads_the_bounding_box():
    data = from_points([[0, 0], [1, 2], [2, 1]], [0, 1, 2])
    assert data.n_classes == 3 and data.y.dtype == np.int64 and data.name == "custom"
    np.testing.assert_allclose(data.domain, [(-0.2, 2.2), (-0.2, 2.2)])
    line = from_points(np.array([[0.0], [1.0]]), np.array([0.5, -1.0]), task="regression")
    assert line.X.shape == (2, 1) and line.n_classes is None
    assert from_points([[0, 0], [1, 1]], [0, 1], n_classes=4).n_classes == 4


@pytest.mark.parametrize(
    ("X", "y", "kwargs", "message"),
    [
        ([[0, 0], [1, 1], [2, "a"]], [0, 1, 1], {}, "row 3: x2 is not a number"),
        ([[0, 0], [1, 1], [2]], [0, 1, 1], {}, "row 3: expected 2 values, got 1"),
        ([[0, 0], [1, float("nan")]], [0, 1], {}, "row 2: x2 is not a finite number"),
        ([[0, 0], [2e6, 1]], [0, 1], {}, "row 2: x1 = 2e\\+06 is outside"),
        ([[0, 0, 0]], [0], {}, "row 1: a point needs 1 or 2 coordinates"),
        ([[0, 0], [1, 1]], [0, 1.5], {}, "row 2: label 1.5 is not a whole number"),
        ([[0, 0], [1, 1]], [0, 6], {}, "row 2: label 6 is outside 0..5"),
        ([[0, 0], [1, 1]], [0, -1], {}, "row 2: label -1 is outside"),
        ([[0, 0], [1, 1]], [0, None], {}, "row 2: label is not a number"),
        ([[0, 0], [1, 1]], [0, 0], {}, "need at least two classes"),
        ([[0, 0], [1, 1]], [0, 1, 1], {}, "y has 3 values but X has 2 points"),
        ([[0, 0], [1, 1]], [0, 2], {"n_classes": 2}, "row 2: label 2 is outside 0..1"),
        ([[0, 0], [1, 1]], [0, 1], {"n_classes": 9}, "n_classes"),
        ([[0], [1]], [0.5, float("inf")], {"task": "regression"}, "row 2: target is not a finite number"),
        ([], [], {}, "no points"),
        ("points", [1], {}, "X must be a list of points"),
    ],
)
def test_from_points_names_the_bad_row(X, y, kwargs, message):
    with pytest.raises(DatasetError, match=message):
        from_points(X, y, **kwargs)


def test_from_points_limits_the_number_of_points():
    n = MAX_USER_POINTS + 1
    with pytest.raises(DatasetError, match="too many points"):
        from_points(np.zeros((n, 2)), np.arange(n) % 2)


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_from_csv_reads_any_separator_with_header_and_blank_lines(separator):
    text = separator.join(["x1", "x2", "label"]) + "\n"
    text += "\n".join(separator.join(row) for row in [["0", "0.5", "0"], ["", "", ""], ["1", "-2", "1"]])
    text = text.replace(separator.join(["", "", ""]), "   ")  # a blank line
    data = from_csv(text + "\n\n")
    np.testing.assert_array_equal(data.X, [[0, 0.5], [1, -2]])
    np.testing.assert_array_equal(data.y, [0, 1])


def test_from_csv_without_header_and_for_1d_regression():
    data = from_csv("0,0,0\n1,1,1\n2,0,1")
    assert data.n_points == 3 and data.n_classes == 2
    curve = from_csv("x,target\n-1,0.5\n0,0.25\n1,2", task="regression")
    assert curve.X.shape == (3, 1)
    np.testing.assert_allclose(curve.y, [0.5, 0.25, 2.0])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x1,x2,label\n0,0,0\n1,1,1\n2,2\n", "line 4: expected 3 values, got 2"),
        ("x1,x2,label\n0,0,0\n\n1,abc,1\n", "line 4: x2 'abc' is not a number"),
        ("0,0,0\n1,1,9\n", "line 2: label 9 is outside 0..5"),
        ("0,0,0\n1,inf,1\n", "line 2: x2 is not a finite number"),
        ("0,0,0,0\n", "line 1: expected 2 values"),
        ("x1,x2,label\n", "no points"),
        ("\n \n", "empty"),
    ],
)
def test_from_csv_names_the_bad_line(text, message):
    with pytest.raises(DatasetError, match=message):
        from_csv(text)


def test_unknown_task_is_refused():
    with pytest.raises(DatasetError, match="task must be one of"):
        from_points([[0, 0], [1, 1]], [0, 1], task="clustering")
    with pytest.raises(DatasetError, match="task must be one of"):
        from_csv("0,0,0\n1,1,1", task="clustering")


def test_points_drawn_in_a_given_domain_keep_it():
    data = from_points([[0, 0], [1, 1]], [0, 1], domain=[(-6, 6), (-6, 6)])
    assert data.domain == ((-6.0, 6.0), (-6.0, 6.0))
    with pytest.raises(DatasetError, match="inside the domain"):
        from_points([[0, 0], [7, 1]], [0, 1], domain=[(-6, 6), (-6, 6)])
    with pytest.raises(DatasetError, match="min < max"):
        from_points([[0, 0], [1, 1]], [0, 1], domain=[(1, -1), (-6, 6)])
