"""Lesson 1, the neuron: what a student does for each task, through the page alone."""

from tests.e2e.lesson_pages import LessonPage
from tests.e2e.recipes import recipe

LESSON = "the-neuron"
ALL_RIGHT = "document.querySelector('#train_accuracy').textContent === '100.0%'"


def set_slider(lesson: LessonPage, name: str, value: float) -> None:
    """Move the w1, w2 or b slider to ``value`` and let it go (its change sets the network's weight), once the
    figure shows the network's weights (the student sees it drawn)."""
    lesson.page.wait_for_function("(document.querySelector('.nv-facts')?.textContent ?? '') !== ''", timeout=10000)
    slider = lesson.page.get_by_label(name, exact=True)
    slider.fill(str(value))
    slider.dispatch_event("change")


@recipe(LESSON, 0)
def and_by_hand(lesson: LessonPage) -> None:
    """w = (1, 1) as it starts; b from -0.5 (OR) to -1.5: only (1, 1) is on the +1 side. The output panel's
    training accuracy on the AND points reaches 100% once the network has the new b."""
    set_slider(lesson, "b", -1.5)
    lesson.page.wait_for_function(ALL_RIGHT, timeout=10000)


@recipe(LESSON, 1)
def sigmoid_reads_as_logistic_regression(lesson: LessonPage) -> None:
    """Set the AND neuron, show the Sigmoid function on the plane at x = (1, 0), read P and pick that answer."""
    page = lesson.page
    set_slider(lesson, "b", -1.5)
    page.select_option(".nv-g", "sigmoid")
    for selector, value in ((".nv-x1", "1"), (".nv-x2", "0")):
        page.fill(selector, value)
        page.dispatch_event(selector, "change")
    page.wait_for_function("(document.querySelector('.nv-p')?.textContent ?? '').includes('0.378')", timeout=10000)
    assert "P(y=1|x) = 0.378" in page.locator(".nv-plane-box svg").text_content()  # what the plane shows at x
    lesson.choose(1, 1)
