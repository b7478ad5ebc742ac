"""The catalogue's answer: what a session config can choose from, as the engine's registries describe it."""

from pydantic import Field

from app.schemas.answer import Answer
from app.schemas.session import SessionConfig


class Bilingual(Answer):
    """A sentence in English and Chinese."""

    en: str
    zh: str


class Named(Answer):
    """A registry entry that is only a name and what it does."""

    name: str
    description: str


class ActivationInfo(Named):
    """An activation function of Table 3-1 (and a few more)."""

    output_range: list[float | None] = Field(..., description="[low, high]; null for an unbounded side.")
    surrogate_derivative: bool = Field(..., description="Training uses a stand-in for its derivative (step, sign).")
    output_only: bool = Field(..., description="Only allowed on the output layer (softmax).")


class LossInfo(Named):
    """A loss function and the output activations it goes with."""

    canonical_output: str = Field(..., description="The output activation it pairs with (output delta y - target).")
    allowed_outputs: list[str]
    task: str = Field(..., description="classification or regression")


class FeatureInfo(Named):
    """An input feature computed from the raw coordinates."""

    label: str = Field(..., description="How the page writes it, e.g. X₁.")
    required_columns: int = Field(..., description="Raw coordinates it needs: 1 (x1 only) or 2.")


class DatasetParam(Named):
    """An extra setting of a dataset generator (DataConfig.params)."""

    type: str = Field(..., description="int or str")
    default: int | str
    min: int | None
    max: int | None


class DatasetInfo(Named):
    """A dataset generator."""

    task: str = Field(..., description="classification or regression")
    dims: int = Field(..., description="Raw input coordinates: 2, or 1 for functions y = f(x).")
    params: list[DatasetParam]


class Preset(Answer):
    """A named starting point."""

    name: str
    title: Bilingual
    description: Bilingual
    config: SessionConfig = Field(..., description="The full config, defaults filled in.")


class Catalogue(Answer):
    """Everything a session config can choose from, in a stable order."""

    activations: list[ActivationInfo]
    losses: list[LossInfo]
    optimizers: list[Named]
    regularizers: list[Named]
    initializers: list[Named]
    features: list[FeatureInfo]
    datasets: list[DatasetInfo]
    presets: list[Preset]
