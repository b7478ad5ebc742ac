"""Per-sample losses l(n) and how they pair with output activations (eq. 3.8-3.10, 3.15-3.18).

Each loss gives the per-sample value l(n) and its gradient with respect to the network output y.
A loss names its *canonical* output activation: with that pairing the gradient at the output's
linear input a(L+1) simplifies to ``y - target`` (eq. 3.17-3.18), which is what the engine uses:

    squared_error        + linear   (regression, eq. 3.8)
    cross_entropy        + softmax  (M-class, one-hot target, eq. 3.9)
    binary_cross_entropy + sigmoid  (one probability per output)

Other pairings (squared error on a sigmoid output, the chapter's Fig. 3-13 network with -log y_c
on sigmoid outputs) are allowed and use the chain rule dl/da = dl/dy * g'(a) instead.

Squared error carries a factor 1/2: l = 1/2 ||y - target||^2. Eq. 3.8 prints it without the 1/2;
the 1/2 makes the output gradient exactly y - target, and the constant factor is absorbed by the
learning rate.

Logarithms are taken in a numerically stable way: from the linear input a through log-sum-exp
and softplus when the output activation allows it, otherwise from y clipped away from 0.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine import activations
from engine.activations import Activation

Array = np.ndarray


def _softplus(a: Array) -> Array:
    return np.maximum(a, 0) + np.log1p(np.exp(-np.abs(a)))


def _log_output(a: Array, y: Array, act: Activation) -> Array:
    """log y, stably: log-softmax or log-sigmoid from a when possible, else log of clipped y."""
    if act.name == "softmax":
        shifted = a - a.max(axis=-1, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    if act.name == "sigmoid":
        return -_softplus(-a)
    return np.log(np.clip(y, np.finfo(y.dtype).tiny, None))


def _log_one_minus_output(a: Array, y: Array, act: Activation) -> Array:
    """log(1 - y), stably for a sigmoid output (log sigmoid(-a) = -softplus(a))."""
    if act.name == "sigmoid":
        return -_softplus(a)
    return np.log(np.clip(1 - y, np.finfo(y.dtype).tiny, None))


def _clip_prob(y: Array) -> Array:
    eps = np.finfo(y.dtype).eps
    return np.clip(y, eps, 1 - eps)


def _squared_error(a: Array, y: Array, t: Array, act: Activation) -> Array:
    d = y - t
    return 0.5 * np.einsum("ij,ij->i", d, d)  # eq. 3.8 with the 1/2 (see module docstring)


def _squared_error_grad(y: Array, t: Array) -> Array:
    return y - t


def _cross_entropy(a: Array, y: Array, t: Array, act: Activation) -> Array:
    return -np.einsum("ij,ij->i", t, _log_output(a, y, act))  # eq. 3.9


def _cross_entropy_grad(y: Array, t: Array) -> Array:
    return -t / _clip_prob(y)  # eq. 3.15-3.16: dl/dy_m = -1(c = m) / y_c


def _binary_cross_entropy(a: Array, y: Array, t: Array, act: Activation) -> Array:
    return -(t * _log_output(a, y, act) + (1 - t) * _log_one_minus_output(a, y, act)).sum(axis=1)


def _binary_cross_entropy_grad(y: Array, t: Array) -> Array:
    yc = _clip_prob(y)
    return (yc - t) / (yc * (1 - yc))


@dataclass(frozen=True)
class Loss:
    """A per-sample loss with its output gradient and the output activations it accepts."""

    name: str
    value: Callable[[Array, Array, Array, Activation], Array]
    grad_output: Callable[[Array, Array], Array]
    canonical_output: str
    allowed_outputs: tuple[str, ...]
    task: str
    description: str


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss(
            "squared_error", _squared_error, _squared_error_grad, "linear",
            ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "softplus", "softmax", "sign", "step"),
            "regression", "1/2 ||y - target||^2, for fitting (eq. 3.8); pairs with a linear output",
        ),
        Loss(
            "cross_entropy", _cross_entropy, _cross_entropy_grad, "softmax", ("softmax", "sigmoid"),
            "classification", "-sum target_m log y_m with a one-hot target (eq. 3.9); pairs with softmax",
        ),
        Loss(
            "binary_cross_entropy", _binary_cross_entropy, _binary_cross_entropy_grad, "sigmoid", ("sigmoid",),
            "classification", "-[t log y + (1 - t) log(1 - y)] per output; pairs with sigmoid",
        ),
    )
}


def get(name: str) -> Loss:
    """The loss called ``name``; a clear ValueError for an unknown name."""
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown loss {name!r}; choose one of: {', '.join(LOSSES)}") from None


def check_pair(loss: Loss, output: Activation) -> None:
    """Raise a ValueError if ``output`` cannot feed ``loss`` (e.g. cross-entropy needs probabilities)."""
    if output.name not in loss.allowed_outputs:
        raise ValueError(
            f"loss {loss.name!r} cannot follow a {output.name!r} output; "
            f"use one of: {', '.join(loss.allowed_outputs)} (best: {loss.canonical_output})"
        )


def output_delta(loss: Loss, output: Activation, a: Array, y: Array, t: Array) -> Array:
    """dl/da at the output layer's linear input, per sample (rows).

    With the canonical pair this is ``y - t`` (eq. 3.17-3.18); otherwise the chain rule
    dl/dy * g'(a), with softmax's Jacobian-vector product for a softmax output.
    """
    if output.name == loss.canonical_output:
        return y - t  # eq. 3.18
    grad_y = loss.grad_output(y, t)  # eq. 3.15-3.16
    if output.output_only:
        return activations.softmax_backward(grad_y, y)
    return grad_y * output.derivative(a, y)  # eq. 3.23 applied at the output


def describe() -> list[dict]:
    """Name, description, canonical output and accepted outputs of every loss, for the catalogue."""
    return [
        {
            "name": loss.name,
            "description": loss.description,
            "canonical_output": loss.canonical_output,
            "allowed_outputs": list(loss.allowed_outputs),
            "task": loss.task,
        }
        for loss in LOSSES.values()
    ]
