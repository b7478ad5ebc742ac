"""Conditions of the surface lessons' tasks (merged into app/host/lesson_checks.py's CONDITIONS): each a function
(session, value) -> (passed, measured), run with the session's lock held."""

from collections.abc import Callable

from app.host.session import Session


def _descent_stops_below(session: Session, value: dict) -> tuple[bool, object]:
    """With the session's learning rate as alpha, every path from ``value["starts"]`` reaches J <= epsilon (the
    chapter's loss threshold) within ``value["within"]`` steps. Measured: the step each path stopped at (None
    for a path that never got there in the figure's step count)."""
    from engine import surface

    stopped = [surface.descent_path(value["model"], start, session.config.learning_rate, value["steps"],
                                    value["epsilon"])["stopped"] for start in value["starts"]]
    return all(step is not None and step <= value["within"] for step in stopped), stopped


CONDITIONS: dict[str, Callable[[Session, object], tuple[bool, object]]] = {
    "descent_stops_below": _descent_stops_below,
}
