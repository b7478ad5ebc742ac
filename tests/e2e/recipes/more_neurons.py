"""Lesson 3, more neurons: what a student does for each task, through the page alone."""

import re

from tests.e2e.lesson_pages import LessonPage
from tests.e2e.recipes import recipe

LESSON = "more-neurons"


def grow_first_layer_to(lesson: LessonPage, units: int) -> None:
    """Press the first hidden layer's "+" (its group is labelled h1) until it has ``units`` neurons."""
    page = lesson.page
    while lesson.config("hidden_layers[0]") < units:
        before = lesson.config("hidden_layers[0]")
        page.locator(".nn-col-ctrl[aria-label='h1'] .nn-units .nn-btn").last.click()
        page.wait_for_function(f"window.nnplay.config.hidden_layers[0] > {before}"
                               " && !document.querySelector('#network').inert", timeout=10000)


def run_sweep(lesson: LessonPage) -> dict[int, float]:
    """Press the sweep's button, wait for its maps, and read each caption: {neurons: test accuracy %}."""
    page = lesson.page
    page.click(".sw-run")
    page.wait_for_selector(".sw-maps figcaption", timeout=60000)
    read = {}
    for caption in page.locator(".sw-maps figcaption").all_inner_texts():  # "3 neurons: test accuracy 99% (13 ...)"
        width, accuracy = re.match(r"(\d+)\D+?(\d+)%", caption).groups()
        read[int(width)] = float(accuracy)
    return read


@recipe(LESSON, 0)
def smallest_width_that_closes_the_disc(lesson: LessonPage) -> None:
    read = run_sweep(lesson)
    smallest = min(width for width, accuracy in read.items() if accuracy >= 95)
    choices = lesson.page.locator("input[name='task-0-choice']")
    widths = sorted(read)  # the choices list the sweep's widths in order
    assert choices.count() == len(widths)
    choices.nth(widths.index(smallest)).check()


@recipe(LESSON, 1)
def build_just_enough_neurons(lesson: LessonPage) -> None:
    grow_first_layer_to(lesson, 3)
    assert lesson.play_until("parseFloat(document.querySelector('#test_accuracy').textContent) >= 96", timeout=60000)
