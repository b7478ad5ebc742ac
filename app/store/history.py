"""A session's metric history as the store keeps it: the newest HISTORY_KEPT epochs, as float arrays in an .npz
(NaN where a value is missing). Written by the hosts' checkpoints, read back by them and by the web process (a
class's report)."""

import io

import numpy as np

HISTORY_KEYS = ("epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy")
HISTORY_KEPT = 1000
"""Epochs of metric history a checkpoint keeps (the newest): the loss chart of a restored session starts there."""


def encoded(history: dict[str, list]) -> bytes:
    """The newest HISTORY_KEPT epochs of ``history`` (keyed by HISTORY_KEYS), as bytes."""
    arrays = {key: np.array([np.nan if v is None else v for v in history[key][-HISTORY_KEPT:]], dtype=np.float64)
              for key in HISTORY_KEYS}
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def decoded(data: bytes) -> dict[str, list]:
    """The history ``encoded`` made (None where a value was missing); ValueError if it is not one."""
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        columns = {key: archive[key] for key in HISTORY_KEYS}
    if len({len(values) for values in columns.values()}) != 1:
        raise ValueError("history columns of different lengths")
    history = {key: [None if np.isnan(v) else float(v) for v in values.tolist()] for key, values in columns.items()}
    history["epoch"] = [int(v) for v in history["epoch"]]
    return history
