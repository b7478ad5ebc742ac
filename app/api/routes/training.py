"""Training over plain HTTP, for scripts and notebooks."""

from fastapi import APIRouter

from app.api.deps import SessionDep
from app.schemas.inspection import TrainRequest
from app.services.errors import SessionError

router = APIRouter(prefix="/sessions/{session_id}", tags=["training"])


@router.post("/train")
def train(session: SessionDep, request: TrainRequest) -> dict:
    """Train up to `epochs` epochs (bounded per call by the server's epoch and time limits).
    Returns how it ended, the metrics now and the loss history of this call."""
    limits = session.settings
    if request.epochs > limits.max_epochs_per_call:
        raise SessionError(f"at most {limits.max_epochs_per_call} epochs per call; call again to continue")
    start = len(session.history["epoch"])
    result = session.train(request.epochs, max_seconds=limits.max_seconds_per_call)
    with session.lock:
        history = {key: values[start:] for key, values in session.history.items()}
    return {**result, "metrics": session.metrics(), "history": history}


@router.post("/step")
def step(session: SessionDep) -> dict:
    """Train exactly one epoch."""
    result = session.train(1)
    return {**result, "metrics": session.metrics()}
