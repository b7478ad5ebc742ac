"""A session as the store keeps it, and back: the host's side of checkpoints (app/store/ writes them).

What is kept: the config (with the user's own points or CSV; generated data is rebuilt from its parameters and
seed), the model's training state (engine/checkpoint.py: weights, optimizer state, epoch, sample order, an epoch
paused midway), the newest HISTORY_KEPT epochs of metric history, and whether training had diverged. A restored
session is paused: its learner presses play again, and the page says from which epoch it came back.
"""

import io

import numpy as np

from app.core.errors import SessionError, SessionNotFound
from app.host.session import HISTORY_KEYS, Session
from app.schemas.session import SessionConfig
from app.schemas.status import SessionStatus
from app.store.sessions import Checkpoint
from engine import checkpoint

HISTORY_KEPT = 1000
"""Epochs of metric history a checkpoint keeps (the newest): the loss chart of a restored session starts there."""


def capture(session: Session, lock_seconds: float = -1) -> Checkpoint:
    """The session's checkpoint now, under its lock (a consistent state; 0.26 ms for the 6x8 network after 1000
    epochs, docs/performance.md); TimeoutError if the lock is not free within ``lock_seconds`` (-1: wait)."""
    if not session.lock.acquire(timeout=lock_seconds):
        raise TimeoutError(f"session {session.id} is busy")
    try:
        config = getattr(session, "_stored_config", None)
        if config is None or config[0] is not session.config:  # its JSON once per config (points can be large)
            config = session._stored_config = (session.config, session.config.model_dump_json())
        return Checkpoint(
            id=session.id, principal=session.principal, config=config[1],
            epoch=int(session.model.epoch), status=str(session.status.value),
            state=checkpoint.save(session.model), history=_history_bytes(session.history))
    finally:
        session.lock.release()


def revive(stored: Checkpoint, settings, share=None) -> Session:
    """The session a checkpoint keeps, paused; SessionNotFound ``session.unreadable`` if it cannot be read (a
    corrupt or foreign row: that one session is reported, nothing else is touched)."""
    try:
        config = SessionConfig.model_validate_json(stored.config)
        session = Session(stored.id, stored.principal, config, settings, share)
        history = _history_of(stored.history)
        session.restore(stored.state, history, diverged=stored.status == SessionStatus.diverged.value)
    except Exception as exc:  # a config this version refuses, a corrupt state, ...
        reason = exc.message("en") if isinstance(exc, SessionError) else f"{type(exc).__name__}: {exc}"
        raise SessionNotFound("session.unreadable", session_id=stored.id, reason=reason[:300]) from None
    return session


def _history_bytes(history: dict[str, list]) -> bytes:
    """The newest HISTORY_KEPT epochs, as float arrays (NaN where a value is missing)."""
    arrays = {key: np.array([np.nan if v is None else v for v in history[key][-HISTORY_KEPT:]], dtype=np.float64)
              for key in HISTORY_KEYS}
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _history_of(data: bytes) -> dict[str, list]:
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        columns = {key: archive[key] for key in HISTORY_KEYS}
    lengths = {len(values) for values in columns.values()}
    if len(lengths) != 1:
        raise ValueError("history columns of different lengths")
    history = {key: [None if np.isnan(v) else float(v) for v in values.tolist()] for key, values in columns.items()}
    history["epoch"] = [int(v) for v in history["epoch"]]
    return history
