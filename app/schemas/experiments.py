"""Answers of the comparisons run on a session's data: the width sweep, random weight samples and the
deep-versus-shallow experiment. Their networks are fresh engine networks in the session's dtype, so their
numbers are float32 unless the session's dtype is float64; a loss or map value that overflowed is null."""


from pydantic import Field

from app.schemas.answer import Answer, Number
from app.schemas.network import UnitMap
from app.schemas.status import JobStatus, TrainStatus

TASK = "classification or regression (the session's data)"
OUTPUT_MAP = "The output layer's map per output unit over the data's domain, rounded to 4 decimals."


class WidthResult(Answer):
    """One hidden layer of this width, trained like the session."""

    width: int
    parameters: int
    status: TrainStatus = Field(..., description="How its training ended: completed or diverged.")
    train_loss: Number
    test_loss: Number = Field(..., description="Null without test points.")
    train_accuracy: Number = Field(..., description="Null for regression.")
    test_accuracy: Number = Field(..., description="Null for regression or without test points.")
    output: list[UnitMap] = Field(..., description=OUTPUT_MAP)


class Sweep(Answer):
    """Each width's losses and output map after the same number of epochs."""

    epochs: int
    task: str = Field(..., description=TASK)
    resolution: int = Field(..., description="Side of the output maps.")
    results: list[WidthResult]


class WeightSample(Answer):
    """The session's structure with the initial weights of one seed, untrained."""

    seed: int
    output: list[UnitMap] = Field(..., description=OUTPUT_MAP)


class Samples(Answer):
    """Several functions the same network structure can compute (seeds 1..count)."""

    task: str = Field(..., description=TASK)
    resolution: int = Field(..., description="Side of the output maps.")
    results: list[WeightSample]


class PlannedPair(Answer):
    """A deep k x width network and the shallow 1 x m one with about as many parameters."""

    depth: int
    deep: list[int] = Field(..., description="Hidden layer sizes of the deep network.")
    deep_parameters: int
    shallow: list[int] = Field(..., description="The shallow network's one hidden layer size.")
    shallow_parameters: int


class LearningCurve(Answer):
    """Test loss (training loss without test points) at up to 100 epochs."""

    epoch: list[int]
    loss: list[float | None]


class TrainedNetwork(Answer):
    """One network of a pair after training."""

    layers: list[int]
    parameters: int
    loss: Number = Field(..., description="Final test loss (training loss without test points).")
    error: Number = Field(..., description="1 - accuracy; null for regression.")
    curve: LearningCurve


class PairResult(Answer):
    """A finished pair."""

    depth: int
    deep: TrainedNetwork
    shallow: TrainedNetwork


class ExperimentReport(Answer):
    """Where the deep-versus-shallow comparison (Table 3-2) stands."""

    status: JobStatus
    message: str = Field(..., description="Why it was cancelled, stopped at the time limit or failed; empty otherwise.")
    progress: float = Field(..., description="0 to 1.")
    task: str = Field(..., description=TASK)
    epochs: int
    plan: list[PlannedPair]
    rows: list[PairResult] = Field(..., description="The pairs finished so far, in the plan's order.")
    seconds: float = Field(..., description="Time since it started.")
