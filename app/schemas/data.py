"""Answers about a session's data: its points (split into train and test) and its loss history."""

from pydantic import Field

from app.schemas.answer import Answer

DOMAIN = "The region the data lives in: [[x1 low, x1 high], [x2 low, x2 high]] (one pair for 1-D data)."


class Points(Answer):
    """Points as rows of raw coordinates (float64) and one label or target per row."""

    X: list[list[float]] = Field(..., description="Rows of (x1, x2), or (x,) for 1-D data.")
    y: list[int] | list[float] = Field(..., description="The class of each row (from 0), or its target value.")


class DataView(Answer):
    """A dataset as the page draws it."""

    task: str = Field(..., description="classification or regression")
    n_classes: int | None = Field(..., description="Null for regression.")
    domain: list[list[float]] = Field(..., description=DOMAIN)
    train: Points
    test: Points


class DataPreview(DataView):
    """The points a data config gives, before any session exists."""

    name: str = Field(..., description="The dataset's name ('custom' for the user's own points).")


class LossHistory(Answer):
    """One entry per epoch since the last reset (the most recent 20,000), oldest first, in parallel lists.
    Losses and accuracies are float32 unless the session's dtype is float64; null where a value overflowed."""

    epoch: list[int]
    train_loss: list[float | None]
    test_loss: list[float | None] = Field(..., description="Null when the session has no test points.")
    train_accuracy: list[float | None] = Field(..., description="Null for regression.")
    test_accuracy: list[float | None] = Field(..., description="Null for regression or without test points.")
