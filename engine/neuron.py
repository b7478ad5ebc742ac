"""One neuron as a picture (section 3.1.2, Fig. 3-4): its linear input, its decision line, its outputs.

With two inputs the neuron's linear input a = w^T x + b (eq. 3.1) is zero on the line w^T x + b = 0
(eq. 3.3). w is the line's normal vector, pointing to the side where a > 0, and the line's distance from
the origin is |b| / ||w|| (the chapter prints b / ||w||: its sign says on which side the origin lies).
"""

import numpy as np

from engine import activations

CHAPTER_ACTIVATIONS = ("linear", "step", "sign", "sigmoid", "tanh", "relu")  # Table 3-1


def decision_line(w, b: float) -> dict:
    """The line w^T x + b = 0: unit normal, distance from the origin, and the point of it nearest the origin."""
    w = np.asarray(w, dtype=np.float64)
    norm = float(np.linalg.norm(w))
    if w.shape != (2,) or not np.isfinite(w).all() or not np.isfinite(b):
        raise ValueError("w must be two finite numbers and b a finite number")
    if norm == 0:
        raise ValueError("with w = 0 there is no line: the neuron's input does not depend on x")
    return {"normal": (w / norm).tolist(), "distance": abs(float(b)) / norm,
            "nearest_point": (-float(b) * w / norm**2).tolist()}


def evaluate(w, b: float, x) -> dict:
    """A two-input neuron at input x: its linear input a = w^T x + b (eq. 3.1), its line w^T x + b = 0
    (eq. 3.3) and its output under each of Table 3-1's activations. ValueError for a w with no line."""
    a = float(np.dot(np.asarray(w, dtype=np.float64), np.asarray(x, dtype=np.float64)) + float(b))  # eq. 3.1
    return {"a": a, "line": decision_line(w, b), "activations": outputs(a)}


def outputs(a: float, names=CHAPTER_ACTIVATIONS, samples: int = 101, span: float = 5.0) -> list[dict]:
    """For each activation: g(a), g'(a) (flagged when it is a training surrogate) and its graph on [-span, span]."""
    grid = np.linspace(-span, span, samples)
    point = np.array([float(a)])
    result = []
    for name in names:
        act = activations.get(name)
        value = act.fn(point.copy())
        result.append({
            "name": name, "description": act.description,
            "value": float(value[0]),
            "derivative": float(act.derivative(point, value)[0]) if act.derivative else None,
            "surrogate": act.surrogate,
            "graph": {"a": grid.tolist(), "g": act.fn(grid.copy()).tolist()},
        })
    return result
