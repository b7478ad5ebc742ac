"""Lesson 8, backpropagation: what a student does for each task, through the page alone."""

from tests.e2e.lesson_pages import LessonPage
from tests.e2e.recipes import recipe

LESSON = "backpropagation"



def choose_start(lesson: LessonPage, name: str) -> None:
    """Choose the chain-rule figure's start node by the name it shows, and wait for its paths to be listed."""
    lesson.page.wait_for_selector(".cr-start option", state="attached", timeout=10000)
    lesson.page.select_option(".cr-start", label=name)
    lesson.page.wait_for_function(f"(document.querySelector('.cr-summary')?.textContent ?? '').includes('{name}')",
                                  timeout=10000)


def step_to_the_end(lesson: LessonPage) -> None:
    """Press "Next step" until it is disabled (the last step), then wait until the page says every step was seen."""
    page = lesson.page
    page.wait_for_selector(".bp-steps li", timeout=10000)
    while page.locator(".bp-next").is_enabled():
        before = page.locator(".bp-position").inner_text()
        page.click(".bp-next")
        page.wait_for_function(f"document.querySelector('.bp-position').textContent !== {before!r}", timeout=10000)
    page.wait_for_selector(".bp-reached[data-done='true']", timeout=10000)


def step_to(lesson: LessonPage, equation: str) -> None:
    """Press "Next step" until the current step cites ``equation``."""
    page = lesson.page
    page.wait_for_selector(".bp-steps li", timeout=10000)
    while equation not in page.locator(".bp-current strong").inner_text():
        before = page.locator(".bp-position").inner_text()
        page.click(".bp-next")
        page.wait_for_function(f"document.querySelector('.bp-position').textContent !== {before!r}", timeout=10000)


@recipe(LESSON, 1)
def count_the_paths(lesson: LessonPage) -> None:
    choose_start(lesson, "h(1)₁")
    count = lesson.page.locator(".cr-table tbody tr").count()  # the student counts the listed paths
    lesson.choose(1, ["1", "2", "4", "8"].index(str(count)))


@recipe(LESSON, 2)
def why_paths_through_y2_are_zero(lesson: LessonPage) -> None:
    choose_start(lesson, "h(1)₁")
    lesson.choose(2, 0)


@recipe(LESSON, 0)
def step_through_to_the_update(lesson: LessonPage) -> None:
    step_to_the_end(lesson)


@recipe(LESSON, 3)
def why_the_deltas_differ(lesson: LessonPage) -> None:
    step_to(lesson, "3.17-3.18")  # the student reads both values at the step delta(3)
    lesson.choose(3, 0)
