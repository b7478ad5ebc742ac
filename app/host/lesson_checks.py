"""A lesson's task is checked on the learner's own session, with numbers from the engine.

A check is a list of conditions; each condition is a registry entry name -> function(session, value)
returning (passed, measured). The page shows every condition with its measured value, so a learner
sees how far they are, not only "not yet".
"""

from collections.abc import Callable

import numpy as np

from app.core.errors import SessionError
from app.host.session import Session


def _metrics(session: Session) -> dict:
    return session.metrics()


def _hidden_layers(session: Session, value: list[int]) -> tuple[bool, object]:
    return session.config.hidden_layers == value, session.config.hidden_layers


def _at_most_hidden_layers(session: Session, value: int) -> tuple[bool, object]:
    return len(session.config.hidden_layers) <= value, len(session.config.hidden_layers)


def _dataset(session: Session, value: str) -> tuple[bool, object]:
    return session.config.data.name == value, session.config.data.name


def _train_accuracy_at_least(session: Session, value: float) -> tuple[bool, object]:
    measured = _metrics(session)["train_accuracy"]
    return measured is not None and measured >= value, measured


def _test_accuracy_at_least(session: Session, value: float) -> tuple[bool, object]:
    measured = _metrics(session)["test_accuracy"]
    return measured is not None and measured >= value, measured


def _train_loss_at_most(session: Session, value: float) -> tuple[bool, object]:
    measured = _metrics(session)["train_loss"]
    return measured is not None and measured <= value, measured


def _outputs_at(session: Session, value: dict) -> tuple[bool, object]:
    """The network's output at an input, rounded to two decimals as the chapter prints it."""
    features = session.feature_map.transform(np.array([value["input"]], dtype=np.float64), dtype=session.model.dtype)
    output = [round(float(v), 2) for v in session.model.predict(features)[0]]
    return output == value["output"], output


def _gradients_match(session: Session, value: dict) -> tuple[bool, object]:
    """Backprop equals finite differences at the lesson's sample (largest difference below the tolerance).
    Data the sample does not fit (e.g. 1-D data for a 2-D sample) is "not yet", with nothing measured."""
    from app.host import gradcheck

    try:
        difference = gradcheck.check(session, value["input"], value["target"])["max_difference"]
    except SessionError:  # inputs.shape or target.class: the learner has left the lesson's data
        return False, None
    return difference <= value["tolerance"], difference


def _descent(session: Session, value: dict) -> dict:
    from engine import surface

    return surface.descent_path(value["model"], value["start"], session.config.learning_rate, value["steps"])


def _descent_diverges(session: Session, value: dict) -> tuple[bool, object]:
    """With the session's learning rate as alpha, the path from the start runs away."""
    diverged = _descent(session, value)["diverged"]
    return diverged, session.config.learning_rate


def _descent_converges(session: Session, value: dict) -> tuple[bool, object]:
    """With the session's learning rate as alpha, the path ends within the given loss of the start's tenth."""
    path = _descent(session, value)
    final = path["path"][-1][2]
    return (not path["diverged"]) and final <= value["at_most"], final


def _experiment_done(session: Session, value: object) -> tuple[bool, object]:
    """The deep-versus-shallow comparison has finished, every pair with matching parameter counts."""
    current = session.experiment
    if current is None:
        return False, "not started"
    report = current.report()
    pairs_match = all(abs(row["deep_parameters"] - row["shallow_parameters"]) <= value for row in report["plan"])
    return report["status"] == "done" and pairs_match, report["status"]


def _answer(session: Session, value: dict) -> tuple[bool, object]:
    """The learner chose the right answer to the task's question (their choice is what was measured)."""
    return value["given"] == value["right"], value["given"]


CONDITIONS: dict[str, Callable[[Session, object], tuple[bool, object]]] = {
    "answer": _answer,
    "dataset": _dataset,
    "hidden_layers": _hidden_layers,
    "at_most_hidden_layers": _at_most_hidden_layers,
    "train_accuracy_at_least": _train_accuracy_at_least,
    "test_accuracy_at_least": _test_accuracy_at_least,
    "train_loss_at_most": _train_loss_at_most,
    "outputs_at": _outputs_at,
    "gradients_match": _gradients_match,
    "descent_diverges": _descent_diverges,
    "descent_converges": _descent_converges,
    "experiment_done": _experiment_done,
}

# Conditions of particular lessons live next to each other in their own modules; one table for every kind.
from app.host import lesson_checks_backprop, lesson_checks_surface  # noqa: E402

for _part in (lesson_checks_backprop, lesson_checks_surface):
    assert not set(_part.CONDITIONS) & set(CONDITIONS), f"{_part.__name__} redefines a condition"
    CONDITIONS.update(_part.CONDITIONS)


def run(session: Session, conditions: list[dict]) -> dict:
    """Evaluate a lesson's conditions on ``session``: {"passed": all passed, "conditions": [...]}."""
    results = []
    with session.lock:
        for condition in conditions:
            passed, measured = CONDITIONS[condition["kind"]](session, condition["value"])
            expected = None if condition["kind"] == "answer" else condition["value"]  # the right answer stays here
            results.append({"kind": condition["kind"], "expected": expected, "measured": measured,
                            "passed": bool(passed)})
    return {"passed": all(r["passed"] for r in results), "conditions": results}
