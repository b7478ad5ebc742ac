"""Conditions of the backprop lessons' tasks (merged into app/host/lesson_checks.py's CONDITIONS): each a function
(session, value) -> (passed, measured), run with the session's lock held."""

from collections.abc import Callable

from app.host import walkthrough
from app.host.session import Session


def _walked_to_the_update(session: Session, value: dict) -> tuple[bool, object]:
    """The page showed every step of the walk-through for the task's sample, up to the update (eq. 3.11).

    The page reports each step it shows (POST /backprop with its step), so pressing Check without stepping
    finds nothing recorded. Measured: how many steps the learner has gone through (the furthest, from 1)."""
    last = len(walkthrough.steps(len(session.model.layers))) - 1
    furthest = walkthrough.reached(session, value["input"], value["target"])
    seen = 0 if furthest is None else furthest + 1
    return furthest is not None and furthest >= last, seen


CONDITIONS: dict[str, Callable[[Session, object], tuple[bool, object]]] = {
    "walked_to_update": _walked_to_the_update,
}
