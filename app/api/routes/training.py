"""Training over plain HTTP, for scripts and notebooks."""

from fastapi import APIRouter

from app.api.deps import ManagerDep, SessionDep
from app.schemas.inspection import SweepRequest, TrainRequest

router = APIRouter(prefix="/sessions/{session_id}", tags=["training"])


@router.post("/train")
async def train(session: SessionDep, manager: ManagerDep, request: TrainRequest) -> dict:
    """Train up to `epochs` epochs (bounded per call by the server's epoch and time limits).
    Returns how it ended, the metrics now and the loss history of this call."""
    return await manager.call(session, "train", request.epochs)


@router.post("/sweep")
async def sweep(session: SessionDep, manager: ManagerDep, request: SweepRequest) -> dict:
    """Train one hidden layer of each width on this session's data (same settings and seed) and compare."""
    return await manager.call(session, "sweep", request.widths, request.epochs)


@router.post("/samples")
async def samples(session: SessionDep, manager: ManagerDep, count: int = 4) -> dict:
    """The session's structure with `count` random weight settings: each another function of the same set."""
    return await manager.call(session, "samples", count)


@router.post("/step")
async def step(session: SessionDep, manager: ManagerDep) -> dict:
    """Train exactly one epoch."""
    return await manager.call(session, "step")
