"""Inside the network: weights, every node's value, one backward pass, heatmap grids."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.schemas.inspection import BackpropRequest, PredictRequest, WalkthroughRequest, WeightEdit, WeightsIn
from app.schemas.network import BackwardPass, GradientCheck, Grid, NodeValues, WeightEdited, Weights
from app.web.api.body_checks import predict_rows
from app.web.api.checked_route import CheckedRoute, checked_body
from app.web.api.deps import SESSION_ID, ManagerDep, SessionDep
from app.web.api.encoding import trusted_json
from app.web.api.responses import SESSION_BODY_ERRORS, SESSION_ERRORS

router = APIRouter(prefix=f"/sessions/{SESSION_ID}", tags=["inspection"], route_class=CheckedRoute)


@router.get("/weights", response_model=Weights, responses=SESSION_ERRORS)
async def read_weights(session: SessionDep, manager: ManagerDep) -> dict:
    """Every layer's W (units k x units k-1), b and activation."""
    return await manager.ops(session).weights()


@router.put("/weights", response_model=Weights, responses=SESSION_BODY_ERRORS)
async def write_weights(session: SessionDep, manager: ManagerDep, body: WeightsIn) -> dict:
    """Set every weight by hand, e.g. the chapter's Fig. 3-13 network."""
    return await manager.ops(session).set_weights([layer.model_dump() for layer in body.layers])


@router.patch("/weights", response_model=WeightEdited, responses=SESSION_BODY_ERRORS)
async def edit_weight(session: SessionDep, manager: ManagerDep, body: WeightEdit) -> dict:
    """Change one weight or bias, e.g. after clicking a link in the diagram; the others stay exactly."""
    await manager.ops(session).set_weight(body.layer, body.row, body.col, body.value)
    return {"ok": True}


@router.post("/predict", response_model=NodeValues, responses=SESSION_BODY_ERRORS)
@checked_body(predict_rows)
async def predict(session: SessionDep, manager: ManagerDep, body: PredictRequest) -> Response:
    """Every node's linear input a(k) and output h(k) for the given raw inputs."""
    # Sent unchecked, as the grid is: up to max_grid_values numbers, whose validation on the event loop cost more
    # than their serialization (10,000 rows of a 2-4-2-1 network: 86 ms + 80 ms, against 41 ms unchecked).
    return trusted_json(await manager.ops(session).predict(body.inputs))


@router.post("/backprop", response_model=BackwardPass, responses=SESSION_BODY_ERRORS)
async def backprop(session: SessionDep, manager: ManagerDep, body: WalkthroughRequest) -> dict:
    """One sample's backward pass: each layer's deltas and every parameter's gradient (eq. 3.15-3.27), the
    walk-through's steps, and the chain rule's paths from one node (eq. 3.19)."""
    paths_from = body.paths_from.model_dump() if body.paths_from else None
    return await manager.ops(session).backprop(body.input, body.target, body.step, paths_from)


@router.post("/gradient-check", response_model=GradientCheck, responses=SESSION_BODY_ERRORS)
async def gradient_check(session: SessionDep, manager: ManagerDep, body: BackpropRequest) -> dict:
    """Backpropagation's gradients for one sample next to finite differences, on a float64 copy."""
    return await manager.ops(session).gradient_check(body.input, body.target)


@router.get("/grid", response_model=Grid, responses=SESSION_ERRORS)
async def grid(session: SessionDep, manager: ManagerDep,
               resolution: Annotated[int, Query(ge=2)] = 50) -> Response:
    """The output and every neuron on a resolution x resolution grid over the data (JSON; the stream
    sends the same maps compactly as binary)."""
    return trusted_json(await manager.ops(session).grid(resolution))
