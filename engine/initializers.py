"""Weight initializers: name -> function(fan_out, fan_in, rng) returning W of shape (fan_out, fan_in).

Biases always start at zero. All randomness comes from the generator passed in, so the same seed
gives the same weights (a reset is exactly reproducible).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Initializer:
    """A named way to draw initial weights."""

    name: str
    draw: Callable[[int, int, np.random.Generator], Array]
    description: str


def _uniform(fan_out: int, fan_in: int, rng: np.random.Generator) -> Array:
    return rng.uniform(-0.5, 0.5, size=(fan_out, fan_in))


def _xavier(fan_out: int, fan_in: int, rng: np.random.Generator) -> Array:
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_out, fan_in))


def _he(fan_out: int, fan_in: int, rng: np.random.Generator) -> Array:
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_out, fan_in))


INITIALIZERS: dict[str, Initializer] = {
    init.name: init
    for init in (
        Initializer("uniform", _uniform, "U(-0.5, 0.5), as in TensorFlow Playground"),
        Initializer("xavier", _xavier,
                    "Glorot/Xavier uniform: U(-l, l), l = sqrt(6 / (fan_in + fan_out)); for tanh and sigmoid"),
        Initializer("he", _he, "He normal: N(0, 2 / fan_in); for ReLU"),
    )
}


def get(name: str) -> Initializer:
    """The initializer called ``name``; a clear ValueError for an unknown name."""
    try:
        return INITIALIZERS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown initializer {name!r}; choose one of: {', '.join(INITIALIZERS)}") from None


def describe() -> list[dict]:
    """Name and description of every initializer, for the catalogue."""
    return [{"name": i.name, "description": i.description} for i in INITIALIZERS.values()]
