"""Turning what the user gives as ``y`` into the target matrix the loss compares with.

- A 2-D float array of shape (n, outputs) is used as it is (regression targets, soft labels).
- A 1-D *integer* array holds class labels. With several outputs they become one-hot rows (eq. 3.9's
  target). With one output, label 0 and label 1 become the bottom and top of the output activation's
  range: 0/1 for sigmoid, -1/+1 for tanh and sign (as in TensorFlow Playground).
- A 1-D float array with one output is a column of regression targets.
"""

import numpy as np

from engine.activations import Activation

Array = np.ndarray


def is_labels(y: Array) -> bool:
    """True when ``y`` holds class labels (a 1-D integer or boolean array)."""
    return y.ndim == 1 and (np.issubdtype(y.dtype, np.integer) or y.dtype == bool)


def encode(y, n_outputs: int, output: Activation, dtype) -> tuple[Array, Array | None]:
    """Return (targets of shape (n, n_outputs), class labels or None) for user-given ``y``."""
    y = np.asarray(y)
    if is_labels(y):
        labels = y.astype(np.int64)
        if labels.size and labels.min() < 0:
            raise ValueError("class labels must be 0 or greater")
        if n_outputs == 1:
            if labels.size and labels.max() > 1:
                raise ValueError("a network with one output separates two classes: labels must be 0 or 1")
            lo, hi = output.label_targets
            return np.where(labels == 1, hi, lo).astype(dtype).reshape(-1, 1), labels
        if labels.size and labels.max() >= n_outputs:
            raise ValueError(f"label {labels.max()} needs more outputs than the network's {n_outputs}")
        targets = np.zeros((labels.size, n_outputs), dtype=dtype)
        targets[np.arange(labels.size), labels] = 1
        return targets, labels
    if y.ndim == 1:
        y = y.reshape(-1, 1)
    if y.ndim != 2 or y.shape[1] != n_outputs:
        raise ValueError(f"targets must have shape (n, {n_outputs}) for this network, got {y.shape}")
    if not np.issubdtype(y.dtype, np.number):
        raise ValueError("targets must be numbers")
    targets = y.astype(dtype)
    if not np.isfinite(targets).all():
        raise ValueError("targets contain NaN or infinity")
    return targets, None


def predicted_labels(outputs: Array, output: Activation) -> Array:
    """Class decisions: argmax over several outputs; above the activation's mid-range for one output."""
    if outputs.shape[1] == 1:
        return (outputs[:, 0] >= output.threshold).astype(np.int64)
    return outputs.argmax(axis=1)
