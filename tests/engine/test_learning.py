"""Learning checks: what the chapter claims networks can and cannot learn, verified by training."""

import itertools

import numpy as np
import pytest

from engine import Dense, Sequential, datasets
from engine.features import FeatureMap
from engine.perceptron import train_perceptron

SEPARABLE_GATES = ["or", "and", "not_x1_and_x2", "x1_and_not_x2"]  # Fig. 3-5


@pytest.mark.parametrize("gate", SEPARABLE_GATES)
def test_one_sigmoid_neuron_solves_each_linearly_separable_gate(gate):
    data = datasets.generate(gate, n_points=4)
    neuron = Sequential([Dense(1, "sigmoid", input_dim=2)], seed=0)
    neuron.compile(loss="binary_cross_entropy", optimizer="sgd", learning_rate=1.0)
    history = neuron.fit(data.X, data.y, epochs=500)
    assert history.accuracy[-1] == 1.0


@pytest.mark.parametrize("gate", SEPARABLE_GATES)
def test_the_perceptron_rule_solves_each_gate_with_a_sign_neuron(gate):
    data = datasets.generate(gate, n_points=4)
    neuron = Sequential([Dense(1, "sign", input_dim=2)], seed=0)
    history = train_perceptron(neuron, data.X, data.y, epochs=100, learning_rate=0.5)
    assert history.status == "reached_loss"  # converges: every sample right
    w, b = neuron.get_weights()
    assert np.array_equal((data.X @ w[0] + b >= 0).astype(int), data.y)  # the line w^T x + b = 0 (eq. 3.3)


def test_one_neuron_cannot_solve_xor():
    data = datasets.generate("xor_gate", n_points=4)
    # However it is trained...
    neuron = Sequential([Dense(1, "sigmoid", input_dim=2)], seed=0)
    neuron.compile(loss="binary_cross_entropy", optimizer="adam", learning_rate=0.1)
    assert max(neuron.fit(data.X, data.y, epochs=500).accuracy) <= 0.75
    perceptron = Sequential([Dense(1, "sign", input_dim=2)], seed=0)
    assert train_perceptron(perceptron, data.X, data.y, epochs=200).status != "reached_loss"
    # ...and whatever line it draws: no (w, b) on a fine grid classifies all four corners (Fig. 3-6).
    values = np.linspace(-3, 3, 25)
    best = max(np.mean((data.X @ np.array([w1, w2]) + b >= 0) == data.y)
               for w1, w2, b in itertools.product(values, values, values))
    assert best == 0.75


def test_hand_set_sign_network_computes_xor_as_in_the_chapter():
    """XOR = OR(AND(NOT x1, x2), AND(x1, NOT x2)): two hidden sign neurons and one output (Fig. 3-7)."""
    data = datasets.generate("xor_gate", n_points=4)
    model = Sequential([Dense(2, "sign", input_dim=2), Dense(1, "sign")])
    model.set_weights([
        [[-1, 1], [1, -1]], [-0.5, -0.5],  # hidden: (NOT x1) AND x2, x1 AND (NOT x2)
        [[1, 1]], [1],                     # output: OR of two +/-1 inputs
    ])
    hidden = model.forward_trace(data.X).outputs[0]
    np.testing.assert_array_equal(hidden[:, 0] > 0, (data.X[:, 0] == 0) & (data.X[:, 1] == 1))
    np.testing.assert_array_equal(hidden[:, 1] > 0, (data.X[:, 0] == 1) & (data.X[:, 1] == 0))
    model.compile(loss="squared_error")
    assert model.evaluate(data.X, data.y)["accuracy"] == 1.0


def test_trained_2_2_1_network_solves_xor():
    data = datasets.generate("xor_gate", n_points=4)
    solved = []
    for seed in range(5):  # a 2-2-1 net has poor local minima; some starts find the solution
        model = Sequential([Dense(2, "tanh", input_dim=2), Dense(1, "sigmoid")], seed=seed)
        model.compile(optimizer="adam", learning_rate=0.05)
        solved.append(model.fit(data.X, data.y, epochs=500).accuracy[-1] == 1.0)
    assert sum(solved) >= 2


def test_sign_hidden_layer_trains_through_the_surrogate():
    data = datasets.generate("xor_gate", n_points=4)
    model = Sequential([Dense(4, "sign", input_dim=2), Dense(1, "sigmoid")], seed=0)
    model.compile(optimizer="adam", learning_rate=0.05)
    assert model.fit(data.X, data.y, epochs=500).accuracy[-1] == 1.0


def test_spiral_reaches_high_test_accuracy_with_a_playground_sized_network():
    train, test = datasets.train_test_split(datasets.generate("spiral", n_points=500, noise=0.1, seed=0), 0.5, seed=0)
    features = FeatureMap(["x1", "x2", "sin(x1)", "sin(x2)"])
    model = Sequential([Dense(8, "tanh", input_dim=4), Dense(8, "tanh"), Dense(1, "sigmoid")], seed=0)
    model.compile(optimizer="adam", learning_rate=0.01)
    history = model.fit(features.transform(train.X), train.y, epochs=300, batch_size=10,
                        validation_data=(features.transform(test.X), test.y))
    assert history.val_accuracy[-1] >= 0.9


def test_multi_class_softmax_separates_six_blobs():
    train, test = datasets.train_test_split(datasets.generate("blobs", n_points=600, noise=0.1, seed=1, n_classes=6),
                                            0.7, seed=1)
    model = Sequential([Dense(8, "relu", input_dim=2, ), Dense(6, "softmax")], seed=0, initializer="he")
    model.compile(loss="cross_entropy", optimizer="adam", learning_rate=0.02)
    model.fit(train.X, train.y, epochs=100, batch_size=32)
    report = model.evaluate(test.X, test.y)
    assert report["accuracy"] >= 0.95
    assert np.array(report["confusion_matrix"]).shape == (6, 6)


def test_universal_approximation_fit_error_falls_as_hidden_units_grow():
    data = datasets.generate("sine", n_points=200, seed=0)
    errors = []
    for units in (1, 2, 4):
        model = Sequential([Dense(units, "tanh", input_dim=1), Dense(1, "linear")], seed=0, dtype="float64")
        model.compile(loss="squared_error", optimizer="adam", learning_rate=0.02)
        model.fit(data.X, data.y, epochs=3000)
        errors.append(model.evaluate(data.X, data.y)["rmse"])
    assert errors[0] > 2 * errors[1] > 4 * errors[2]
    assert errors[-1] < 0.02
