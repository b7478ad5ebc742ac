"""A small, independent float64 reference for the engine's multilayer perceptron (chapter 3).

Written from the textbook's equations (see /work/shared/docs/seed-map.md), not from the engine:
nothing here imports ``engine``. It is deliberately plain and slow: one sample at a time, column
vectors, the full chain rule (no ``y - target`` shortcut at the output, no flat parameter vector),
so that agreeing with the engine means something.

Conventions shared with the engine (they are definitions, not implementation details):

- ``weights`` is ``[W(1), b(1), W(2), b(2), ...]``; W(k) has shape (units k, units k-1) and b(k)
  shape (units k,). a(k) = W(k) h(k-1) + b(k), h(k) = g(a(k)), h(0) = x, output y = o(a(L)).
- J = (1/N) sum_n l(n) + reg_rate * R(W), R over the weights only (never the biases):
  L2: R = 1/2 sum w^2 (dR/dw = w); L1: R = sum |w| (dR/dw = sign(w)).
- l(n): squared_error 1/2 ||y - t||^2; cross_entropy -sum_m t_m log y_m;
  binary_cross_entropy -sum_m [t_m log y_m + (1 - t_m) log(1 - y_m)].
- Optimizers: SGD, momentum in PyTorch's form (v = g on the first step), Adam as in PyTorch.
"""

from __future__ import annotations

import numpy as np

# ---------------------------------------------------------------------------------------------
# Activations (Table 3-1 plus leaky ReLU, softplus and softmax)
# ---------------------------------------------------------------------------------------------

LEAKY_SLOPE = 0.01


def activate(name: str, a: np.ndarray) -> np.ndarray:
    """h = g(a) for one column vector ``a`` (eq. 3.2 / 3.5)."""
    a = np.asarray(a, dtype=np.float64)
    if name == "linear":
        return a.copy()
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-a))
    if name == "tanh":
        return np.tanh(a)
    if name == "relu":
        return np.where(a >= 0, a, 0.0)  # the chapter: a if a >= 0 else 0
    if name == "leaky_relu":
        return np.where(a >= 0, a, LEAKY_SLOPE * a)
    if name == "softplus":
        return np.log1p(np.exp(a))  # log(1 + e^a); the tests keep |a| moderate
    if name == "softmax":
        e = np.exp(a - np.max(a))
        return e / np.sum(e)
    raise ValueError(f"unknown activation {name!r}")


def activation_jacobian(name: str, a: np.ndarray) -> np.ndarray:
    """dh/da as a full (units x units) matrix for one column vector ``a``.

    Elementwise activations give a diagonal matrix diag(g'(a)) (the factor of eq. 3.22-3.23);
    softmax gives its full Jacobian diag(y) - y y^T.
    """
    a = np.asarray(a, dtype=np.float64)
    if name == "softmax":
        y = activate("softmax", a)
        return np.diag(y) - np.outer(y, y)
    if name == "linear":
        d = np.ones_like(a)
    elif name == "sigmoid":
        s = activate("sigmoid", a)
        d = s * (1.0 - s)  # sigmoid' = g (1 - g)
    elif name == "tanh":
        d = 1.0 - np.tanh(a) ** 2
    elif name == "relu":
        d = np.where(a >= 0, 1.0, 0.0)  # relu'(0) = 1 (a >= 0)
    elif name == "leaky_relu":
        d = np.where(a >= 0, 1.0, LEAKY_SLOPE)
    elif name == "softplus":
        d = 1.0 / (1.0 + np.exp(-a))  # d/da log(1 + e^a) = sigmoid(a)
    else:
        raise ValueError(f"unknown activation {name!r}")
    return np.diag(d)


# ---------------------------------------------------------------------------------------------
# Losses (eq. 3.8, 3.9) and their gradient with respect to the output y (eq. 3.15-3.16)
# ---------------------------------------------------------------------------------------------


def sample_loss(loss: str, y: np.ndarray, t: np.ndarray) -> float:
    """l(n) for one sample's output ``y`` and target ``t``."""
    if loss == "squared_error":
        return 0.5 * float(np.sum((y - t) ** 2))  # eq. 3.8 (with the 1/2)
    if loss == "cross_entropy":
        return -float(np.sum(t * np.log(y)))  # eq. 3.9
    if loss == "binary_cross_entropy":
        return -float(np.sum(t * np.log(y) + (1.0 - t) * np.log(1.0 - y)))
    raise ValueError(f"unknown loss {loss!r}")


def loss_grad_output(loss: str, y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """dl/dy for one sample (eq. 3.15-3.16 for cross-entropy)."""
    if loss == "squared_error":
        return y - t
    if loss == "cross_entropy":
        return -t / y  # -1(c = m) / y_c for a one-hot t
    if loss == "binary_cross_entropy":
        return -t / y + (1.0 - t) / (1.0 - y)
    raise ValueError(f"unknown loss {loss!r}")


# ---------------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------------


def encode_targets(y, n_outputs: int) -> np.ndarray:
    """Targets matrix (n, n_outputs) from user ``y``.

    1-D integer labels become one-hot rows with several outputs, and a 0/1 column with one output
    (sigmoid). Anything else is taken as float targets, reshaped to (n, n_outputs).
    """
    y = np.asarray(y)
    if y.ndim == 1 and np.issubdtype(y.dtype, np.integer):
        if n_outputs == 1:
            return y.astype(np.float64).reshape(-1, 1)
        return np.eye(n_outputs)[y]
    return np.asarray(y, dtype=np.float64).reshape(len(y), n_outputs)


# ---------------------------------------------------------------------------------------------
# Forward and backward pass, one sample at a time
# ---------------------------------------------------------------------------------------------


def _layers(weights):
    """[(W(1), b(1)), (W(2), b(2)), ...] from the flat list."""
    return [(np.asarray(weights[i], np.float64), np.asarray(weights[i + 1], np.float64))
            for i in range(0, len(weights), 2)]


def forward_sample(weights, activations, x):
    """Linear inputs [a(1)..a(L)] and outputs [h(0)=x, h(1)..h(L)] for one sample (eq. 3.4-3.7)."""
    h = np.asarray(x, dtype=np.float64)
    linear, outputs = [], [h]
    for (W, b), g in zip(_layers(weights), activations, strict=True):
        a = W @ h + b  # eq. 3.4: a(k) = W(k) h(k-1) + b(k)
        h = activate(g, a)  # eq. 3.5 (hidden) / eq. 3.6 (output o)
        linear.append(a)
        outputs.append(h)
    return linear, outputs


def forward(weights, activations, X):
    """Batch forward pass: (linear, outputs) as lists of (n, units) arrays, outputs[0] = X."""
    per_sample = [forward_sample(weights, activations, x) for x in np.asarray(X, np.float64)]
    L = len(activations)
    linear = [np.array([s[0][k] for s in per_sample]) for k in range(L)]
    outputs = [np.array([s[1][k] for s in per_sample]) for k in range(L + 1)]
    return linear, outputs


def predict(weights, activations, X) -> np.ndarray:
    """f(x) for every row of X, shape (n, outputs)."""
    return forward(weights, activations, X)[1][-1]


def backward_sample(weights, activations, loss, x, t):
    """Gradient of l(n) for one sample, as [dl/dW(1), dl/db(1), ...] (section 3.3)."""
    layers = _layers(weights)
    linear, outputs = forward_sample(weights, activations, x)
    grads = [None] * len(weights)
    grad_h = loss_grad_output(loss, outputs[-1], t)  # eq. 3.15-3.16: dl/dy at the output
    for k in reversed(range(len(layers))):
        # eq. 3.22-3.23 (and 3.17-3.18 at the output, here by the plain chain rule):
        # dl/da(k) = (dh(k)/da(k))^T dl/dh(k)
        grad_a = activation_jacobian(activations[k], linear[k]).T @ grad_h
        grads[2 * k] = np.outer(grad_a, outputs[k])  # eq. 3.24-3.25: dl/dW(k) = dl/da(k) h(k-1)^T
        grads[2 * k + 1] = grad_a.copy()  # eq. 3.26-3.27: dl/db(k) = dl/da(k)
        W = layers[k][0]
        grad_h = W.T @ grad_a  # eq. 3.20-3.21: dl/dh(k-1) = W(k)^T dl/da(k)
    return grads


# ---------------------------------------------------------------------------------------------
# Objective J and its gradient
# ---------------------------------------------------------------------------------------------


def penalty(weights, regularization, reg_rate) -> float:
    """reg_rate * R(W), over the weight matrices only."""
    if regularization is None or reg_rate == 0:
        return 0.0
    Ws = [np.asarray(w, np.float64) for w in weights[0::2]]
    if regularization == "l2":
        return reg_rate * 0.5 * sum(float(np.sum(W**2)) for W in Ws)
    if regularization == "l1":
        return reg_rate * sum(float(np.sum(np.abs(W))) for W in Ws)
    raise ValueError(f"unknown regularization {regularization!r}")


def penalty_grad(W, regularization, reg_rate) -> np.ndarray:
    """d(reg_rate * R)/dW for one weight matrix."""
    W = np.asarray(W, np.float64)
    if regularization is None or reg_rate == 0:
        return np.zeros_like(W)
    if regularization == "l2":
        return reg_rate * W
    if regularization == "l1":
        return reg_rate * np.sign(W)
    raise ValueError(f"unknown regularization {regularization!r}")


def objective(weights, activations, loss, X, T, regularization=None, reg_rate=0.0) -> float:
    """J = (1/N) sum_n l(n) + reg_rate R(W) (eq. 3.10 as a mean, plus the penalty)."""
    X = np.asarray(X, np.float64)
    Y = predict(weights, activations, X)
    total = sum(sample_loss(loss, y, t) for y, t in zip(Y, T, strict=True))
    return total / len(X) + penalty(weights, regularization, reg_rate)


def gradients(weights, activations, loss, X, T, regularization=None, reg_rate=0.0):
    """grad J in ``weights`` order: the mean of the per-sample gradients plus the penalty's."""
    X = np.asarray(X, np.float64)
    total = [np.zeros(np.shape(w)) for w in weights]
    for x, t in zip(X, T, strict=True):
        for i, g in enumerate(backward_sample(weights, activations, loss, x, t)):
            total[i] += g
    grads = [g / len(X) for g in total]
    for i in range(0, len(weights), 2):  # weights only, not biases
        grads[i] = grads[i] + penalty_grad(weights[i], regularization, reg_rate)
    return grads


# ---------------------------------------------------------------------------------------------
# Optimizers (eq. 3.11: theta <- theta - alpha * step), one state per parameter array
# ---------------------------------------------------------------------------------------------


class SGD:
    """theta <- theta - lr * g."""

    def __init__(self, learning_rate: float):
        self.learning_rate = learning_rate

    def step(self, params, grads):
        return [p - self.learning_rate * g for p, g in zip(params, grads, strict=True)]


class Momentum:
    """PyTorch's momentum: v = g on the first step, then v = mu v + g; theta <- theta - lr v."""

    def __init__(self, learning_rate: float, momentum: float = 0.9):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.velocity = None

    def step(self, params, grads):
        if self.velocity is None:
            self.velocity = [np.array(g, dtype=np.float64) for g in grads]
        else:
            self.velocity = [self.momentum * v + g for v, g in zip(self.velocity, grads, strict=True)]
        return [p - self.learning_rate * v for p, v in zip(params, self.velocity, strict=True)]


class Adam:
    """PyTorch's Adam (bias-corrected moments, epsilon added to sqrt(v_hat))."""

    def __init__(self, learning_rate: float, beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8):
        self.learning_rate = learning_rate
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.t = 0
        self.m = None
        self.v = None

    def step(self, params, grads):
        if self.m is None:
            self.m = [np.zeros(np.shape(g)) for g in grads]
            self.v = [np.zeros(np.shape(g)) for g in grads]
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        new = []
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            self.m[i] = b1 * self.m[i] + (1 - b1) * g
            self.v[i] = b2 * self.v[i] + (1 - b2) * g * g
            m_hat = self.m[i] / (1 - b1**self.t)
            v_hat = self.v[i] / (1 - b2**self.t)
            new.append(p - self.learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon))
        return new


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


class ReferenceMLP:
    """A whole reference network: weights, activations, objective and optimizer, in float64."""

    def __init__(self, weights, activations, loss, optimizer="sgd", learning_rate=0.03,
                 regularization=None, reg_rate=0.0):
        self.weights = [np.array(w, dtype=np.float64) for w in weights]
        self.activations = list(activations)
        self.loss = loss
        self.regularization = regularization
        self.reg_rate = reg_rate
        self.optimizer = OPTIMIZERS[optimizer](learning_rate)

    @property
    def n_outputs(self) -> int:
        return self.weights[-1].shape[0]

    def set_learning_rate(self, learning_rate: float) -> None:
        self.optimizer.learning_rate = learning_rate

    def predict(self, X):
        return predict(self.weights, self.activations, X)

    def forward(self, X):
        return forward(self.weights, self.activations, X)

    def compute_loss(self, X, y) -> float:
        T = encode_targets(y, self.n_outputs)
        return objective(self.weights, self.activations, self.loss, X, T, self.regularization, self.reg_rate)

    def gradients(self, X, y):
        T = encode_targets(y, self.n_outputs)
        return gradients(self.weights, self.activations, self.loss, X, T, self.regularization, self.reg_rate)

    def train_on_batch(self, X, y) -> None:
        """One optimizer step on (X, y)."""
        self.weights = self.optimizer.step(self.weights, self.gradients(X, y))
