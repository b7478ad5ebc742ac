"""Request and response bodies for sessions: the config a session is built from, and its state."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.schemas.status import SessionStatus
from app.schemas.types import Coordinate, Float, Int, Point, one_of
from engine import activations, datasets, features, initializers, losses, optimizers
from engine.datasets import MAX_USER_POINTS

STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)
MAX_SEED = 2**31 - 1
HiddenActivation = Annotated[str, Field(json_schema_extra=one_of(
    *(name for name, activation in activations.ACTIVATIONS.items() if not activation.output_only)))]
"""A hidden layer's activation: any but the output-only ones (softmax)."""
FeatureName = Annotated[str, Field(json_schema_extra=one_of(*features.FEATURES))]


def _registered(get, value: str) -> str:
    get(value)  # raises ValueError with the valid names, which pydantic reports as a 422
    return value


class UserPoints(BaseModel):
    """Points drawn on the canvas: rows of (x1, x2) (or (x,) in 1-D) and one label or target per row."""

    model_config = STRICT
    # fail_fast: a long list reports its first bad item, not each of 10,000 (see app/schemas/types.py).
    X: list[Point] = Field(..., min_length=1, max_length=MAX_USER_POINTS, fail_fast=True)
    y: list[Coordinate] = Field(..., min_length=1, max_length=MAX_USER_POINTS, fail_fast=True,
                                description="The class of each point (from 0), or its target value (regression).")
    task: Literal["classification", "regression"] = "classification"
    domain: list[tuple[Float, Float]] | None = Field(
        None, max_length=2, description="The region the points were drawn in; default: their bounding box."
    )


class DataConfig(BaseModel):
    """Which data the session trains on."""

    model_config = STRICT
    name: str = Field("circle", description="A dataset from the catalogue, or 'custom' with points or csv.",
                      json_schema_extra=one_of(*datasets.DATASETS, "custom"))
    n_points: Int = Field(200, ge=4, description="Points to generate (at most the server's max_points).")
    noise: Float = Field(0.0, ge=0, le=1, description="0..1; TensorFlow Playground's 0-50% is 0..0.5.")
    seed: Int = Field(0, ge=0, le=MAX_SEED)
    params: dict[str, Int | str] = Field(default_factory=dict, description="Extra generator settings (n_classes...).")
    train_ratio: Float = Field(0.5, gt=0, le=1)
    points: UserPoints | None = None
    csv: str | None = Field(None, max_length=1_000_000, description="CSV text: x1,x2,label per line.")

    @field_validator("name")
    @classmethod
    def _known_dataset(cls, value: str) -> str:
        return value if value == "custom" else _registered(datasets.get, value)


class SessionConfig(BaseModel):
    """Everything a session is built from. Defaults match TensorFlow Playground's opening page."""

    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        json_schema_extra={"examples": [{"data": {"name": "xor", "n_points": 200, "noise": 0.1},
                                         "features": ["x1", "x2"], "hidden_layers": [4, 2], "activation": "tanh",
                                         "learning_rate": 0.03, "batch_size": 10}]},
    )
    data: DataConfig = Field(default_factory=DataConfig)
    features: list[FeatureName] = Field(
        default_factory=lambda: ["x1", "x2"], min_length=1, max_length=7, json_schema_extra={"uniqueItems": True})
    hidden_layers: list[Int] = Field(default_factory=lambda: [4, 2], description="Units per hidden layer.",
                                     json_schema_extra={"items": {"type": "integer", "minimum": 1}})
    activation: HiddenActivation | list[HiddenActivation] = Field(
        "tanh", description="One activation for every hidden layer, or one each.")
    output: str = Field("auto", description="Output activation; auto: sigmoid, softmax or linear by task.",
                        json_schema_extra=one_of("auto", *activations.ACTIVATIONS))
    loss: str = Field("auto", description="auto: the output activation's natural partner.",
                      json_schema_extra=one_of("auto", *losses.LOSSES))
    optimizer: str = Field("sgd", json_schema_extra=one_of(*optimizers.OPTIMIZERS))
    learning_rate: Float = Field(0.03, gt=0, le=100)
    batch_size: Int = Field(10, ge=1, le=100_000)
    regularization: Literal["none", "l1", "l2"] = "none"
    reg_rate: Float = Field(0.0, ge=0, le=100)
    initializer: str = Field("xavier", json_schema_extra=one_of(*initializers.INITIALIZERS))
    seed: Int = Field(0, ge=0, le=MAX_SEED, description="Seed of the initial weights and the sample order.")
    dtype: Literal["float32", "float64"] = Field(
        "float32",
        description="The number type of the weights and of every computed value (float32 unless the session's "
                    "dtype is float64): float32 is fast; float64 for exact lessons and finite-difference work. "
                    "Changing it (PATCH) rebuilds the network from its seed, like a change of layers.")

    @field_validator("features")
    @classmethod
    def _known_features(cls, value: list[str]) -> list[str]:
        features.FeatureMap(value)  # unknown or repeated names -> a clear error
        return value

    @field_validator("hidden_layers")
    @classmethod
    def _positive_units(cls, value: list[int]) -> list[int]:
        if any(units < 1 for units in value):
            raise ValueError("every hidden layer needs at least one unit")
        return value

    @field_validator("activation")
    @classmethod
    def _known_activation(cls, value: str | list[str]) -> str | list[str]:
        for name in [value] if isinstance(value, str) else value:
            if activations.get(name).output_only:
                raise ValueError(f"{name} can only be used on the output layer")
        return value

    @field_validator("output")
    @classmethod
    def _known_output(cls, value: str) -> str:
        return value if value == "auto" else _registered(activations.get, value)

    @field_validator("loss")
    @classmethod
    def _known_loss(cls, value: str) -> str:
        return value if value == "auto" else _registered(losses.get, value)

    @field_validator("optimizer")
    @classmethod
    def _known_optimizer(cls, value: str) -> str:
        return _registered(optimizers.get, value)

    @field_validator("initializer")
    @classmethod
    def _known_initializer(cls, value: str) -> str:
        return _registered(initializers.get, value)


class SessionMetrics(BaseModel):
    """Where training stands."""

    epoch: int
    status: SessionStatus = Field(..., description="idle, playing or diverged.")
    message: str = ""
    train_loss: float | None = Field(..., description="None when it overflows (hand-set huge weights).")
    test_loss: float | None
    train_accuracy: float | None = None
    test_accuracy: float | None = None
    n_params: int


class SessionOut(BaseModel):
    """A session's id, config and state."""

    id: str
    config: SessionConfig
    task: str
    n_classes: int | None
    features: list[str] = Field(..., description="The input features in use (x2-based ones are dropped on 1-D data).")
    metrics: SessionMetrics
    restored_epoch: int | None = Field(
        None, description="The epoch at which it came back from the store (after a restart, a host's death or a "
                          "long idle time); null if it has stayed in memory since it was created.")


class SessionCreated(SessionOut):
    """A new session: keep the token, it is needed for every change and for the stream."""

    token: str
