"""Finite-difference gradients: the numerical check of backpropagation (section 3.3).

dJ/dw is estimated as (J(w + e) - J(w - e)) / 2e for every weight and bias, one at a time. Use a
float64 model: in float32 the rounding of J swamps the difference.
"""

from collections.abc import Callable

import numpy as np


def numerical_gradients(model, X, y, epsilon: float = 1e-6,
                        after_each: Callable[[], None] | None = None) -> list[np.ndarray]:
    """Central-difference estimates of grad J, in ``get_weights()`` order and shapes. ``after_each`` is called
    after every weight (two passes each): a long check can be watched, or stopped by raising there."""
    estimates = []
    for array in model._parameter_views():
        grad = np.zeros(array.shape)
        for index in np.ndindex(array.shape):
            old = array[index]
            array[index] = old + epsilon
            up = model.compute_loss(X, y)
            array[index] = old - epsilon
            down = model.compute_loss(X, y)
            array[index] = old
            grad[index] = (up - down) / (2 * epsilon)
            if after_each is not None:
                after_each()
        estimates.append(grad)
    return estimates
