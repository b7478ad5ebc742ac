"""A two-parameter model's loss surface and gradient-descent paths on it (section 3.2.3, Fig. 3-16, 3-17).

The model is one neuron with one input, theta = (w, b): a = w x + b, y = g(a). Its objective J(w, b) is
evaluated on a grid with the engine's own activation and loss, and descent paths are taken with the
engine's own model and SGD (eq. 3.11), full batch, so a path is exactly what training would do. A path
stops after its step count or once J reaches a threshold epsilon, the chapter's two stopping rules.
"""

import functools
from dataclasses import dataclass

import numpy as np

from engine import activations, losses
from engine.layers import Dense
from engine.network import Sequential


@dataclass(frozen=True)
class Model:
    """One objective the figure offers: its output, its loss, its data, and the region drawn with its starts
    A and B (chosen so that the minimum and every path that does not diverge stay inside the region)."""

    output: str
    loss: str
    data: str
    w_range: tuple[float, float]
    b_range: tuple[float, float]
    starts: tuple[tuple[float, float], ...]


MODELS = {
    "linear_squared_error": Model("linear", "squared_error", "line", (-1.0, 5.0), (-4.0, 2.0),
                                  ((-0.5, 1.5), (4.5, -3.5))),
    "sigmoid_cross_entropy": Model("sigmoid", "binary_cross_entropy", "classes", (-3.0, 9.0), (-6.0, 4.0),
                                   ((-2.0, 3.0), (8.0, 3.0))),
    "sigmoid_squared_error": Model("sigmoid", "squared_error", "classes", (-3.0, 9.0), (-6.0, 4.0),
                                   ((-2.0, 3.0), (8.0, 3.0))),
}
MAX_STEPS = 200
DIVERGED = 1e6  # |w| or |b| beyond this: the path has run away


def data(kind: str, n: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A small seeded 1-D dataset: points near the line y = 2x - 1, or two overlapping classes split near
    x = 0.3 (overlapping, so that the classification objectives have a minimum at finite w and b)."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-1, 1, n))
    if kind == "line":
        return x.reshape(-1, 1), (2 * x - 1 + rng.normal(0, 0.2, n)).reshape(-1, 1)
    labels = (x + rng.normal(0, 0.5, n) > 0.3).astype(np.float64)
    return x.reshape(-1, 1), labels.reshape(-1, 1)


def _model(name: str) -> tuple:
    try:
        model = MODELS[name]
    except KeyError:
        raise ValueError(f"unknown model {name!r}; choose one of: {', '.join(MODELS)}") from None
    return activations.get(model.output), losses.get(model.loss), model


def _objective(act, loss, X: np.ndarray, T: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """J at each (w, b): the mean of the engine's per-sample loss (eq. 3.10 divided by N)."""
    a = w.reshape(-1, 1) * X[:, 0] + b.reshape(-1, 1)  # (parameter settings, samples)
    values = np.empty(a.shape[0])
    for i in range(a.shape[0]):  # the engine's loss, one parameter setting at a time, all samples at once
        ai = a[i].reshape(-1, 1)
        values[i] = loss.value(ai, act.fn(ai.copy()), T, act).mean()
    return values


@functools.cache  # one per model, and a figure asks on every slider move
def minimum(name: str) -> list[float]:
    """(w, b, J) of the objective's lowest point: a coarse grid over a wide region, then two finer grids."""
    act, loss, model = _model(name)
    X, T = data(model.data)
    center, half = np.array([0.0, 0.0]), np.array([20.0, 20.0])
    for _ in range(4):  # each round: a 41 x 41 grid around the best point so far, a tenth as wide
        W, B = np.meshgrid(*(np.linspace(c - h, c + h, 41) for c, h in zip(center, half, strict=True)))
        J = _objective(act, loss, X, T, W.ravel(), B.ravel())
        best = int(np.argmin(J))
        center, half = np.array([W.ravel()[best], B.ravel()[best]]), half / 10
    return [float(center[0]), float(center[1]), float(J[best])]


def surface(name: str, w_range: tuple[float, float] | None = None, b_range: tuple[float, float] | None = None,
            resolution: int = 60) -> dict:
    """J(w, b) (mean loss, as the engine trains) on a resolution x resolution grid; rows go over b. The
    region is the model's own unless given; ``minimum`` is the objective's lowest point (w, b, J)."""
    act, loss, model = _model(name)
    X, T = data(model.data)
    w_axis = np.linspace(*(w_range or model.w_range), resolution)
    b_axis = np.linspace(*(b_range or model.b_range), resolution)
    W, B = np.meshgrid(w_axis, b_axis)
    values = _objective(act, loss, X, T, W.ravel(), B.ravel())
    return {"w": w_axis.tolist(), "b": b_axis.tolist(), "J": values.reshape(resolution, resolution).tolist(),
            "minimum": list(minimum(name))}


def descent_path(name: str, start: tuple[float, float], learning_rate: float, steps: int = 50,
                 stop_below: float | None = None) -> dict:
    """Full-batch gradient descent from ``start`` = (w, b) (eq. 3.11), for ``steps`` steps or until J <= ``stop_below``
    (epsilon): every (w, b, J) visited, the step at which J reached epsilon (None if it did not), whether it
    diverged (J ended above where it began, or ran away), and grad J at the start (eq. 3.12: dJ/dw, dJ/db)."""
    act, loss, model_spec = _model(name)
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be from 1 to {MAX_STEPS}")
    if stop_below is not None and not (np.isfinite(stop_below) and stop_below > 0):
        raise ValueError("the threshold epsilon must be a number above 0")
    X, T = data(model_spec.data)
    model = Sequential([Dense(1, act.name, input_dim=1)], dtype="float64")
    model.set_weights([[[start[0]]], [start[1]]])
    model.compile(loss=loss.name, optimizer="sgd", learning_rate=learning_rate)
    gradient = [float(g) for g in np.concatenate([g.ravel() for g in model.gradients(X, T)])]  # theta = (w, b)
    path = [[float(start[0]), float(start[1]), model.compute_loss(X, T)]]
    ran_away = False
    stopped = 0 if stop_below is not None and path[0][2] <= stop_below else None
    with np.errstate(all="ignore"):
        while stopped is None and len(path) <= steps:
            model.train_on_batch(X, T)  # eq. 3.11
            w, b = float(model.theta[0]), float(model.theta[1])
            J = model.compute_loss(X, T)
            if not (np.isfinite(J) and abs(w) < DIVERGED and abs(b) < DIVERGED):
                ran_away = True
                break
            path.append([w, b, J])
            if stop_below is not None and J <= stop_below:
                stopped = len(path) - 1
    return {"path": path, "diverged": ran_away or path[-1][2] > path[0][2], "stopped": stopped,
            "gradient": gradient}


def cross_entropy(scores: list[float], target: int) -> dict:
    """Eq. 3.9 for one sample of C classes: the softmax output y of the scores a (the output layer's linear
    input), the one-hot label of class ``target`` (from 0), and the loss l = -sum_m onehot_m log y_m = -log
    y_target, with the engine's own softmax and cross-entropy."""
    a = np.asarray(scores, dtype=np.float64).reshape(1, -1)
    if a.shape[1] < 2 or not np.all(np.isfinite(a)):
        raise ValueError("give at least two finite scores, one per class")
    if not 0 <= target < a.shape[1]:
        raise ValueError(f"the class must be from 0 to {a.shape[1] - 1}")
    softmax, loss = activations.get("softmax"), losses.get("cross_entropy")
    y = softmax.fn(a.copy())
    one_hot = np.eye(a.shape[1])[[target]]
    return {"y": y[0].tolist(), "one_hot": one_hot[0].tolist(), "loss": float(loss.value(a, y, one_hot, softmax)[0])}
