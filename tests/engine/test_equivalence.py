"""The engine against an independent float64 reference (tests/engine/reference.py).

On the same initial weights and data, the engine's forward pass, objective J, gradients and
optimizer steps (SGD, momentum, Adam; one step, and three steps with a learning-rate change
between the second and third) must match the reference to float tolerance, for every loss pair
(squared_error + linear, binary_cross_entropy + sigmoid with one and two outputs,
cross_entropy + softmax with three classes), several hidden activations and depths, and with no,
L1 and L2 regularization. The reference itself is checked against finite differences first, so a
disagreement points at the engine rather than at the reference.
"""

from dataclasses import dataclass

import numpy as np
import pytest

from engine import Dense, Sequential
from tests.engine import reference as ref

N_SAMPLES = 7
N_INPUTS = 2


@dataclass(frozen=True)
class Case:
    """One network: hidden layers (units, activation), output (units, activation), its loss, targets."""

    name: str
    hidden: tuple  # ((units, activation), ...)
    outputs: int
    output_activation: str
    loss: str
    targets: str  # "real" (2-D floats), "labels" (1-D ints) or "multilabel" (2-D 0/1 floats)

    @property
    def activations(self):
        return [g for _, g in self.hidden] + [self.output_activation]

    @property
    def sizes(self):
        return [N_INPUTS] + [u for u, _ in self.hidden] + [self.outputs]


CASES = [
    Case("mse-linear2-tanh", ((4, "tanh"),), 2, "linear", "squared_error", "real"),
    Case("mse-linear1-relu-relu", ((5, "relu"), (3, "relu")), 1, "linear", "squared_error", "real"),
    Case("bce-sigmoid1-sigmoid", ((4, "sigmoid"),), 1, "sigmoid", "binary_cross_entropy", "labels"),
    Case("bce-sigmoid2-leaky-tanh", ((5, "leaky_relu"), (3, "tanh")), 2, "sigmoid",
         "binary_cross_entropy", "labels"),
    Case("bce-sigmoid2-multilabel-softplus", ((4, "softplus"),), 2, "sigmoid",
         "binary_cross_entropy", "multilabel"),
    Case("ce-softmax3-tanh", ((4, "tanh"),), 3, "softmax", "cross_entropy", "labels"),
    Case("ce-softmax3-softplus-relu-sigmoid", ((5, "softplus"), (4, "relu"), (3, "sigmoid")), 3,
         "softmax", "cross_entropy", "labels"),
]
CASE_IDS = [c.name for c in CASES]
OPTIMIZERS = ["sgd", "momentum", "adam"]
REGULARIZATIONS = [None, "l1", "l2"]
REG_IDS = ["noreg", "l1", "l2"]
REG_RATE = 0.01
LEARNING_RATE = {"sgd": 0.1, "momentum": 0.05, "adam": 0.01}
NEW_LEARNING_RATE = {"sgd": 0.03, "momentum": 0.02, "adam": 0.004}  # set between step 2 and step 3


def random_weights(case: Case, seed: int = 1):
    """Seeded float64 weights and (non-zero) biases in get_weights() order."""
    rng = np.random.default_rng(seed)
    weights = []
    for n_in, n_out in zip(case.sizes[:-1], case.sizes[1:], strict=True):
        weights.append(rng.normal(0.0, 0.8, size=(n_out, n_in)))
        weights.append(rng.normal(0.0, 0.3, size=n_out))
    return weights


def random_batch(case: Case, seed: int):
    """Seeded inputs X (N_SAMPLES x N_INPUTS) and targets y of the kind ``case`` expects."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2.0, 2.0, size=(N_SAMPLES, N_INPUTS))
    if case.targets == "real":
        y = rng.normal(0.0, 1.0, size=(N_SAMPLES, case.outputs))
    elif case.targets == "labels":
        n_classes = max(case.outputs, 2)
        y = np.arange(N_SAMPLES) % n_classes  # every class present
        rng.shuffle(y)
    else:  # multilabel: independent 0/1 per output
        y = rng.integers(0, 2, size=(N_SAMPLES, case.outputs)).astype(np.float64)
    return X, y


def build(case: Case, weights, optimizer="sgd", regularization=None, dtype="float64"):
    """The engine model and the reference, on the same weights and settings."""
    layers = [Dense(case.hidden[0][0], activation=case.hidden[0][1], input_dim=N_INPUTS)]
    layers += [Dense(u, activation=g) for u, g in case.hidden[1:]]
    layers.append(Dense(case.outputs, activation=case.output_activation))
    model = Sequential(layers, seed=0, dtype=dtype)
    model.set_weights([np.array(w) for w in weights])
    reg_rate = REG_RATE if regularization else 0.0
    lr = LEARNING_RATE[optimizer]
    model.compile(loss=case.loss, optimizer=optimizer, learning_rate=lr,
                  regularization=regularization, reg_rate=reg_rate)
    reference = ref.ReferenceMLP(weights, case.activations, case.loss, optimizer=optimizer,
                                 learning_rate=lr, regularization=regularization, reg_rate=reg_rate)
    return model, reference


def assert_weights_close(actual, expected, rtol, atol, what):
    assert len(actual) == len(expected), what
    for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
        name = f"{'Wb'[i % 2]}({i // 2 + 1})"
        assert np.shape(a) == np.shape(e), f"{what}: {name} shape"
        np.testing.assert_allclose(a, e, rtol=rtol, atol=atol, err_msg=f"{what}: {name}")


# ---------------------------------------------------------------------------------------------
# The reference checks itself (so a failure below is the engine's, not the reference's)
# ---------------------------------------------------------------------------------------------


def test_reference_fig_3_13_forward():
    """The chapter's worked example (Fig. 3-13): input (1,-1) -> (0.62, 0.83), (0,0) -> (0.51, 0.85)."""
    weights = [np.array([[1.0, -2.0], [-1.0, 1.0]]), np.array([1.0, 0.0]),
               np.array([[2.0, -1.0], [-2.0, -1.0]]), np.array([0.0, 0.0]),
               np.array([[3.0, -1.0], [-1.0, 4.0]]), np.array([-2.0, 2.0])]
    Y = ref.predict(weights, ["sigmoid"] * 3, np.array([[1.0, -1.0], [0.0, 0.0]]))
    np.testing.assert_allclose(Y, [[0.62, 0.83], [0.51, 0.85]], atol=0.005)


@pytest.mark.parametrize("regularization", REGULARIZATIONS, ids=REG_IDS)
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_reference_gradients_match_finite_differences(case, regularization):
    weights = random_weights(case)
    X, y = random_batch(case, seed=10)
    T = ref.encode_targets(y, case.outputs)
    reg_rate = REG_RATE if regularization else 0.0

    def J(ws):
        return ref.objective(ws, case.activations, case.loss, X, T, regularization, reg_rate)

    analytic = ref.gradients(weights, case.activations, case.loss, X, T, regularization, reg_rate)
    h = 1e-6
    for i, w in enumerate(weights):
        numeric = np.zeros_like(w)
        for idx in np.ndindex(w.shape):
            plus = [x.copy() for x in weights]
            minus = [x.copy() for x in weights]
            plus[i][idx] += h
            minus[i][idx] -= h
            numeric[idx] = (J(plus) - J(minus)) / (2 * h)
        np.testing.assert_allclose(analytic[i], numeric, rtol=1e-5, atol=1e-8)


# ---------------------------------------------------------------------------------------------
# Engine == reference
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_forward_matches_reference(case):
    model, reference = build(case, random_weights(case))
    X, _ = random_batch(case, seed=10)
    linear, outputs = reference.forward(X)
    np.testing.assert_allclose(model.predict(X), outputs[-1], rtol=1e-10, atol=1e-14)
    trace = model.forward_trace(X)
    assert len(trace.linear) == len(linear)
    for k, (a, expected) in enumerate(zip(trace.linear, linear, strict=True)):
        np.testing.assert_allclose(a, expected, rtol=1e-10, atol=1e-14, err_msg=f"a({k + 1})")
    for k, (h, expected) in enumerate(zip(trace.outputs, outputs[1:], strict=True)):
        np.testing.assert_allclose(h, expected, rtol=1e-10, atol=1e-14, err_msg=f"h({k + 1})")


@pytest.mark.parametrize("regularization", REGULARIZATIONS, ids=REG_IDS)
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_loss_and_gradients_match_reference(case, regularization):
    model, reference = build(case, random_weights(case), regularization=regularization)
    X, y = random_batch(case, seed=10)
    np.testing.assert_allclose(model.compute_loss(X, y), reference.compute_loss(X, y), rtol=1e-10)
    assert_weights_close(model.gradients(X, y), reference.gradients(X, y), rtol=1e-9, atol=1e-13,
                         what="grad J")


@pytest.mark.parametrize("regularization", REGULARIZATIONS, ids=REG_IDS)
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_one_step_matches_reference(case, optimizer, regularization):
    model, reference = build(case, random_weights(case), optimizer, regularization)
    X, y = random_batch(case, seed=10)
    model.train_on_batch(X, y)
    reference.train_on_batch(X, y)
    assert_weights_close(model.get_weights(), reference.weights, rtol=1e-10, atol=1e-12,
                         what=f"after one {optimizer} step")


@pytest.mark.parametrize("regularization", REGULARIZATIONS, ids=REG_IDS)
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_three_steps_with_learning_rate_change_match_reference(case, optimizer, regularization):
    """State (velocity, moments, step count) carries over, and a new learning rate takes effect."""
    model, reference = build(case, random_weights(case), optimizer, regularization)
    for step in range(3):
        if step == 2:
            model.set_learning_rate(NEW_LEARNING_RATE[optimizer])
            reference.set_learning_rate(NEW_LEARNING_RATE[optimizer])
        X, y = random_batch(case, seed=20 + step)  # a different batch each step
        model.train_on_batch(X, y)
        reference.train_on_batch(X, y)
        assert_weights_close(model.get_weights(), reference.weights, rtol=1e-9, atol=1e-12,
                             what=f"after {optimizer} step {step + 1}")


def test_relu_derivative_at_zero_is_one():
    """relu'(0) = 1 (a >= 0): a hidden unit with a(1) exactly 0 still passes the gradient."""
    case = Case("relu-kink", ((3, "relu"),), 1, "linear", "squared_error", "real")
    weights = random_weights(case)
    weights[1] = np.zeros(3)  # b(1) = 0, so x = 0 gives a(1) = 0 exactly
    X = np.array([[0.0, 0.0], [0.5, -1.0]])
    y = np.array([[1.0], [-0.5]])
    model, reference = build(case, weights)
    assert np.any(model.forward_trace(X).linear[0][0] == 0.0)
    assert_weights_close(model.gradients(X, y), reference.gradients(X, y), rtol=1e-9, atol=1e-13,
                         what="grad J at the ReLU kink")
    # The kink matters: for the sample x = 0, dl/db(1) = relu'(0) * W(2)^T (y - t) is non-zero.
    assert np.all(reference.gradients(X[:1], y[:1])[1] != 0.0)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_float32_engine_adam_step_close_to_float64_reference(case):
    """Sanity: the float32 engine agrees with the float64 reference after one Adam step (~1e-5)."""
    # Start both from the float32-representable weights and inputs, so only arithmetic differs.
    weights = [w.astype(np.float32).astype(np.float64) for w in random_weights(case)]
    X, y = random_batch(case, seed=10)
    X = X.astype(np.float32).astype(np.float64)
    if y.dtype.kind == "f":
        y = y.astype(np.float32).astype(np.float64)
    model, reference = build(case, weights, "adam", dtype="float32")
    np.testing.assert_allclose(model.predict(X), reference.predict(X), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.compute_loss(X, y), reference.compute_loss(X, y), rtol=1e-5)
    model.train_on_batch(X, y)
    reference.train_on_batch(X, y)
    assert_weights_close(model.get_weights(), reference.weights, rtol=1e-5, atol=1e-6,
                         what="float32 engine after one Adam step")
