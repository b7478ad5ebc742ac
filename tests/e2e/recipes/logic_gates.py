"""Lesson 2, logic gates and XOR: what a student does for each task, through the page alone."""

from tests.e2e.lesson_pages import LessonPage
from tests.e2e.recipes import recipe

LESSON = "logic-gates"
ALL_RIGHT = "document.querySelector('#train_accuracy').textContent === '100.0%'"
PATIENCE_MS = 15000  # how long a student watches a start before pressing "New weights" (the text says to)
STARTS = 6  # starts tried; over seeds 0..19, 18 of 20 learn XOR within 1000 epochs


def shrink_first_layer_to(lesson: LessonPage, units: int) -> None:
    """Press the first hidden layer's "−" until it has ``units`` neurons."""
    page = lesson.page
    while lesson.config("hidden_layers[0]") > units:
        before = lesson.config("hidden_layers[0]")
        page.locator(".nn-col-ctrl[aria-label='h1'] .nn-units .nn-btn").first.click()  # the layer's "−"
        page.wait_for_function(f"window.nnplay.config.hidden_layers[0] < {before}"
                               " && !document.querySelector('#network').inert", timeout=10000)


def load_fig_3_7(lesson: LessonPage) -> None:
    """Press the button that loads Fig. 3-7's network; wait for its picture of the hidden regions."""
    lesson.page.click(".ld-load")
    lesson.page.wait_for_selector(".ld-table tbody tr", timeout=15000)


def train_one_neuron(lesson: LessonPage, dataset: str) -> None:
    """Choose the gate's data set (no hidden layer, as the lesson starts) and play until every point is right."""
    if dataset != lesson.config("data.name"):
        lesson.choose_dataset(dataset)
    assert lesson.config("hidden_layers") == []
    assert lesson.play_until(ALL_RIGHT), f"one neuron did not learn {dataset}"


@recipe(LESSON, 0)
def or_with_one_neuron(lesson: LessonPage) -> None:
    train_one_neuron(lesson, "or")


@recipe(LESSON, 1)
def xor_with_two_hidden_neurons(lesson: LessonPage) -> None:
    """XOR, one hidden layer (the "+" adds one of 4 neurons; "−" twice), Play; on a stuck start, New weights."""
    lesson.choose_dataset("xor_gate")
    lesson.add_hidden_layer()
    shrink_first_layer_to(lesson, 2)
    for _ in range(STARTS):
        if lesson.play_until(ALL_RIGHT, timeout=PATIENCE_MS):
            return
        lesson.new_weights()
    raise AssertionError(f"XOR not learnt from {STARTS} starts")


@recipe(LESSON, 2)
def fig_3_7_computes_xor(lesson: LessonPage) -> None:
    load_fig_3_7(lesson)


@recipe(LESSON, 3)
def hidden_pairs_at_the_corners(lesson: LessonPage) -> None:
    """Read (h1, h2) at the four corners from the figure's table and pick the answer it supports."""
    load_fig_3_7(lesson)
    rows = lesson.page.locator(".ld-table tbody tr").all_inner_texts()
    pairs = {row.split("\t")[0]: row.split("\t")[1] for row in rows}
    assert pairs["(0, 0)"] == pairs["(1, 1)"] == "(−1, −1)", pairs
    assert pairs["(0, 1)"] == "(+1, −1)" and pairs["(1, 0)"] == "(−1, +1)", pairs
    lesson.choose(3, 1)


@recipe(LESSON, 4)
def not_x1_and_x2_with_one_neuron(lesson: LessonPage) -> None:
    train_one_neuron(lesson, "not_x1_and_x2")


@recipe(LESSON, 5)
def x1_and_not_x2_with_one_neuron(lesson: LessonPage) -> None:
    train_one_neuron(lesson, "x1_and_not_x2")
