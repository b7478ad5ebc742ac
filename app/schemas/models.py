"""The exported session document (GET /api/sessions/{id}/model), which POST /api/sessions/import reads."""

from pydantic import Field

from app.schemas.answer import NETWORK_NUMBERS, Answer
from app.schemas.session import SessionConfig


class LayerSpec(Answer):
    """A layer's architecture."""

    units: int
    activation: str


class CompileSettings(Answer):
    """How the model trains."""

    loss: str
    optimizer: str
    learning_rate: float
    optimizer_settings: dict[str, float] = Field(..., description="e.g. momentum, beta1, beta2, epsilon.")
    regularization: str | None
    reg_rate: float


class ModelDocument(Answer):
    """The engine's versioned model document (engine/serialization.py)."""

    format: str
    version: int
    dtype: str = Field(..., description="float32 or float64")
    seed: int
    initializer: str
    input_dim: int
    layers: list[LayerSpec]
    weights: list[list[float | None | list[float | None]]] = Field(
        ..., description="W(1), b(1), W(2), b(2), ...: each W a list of rows, each b a list of numbers. "
                         + NETWORK_NUMBERS)
    compile: CompileSettings | None
    epoch: int


class SessionDocument(Answer):
    """A session as a portable document: its config (with the user's own points) and its model."""

    format: str = Field(..., examples=["nnplay.session"])
    version: int
    config: SessionConfig
    model: ModelDocument
