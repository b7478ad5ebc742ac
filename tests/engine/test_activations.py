"""Activations: values at the chapter's conventions, derivatives against finite differences."""

import numpy as np
import pytest

from engine import activations

SMOOTH = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "softplus"]


def test_table_3_1_values_and_a_ge_0_conventions():
    a = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    get = lambda name: activations.get(name).fn(a.copy())  # noqa: E731
    np.testing.assert_array_equal(get("linear"), a)
    np.testing.assert_array_equal(get("step"), [0, 0, 1, 1, 1])  # step(0) = 1
    np.testing.assert_array_equal(get("sign"), [-1, -1, 1, 1, 1])  # sign(0) = 1
    np.testing.assert_allclose(get("sigmoid"), 1 / (1 + np.exp(-a)), rtol=1e-12)
    np.testing.assert_allclose(get("tanh"), np.tanh(a), rtol=1e-12)
    np.testing.assert_array_equal(get("relu"), [0, 0, 0, 0.5, 2])
    np.testing.assert_allclose(get("leaky_relu"), [-0.02, -0.005, 0, 0.5, 2])
    np.testing.assert_allclose(get("softplus"), np.log1p(np.exp(a)), rtol=1e-12)


def test_relu_derivative_at_zero_is_one_as_in_the_chapter():
    relu = activations.get("relu")
    a = np.array([-1.0, 0.0, 1.0])
    np.testing.assert_array_equal(relu.derivative(a, relu.fn(a)), [0, 1, 1])


@pytest.mark.parametrize("name", SMOOTH)
def test_derivative_matches_finite_differences(name):
    act = activations.get(name)
    a = np.random.default_rng(1).uniform(-3, 3, size=200)
    a = a[np.abs(a) > 1e-3]  # keep away from the ReLU kink
    eps = 1e-6
    numeric = (act.fn(a + eps) - act.fn(a - eps)) / (2 * eps)
    np.testing.assert_allclose(act.derivative(a, act.fn(a)), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_inputs_stay_finite(dtype):
    a = np.array([-1e4, -80.0, 0.0, 80.0, 1e4], dtype=dtype)
    for name in ["sigmoid", "tanh", "softplus", "relu", "leaky_relu", "step", "sign"]:
        out = activations.get(name).fn(a.copy())
        assert np.isfinite(out).all(), name
        assert out.dtype == dtype, name
    probs = activations.softmax(np.array([[1e4, 0.0, -1e4]], dtype=dtype))
    np.testing.assert_allclose(probs, [[1, 0, 0]])


def test_step_and_sign_are_flat_but_train_through_a_labelled_surrogate():
    a = np.array([-2.0, -0.5, 0.5, 2.0])
    for name, inside in [("sign", 1.0), ("step", 0.5)]:
        act = activations.get(name)
        assert act.surrogate, "the registry must say the derivative is a surrogate"
        true_slope = (act.fn(a + 1e-4) - act.fn(a - 1e-4)) / 2e-4
        np.testing.assert_array_equal(true_slope, 0)  # flat almost everywhere
        np.testing.assert_array_equal(act.derivative(a, act.fn(a)), [0, inside, inside, 0])  # straight-through


def test_softmax_rows_are_distributions_and_its_backward_is_the_jacobian_product():
    rng = np.random.default_rng(2)
    a = rng.normal(size=(4, 3))
    h = activations.softmax(a)
    np.testing.assert_allclose(h.sum(axis=1), 1)
    g = rng.normal(size=(4, 3))
    eps = 1e-6
    numeric = np.zeros_like(a)
    for i in range(4):
        for j in range(3):
            d = np.zeros_like(a)
            d[i, j] = eps
            numeric[i, j] = ((activations.softmax(a + d) - activations.softmax(a - d)) * g).sum() / (2 * eps)
    np.testing.assert_allclose(activations.softmax_backward(g, h), numeric, rtol=1e-6, atol=1e-9)


def test_unknown_name_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown activation 'swish'.*sigmoid"):
        activations.get("swish")


def test_describe_lists_every_activation_once():
    names = [entry["name"] for entry in activations.describe()]
    assert names == list(activations.ACTIVATIONS)
    assert {"linear", "step", "sign", "sigmoid", "tanh", "relu", "leaky_relu", "softplus", "softmax"} <= set(names)


@pytest.mark.parametrize("name", list(activations.ACTIVATIONS))
def test_in_place_application_equals_the_function(name):
    act = activations.get(name)
    a = np.random.default_rng(3).normal(size=(5, 4)).astype(np.float32)
    expected = act.fn(a.copy())
    np.testing.assert_allclose(activations.apply_in_place(act, a.copy()), expected, rtol=1e-6, atol=1e-7)
