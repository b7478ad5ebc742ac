"""Conditions of the surface lessons' tasks (merged into app/host/lesson_checks.py's CONDITIONS): each a function
(session, value) -> (passed, measured), run with the session's lock held."""

from collections.abc import Callable

from app.host.session import Session

CONDITIONS: dict[str, Callable[[Session, object], tuple[bool, object]]] = {}
