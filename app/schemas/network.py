"""Answers that show the inside of a session's network: its weights, every node's value, one backward
pass, the gradient check and the heatmap grids. Numbers are float32 unless the session's dtype is float64
(the gradient check always works in float64); a value that overflowed is null."""

from typing import Literal

from pydantic import Field

from app.schemas.answer import FLOAT64_NUMBERS, NETWORK_NUMBERS, Answer, Matrix, Number, Vector
from app.schemas.data import DOMAIN

FEATURES = "The network's input features, in order."


class LayerWeightsOut(Answer):
    """One layer k: W(k) (units k x units k-1), b(k) and its activation."""

    units: int
    activation: str
    W: Matrix = Field(..., description=NETWORK_NUMBERS)
    b: Vector = Field(..., description=NETWORK_NUMBERS)


class Weights(Answer):
    """Every layer's parameters, first hidden layer first, the output layer last."""

    features: list[str] = Field(..., description=FEATURES)
    layers: list[LayerWeightsOut]


class WeightEdited(Answer):
    """The weight was changed."""

    ok: Literal[True] = True


class LayerValues(Answer):
    """One layer's linear inputs a(k) = W h(k-1) + b and outputs h(k) = g(a(k)), one row per input."""

    a: Matrix = Field(..., description=NETWORK_NUMBERS)
    h: Matrix = Field(..., description=NETWORK_NUMBERS)


class NodeValues(Answer):
    """Every node's value for each input row (eq. 3.1-3.2 layer by layer)."""

    features: list[str] = Field(..., description=FEATURES)
    inputs: Matrix = Field(..., description="The feature values of each input row. " + NETWORK_NUMBERS)
    layers: list[LayerValues]
    output: Matrix = Field(..., description="The network's output y for each row (the last layer's h).")


class ForwardPass(Answer):
    """One sample's forward pass: its features, and each layer's a(k) and h(k)."""

    inputs: Vector = Field(..., description=NETWORK_NUMBERS)
    a: list[Vector]
    h: list[Vector]


class LayerGradients(Answer):
    """dJ/dW(k) and dJ/db(k) of one layer."""

    W: Matrix = Field(..., description=NETWORK_NUMBERS)
    b: Vector = Field(..., description=NETWORK_NUMBERS)


class WalkthroughStep(Answer):
    """One step of the walk-through, in the chapter's order: its kind, equations and layer (from 1)."""

    kind: str
    eq: str
    layer: int | None


class ChainPath(Answer):
    """One path from a node to the loss: its nodes [half, layer, index], each edge's local derivative, their
    product."""

    nodes: list[list[str | int]]
    factors: Vector
    product: Number


class ChainPaths(Answer):
    """The chain rule at one node (eq. 3.19): every path to the loss, their sum, and backpropagation's value."""

    start: list[str | int]
    count: int
    paths: list[ChainPath] | None = Field(..., description="Null for a softmax output or too many paths.")
    sum: Number
    backprop: Number


class BackwardPass(Answer):
    """One sample's backward pass (eq. 3.15-3.27)."""

    loss: Number = Field(..., description="The sample's loss (with the weight penalty). " + NETWORK_NUMBERS)
    forward: ForwardPass
    grad_output: Vector = Field(..., description="dl/dy at the output. " + NETWORK_NUMBERS)
    deltas: list[Vector] = Field(..., description="Each layer's delta(k) = dl/da(k). " + NETWORK_NUMBERS)
    grad_h: list[Vector] = Field(..., description="Each layer's dl/dh(k). " + NETWORK_NUMBERS)
    grad_input: Vector = Field(..., description="dl/dx at the input (eq. 3.21 once more). " + NETWORK_NUMBERS)
    g_prime: list[Vector | None] = Field(..., description="Each layer's g'(a(k)); null for softmax.")
    gradients: list[LayerGradients]
    chapter_delta: Vector | None = Field(..., description="Eq. 3.18 as printed, -(e(c) - y); null for regression. "
                                         "It equals deltas[-1] only when the loss is paired with its output.")
    learning_rate: Number
    updated: list[LayerGradients] = Field(..., description="W - alpha grad W and b - alpha grad b (eq. 3.11).")
    steps: list[WalkthroughStep]
    reached: int | None = Field(..., description="The furthest walk-through step shown for this sample, from 0.")
    paths: ChainPaths | None = None


class LayerGradientCheck(Answer):
    """One layer's gradients by backpropagation next to central finite differences."""

    W: Matrix = Field(..., description="dJ/dW by backpropagation. " + FLOAT64_NUMBERS)
    W_numeric: Matrix = Field(..., description="dJ/dW by finite differences. " + FLOAT64_NUMBERS)
    b: Vector = Field(..., description="dJ/db by backpropagation. " + FLOAT64_NUMBERS)
    b_numeric: Vector = Field(..., description="dJ/db by finite differences. " + FLOAT64_NUMBERS)
    max_difference: Number = Field(..., description="The largest absolute difference in this layer.")


class GradientCheck(Answer):
    """Backpropagation checked by finite differences on a float64 copy of the network."""

    layers: list[LayerGradientCheck]
    max_difference: Number = Field(..., description="The largest absolute difference of all layers.")


UnitMap = Matrix | Vector
"""One neuron's map: R rows of R values over the domain (x2 over rows), or R values for 1-D data; null
where a value overflowed."""


class Grid(Answer):
    """The input features and every neuron's output h on a resolution x resolution grid over the domain
    (resolution points in 1-D), rounded to 5 decimals."""

    resolution: int
    domain: list[list[float]] = Field(..., description=DOMAIN)
    inputs: list[UnitMap] = Field(..., description="One map per input feature.")
    layers: list[list[UnitMap]] = Field(
        ..., description="Per layer, one map per neuron; the last layer is the output. " + NETWORK_NUMBERS)
