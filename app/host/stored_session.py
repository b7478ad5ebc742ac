"""A session as the store keeps it, and back: the host's side of checkpoints (app/store/ writes them).

What is kept: the config (with the user's own points or CSV; generated data is rebuilt from its parameters and
seed), the model's training state (engine/checkpoint.py: weights, optimizer state, epoch, sample order, an epoch
paused midway), the newest epochs of metric history (app/store/history.py), and whether training had
diverged. A restored session is paused: its learner presses play again, and the page says from which epoch it
came back.
"""

from app.core.errors import SessionError, SessionNotFound
from app.host.session import Session
from app.schemas.session import SessionConfig
from app.schemas.status import SessionStatus
from app.store import history
from app.store.sessions import Checkpoint
from engine import checkpoint


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
            state=checkpoint.save(session.model), history=history.encoded(session.history))
    finally:
        session.lock.release()


def revive(stored: Checkpoint, settings, share=None) -> Session:
    """The session a checkpoint keeps, paused; SessionNotFound ``session.unreadable`` if it cannot be read (a
    corrupt or foreign row: that one session is reported, nothing else is touched)."""
    try:
        config = SessionConfig.model_validate_json(stored.config)
        session = Session(stored.id, stored.principal, config, settings, share)
        session.restore(stored.state, history.decoded(stored.history),
                        diverged=stored.status == SessionStatus.diverged.value)
    except Exception as exc:  # a config this version refuses, a corrupt state, ...
        reason = exc.message("en") if isinstance(exc, SessionError) else f"{type(exc).__name__}: {exc}"
        raise SessionNotFound("session.unreadable", session_id=stored.id, reason=reason[:300]) from None
    return session
