"""Activation functions g(a) and their derivatives, as one registry (Table 3-1 plus a few more).

Derivative convention, kept everywhere in the engine: ``derivative(a, h)`` returns dg/da evaluated
elementwise, given both the linear input ``a`` and the output ``h = g(a)``; each function uses
whichever of the two is cheaper (sigmoid' = h(1 - h) needs only h, ReLU' needs only a).

The chapter's conventions at a = 0 are kept: step(0) = 1, sign(0) = 1, relu'(0) = 1 (a >= 0).

Step and sign are flat almost everywhere, so their true derivative is 0 and gradient descent could
never move the weights below them. For training, the engine uses a clearly labelled *surrogate*
derivative instead (``surrogate=True`` in the registry): the straight-through estimator, which
passes the gradient through as if g were the identity where |a| <= 1 (half of that for step, whose
jump is 1 rather than 2) and blocks it outside. A hand-set sign network computes exactly what the
chapter says; a trained one learns through the surrogate. A single sign or step neuron can also be
trained with the classic perceptron rule (engine/perceptron.py), which needs no derivative at all.

Softmax acts on a whole output vector, so it is marked ``output_only`` and has no elementwise
derivative; losses paired with it use the shortcut delta = y - target (eq. 3.17-3.18), and other
losses use :func:`softmax_backward`, its Jacobian-vector product.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Activation:
    """One activation function g and its derivative, with the facts the UI and the trainer need."""

    name: str
    fn: Callable[[Array], Array]
    derivative: Callable[[Array, Array], Array] | None
    output_range: tuple[float, float]
    description: str
    surrogate: bool = False
    output_only: bool = False

    @property
    def threshold(self) -> float:
        """The decision threshold for one output: the middle of the class-0 and class-1 targets."""
        lo, hi = self.label_targets
        return (lo + hi) / 2

    @property
    def label_targets(self) -> tuple[float, float]:
        """The target values for class 0 and class 1 on a single output: the range's ends, or 0 and 1."""
        lo, hi = self.output_range
        return (lo if np.isfinite(lo) else 0.0, hi if np.isfinite(hi) else 1.0)


def _linear(a: Array) -> Array:
    return a.copy()


def _linear_d(a: Array, h: Array) -> Array:
    return np.ones_like(a)


def _step(a: Array) -> Array:
    return (a >= 0).astype(a.dtype)


def _step_surrogate_d(a: Array, h: Array) -> Array:
    # Straight-through estimator for (sign(a) + 1) / 2: slope 1/2 inside |a| <= 1.
    return (np.abs(a) <= 1).astype(a.dtype) * a.dtype.type(0.5)


def _sign(a: Array) -> Array:
    return np.where(a >= 0, a.dtype.type(1), a.dtype.type(-1))


def _sign_surrogate_d(a: Array, h: Array) -> Array:
    # Straight-through estimator: the gradient of hard-tanh, 1 inside |a| <= 1, else 0.
    return (np.abs(a) <= 1).astype(a.dtype)


# Scalars of the array's own dtype: NumPy combines them with arrays faster than Python floats,
# which matters when a training step is a few dozen calls on tiny arrays.
_HALF = {np.dtype(t): np.dtype(t).type(0.5) for t in ("float32", "float64")}
_ONE = {np.dtype(t): np.dtype(t).type(1) for t in ("float32", "float64")}


def _sigmoid(a: Array) -> Array:
    # sigmoid(a) = (tanh(a / 2) + 1) / 2: never overflows (1 / (1 + exp(-a)) does for very negative a).
    half = _HALF[a.dtype]
    h = a * half
    np.tanh(h, out=h)
    h *= half
    h += half
    return h


def _sigmoid_d(a: Array, h: Array) -> Array:
    d = h * h
    return np.subtract(h, d, out=d)  # h (1 - h)


def _tanh(a: Array) -> Array:
    return np.tanh(a)


def _tanh_d(a: Array, h: Array) -> Array:
    d = h * h
    return np.subtract(_ONE[a.dtype], d, out=d)  # 1 - h^2


def _relu(a: Array) -> Array:
    return np.maximum(a, 0)


def _relu_d(a: Array, h: Array) -> Array:
    return (a >= 0).astype(a.dtype)


LEAKY_SLOPE = 0.01


def _leaky_relu(a: Array) -> Array:
    return np.where(a >= 0, a, a * a.dtype.type(LEAKY_SLOPE))


def _leaky_relu_d(a: Array, h: Array) -> Array:
    return np.where(a >= 0, a.dtype.type(1), a.dtype.type(LEAKY_SLOPE))


def _softplus(a: Array) -> Array:
    # log(1 + exp(a)) = max(a, 0) + log1p(exp(-|a|)), which never overflows.
    return np.maximum(a, 0) + np.log1p(np.exp(-np.abs(a)))


def _softplus_d(a: Array, h: Array) -> Array:
    return _sigmoid(a)


def softmax(a: Array) -> Array:
    """Row-wise softmax, shifted by the row maximum so that exp never overflows."""
    z = a - a.max(axis=-1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=-1, keepdims=True)
    return z


def softmax_backward(grad_h: Array, h: Array) -> Array:
    """dl/da for a softmax output, given dl/dh: the Jacobian-vector product h * (g - <g, h>)."""
    return h * (grad_h - np.sum(grad_h * h, axis=-1, keepdims=True))


ACTIVATIONS: dict[str, Activation] = {
    act.name: act
    for act in (
        Activation("linear", _linear, _linear_d, (-np.inf, np.inf), "g(a) = a (Table 3-1)"),
        Activation(
            "step", _step, _step_surrogate_d, (0.0, 1.0),
            "1 if a >= 0 else 0 (Table 3-1); trained through a straight-through surrogate derivative",
            surrogate=True,
        ),
        Activation(
            "sign", _sign, _sign_surrogate_d, (-1.0, 1.0),
            "1 if a >= 0 else -1 (Table 3-1); trained through a straight-through surrogate derivative",
            surrogate=True,
        ),
        Activation("sigmoid", _sigmoid, _sigmoid_d, (0.0, 1.0), "1 / (1 + exp(-a)), range (0, 1) (Table 3-1)"),
        Activation("tanh", _tanh, _tanh_d, (-1.0, 1.0), "tanh(a), range (-1, 1) (Table 3-1)"),
        Activation("relu", _relu, _relu_d, (0.0, np.inf), "a if a >= 0 else 0 (Table 3-1)"),
        Activation(
            "leaky_relu", _leaky_relu, _leaky_relu_d, (-np.inf, np.inf),
            f"a if a >= 0 else {LEAKY_SLOPE} a: ReLU that never stops learning",
        ),
        Activation("softplus", _softplus, _softplus_d, (0.0, np.inf), "log(1 + exp(a)): a smooth ReLU"),
        Activation(
            "softmax", softmax, None, (0.0, 1.0),
            "exp(a_m) / sum exp(a_j): class probabilities; output layer only", output_only=True,
        ),
    )
}


def _sigmoid_in_place(a: Array) -> Array:
    half = _HALF[a.dtype]
    a *= half
    np.tanh(a, out=a)
    a *= half
    a += half
    return a


# g(a) written over a, for passes that need only the outputs (evaluation, heatmaps, predict): on large
# batches a fresh array per layer costs more than the arithmetic. Others fall back to ``fn``.
IN_PLACE: dict[str, Callable[[Array], Array]] = {
    "linear": lambda a: a,
    "tanh": lambda a: np.tanh(a, out=a),
    "relu": lambda a: np.maximum(a, 0, out=a),
    "sigmoid": _sigmoid_in_place,
}


def apply_in_place(activation: Activation, a: Array) -> Array:
    """g(a), overwriting ``a`` where the activation allows it (``a`` must not be needed afterwards)."""
    return IN_PLACE.get(activation.name, activation.fn)(a)


def get(name: str) -> Activation:
    """The activation called ``name``; a clear ValueError for an unknown name."""
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown activation {name!r}; choose one of: {', '.join(ACTIVATIONS)}") from None


def describe() -> list[dict]:
    """Name, description and properties of every activation, for the catalogue."""
    return [
        {
            "name": act.name,
            "description": act.description,
            "output_range": [float(v) if np.isfinite(v) else None for v in act.output_range],
            "surrogate_derivative": act.surrogate,
            "output_only": act.output_only,
        }
        for act in ACTIVATIONS.values()
    ]
