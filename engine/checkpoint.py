"""A model's training state as bytes, and back: what a checkpoint keeps so that training goes on where it stopped.

The state is everything ``fit`` reads besides the data: the parameters theta (every W and b), the epoch count,
the optimizer's running state (momentum's velocity, Adam's moments and step count), the generator of the sample
order, and an epoch that ``fit`` paused in the middle (its order, next row and starting weights). Restored into a
model of the same architecture, compiled with the same optimizer, the run continues exactly as if it had never
stopped: the same weights after every later step.

The architecture and hyper-parameters are not in it: they come from the config the model was built from (the
JSON document of ``serialization.py`` carries those). The format is NumPy's ``.npz`` (a zip of ``.npy`` arrays,
uncompressed: writing the 6x8 playground network takes well under a millisecond), read with
``allow_pickle=False``, so a foreign or corrupt checkpoint can raise ValueError but never run code.
"""

import io
import json
import zipfile

import numpy as np

FORMAT_VERSION = 1
_OPTIMIZER = "optimizer."  # prefix of the optimizer's arrays


class CheckpointError(ValueError):
    """Bytes that are not a checkpoint of this model (corrupt, foreign, or of another architecture)."""


def save(model) -> bytes:
    """The training state of ``model`` (a compiled Sequential) as bytes."""
    meta = {"version": FORMAT_VERSION, "epoch": int(model.epoch), "dtype": model.dtype.name,
            "n_params": int(model.n_params), "optimizer": model.optimizer.name if model.optimizer else None,
            "shuffle_rng": model.shuffle_rng.bit_generator.state}
    arrays = {"theta": model.theta}
    if model.optimizer is not None:
        arrays |= {_OPTIMIZER + key: value for key, value in model.optimizer.state().items()}
    if model.epoch_in_progress is not None:
        order, next_row, epoch_start = model.epoch_in_progress
        meta["next_row"] = int(next_row)
        arrays |= {"order": order, "epoch_start": epoch_start}
    buffer = io.BytesIO()
    np.savez(buffer, meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8), **arrays)
    return buffer.getvalue()


def restore(model, data: bytes) -> None:
    """Put the training state ``data`` (from :func:`save`) into ``model``, built and compiled as the saved one
    was. CheckpointError, with the model unchanged, if it does not fit."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        meta = json.loads(arrays.pop("meta").tobytes())
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        raise CheckpointError(f"not a checkpoint: {exc}") from None
    if not isinstance(meta, dict) or meta.get("version") != FORMAT_VERSION:
        raise CheckpointError(f"checkpoint format {meta.get('version') if isinstance(meta, dict) else meta!r}, "
                              f"expected {FORMAT_VERSION}")
    optimizer_name = model.optimizer.name if model.optimizer else None
    expected = (model.dtype.name, model.n_params, optimizer_name)
    found = (meta.get("dtype"), meta.get("n_params"), meta.get("optimizer"))
    if found != expected:
        raise CheckpointError(f"checkpoint of a {found} model, this one is {expected}")
    theta = arrays.pop("theta", None)
    if theta is None or theta.shape != model.theta.shape or theta.dtype != model.dtype or not np.isfinite(theta).all():
        raise CheckpointError("the checkpoint's parameters do not fit this model")
    epoch = meta.get("epoch")
    if type(epoch) is not int or epoch < 0:  # (not a bool either)
        raise CheckpointError(f"bad epoch {epoch!r}")
    rng = np.random.default_rng()
    try:
        rng.bit_generator.state = meta["shuffle_rng"]
    except (KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(f"bad sample-order state: {exc}") from None
    in_progress = _epoch_in_progress(meta, arrays, model)
    optimizer_state = {name.removeprefix(_OPTIMIZER): arrays.pop(name) for name in list(arrays)
                       if name.startswith(_OPTIMIZER)}
    if arrays:
        raise CheckpointError(f"unknown arrays in the checkpoint: {sorted(arrays)}")
    if model.optimizer is not None:
        saved_optimizer_state = model.optimizer.state()
        try:
            model.optimizer.load_state(optimizer_state, model.n_params, model.dtype)
        except ValueError as exc:
            model.optimizer.load_state(saved_optimizer_state, model.n_params, model.dtype)
            raise CheckpointError(str(exc)) from None
    model.theta[...] = theta  # the layers' W and b are views into theta
    model.epoch, model.shuffle_rng, model.epoch_in_progress = epoch, rng, in_progress


def _epoch_in_progress(meta: dict, arrays: dict, model) -> tuple | None:
    """The paused epoch (order, next row, weights at its start) of a checkpoint, checked, or None."""
    if "next_row" not in meta:
        return None
    order, epoch_start, next_row = arrays.pop("order", None), arrays.pop("epoch_start", None), meta["next_row"]
    if (order is None or epoch_start is None or order.ndim != 1 or order.dtype.kind not in "iu"
            or not isinstance(next_row, int) or not 0 < next_row < len(order)
            or epoch_start.shape != model.theta.shape or epoch_start.dtype != model.dtype
            or not np.isfinite(epoch_start).all()):
        raise CheckpointError("bad paused epoch in the checkpoint")
    if np.sort(order).tolist() != list(range(len(order))):
        raise CheckpointError("the paused epoch's sample order is not a permutation")
    return order, next_row, epoch_start
