"""One neuron, for the lesson of section 3.1.2: its line and its outputs under each activation."""

from fastapi import APIRouter

from app.core.errors import SessionError
from app.schemas.figures import NeuronAnswer, NeuronRequest
from app.web.api.responses import BODY_ERRORS
from engine import neuron

router = APIRouter(tags=["lessons"])


@router.post("/neuron", response_model=NeuronAnswer, responses=BODY_ERRORS)
def evaluate_neuron(body: NeuronRequest) -> dict:
    """a = w^T x + b (eq. 3.1), the line w^T x + b = 0 (eq. 3.3) and the six activations' outputs (Table 3-1)."""
    try:
        return neuron.evaluate(body.w, body.b, body.x)
    except ValueError as exc:
        raise SessionError("figure.invalid", reason=str(exc)) from None
