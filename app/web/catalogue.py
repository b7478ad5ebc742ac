"""Turns the engine's registries into a JSON-friendly description."""

from app.web import presets
from engine import activations, datasets, features, initializers, losses, optimizers, regularizers


def describe() -> dict:
    """Every registry's names and one-line descriptions, in a stable order."""
    return {
        "activations": activations.describe(),
        "losses": losses.describe(),
        "optimizers": optimizers.describe(),
        "regularizers": regularizers.describe(),
        "initializers": initializers.describe(),
        "features": features.describe(),
        "datasets": datasets.describe(),
        "presets": presets.describe(),
    }
