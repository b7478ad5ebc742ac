"""Backpropagation checked by finite differences, for the lesson that steps through section 3.3.

The session's model is copied to float64 so that central differences are exact to about 1e-9; the
analytic gradient of the copy (the same backprop code) is compared with (J(w + e) - J(w - e)) / 2e for
every weight and bias at one sample.
"""

import numpy as np

from app.core.errors import SessionError
from app.host import fair_share
from app.host.session import Session
from engine import serialization
from engine.gradcheck import numerical_gradients

EPSILON = 1e-6


def _sample(session: Session, row, target) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray([row], dtype=np.float64)
    if X.shape != (1, session.dataset.dims) or not np.isfinite(X).all():
        raise SessionError("inputs.shape", dims=session.dataset.dims)
    features = session.feature_map.transform(X, dtype=np.float64)
    if session.dataset.task == "classification":
        if not float(target).is_integer() or not 0 <= target < session.dataset.n_classes:
            raise SessionError("target.class", last=session.dataset.n_classes - 1)
        return features, np.array([int(target)])
    return features, np.array([float(target)])


def check(session: Session, row: list[float], target: float) -> dict:
    """Per layer: the analytic and the numerical gradient of W and b, and the largest difference."""
    with session.lock:
        document = serialization.model_to_dict(session.model)
        features, y = _sample(session, row, target)
    document["dtype"] = "float64"
    model = serialization.model_from_dict(document)
    analytic = model.gradients(features, y)
    numeric = numerical_gradients(model, features, y, EPSILON, after_each=fair_share.checkpoint)
    layers, worst = [], 0.0
    for k in range(len(model.layers)):
        diff = max(float(np.abs(analytic[2 * k] - numeric[2 * k]).max()),
                   float(np.abs(analytic[2 * k + 1] - numeric[2 * k + 1]).max()))
        worst = max(worst, diff)
        layers.append({"W": analytic[2 * k].tolist(), "W_numeric": numeric[2 * k].tolist(),
                       "b": analytic[2 * k + 1].tolist(), "b_numeric": numeric[2 * k + 1].tolist(),
                       "max_difference": diff})
    return {"layers": layers, "max_difference": worst}
