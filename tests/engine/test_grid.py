"""Decision-boundary grids: every neuron's heatmap in one vectorized pass."""

import numpy as np
import pytest

from engine import Dense, Sequential
from engine.grid import NeuronGrid, grid_points


def deep_model():
    layers = [Dense(8, "tanh", input_dim=2)] + [Dense(8, "tanh") for _ in range(5)] + [Dense(1, "sigmoid")]
    return Sequential(layers, seed=1, dtype="float64")


def test_every_neuron_equals_the_networks_own_forward_pass():
    model = deep_model()
    grid = NeuronGrid([(-6, 6), (-6, 6)], 30, dtype="float64")
    maps = grid.evaluate(model)
    assert [m.shape for m in maps] == [(8, 30, 30)] * 6 + [(1, 30, 30)]
    trace = model.forward_trace(grid.points)
    for layer_map, layer_out in zip(maps, trace.outputs, strict=True):
        np.testing.assert_allclose(layer_map.reshape(layer_map.shape[0], -1).T, layer_out, rtol=1e-12)


def test_grid_orientation_is_screen_like():
    points = grid_points([(0, 1), (10, 20)], 3).reshape(3, 3, 2)
    np.testing.assert_array_equal(points[0, :, 0], [0, 0.5, 1])  # x1 grows left to right
    np.testing.assert_array_equal(points[:, 0, 1], [20, 15, 10])  # row 0 is the top (largest x2)


def test_features_are_applied_once_and_softmax_maps_are_distributions():
    square = lambda P: np.column_stack([P[:, 0], P[:, 1], P[:, 0] ** 2])  # noqa: E731
    model = Sequential([Dense(4, "relu", input_dim=3), Dense(3, "softmax")], dtype="float32")
    grid = NeuronGrid([(-1, 1), (-1, 1)], 20, transform=square)
    assert grid.input_maps().shape == (3, 20, 20)
    out = grid.evaluate(model)[-1]
    np.testing.assert_allclose(out.sum(axis=0), 1, rtol=1e-5)
    np.testing.assert_allclose(out.reshape(3, -1).T, model.predict(square(grid.points)), rtol=1e-5, atol=1e-6)


def test_one_dimensional_grid():
    model = Sequential([Dense(5, "tanh", input_dim=1), Dense(1)], dtype="float64")
    grid = NeuronGrid([(-1, 1)], 50, dtype="float64")
    out = grid.evaluate(model)[-1]
    assert out.shape == (1, 50)
    np.testing.assert_allclose(out[0], model.predict(grid.points)[:, 0])


def test_huge_weights_never_produce_nan_or_inf():
    model = Sequential([Dense(2, "linear", input_dim=2), Dense(1, "linear")], dtype="float32")
    model.set_weights([np.full((2, 2), 3e38), [0, 0], np.full((1, 2), 3e38), [0]])
    for m in NeuronGrid([(-6, 6), (-6, 6)], 10).evaluate(model):
        assert np.isfinite(m).all()


@pytest.mark.parametrize("resolution", [1, 201, 2.5])
def test_resolution_is_bounded(resolution):
    with pytest.raises(ValueError, match="resolution"):
        NeuronGrid([(-6, 6), (-6, 6)], resolution)


def test_mismatched_feature_count_is_refused():
    with pytest.raises(ValueError, match="3 input features but the model takes 2"):
        NeuronGrid([(-1, 1), (-1, 1)], 5, transform=lambda P: np.column_stack([P, P[:, :1]])).evaluate(deep_model())


def test_after_layer_is_called_between_layers_and_changes_nothing():
    model = deep_model()
    grid = NeuronGrid([(-6, 6), (-6, 6)], 20, dtype="float64")
    calls = []
    maps = grid.evaluate(model, after_layer=lambda: calls.append(len(calls)))
    assert calls == list(range(len(model.layers) - 1))
    for ours, theirs in zip(maps, grid.evaluate(model), strict=True):
        np.testing.assert_array_equal(ours, theirs)
