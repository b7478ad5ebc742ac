"""Loss surfaces and descent paths (Fig. 3-16, 3-17): convex bowl, convergence, divergence, the loss threshold,
the gradient at the start (eq. 3.12), and every model's region holding its minimum and its paths."""

import numpy as np
import pytest

from engine import surface

SLIDER = 10 ** np.arange(-2, 1.0001, 0.05)  # the figure's alpha slider: 10^-2 .. 10^1 in steps of 0.05


def test_linear_squared_error_surface_is_a_bowl_with_its_minimum_near_the_true_line():
    s = surface.surface("linear_squared_error", (-1, 5), (-4, 2), resolution=61)
    J = np.array(s["J"])
    i, j = np.unravel_index(J.argmin(), J.shape)
    assert abs(s["w"][j] - 2) < 0.3 and abs(s["b"][i] + 1) < 0.3  # data from y = 2x - 1
    assert J.min() < J[0, 0] and J.min() < J[-1, -1]


def test_the_minimum_is_the_least_squares_solution_for_the_bowl():
    X, T = surface.data("line")
    A = np.hstack([X, np.ones_like(X)])
    w, b = np.linalg.lstsq(A, T[:, 0], rcond=None)[0]
    found = surface.minimum("linear_squared_error")
    assert found[:2] == pytest.approx([w, b], abs=2e-3)
    assert found[2] == pytest.approx(0.5 * np.mean((A @ [w, b] - T[:, 0]) ** 2), rel=1e-4)  # J has the 1/2


def test_small_steps_converge_from_both_starts_and_large_steps_diverge():
    for start in [(-0.5, 1.5), (4.5, -3.5)]:  # A and B
        path = surface.descent_path("linear_squared_error", start, 0.5, steps=100)
        assert not path["diverged"] and path["path"][-1][2] < 0.1 * path["path"][0][2]
    assert surface.descent_path("linear_squared_error", (-0.5, 1.5), 5.0, steps=100)["diverged"]


def test_the_bowls_largest_convergent_step_is_two_over_its_steepest_curvature():
    """The lesson's claim: alpha below about 1.98 converges, above about 2 diverges (J = mean of (y - t)^2 / 2,
    so its Hessian is the mean of [[x^2, x], [x, 1]])."""
    X, _ = surface.data("line")
    x = X[:, 0]
    hessian = np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    limit = 2 / np.linalg.eigvalsh(hessian).max()
    assert limit == pytest.approx(1.98, abs=0.005)
    for start in surface.MODELS["linear_squared_error"].starts:
        assert not surface.descent_path("linear_squared_error", start, 0.97 * limit)["diverged"]
        assert surface.descent_path("linear_squared_error", start, 1.03 * limit)["diverged"]
        fast = surface.descent_path("linear_squared_error", start, 1.0, stop_below=0.05)
        assert fast["stopped"] is not None and fast["stopped"] <= 6  # "an alpha near 1: a few steps"


@pytest.mark.parametrize("name", list(surface.MODELS))
def test_every_models_minimum_and_paths_stay_inside_its_region(name):
    """The figure draws the model's region: its minimum, its starts and every path that does not diverge, for
    every alpha of the slider, lie inside it."""
    model = surface.MODELS[name]
    (w0, w1), (b0, b1) = model.w_range, model.b_range
    inside = lambda w, b: w0 <= w <= w1 and b0 <= b <= b1  # noqa: E731
    w, b, _ = surface.minimum(name)
    assert inside(w, b)
    for alpha in SLIDER:
        for start in model.starts:
            path = surface.descent_path(name, start, float(alpha))
            if not path["diverged"]:
                assert all(inside(w, b) for w, b, _ in path["path"]), (name, alpha, start)


def test_a_path_stops_once_j_reaches_the_threshold():
    path = surface.descent_path("linear_squared_error", (-0.5, 1.5), 0.5, stop_below=0.05)
    k = path["stopped"]
    assert k is not None and len(path["path"]) == k + 1
    assert path["path"][k][2] <= 0.05 < path["path"][k - 1][2]
    never = surface.descent_path("linear_squared_error", (-0.5, 1.5), 0.5, stop_below=0.001)  # below J_min
    assert never["stopped"] is None and len(never["path"]) == 51
    assert surface.descent_path("linear_squared_error", (2, -1), 0.5, stop_below=10)["stopped"] == 0
    with pytest.raises(ValueError, match="epsilon"):
        surface.descent_path("linear_squared_error", (0, 0), 0.5, stop_below=0)


@pytest.mark.parametrize("name", list(surface.MODELS))
def test_the_gradient_at_the_start_is_dj_dw_dj_db(name):
    """eq. 3.12 for theta = (w, b): the engine's backprop gradient equals central differences of J."""
    start, h = (1.5, -0.5), 1e-6
    gradient = surface.descent_path(name, start, 0.1, steps=1)["gradient"]
    J = lambda w, b: surface.descent_path(name, (w, b), 0.1, steps=1)["path"][0][2]  # noqa: E731
    numeric = [(J(start[0] + h, start[1]) - J(start[0] - h, start[1])) / (2 * h),
               (J(start[0], start[1] + h) - J(start[0], start[1] - h)) / (2 * h)]
    assert gradient == pytest.approx(numeric, rel=1e-5, abs=1e-8)


def test_squared_error_on_a_sigmoid_is_flat_where_cross_entropy_still_descends():
    """The lesson's claim: from B, sigmoid + squared error barely moves; sigmoid + cross-entropy descends."""
    start = surface.MODELS["sigmoid_squared_error"].starts[1]
    assert start == surface.MODELS["sigmoid_cross_entropy"].starts[1]

    def moved(name):
        path = np.array(surface.descent_path(name, start, 0.1)["path"])
        return np.hypot(*(path[-1, :2] - path[0, :2]))

    assert moved("sigmoid_squared_error") < 0.2 < 1.0 < moved("sigmoid_cross_entropy")


def test_path_points_are_engine_losses_and_errors_are_clear():
    path = surface.descent_path("sigmoid_cross_entropy", (0.0, 0.0), 1.0, steps=5)["path"]
    assert path[0][2] == pytest.approx(np.log(2))  # sigmoid(0) = 1/2 for every sample
    assert all(later[2] <= earlier[2] for earlier, later in zip(path, path[1:], strict=False))
    with pytest.raises(ValueError, match="unknown model"):
        surface.surface("cubic", (0, 1), (0, 1))


def test_eq_3_9_for_c_classes_is_minus_log_of_the_true_class_softmax_output():
    scores = [2.0, 1.0, 0.0, -1.0]
    answer = surface.cross_entropy(scores, 2)
    y = np.exp(scores) / np.exp(scores).sum()
    assert answer["y"] == pytest.approx(y.tolist()) and sum(answer["y"]) == pytest.approx(1)
    assert answer["one_hot"] == [0, 0, 1, 0]
    assert answer["loss"] == pytest.approx(-np.log(y[2]))
    assert surface.cross_entropy([0, 0], 0)["loss"] == pytest.approx(np.log(2))  # C equal scores: log C
    for scores, target in (([1.0], 0), ([1.0, 2.0], 2), ([1.0, float("nan")], 0)):
        with pytest.raises(ValueError):
            surface.cross_entropy(scores, target)
