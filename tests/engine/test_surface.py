"""Loss surfaces and descent paths (Fig. 3-16, 3-17): convex bowl, convergence, divergence."""

import numpy as np
import pytest

from engine import surface


def test_linear_squared_error_surface_is_a_bowl_with_its_minimum_near_the_true_line():
    s = surface.surface("linear_squared_error", (-1, 5), (-4, 2), resolution=61)
    J = np.array(s["J"])
    i, j = np.unravel_index(J.argmin(), J.shape)
    assert abs(s["w"][j] - 2) < 0.3 and abs(s["b"][i] + 1) < 0.3  # data from y = 2x - 1
    assert J.min() < J[0, 0] and J.min() < J[-1, -1]


def test_small_steps_converge_from_both_starts_and_large_steps_diverge():
    for start in [(-0.5, 1.5), (4.5, -3.5)]:  # A and B
        path = surface.descent_path("linear_squared_error", start, 0.5, steps=100)
        assert not path["diverged"] and path["path"][-1][2] < 0.1 * path["path"][0][2]
    assert surface.descent_path("linear_squared_error", (-0.5, 1.5), 5.0, steps=100)["diverged"]


def test_path_points_are_engine_losses_and_errors_are_clear():
    path = surface.descent_path("sigmoid_cross_entropy", (0.0, 0.0), 1.0, steps=5)["path"]
    assert path[0][2] == pytest.approx(np.log(2))  # sigmoid(0) = 1/2 for every sample
    assert all(later[2] <= earlier[2] for earlier, later in zip(path, path[1:], strict=False))
    with pytest.raises(ValueError, match="unknown model"):
        surface.surface("cubic", (0, 1), (0, 1))
