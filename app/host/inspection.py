"""Looking inside a session's network: weights, every node's value, one backward pass, heatmap grids,
and the session as a portable document. Each function takes the session's lock and only reads: changing
the weights is Session's work (Session.set_weights, set_weight, load_model)."""

import numpy as np

from app.core.errors import SessionError
from app.host import walkthrough
from app.host.session import Session
from app.schemas.document import EXPORT_FORMAT, EXPORT_VERSION
from engine import chain, serialization
from engine.datasets import MAX_COORDINATE  # raw coordinates beyond this are not points of any dataset here


def _raw_inputs(session: Session, rows) -> np.ndarray:
    try:
        X = np.asarray(rows, dtype=np.float64)
    except (TypeError, ValueError):
        raise SessionError("inputs.shape", dims=session.dataset.dims) from None
    if X.ndim != 2 or X.shape[1] != session.dataset.dims:
        raise SessionError("inputs.shape", dims=session.dataset.dims)
    if not np.isfinite(X).all() or np.abs(X).max(initial=0) > MAX_COORDINATE:
        raise SessionError("inputs.range", most=f"{MAX_COORDINATE:g}")
    return X


def finite_list(values) -> list:
    """``values`` as nested lists, with None where a value overflowed (JSON has no NaN or infinity)."""
    values = np.asarray(values)
    finite = np.isfinite(values)
    if finite.all():
        return values.tolist()
    cleaned = values.astype(object)
    cleaned[~finite] = None
    return cleaned.tolist()


def weights(session: Session) -> dict:
    """Every layer's W (units k x units k-1), b and activation, plus the input feature names."""
    with session.lock:
        model = session.model
        return {
            "features": session.feature_names,
            "layers": [{"units": layer.units, "activation": layer.activation.name, "W": layer.W.tolist(),
                        "b": layer.b.tolist()} for layer in model.layers],
        }


def predict_nodes(session: Session, rows) -> dict:
    """For each input row: its features, then every layer's linear inputs a(k) and outputs h(k)."""
    with session.lock, np.errstate(all="ignore"):
        X = _raw_inputs(session, rows)
        trace = session.model.forward_trace(session.feature_map.transform(X, dtype=session.model.dtype))
        return {
            "features": session.feature_names,
            "inputs": finite_list(trace.inputs),
            "layers": [{"a": finite_list(a), "h": finite_list(h)} for a, h in zip(trace.linear, trace.outputs,
                                                                                    strict=True)],
            "output": finite_list(trace.output),
        }


def backprop(session: Session, row: list[float], target: float, step: int | None = None,
             paths_from: dict | None = None) -> dict:
    """One sample's backward pass: dl/dy, each layer's delta and dl/dh, and every parameter's gradient; the
    walk-through's steps (``step``: the one the page shows now, remembered for the lesson's check); eq. 3.18 as the
    chapter prints it; one step of gradient descent; and, with ``paths_from``, every chain-rule path from that node
    to the loss (eq. 3.19)."""
    with session.lock:
        X = _raw_inputs(session, [row])
        features = session.feature_map.transform(X, dtype=session.model.dtype)
        classification = session.dataset.task == "classification"
        if classification:
            if not float(target).is_integer() or not 0 <= target < session.dataset.n_classes:
                raise SessionError("target.class", last=session.dataset.n_classes - 1)
            y = np.array([int(target)])
        else:
            y = np.array([float(target)], dtype=session.model.dtype)
        model = session.model
        try:
            with np.errstate(all="ignore"):  # overflow shows as None in the answer
                bp = model.backprop(features, y)
                loss = model.compute_loss(features, y)
                T, _ = model.encode_targets(y)
        except ValueError as exc:  # e.g. a target too large for the session's dtype
            raise SessionError("target.invalid", reason=str(exc)) from None
        plan = walkthrough.steps(len(model.layers))
        if step is not None and step < len(plan):  # a step this network's walk-through does not have: not seen
            walkthrough.record(session, row, target, step)
        output = bp.trace.outputs[-1][0]
        rate = session.config.learning_rate
        with np.errstate(all="ignore"):
            g_prime = [layer.activation.derivative(a[0], h[0]) if layer.activation.derivative else None
                       for layer, a, h in zip(model.layers, bp.trace.linear, bp.trace.outputs, strict=True)]
            grad_x = model.layers[0].W.T @ bp.deltas[0][0]  # eq. 3.21 once more, down to the input
        return {
            "loss": loss if np.isfinite(loss) else None,
            "forward": {"inputs": finite_list(bp.trace.inputs[0]),
                        "a": [finite_list(a[0]) for a in bp.trace.linear],
                        "h": [finite_list(h[0]) for h in bp.trace.outputs]},
            "grad_output": finite_list(bp.grad_output[0]),
            "deltas": [finite_list(d[0]) for d in bp.deltas],
            "grad_h": [finite_list(g[0]) for g in bp.grad_h],
            "grad_input": finite_list(grad_x),
            "g_prime": [None if g is None else finite_list(g) for g in g_prime],
            "gradients": [{"W": finite_list(gw), "b": finite_list(gb)}
                          for gw, gb in zip(bp.gradients[::2], bp.gradients[1::2], strict=True)],
            # eq. 3.18 as printed: -(e(c) - y); the engine's delta is this only for a loss paired with its output
            "chapter_delta": finite_list(output - T[0]) if classification else None,
            # gradient descent's step (eq. 3.11, theta <- theta - alpha grad J) with the session's learning rate
            "learning_rate": rate,
            "updated": [{"W": finite_list(layer.W - rate * gw), "b": finite_list(layer.b - rate * gb)}
                        for layer, gw, gb in zip(model.layers, bp.gradients[::2], bp.gradients[1::2], strict=True)],
            "steps": plan,
            "reached": walkthrough.reached(session, row, target),
            "paths": _paths(model, bp, g_prime, paths_from) if paths_from else None,
        }


def _paths(model, bp, g_prime, start: dict) -> dict:
    """The chain-rule paths from ``start`` ({half, layer, index}) to the loss, their sum, and backprop's value."""
    half, k, j = start["half"], start["layer"], start["index"]
    widths = [layer.units for layer in model.layers]
    lowest = 0 if half == "h" else 1
    if not lowest <= k <= len(widths) or not 0 <= j < (model.layers[0].input_dim if k == 0 else widths[k - 1]):
        return {"start": [half, k, j], "count": 0, "paths": None, "sum": None, "backprop": None}  # no such node
    if any(g is None for g in g_prime):  # softmax: its a -> y is no single edge per neuron
        return {"start": [half, k, j], "count": chain.count(widths, (half, k, j)), "paths": None, "sum": None,
                "backprop": None}
    backprop = (bp.deltas[k - 1][0][j] if half == "a" else
                bp.grad_output[0][j] if k == len(widths) else
                bp.grad_h[k - 1][0][j] if k else (model.layers[0].W.T @ bp.deltas[0][0])[j])
    found = None
    if chain.count(widths, (half, k, j)) <= chain.MAX_PATHS:
        with np.errstate(all="ignore"):
            found = chain.paths([layer.W for layer in model.layers], g_prime, bp.grad_output[0], (half, k, j))
    return {"start": [half, k, j], "count": chain.count(widths, (half, k, j)), "paths": found,
            "sum": chain.total(found) if found is not None else None, "backprop": float(backprop)}


def grid(session: Session, resolution: int) -> dict:
    """Every neuron's output on a resolution x resolution grid over the data's domain, as nested lists (a value
    that overflowed stays inf or NaN here; the route writes it as null)."""
    with session.lock, np.errstate(all="ignore"):
        neuron_grid = session.grid(resolution)
        maps = neuron_grid.evaluate(session.model)  # bounded by max_grid_values; never gives way under the lock
        return {
            "resolution": resolution,
            "domain": [list(bounds) for bounds in session.dataset.domain],
            "inputs": np.round(neuron_grid.input_maps(), 5).tolist(),
            "layers": [np.round(m, 5).tolist() for m in maps],
        }


def export(session: Session) -> dict:
    """The session as a document: its config (data, features, training settings) and the engine's model."""
    with session.lock:
        return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "config": session.config.model_dump(),
                "model": serialization.model_to_dict(session.model)}
