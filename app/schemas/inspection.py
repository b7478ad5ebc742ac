"""Request bodies for training and looking inside a network.

Upper bounds that come from the server's Settings, and those of the sweep and the deep-versus-shallow
experiment (their services' own constants), are not repeated here: the services check them, with an error
code that says which limit, and app/web/api/openapi.py (LIMITS) writes every one of them into the schema.
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.types import Float, Int, Parameter, Point, bounded_int

STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)


class LayerWeights(BaseModel):
    """One layer's parameters in the chapter's shapes: W (units k x units k-1) and b (units k)."""

    model_config = STRICT
    # fail_fast: long lists report their first bad item (see app/schemas/types.py).
    W: list[Annotated[list[Float], Field(fail_fast=True)]] = Field(..., fail_fast=True)
    b: list[Float] = Field(..., fail_fast=True)


class WeightsIn(BaseModel):
    """Every layer's weights, first hidden layer first."""

    model_config = ConfigDict(
        extra="forbid", allow_inf_nan=False,
        json_schema_extra={"examples": [{"layers": [
            {"W": [[1, -2], [-1, 1]], "b": [1, 0]}, {"W": [[2, -1], [-2, -1]], "b": [0, 0]},
            {"W": [[3, -1], [-1, 4]], "b": [-2, 2]}]}]},
    )
    # At most the server's max_hidden_layers + 1 (app/web/api/openapi.py writes it into the schema).
    layers: list[LayerWeights] = Field(..., min_length=1)


class WeightEdit(BaseModel):
    """One weight W(layer)[row, col], or the bias b(layer)[row] when col is left out."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False,
                              json_schema_extra={"examples": [{"layer": 1, "row": 0, "col": 1, "value": -2.0}]})
    layer: Int = Field(..., ge=1, description="1 = the first hidden layer.")
    row: Int = Field(..., ge=0, description="The neuron in that layer.")
    col: bounded_int(ge=0) | None = Field(None, description="The neuron of the layer below; none for the bias.")
    value: Parameter


class PredictRequest(BaseModel):
    """Raw input points (x1, x2), or (x,) for 1-D data."""

    model_config = STRICT
    inputs: list[Point] = Field(..., min_length=1, examples=[[[1, -1], [0, 0]]], fail_fast=True)


class BackpropRequest(BaseModel):
    """One sample: its raw input and its class (or target value for regression)."""

    model_config = STRICT
    input: Point = Field(..., examples=[[1, -1]])
    target: Float = Field(..., examples=[0])


class ChainStart(BaseModel):
    """A node of the network's graph: half "a" is neuron ``index``'s linear input a(layer), half "h" its output
    h(layer) (layer 0 is the input x, the last layer the output y); counted from 0 here, from 1 on the page."""

    model_config = STRICT
    half: Literal["a", "h"]
    layer: Int = Field(..., ge=0, le=1000)
    index: Int = Field(..., ge=0, le=100_000)


class WalkthroughRequest(BackpropRequest):
    """One sample, and what the step-by-step page shows: the walk-through's step (remembered for the lesson's
    check) and the node whose chain-rule paths to the loss it lists."""

    step: Int | None = Field(None, ge=0, le=1000, description="The walk-through's step shown now, from 0.")
    paths_from: ChainStart | None = Field(None, description="List every path from this node to the loss (eq. 3.19).")


class SweepRequest(BaseModel):
    """Hidden-layer widths to compare on the session's data, and how long to train each."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"widths": [1, 2, 4, 8], "epochs": 300}]})
    widths: list[bounded_int(ge=1)] = Field(..., min_length=1)
    epochs: Int = Field(300, ge=1)


class ExperimentRequest(BaseModel):
    """Deep k x width against shallow 1 x m at equal parameter counts, for each depth k."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"width": 8, "depths": [1, 2, 3, 4],
                                                                               "epochs": 150}]})
    width: Int = Field(8, ge=1, description="Neurons per layer of the deep networks.")
    depths: list[bounded_int(ge=1)] = Field(default_factory=lambda: [1, 2, 3, 4], min_length=1)
    epochs: Int = Field(150, ge=1)


class ImportRequest(BaseModel):
    """A document made by GET /api/sessions/{id}/model."""

    document: dict[str, Any]
