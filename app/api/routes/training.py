"""Training over plain HTTP, for scripts and notebooks."""

from fastapi import APIRouter

from app.api.deps import ManagerDep, SessionDep
from app.schemas.inspection import ExperimentRequest, SweepRequest, TrainRequest

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


@router.post("/experiments/deep-vs-shallow", status_code=202)
async def start_experiment(session: SessionDep, manager: ManagerDep, request: ExperimentRequest) -> dict:
    """Start the deep-versus-shallow comparison (Table 3-2) as a background job on this session's data."""
    return await manager.call(session, "experiment_start", request.width, request.depths, request.epochs)


@router.get("/experiments/deep-vs-shallow")
async def experiment_status(session: SessionDep, manager: ManagerDep) -> dict:
    """The comparison's status, progress (0 to 1) and the rows finished so far (all of them when done)."""
    return await manager.call(session, "experiment_status")


@router.delete("/experiments/deep-vs-shallow")
async def cancel_experiment(session: SessionDep, manager: ManagerDep) -> dict:
    """Cancel a running comparison."""
    return await manager.call(session, "experiment_cancel")


@router.post("/step")
async def step(session: SessionDep, manager: ManagerDep) -> dict:
    """Train exactly one epoch."""
    return await manager.call(session, "step")
