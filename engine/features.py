"""Input features: the columns the network sees, computed from the raw points.

TensorFlow Playground lets a student feed X₁, X₂, their squares, their product and
their sines into the first layer. A :class:`FeatureMap` is that choice: it turns raw
points of shape (n, 2) - or (n, 1) for 1-D data - into the network's input matrix
of shape (n, n_features).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

# A feature function writes into ``out`` when given one, so that FeatureMap.transform
# can fill its single output matrix without a temporary array per column.
FeatureFn = Callable[..., np.ndarray]


@dataclass(frozen=True)
class Feature:
    """One input feature: a named function of the raw input columns."""

    name: str
    label: str
    description: str
    fn: FeatureFn
    required_columns: int


def _column(j: int) -> FeatureFn:
    def fn(X: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        return np.positive(X[:, j], out=out)

    return fn


def _square(j: int) -> FeatureFn:
    def fn(X: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        return np.multiply(X[:, j], X[:, j], out=out)

    return fn


def _sine(j: int) -> FeatureFn:
    def fn(X: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        return np.sin(X[:, j], out=out)

    return fn


def _product(X: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.multiply(X[:, 0], X[:, 1], out=out)


_FEATURE_LIST = (
    Feature("x1", "X₁", "The first input coordinate.", _column(0), 1),
    Feature("x2", "X₂", "The second input coordinate.", _column(1), 2),
    Feature("x1^2", "X₁²", "The first coordinate squared.", _square(0), 1),
    Feature("x2^2", "X₂²", "The second coordinate squared.", _square(1), 2),
    Feature("x1*x2", "X₁X₂", "The product of the two coordinates.", _product, 2),
    Feature("sin(x1)", "sin(X₁)", "The sine of the first coordinate.", _sine(0), 1),
    Feature("sin(x2)", "sin(X₂)", "The sine of the second coordinate.", _sine(1), 2),
)

FEATURES: dict[str, Feature] = {feature.name: feature for feature in _FEATURE_LIST}


def get(name: str) -> Feature:
    """Return the feature called ``name``; raise ValueError naming the valid ones."""
    try:
        return FEATURES[name]
    except (KeyError, TypeError):
        valid = ", ".join(FEATURES)
        raise ValueError(f"unknown feature {name!r}; valid features are: {valid}") from None


def describe() -> list[dict]:
    """Name, label, description and required input columns of each feature, in registry order."""
    return [
        {
            "name": feature.name,
            "label": feature.label,
            "description": feature.description,
            "required_columns": feature.required_columns,
        }
        for feature in FEATURES.values()
    ]


class FeatureMap:
    """An ordered choice of features: raw points (n, d) -> network inputs (n, n_features)."""

    def __init__(self, names: Sequence[str]) -> None:
        if isinstance(names, str):
            # A bare string would otherwise be read as a sequence of one-letter names.
            raise ValueError("feature names must be a list of names, not a single string")
        names = list(names)
        if not names:
            raise ValueError("choose at least one input feature")
        seen: set[str] = set()
        for name in names:
            get(name)
            if name in seen:
                raise ValueError(f"feature {name!r} is chosen twice")
            seen.add(name)
        self._features = tuple(FEATURES[name] for name in names)

    @property
    def names(self) -> list[str]:
        """The chosen feature names, in input-column order."""
        return [feature.name for feature in self._features]

    @property
    def n_features(self) -> int:
        """How many columns transform() produces: the network's input dimension."""
        return len(self._features)

    @property
    def required_columns(self) -> int:
        """How many raw input columns the chosen features read (1 or 2)."""
        return max(feature.required_columns for feature in self._features)

    def transform(self, X: np.ndarray, dtype: np.dtype | type | None = None) -> np.ndarray:
        """Compute the feature matrix (n, n_features) for raw points X of shape (n, d).

        ``dtype`` defaults to X's float dtype (float64 for integer input). The result is
        one freshly allocated array filled column by column, because this runs on a
        200x200 heatmap grid every frame.
        """
        X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(f"X must be a 2-D array of shape (n, columns), got shape {X.shape}")
        if X.shape[1] < self.required_columns:
            needy = [f.name for f in self._features if f.required_columns > X.shape[1]]
            raise ValueError(
                f"features {', '.join(needy)} need {self.required_columns} input columns, "
                f"but the data has {X.shape[1]}"
            )
        if not np.issubdtype(X.dtype, np.floating):
            X = X.astype(np.float64)
        out = np.empty((X.shape[0], self.n_features), dtype=X.dtype if dtype is None else dtype)
        for j, feature in enumerate(self._features):
            feature.fn(X, out=out[:, j])
        return out

    def to_dict(self) -> dict:
        """A JSON-friendly form: just the names list."""
        return {"names": self.names}

    @classmethod
    def from_dict(cls, data: dict) -> FeatureMap:
        """Rebuild a FeatureMap from to_dict() output."""
        if not isinstance(data, dict) or "names" not in data:
            raise ValueError("a feature map needs a 'names' list")
        return cls(data["names"])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FeatureMap) and self.names == other.names

    def __hash__(self) -> int:
        return hash(tuple(self.names))

    def __repr__(self) -> str:
        return f"FeatureMap({self.names!r})"
