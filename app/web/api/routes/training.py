"""Training over plain HTTP, for scripts and notebooks."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.core.figure_limits import SAMPLES_MAX
from app.schemas.experiments import ExperimentReport, Samples, Sweep
from app.schemas.inspection import ExperimentRequest, SweepRequest
from app.schemas.training import StepResult, TrainRequest, TrainResult
from app.web.api.checked_route import CheckedRoute
from app.web.api.deps import SESSION_ID, ManagerDep, SessionDep
from app.web.api.responses import SESSION_BODY_ERRORS, SESSION_ERRORS, error_responses

router = APIRouter(prefix=f"/sessions/{SESSION_ID}", tags=["training"], route_class=CheckedRoute)


@router.post("/train", response_model=TrainResult, responses=SESSION_BODY_ERRORS)
async def train(session: SessionDep, manager: ManagerDep, request: TrainRequest) -> dict:
    """Train up to `epochs` epochs (bounded per call by the server's epoch and time limits), or until every
    rule in `until` holds at the end of an epoch. Returns how it ended (`status`: completed, goal_reached,
    time_limit or diverged), the metrics now and the history of this call."""
    until = request.until.rules() if request.until is not None else None
    return await manager.ops(session).train(request.epochs, until)


@router.post("/sweep", response_model=Sweep, responses=SESSION_BODY_ERRORS)
async def sweep(session: SessionDep, manager: ManagerDep, request: SweepRequest) -> dict:
    """Train one hidden layer of each width on this session's data (same settings and seed) and compare."""
    return await manager.ops(session).sweep(request.widths, request.epochs)


@router.post("/samples", response_model=Samples, responses=SESSION_ERRORS)
async def samples(session: SessionDep, manager: ManagerDep,
                  count: Annotated[int, Query(ge=1, le=SAMPLES_MAX)] = 4) -> dict:
    """The session's structure with `count` random weight settings: each another function of the same set."""
    return await manager.ops(session).samples(count)


@router.post("/experiments/deep-vs-shallow", status_code=202, response_model=ExperimentReport,
             responses={**SESSION_BODY_ERRORS, **error_responses(409)})
async def start_experiment(session: SessionDep, manager: ManagerDep, request: ExperimentRequest) -> dict:
    """Start the deep-versus-shallow comparison (Table 3-2) as a background job on this session's data."""
    return await manager.ops(session).experiment_start(request.width, request.depths, request.epochs)


@router.get("/experiments/deep-vs-shallow", response_model=ExperimentReport, responses=SESSION_ERRORS)
async def experiment_status(session: SessionDep, manager: ManagerDep) -> dict:
    """The comparison's status, progress (0 to 1) and the rows finished so far (all of them when done)."""
    return await manager.ops(session).experiment_status()


@router.delete("/experiments/deep-vs-shallow", response_model=ExperimentReport, responses=SESSION_ERRORS)
async def cancel_experiment(session: SessionDep, manager: ManagerDep) -> dict:
    """Cancel a running comparison."""
    return await manager.ops(session).experiment_cancel()


@router.post("/step", response_model=StepResult, responses=SESSION_ERRORS)
async def step(session: SessionDep, manager: ManagerDep) -> dict:
    """Train exactly one epoch."""
    return await manager.ops(session).step()
