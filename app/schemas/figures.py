"""Requests and answers of the lesson figures that need no session: one neuron (section 3.1.2) and a
two-parameter loss surface with descent paths (section 3.2.3). Their numbers are float64 (Python floats);
a value that overflowed is null."""

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.answer import Answer, Matrix, Number
from app.schemas.types import Float, Int, Parameter, one_of
from engine import surface


class NeuronRequest(BaseModel):
    """Weights w, bias b and an input x of a two-input neuron."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False,
                              json_schema_extra={"examples": [{"w": [1, 1], "b": -1.5, "x": [1, 1]}]})
    w: list[Float] = Field(..., min_length=2, max_length=2)
    b: Parameter
    x: list[Float] = Field(..., min_length=2, max_length=2)


class DecisionLine(Answer):
    """The line w^T x + b = 0 (eq. 3.3)."""

    normal: list[Number] = Field(..., description="w / ||w||, pointing to the side where a > 0.")
    distance: Number = Field(..., description="|b| / ||w||, the line's distance from the origin.")
    nearest_point: list[Number] = Field(..., description="The point of the line nearest the origin.")


class ActivationGraph(Answer):
    """g(a) sampled on [-5, 5]."""

    a: list[float]
    g: list[Number]


class ActivationOutput(Answer):
    """One activation of Table 3-1 at the neuron's a."""

    name: str
    description: str
    value: Number = Field(..., description="g(a)")
    derivative: Number = Field(..., description="g'(a); null where it has none.")
    surrogate: bool = Field(..., description="Training uses a stand-in for g' (step, sign).")
    graph: ActivationGraph


class NeuronAnswer(Answer):
    """The neuron's linear input, its decision line and its outputs under each activation."""

    a: Number = Field(..., description="a = w^T x + b (eq. 3.1)")
    line: DecisionLine
    activations: list[ActivationOutput]


class SurfaceRequest(BaseModel):
    """Which model, the step size alpha, the starting points A and B, the region drawn (each the model's own
    unless given), the step count and the loss threshold epsilon at which a path stops."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, json_schema_extra={"examples": [
        {"model": "linear_squared_error", "learning_rate": 0.5, "stop_below": 0.05}]})
    model: str = Field("linear_squared_error", json_schema_extra=one_of(*surface.MODELS))
    learning_rate: Float = Field(0.5, gt=0, le=100)
    starts: list[tuple[Float, Float]] | None = Field(None, max_length=4, description="The model's A and B if omitted.")
    steps: Int = Field(50, ge=1, le=surface.MAX_STEPS)
    stop_below: Float | None = Field(None, gt=0, description="epsilon: a path stops once J <= epsilon.")
    w_range: tuple[Float, Float] | None = Field(None, description="The model's own region if omitted.")
    b_range: tuple[Float, Float] | None = None
    resolution: Int = Field(60, ge=10, le=120)


class LossSurface(Answer):
    """J(w, b) on a grid: rows go over b, columns over w (Fig. 3-16)."""

    w: list[float]
    b: list[float]
    J: Matrix
    minimum: list[float] = Field(..., description="(w, b, J) of the objective's lowest point.")


class DescentPath(Answer):
    """Full-batch gradient descent from one start (Fig. 3-17)."""

    path: Matrix = Field(..., description="Every (w, b, J) visited, the start first.")
    diverged: bool
    stopped: int | None = Field(..., description="The step at which J reached epsilon, or null.")
    gradient: list[Number] = Field(..., description="grad J at the start, (dJ/dw, dJ/db) (eq. 3.12).")


class SurfaceAnswer(Answer):
    """The loss surface and one descent path per start."""

    surface: LossSurface
    paths: list[DescentPath]


class CrossEntropyRequest(BaseModel):
    """Eq. 3.9 for one sample: the output layer's scores a (one per class) and the true class (from 0)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False,
                              json_schema_extra={"examples": [{"scores": [2.0, 0.7, 0.0], "target": 1}]})
    scores: list[Float] = Field(..., min_length=2, max_length=10)
    target: Int = Field(..., ge=0, le=9)


class CrossEntropyAnswer(Answer):
    """The softmax output y, the one-hot label and the loss l = -sum_m onehot_m log y_m (eq. 3.9)."""

    y: list[Number]
    one_hot: list[float]
    loss: Number
