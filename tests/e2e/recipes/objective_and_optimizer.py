"""Lesson 7, objective and optimizer: what a student does for each task, through the page alone."""

import re

from tests.e2e.lesson_pages import LessonPage
from tests.e2e.recipes import recipe

LESSON = "objective-and-optimizer"



def facts(lesson: LessonPage) -> str:
    """What the figure says about the two paths."""
    return lesson.page.locator(".sv-facts").inner_text()


def set_alpha(lesson: LessonPage, exponent: float) -> None:
    """Move the step-size slider to alpha = 10^exponent (the slider is logarithmic) and wait until the figure
    has redrawn the paths for it."""
    page = lesson.page
    page.wait_for_function("(document.querySelector('.sv-facts')?.textContent ?? '') !== ''", timeout=10000)
    alpha = round(10 ** exponent, 1 - int(f"{10 ** exponent:e}".split("e")[1]))  # two significant digits
    page.locator(".sv-facts").evaluate("(el) => el.replaceChildren()")  # so that the wait sees the new paths
    slider = page.locator(".sv-alpha")
    slider.fill(str(exponent))
    slider.dispatch_event("change")
    page.wait_for_function(f"window.nnplay.config.learning_rate === {alpha}", timeout=10000)
    page.wait_for_function("(document.querySelector('.sv-facts')?.textContent ?? '') !== ''", timeout=10000)


def set_epsilon(lesson: LessonPage, epsilon: float) -> None:
    """Choose the threshold epsilon and wait until the figure has redrawn the paths."""
    page = lesson.page
    page.wait_for_function("(document.querySelector('.sv-facts')?.textContent ?? '') !== ''", timeout=10000)
    page.locator(".sv-facts").evaluate("(el) => el.replaceChildren()")
    page.select_option(".sv-epsilon", str(epsilon))
    page.wait_for_function("(document.querySelector('.sv-facts')?.textContent ?? '') !== ''", timeout=10000)


@recipe(LESSON, 0)
def both_paths_reach_the_bottom(lesson: LessonPage) -> None:
    set_alpha(lesson, 0)  # alpha = 1
    assert "J = 0.023" in facts(lesson), facts(lesson)  # both at the bottom, J_min = 0.0231


@recipe(LESSON, 1)
def the_path_from_a_diverges(lesson: LessonPage) -> None:
    for exponent in (0, 0.2, 0.4):  # the student raises alpha until the figure says the path diverged
        set_alpha(lesson, exponent)
        if "发散" in facts(lesson) or "diverged" in facts(lesson):
            return
    raise AssertionError(f"no divergence shown: {facts(lesson)}")


@recipe(LESSON, 2)
def stop_on_the_threshold_within_six_steps(lesson: LessonPage) -> None:
    set_epsilon(lesson, 0.05)
    for exponent in (-1, -0.5, 0):  # the student raises alpha until both paths stop within 6 steps
        set_alpha(lesson, exponent)
        lines = facts(lesson).splitlines()
        steps = [int(re.search(r"(\d+) ?(?:steps|步)", line).group(1)) for line in lines]
        if all(("stopped" in line or "停止" in line) for line in lines) and max(steps) <= 6:
            return
    raise AssertionError(f"the paths do not stop within 6 steps: {facts(lesson)}")


@recipe(LESSON, 3)
def cross_entropy_of_three_classes(lesson: LessonPage) -> None:
    lesson.choose(3, 1)  # l = -log y_c with c the second class


@recipe(LESSON, 4)
def count_the_gradients_entries(lesson: LessonPage) -> None:
    lesson.choose(4, 2)  # 2x2 + 2 + 2x2 + 2 + 2x2 + 2 = 18
