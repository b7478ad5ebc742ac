"""One neuron, for the lesson of section 3.1.2: its line and its outputs under each activation."""

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from app.services.errors import SessionError
from engine import neuron

router = APIRouter(tags=["lessons"])


class NeuronRequest(BaseModel):
    """Weights w, bias b and an input x of a two-input neuron."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False,
                              json_schema_extra={"examples": [{"w": [1, 1], "b": -1.5, "x": [1, 1]}]})
    w: list[float] = Field(..., min_length=2, max_length=2)
    b: float = Field(..., ge=-1e6, le=1e6)
    x: list[float] = Field(..., min_length=2, max_length=2)


@router.post("/neuron")
def evaluate_neuron(body: NeuronRequest) -> dict:
    """a = w^T x + b (eq. 3.1), the line w^T x + b = 0 (eq. 3.3) and the six activations' outputs (Table 3-1)."""
    a = body.w[0] * body.x[0] + body.w[1] * body.x[1] + body.b
    try:
        line = neuron.decision_line(body.w, body.b)
    except ValueError as exc:
        raise SessionError("figure.invalid", reason=str(exc)) from None
    return {"a": a, "line": line, "activations": neuron.outputs(a)}
