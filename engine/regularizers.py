"""Weight penalties R(W) added to the objective: J = mean loss + reg_rate * R(W).

Only the weights W are penalised, never the biases (as in TensorFlow Playground). Each entry is
(penalty, gradient) with gradient = dR/dW, the same derivative convention as the activations.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Regularizer:
    """A weight penalty and its gradient."""

    name: str
    penalty: Callable[[Array], float]
    gradient: Callable[[Array], Array]
    description: str


REGULARIZERS: dict[str, Regularizer] = {
    reg.name: reg
    for reg in (
        Regularizer("l1", lambda w: float(np.abs(w).sum()), np.sign, "sum |w|: drives weights to exactly zero"),
        Regularizer("l2", lambda w: 0.5 * float(np.dot(w, w)), lambda w: w, "1/2 sum w^2: keeps weights small"),
    )
}


def get(name: str | None) -> Regularizer | None:
    """The regularizer called ``name``, or None for None/"none"; a clear ValueError otherwise."""
    if name is None or name == "none":
        return None
    try:
        return REGULARIZERS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown regularization {name!r}; choose none or one of: {', '.join(REGULARIZERS)}") from None


def describe() -> list[dict]:
    """Name and description of every regularizer, for the catalogue."""
    return [{"name": "none", "description": "no penalty"}] + [
        {"name": r.name, "description": r.description} for r in REGULARIZERS.values()
    ]
