"""Request and response bodies for training over REST: how long, until what, and how it ended."""

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.schemas.answer import NETWORK_DTYPE, NETWORK_NUMBERS, Answer
from app.schemas.session import SessionMetrics
from app.schemas.status import TrainStatus
from app.schemas.types import Float, Int


def _one_rule_at_least(schema: dict) -> None:
    """StopRule's schema: at least one rule, and no `default: null` on fields that must be numbers."""
    schema["minProperties"] = 1
    schema["examples"] = [{"train_loss_below": 0.05, "test_accuracy_at_least": 0.9}]
    for field in schema["properties"].values():
        field.pop("default", None)


class StopRule(BaseModel):
    """A goal: training stops at the end of the first epoch where every rule given holds (AND).

    Checked on the metrics each epoch computes anyway (the whole training set, and the test set), so
    at least one epoch runs. Test rules need a test set (train_ratio < 1); accuracy rules need classes.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, json_schema_extra=_one_rule_at_least)
    # A rule left out is no rule; null is not a number (the schema says number, and so does the check).
    train_loss_below: Float = Field(None, gt=0, description="Stop once the training loss J is below this.")
    test_loss_below: Float = Field(None, gt=0, description="Stop once the test loss is below this.")
    train_accuracy_at_least: Float = Field(None, gt=0, le=1,
                                           description="Stop once this fraction of training points is right.")
    test_accuracy_at_least: Float = Field(None, gt=0, le=1,
                                          description="Stop once this fraction of test points is right.")

    @model_validator(mode="after")
    def _at_least_one(self) -> "StopRule":
        if not self.rules():
            raise ValueError("give at least one rule: train_loss_below, test_loss_below, train_accuracy_at_least "
                             "or test_accuracy_at_least")
        return self

    def rules(self) -> dict[str, float]:
        """The rules given, as plain data (what the session host receives)."""
        return self.model_dump(exclude_none=True)


class TrainRequest(BaseModel):
    """Train for a number of epochs (bounded by the server's per-call limits), or until a goal is reached."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, json_schema_extra={"examples": [
        {"epochs": 200}, {"epochs": 2000, "until": {"test_accuracy_at_least": 0.9}}]})
    # Its maximum is the server's max_epochs_per_call (app/web/api/openapi.py writes it into the schema).
    epochs: Int = Field(..., ge=1, description="The most epochs to run in this call.")
    until: StopRule | None = Field(None, description="Stop earlier, once every rule given here holds.")


class TrainHistory(Answer):
    """Per-epoch values, one entry per epoch run (None where a value does not apply, e.g. no test set)."""

    epoch: list[int]
    # Finite: an epoch whose loss is not ends the call as diverged and is not listed (engine/training.py).
    train_loss: list[float] = Field(..., description="J on the training set after each epoch. " + NETWORK_DTYPE)
    test_loss: list[float | None] = Field(..., description="Loss on the test set. " + NETWORK_DTYPE)
    train_accuracy: list[float | None] = Field(..., description="Fraction of training points right (classes only).")
    test_accuracy: list[float | None] = Field(..., description="Fraction of test points right (classes only).")


class StepResult(Answer):
    """How a training call ended and where training stands now."""

    status: TrainStatus = Field(..., description="completed, goal_reached, time_limit or diverged.")
    message: str = Field("", description="A sentence saying how it ended.")
    epochs_run: int = Field(..., description="Epochs run in this call.")
    metrics: SessionMetrics = Field(..., description="Where training stands now, on the whole sets. " + NETWORK_NUMBERS)


class TrainResult(StepResult):
    """How a training call ended, the metrics now and the history of this call's epochs."""

    history: TrainHistory
