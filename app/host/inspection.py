"""Looking inside a session's network: weights, every node's value, one backward pass, heatmap grids,
and the session as a portable document. Each function takes the session's lock and only reads: changing
the weights is Session's work (Session.set_weights, set_weight, load_model)."""

import numpy as np

from app.core.errors import SessionError
from app.host.session import Session
from app.schemas.document import EXPORT_FORMAT, EXPORT_VERSION
from engine import serialization
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


def backprop(session: Session, row: list[float], target: float) -> dict:
    """One sample's backward pass: dl/dy, each layer's delta and dl/dh, and every parameter's gradient."""
    with session.lock:
        X = _raw_inputs(session, [row])
        features = session.feature_map.transform(X, dtype=session.model.dtype)
        if session.dataset.task == "classification":
            if not float(target).is_integer() or not 0 <= target < session.dataset.n_classes:
                raise SessionError("target.class", last=session.dataset.n_classes - 1)
            y = np.array([int(target)])
        else:
            y = np.array([float(target)], dtype=session.model.dtype)
        try:
            with np.errstate(all="ignore"):  # overflow shows as None in the answer
                bp = session.model.backprop(features, y)
                loss = session.model.compute_loss(features, y)
        except ValueError as exc:  # e.g. a target too large for the session's dtype
            raise SessionError("target.invalid", reason=str(exc)) from None
        return {
            "loss": loss if np.isfinite(loss) else None,
            "forward": {"inputs": finite_list(bp.trace.inputs[0]),
                        "a": [finite_list(a[0]) for a in bp.trace.linear],
                        "h": [finite_list(h[0]) for h in bp.trace.outputs]},
            "grad_output": finite_list(bp.grad_output[0]),
            "deltas": [finite_list(d[0]) for d in bp.deltas],
            "grad_h": [finite_list(g[0]) for g in bp.grad_h],
            "gradients": [{"W": finite_list(gw), "b": finite_list(gb)}
                          for gw, gb in zip(bp.gradients[::2], bp.gradients[1::2], strict=True)],
        }


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
