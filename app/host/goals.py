"""A training call's goal (`until`: app/schemas/training.py StopRule): the engine's stop predicate, checked on each
epoch's own metrics (no extra pass over the data), and the sentence when it is reached."""

from collections.abc import Callable

from app.core.errors import SessionError

RULES = {"train_loss_below": ("train_loss", "loss", True), "test_loss_below": ("test_loss", "val_loss", True),
         "train_accuracy_at_least": ("train_accuracy", "accuracy", False),
         "test_accuracy_at_least": ("test_accuracy", "val_accuracy", False)}
"""A rule -> (the history key and the engine's per-epoch log it reads, True for "below", False for "at least")."""


def stop_rule(until: dict, session) -> Callable[[dict], bool]:
    """The engine's stop predicate for ``until``: every rule holds at the end of an epoch. SessionError for a rule
    that does not exist, or that the session cannot measure (no test set, no classes)."""
    unknown = set(until) - set(RULES)
    if unknown:
        raise SessionError("goal.unknown", rules=", ".join(sorted(unknown)), known=", ".join(RULES))
    if any(rule.startswith("test_") for rule in until) and not session.test_set.n_points:
        raise SessionError("goal.needs_test_set", rules=", ".join(r for r in until if r.startswith("test_")))
    if any(rule.endswith("accuracy_at_least") for rule in until) and session.dataset.task != "classification":
        raise SessionError("goal.needs_classes")
    checks = [(RULES[rule][1], RULES[rule][2], float(value)) for rule, value in until.items()]

    def reached(logs: dict) -> bool:
        for key, below, value in checks:
            measured = logs.get(key)
            if measured is None or not (measured < value if below else measured >= value):
                return False
        return True

    return reached


def reached_message(until: dict, session) -> str:
    """What a training call that reached its goal says: each rule with the value that met it."""
    parts = []
    for rule, value in until.items():
        key, _, below = RULES[rule]
        parts.append(f"{key} {session.history[key][-1]:.4g} {'<' if below else '>='} {value:g}")
    return f"reached the goal at epoch {session.model.epoch}: " + ", ".join(parts)
