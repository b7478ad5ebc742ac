"""Inside the network: weights, every node's value, one backward pass, heatmap grids."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import SessionDep
from app.schemas.inspection import BackpropRequest, PredictRequest, WeightsIn
from app.services import inspection
from app.services.errors import SessionError

router = APIRouter(prefix="/sessions/{session_id}", tags=["inspection"])


@router.get("/weights")
def read_weights(session: SessionDep) -> dict:
    """Every layer's W (units k x units k-1), b and activation."""
    return inspection.weights(session)


@router.put("/weights")
def write_weights(session: SessionDep, body: WeightsIn) -> dict:
    """Set every weight by hand, e.g. the chapter's Fig. 3-13 network."""
    inspection.set_weights(session, [layer.model_dump() for layer in body.layers])
    return inspection.weights(session)


@router.post("/predict")
def predict(session: SessionDep, body: PredictRequest) -> dict:
    """Every node's linear input a(k) and output h(k) for the given raw inputs."""
    if len(body.inputs) > session.settings.max_predict_rows:
        raise SessionError(f"at most {session.settings.max_predict_rows} inputs per call")
    return inspection.predict_nodes(session, body.inputs)


@router.post("/backprop")
def backprop(session: SessionDep, body: BackpropRequest) -> dict:
    """One sample's backward pass: each layer's deltas and every parameter's gradient (eq. 3.15-3.27)."""
    return inspection.backprop(session, body.input, body.target)


@router.get("/grid")
def grid(session: SessionDep, resolution: Annotated[int, Query(ge=2, le=200)] = 50) -> dict:
    """The output and every neuron on a resolution x resolution grid over the data (JSON; the stream
    sends the same maps compactly as binary)."""
    if resolution > session.settings.max_grid:
        raise SessionError(f"grid resolution is limited to {session.settings.max_grid}")
    return inspection.grid(session, resolution)
