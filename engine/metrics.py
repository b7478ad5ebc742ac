"""How good a model is: accuracy and confusion matrix for classes, RMSE and R^2 for real targets.

Every function returns finite numbers (no NaN leaves the engine): an undefined R^2 (constant targets)
is reported as 1.0 for a perfect fit and 0.0 otherwise.
"""

import numpy as np

from engine import targets
from engine.activations import Activation

Array = np.ndarray


def accuracy(predicted: Array, labels: Array) -> float:
    """Fraction of samples whose predicted class equals the true class."""
    if labels.size == 0:
        return 0.0
    return float(np.mean(predicted == labels))


def confusion_matrix(predicted: Array, labels: Array, n_classes: int) -> Array:
    """Counts C[true, predicted] as an (n_classes, n_classes) integer matrix."""
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (labels, predicted), 1)
    return matrix


def rmse(outputs: Array, target: Array) -> float:
    """Root mean squared error over every output of every sample."""
    if target.size == 0:
        return 0.0
    return float(np.sqrt(np.mean((outputs.astype(np.float64) - target) ** 2)))


def r2(outputs: Array, target: Array) -> float:
    """Coefficient of determination 1 - SS_res / SS_tot over every output."""
    target = target.astype(np.float64)
    ss_res = float(np.sum((outputs.astype(np.float64) - target) ** 2))
    ss_tot = float(np.sum((target - target.mean(axis=0)) ** 2))
    if ss_tot == 0.0:
        return 1.0 if ss_res == 0.0 else 0.0
    return 1.0 - ss_res / ss_tot


def evaluate(loss: float, outputs: Array, target: Array, labels: Array | None, output: Activation) -> dict:
    """The metrics report: loss, then class metrics when labels are known, else regression metrics."""
    report: dict = {"loss": loss}
    if labels is not None:
        predicted = targets.predicted_labels(outputs, output)
        n_classes = max(2, outputs.shape[1], int(labels.max(initial=0)) + 1)
        report["accuracy"] = accuracy(predicted, labels)
        report["confusion_matrix"] = confusion_matrix(predicted, labels, n_classes).tolist()
    else:
        report["rmse"] = rmse(outputs, target)
        report["r2"] = r2(outputs, target)
    return report
