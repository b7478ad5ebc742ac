"""A class challenge checked on a student's network: its loss and accuracy on the challenge's own test set (data
set, noise, number of points and a seed the students never see, so no one can train on it), its size and its
input features, against the challenge's goal."""

import numpy as np

from app.host.session import Session
from engine import datasets


def check(session: Session, spec: dict) -> dict:
    """The network as it is now, measured on the challenge's test set. ``eligible`` when the network keeps the
    challenge's rules (at most ``max_params`` parameters, only the ``features`` allowed): only then does its loss
    count; ``passed`` when it is eligible and its test loss is below the goal; ``reasons`` says what fails (or why
    it cannot be measured: a network for another task)."""
    test = datasets.generate(spec["dataset"], n_points=spec["n_points"], noise=spec["noise"], seed=spec["seed"])
    with session.lock:
        model, features = session.model, list(session.feature_names)
        n_params = int(model.n_params)
        try:
            X = session.feature_map.transform(test.X, dtype=model.dtype)
            y = test.y if test.task == "classification" else test.y.astype(model.dtype)
            with np.errstate(all="ignore"):
                measured = model.evaluate(X, y)
        except ValueError as exc:  # another input dimension, number of classes or task
            return {"test_loss": None, "test_accuracy": None, "n_params": n_params, "features": features,
                    "passed": False, "eligible": False,
                    "reasons": [f"this network cannot be measured on the challenge's data: {exc}"]}
    loss = float(measured["loss"]) if np.isfinite(measured["loss"]) else None
    accuracy = measured.get("accuracy")
    rules = []  # what the network itself breaks: then its loss does not count for the leaderboard either
    if spec.get("max_params") is not None and n_params > spec["max_params"]:
        rules.append(f"{n_params} parameters, at most {spec['max_params']} allowed")
    extra = sorted(set(features) - set(spec["features"])) if spec.get("features") is not None else []
    if extra:
        rules.append(f"features not allowed: {', '.join(extra)}")
    goal = [] if loss is not None and loss < spec["goal_test_loss"] else [
        f"test loss {'overflows' if loss is None else f'{loss:.4g}'}, the goal is below {spec['goal_test_loss']:g}"]
    return {"test_loss": loss, "test_accuracy": None if accuracy is None else float(accuracy), "n_params": n_params,
            "features": features, "passed": not rules and not goal, "eligible": not rules, "reasons": goal + rules}
