"""Numerical gradient checks: every hidden activation x every output/loss pair x several depths.

The forward pass is asserted on its own (against eq. 3.4-3.6 written out column by column), then the
backward pass against central finite differences of J, so a wrong forward cannot hide a wrong backward.
"""

import numpy as np
import pytest

from engine import Dense, Sequential, activations
from engine.gradcheck import numerical_gradients

HIDDEN = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "softplus"]
PAIRS = [  # (output activation, loss, how many outputs)
    ("linear", "squared_error", 2),
    ("sigmoid", "binary_cross_entropy", 1),
    ("sigmoid", "binary_cross_entropy", 3),
    ("softmax", "cross_entropy", 3),
    ("sigmoid", "squared_error", 2),
    ("tanh", "squared_error", 2),
    ("softmax", "squared_error", 3),
    ("sigmoid", "cross_entropy", 2),
]
DEPTHS = [0, 1, 3]  # hidden layers


def make_case(hidden, output, n_out, depth, seed=0):
    """A float64 model with random weights, 6 random inputs and targets that suit the output."""
    rng = np.random.default_rng(seed)
    layers = [Dense(3 + i % 2, hidden, input_dim=2 if i == 0 else None) for i in range(depth)]
    layers.append(Dense(n_out, output, input_dim=None if depth else 2))
    model = Sequential(layers, seed=seed, dtype="float64")
    model.set_weights([rng.normal(0, 0.8, size=w.shape) for w in model.get_weights()])
    X = rng.normal(size=(6, 2))
    labels = rng.integers(0, n_out if n_out > 1 else 2, size=6)
    if output == "softmax" or n_out == 1:
        y = labels  # class labels: one-hot for several outputs, 0/1 for one
    elif output == "sigmoid":
        y = np.eye(n_out)[labels]  # one-hot rows
    else:
        y = np.tanh(rng.normal(size=(6, n_out)))  # real targets inside every output's range
    return model, X, y


def reference_forward(model, X):
    """Eq. 3.4-3.6 one sample at a time, as column vectors: a = W h + b, h = g(a)."""
    outs = []
    for x in X:
        h = x.reshape(-1, 1)
        for layer in model.layers:
            a = layer.W @ h + layer.b.reshape(-1, 1)
            if layer.activation.name == "softmax":
                e = np.exp(a - a.max())
                h = e / e.sum()
            else:
                h = layer.activation.fn(a)
        outs.append(h.ravel())
    return np.array(outs)


def numerical_gradient(model, X, y):
    """Central differences of J for every parameter, flattened in theta's layout (weights, then biases)."""
    estimates = numerical_gradients(model, X, y)
    return flat(estimates, model)


def flat(gradients, model):
    """Flatten [gW1, gb1, ...] into theta's layout (weights first, then biases)."""
    return np.concatenate([g.ravel() for g in gradients[0::2]] + [g.ravel() for g in gradients[1::2]])


# With no hidden layer the hidden activation plays no part, so depth 0 appears once per pair.
CASES = [(hidden, *pair, depth) for pair in PAIRS for depth in DEPTHS for hidden in (HIDDEN if depth else HIDDEN[:1])]


@pytest.mark.parametrize("hidden, output, loss, n_out, depth", CASES,
                         ids=[f"{h}-{o}+{l}x{n}-{d}hidden" for h, o, l, n, d in CASES])
def test_forward_and_backward(hidden, output, loss, n_out, depth):
    model, X, y = make_case(hidden, output, n_out, depth)
    model.compile(loss=loss, optimizer="sgd", learning_rate=0.1)
    # forward, asserted on its own
    np.testing.assert_allclose(model.predict(X), reference_forward(model, X), rtol=1e-12, atol=1e-14)
    # backward, against finite differences of J
    analytic = flat(model.gradients(X, y), model)
    np.testing.assert_allclose(analytic, numerical_gradient(model, X, y), rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("regularization", ["l1", "l2"])
def test_gradient_includes_the_weight_penalty_but_not_on_biases(regularization):
    model, X, y = make_case("tanh", "softmax", 3, 2)
    model.compile(loss="cross_entropy", regularization=regularization, reg_rate=0.05)
    analytic = flat(model.gradients(X, y), model)
    np.testing.assert_allclose(analytic, numerical_gradient(model, X, y), rtol=1e-5, atol=1e-8)
    model.compile(loss="cross_entropy")
    plain = flat(model.gradients(X, y), model)
    np.testing.assert_array_equal(analytic[model.n_weights:], plain[model.n_weights:])  # biases unpenalised
    assert not np.allclose(analytic[: model.n_weights], plain[: model.n_weights])


def test_backprop_records_each_equation_of_section_3_3():
    model, X, y = make_case("sigmoid", "softmax", 3, 2)
    model.compile(loss="cross_entropy")
    X, y = X[:1], y[:1]
    bp = model.backprop(X, y)
    target = np.eye(3)[y]
    out = bp.trace.output
    np.testing.assert_allclose(bp.grad_output, -target / out)  # eq. 3.15-3.16
    np.testing.assert_allclose(bp.deltas[-1], out - target)  # eq. 3.17-3.18
    for k in range(len(model.layers) - 1):
        upper = model.layers[k + 1]
        np.testing.assert_allclose(bp.grad_h[k], bp.deltas[k + 1] @ upper.W)  # eq. 3.21
        h = bp.trace.outputs[k]
        np.testing.assert_allclose(bp.deltas[k], bp.grad_h[k] * h * (1 - h))  # eq. 3.23, sigmoid' = g(1-g)
    previous = [X] + bp.trace.outputs[:-1]
    for k in range(len(model.layers)):
        np.testing.assert_allclose(bp.gradients[2 * k], bp.deltas[k].T @ previous[k])  # eq. 3.25
        np.testing.assert_allclose(bp.gradients[2 * k + 1], bp.deltas[k].sum(axis=0))  # eq. 3.27


def test_sign_network_gradient_uses_the_documented_surrogate():
    model = Sequential([Dense(2, "sign", input_dim=2), Dense(1, "sigmoid")], dtype="float64")
    model.set_weights([[[0.3, -0.2], [0.1, 0.4]], [0.1, -0.1], [[0.5, -0.7]], [0.2]])
    model.compile(loss="binary_cross_entropy")
    X, y = np.array([[0.5, 0.5]]), np.array([1])
    bp = model.backprop(X, y)
    a1 = bp.trace.linear[0]
    surrogate = activations.get("sign").derivative(a1, bp.trace.outputs[0])
    np.testing.assert_allclose(bp.deltas[0], bp.grad_h[0] * surrogate)
    assert np.abs(bp.gradients[0]).sum() > 0  # the surrogate lets the first layer learn
