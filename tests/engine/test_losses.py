"""Losses: definitions, stability, the y - target shortcut and pairing rules."""

import numpy as np
import pytest

from engine import activations, losses


def test_squared_error_is_half_the_squared_distance():
    y, t = np.array([[0.5, 2.0]]), np.array([[1.0, 0.0]])
    value = losses.get("squared_error").value(y, y, t, activations.get("linear"))
    np.testing.assert_allclose(value, [0.5 * (0.25 + 4.0)])


def test_cross_entropy_is_minus_log_of_the_true_class_probability():
    a = np.array([[1.0, 2.0, 0.5]])
    y = activations.softmax(a)
    t = np.array([[0.0, 1.0, 0.0]])
    value = losses.get("cross_entropy").value(a, y, t, activations.get("softmax"))
    np.testing.assert_allclose(value, [-np.log(y[0, 1])])  # eq. 3.9


def test_cross_entropy_is_finite_when_the_softmax_saturates():
    a = np.array([[1000.0, -1000.0]])
    y = activations.softmax(a)
    value = losses.get("cross_entropy").value(a, y, np.array([[0.0, 1.0]]), activations.get("softmax"))
    np.testing.assert_allclose(value, [2000.0])  # log-sum-exp: exact, not log(0)


def test_binary_cross_entropy_is_finite_when_the_sigmoid_saturates():
    a = np.array([[800.0]])
    sigmoid = activations.get("sigmoid")
    value = losses.get("binary_cross_entropy").value(a, sigmoid.fn(a), np.array([[0.0]]), sigmoid)
    np.testing.assert_allclose(value, [800.0])


@pytest.mark.parametrize("loss_name, output", [("squared_error", "linear"), ("cross_entropy", "softmax"),
                                               ("binary_cross_entropy", "sigmoid")])
def test_canonical_pair_output_delta_is_y_minus_target_and_equals_the_chain_rule(loss_name, output):
    rng = np.random.default_rng(0)
    act, loss = activations.get(output), losses.get(loss_name)
    a = rng.normal(size=(5, 3))
    y = act.fn(a.copy())
    t = np.eye(3)[rng.integers(0, 3, 5)]
    delta = losses.output_delta(loss, act, a, y, t)
    np.testing.assert_allclose(delta, y - t)  # eq. 3.18
    eps = 1e-6
    numeric = np.zeros_like(a)
    for i in range(5):
        for j in range(3):
            d = np.zeros_like(a)
            d[i, j] = eps
            up, down = a + d, a - d
            numeric[i, j] = (loss.value(up, act.fn(up.copy()), t, act)[i]
                             - loss.value(down, act.fn(down.copy()), t, act)[i]) / (2 * eps)
    np.testing.assert_allclose(delta, numeric, rtol=1e-6, atol=1e-9)


def test_pairing_rules_reject_impossible_pairs():
    with pytest.raises(ValueError, match="cannot follow a 'tanh' output"):
        losses.check_pair(losses.get("binary_cross_entropy"), activations.get("tanh"))
    losses.check_pair(losses.get("cross_entropy"), activations.get("sigmoid"))  # Fig. 3-13's pairing is allowed


def test_unknown_loss_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        losses.get("hinge")
