"""What a student does for each lesson task, following the task's text, through the page alone.

One module per lesson (named as app/web/lessons/ names it) registers its recipes with ``@recipe(lesson_id,
task)``: a function of a tests.e2e.lesson_pages.LessonPage that does the task and leaves the page ready for
Check (the runner presses Check and asserts it passes). A recipe may press "New weights" when the lesson's
text tells the student to do so on a start that gets stuck, never anything a student could not do."""

import importlib
import pkgutil
from collections.abc import Callable

RECIPES: dict[tuple[str, int], Callable] = {}


def recipe(lesson_id: str, task: int):
    """Register the decorated function as the recipe of task ``task`` (from 0) of lesson ``lesson_id``."""

    def register(function: Callable) -> Callable:
        key = (lesson_id, task)
        assert key not in RECIPES, f"two recipes for {key}"
        RECIPES[key] = function
        return function

    return register


def load_all() -> dict[tuple[str, int], Callable]:
    """Import every recipe module; the registry."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return RECIPES
