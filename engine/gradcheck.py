"""Finite-difference gradients: the numerical check of backpropagation (section 3.3).

dJ/dw is estimated as (J(w + e) - J(w - e)) / 2e for every weight and bias, one at a time. Use a
float64 model: in float32 the rounding of J swamps the difference.
"""

import numpy as np


def numerical_gradients(model, X, y, epsilon: float = 1e-6) -> list[np.ndarray]:
    """Central-difference estimates of grad J, in ``get_weights()`` order and shapes."""
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
        estimates.append(grad)
    return estimates
