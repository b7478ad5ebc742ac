"""A two-parameter model's loss surface and gradient-descent paths on it (section 3.2.3, Fig. 3-16, 3-17).

The model is one neuron with one input, theta = (w, b): a = w x + b, y = g(a). Its objective J(w, b) is
evaluated on a grid with the engine's own activation and loss, and descent paths are taken with the
engine's own model and SGD (eq. 3.11), full batch, so a path is exactly what training would do.
"""

import numpy as np

from engine import activations, losses
from engine.layers import Dense
from engine.network import Sequential

# name -> (output activation, loss, how the data is made)
MODELS = {
    "linear_squared_error": ("linear", "squared_error", "line"),
    "sigmoid_cross_entropy": ("sigmoid", "binary_cross_entropy", "classes"),
    "sigmoid_squared_error": ("sigmoid", "squared_error", "classes"),
}
MAX_STEPS = 200


def data(kind: str, n: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A small seeded 1-D dataset: points near the line y = 2x - 1, or two classes split near x = 0.3."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-1, 1, n))
    if kind == "line":
        return x.reshape(-1, 1), (2 * x - 1 + rng.normal(0, 0.2, n)).reshape(-1, 1)
    labels = (x + rng.normal(0, 0.3, n) > 0.3).astype(np.float64)
    return x.reshape(-1, 1), labels.reshape(-1, 1)


def _model(name: str) -> tuple:
    try:
        output, loss, kind = MODELS[name]
    except KeyError:
        raise ValueError(f"unknown model {name!r}; choose one of: {', '.join(MODELS)}") from None
    return activations.get(output), losses.get(loss), kind


def surface(name: str, w_range: tuple[float, float], b_range: tuple[float, float], resolution: int = 60) -> dict:
    """J(w, b) (mean loss, as the engine trains) on a resolution x resolution grid; rows go over b."""
    act, loss, kind = _model(name)
    X, T = data(kind)
    w_axis = np.linspace(*w_range, resolution)
    b_axis = np.linspace(*b_range, resolution)
    W, B = np.meshgrid(w_axis, b_axis)
    a = W.reshape(-1, 1) * X[:, 0] + B.reshape(-1, 1)  # (grid points, samples)
    values = np.empty(a.shape[0])
    for i in range(a.shape[0]):  # the engine's loss, one parameter setting at a time, all samples at once
        ai = a[i].reshape(-1, 1)
        values[i] = loss.value(ai, act.fn(ai.copy()), T, act).mean()
    return {"w": w_axis.tolist(), "b": b_axis.tolist(), "J": values.reshape(resolution, resolution).tolist()}


def descent_path(name: str, start: tuple[float, float], learning_rate: float, steps: int = 50) -> dict:
    """Full-batch gradient descent from ``start`` = (w, b): every (w, b, J) visited, and whether it diverged."""
    act, loss, kind = _model(name)
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be from 1 to {MAX_STEPS}")
    X, T = data(kind)
    model = Sequential([Dense(1, act.name, input_dim=1)], dtype="float64")
    model.set_weights([[[start[0]]], [start[1]]])
    model.compile(loss=loss.name, optimizer="sgd", learning_rate=learning_rate)
    path = [[float(start[0]), float(start[1]), model.compute_loss(X, T)]]
    diverged = False
    with np.errstate(all="ignore"):
        for _ in range(steps):
            model.train_on_batch(X, T)  # eq. 3.11
            w, b = float(model.theta[0]), float(model.theta[1])
            J = model.compute_loss(X, T)
            if not (np.isfinite(J) and abs(w) < 1e6 and abs(b) < 1e6):
                diverged = True
                break
            path.append([w, b, J])
    return {"path": path, "diverged": diverged or path[-1][2] > 10 * path[0][2]}
