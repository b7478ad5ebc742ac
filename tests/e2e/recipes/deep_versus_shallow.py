"""Lesson 5, deep versus shallow: what a student does for each task, through the page alone."""

from tests.e2e.lesson_pages import LessonPage
from tests.e2e.recipes import recipe

LESSON = "deep-versus-shallow"


def run_experiment(lesson: LessonPage) -> list[list[str]]:
    """Press Run, wait until it is done, and read our table's rows (deep, error, parameters, shallow, error, ...)."""
    page = lesson.page
    page.click(".ex-start")
    page.wait_for_function("document.querySelector('.ex-progress')?.value === 1"
                           " && !document.querySelector('.ex-start').disabled", timeout=120000)
    rows = page.locator(".ex-table").first.locator("tr")
    return [rows.nth(i).locator("td").all_inner_texts() for i in range(1, rows.count())]


@recipe(LESSON, 0)
def run_and_compare(lesson: LessonPage) -> None:
    run_experiment(lesson)


@recipe(LESSON, 1)
def which_network_wins(lesson: LessonPage) -> None:
    rows = [row for row in run_experiment(lesson) if not row[0].startswith("1 ")]  # 2 or more hidden layers
    deep_lower = [float(row[1]) < float(row[4]) for row in rows]
    answer = 1 if all(deep_lower) else 0 if not any(deep_lower) else 2  # the choices, in the lesson's order
    lesson.choose(1, answer)
