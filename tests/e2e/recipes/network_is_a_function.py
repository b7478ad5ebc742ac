"""Lesson 6, a network is a function: what a student does for each task, through the page alone."""

import re

from app.web.lessons.network_is_a_function import FIG_3_13
from tests.e2e.lesson_pages import LessonPage
from tests.e2e.recipes import recipe

LESSON = "network-is-a-function"



def enter_layer(lesson: LessonPage, k: int, layer: dict) -> None:
    """Open layer k's "W, b" matrix editor (the button above its column), type W and b as the figure prints
    them, press Enter, and wait until the page says the numbers were applied."""
    page = lesson.page
    page.locator(".nn-matrix-btn").nth(k - 1).click()
    editor = page.locator(".nn-matrix")
    editor.wait_for(state="visible", timeout=10000)
    for row, (weights, bias) in enumerate(zip(layer["W"], layer["b"], strict=True)):
        for col, value in enumerate(weights):
            editor.locator(f"input[data-row='{row}'][data-col='{col}']").fill(str(value))
        editor.locator(f"input[data-row='{row}'][data-col='b']").fill(str(bias))
    editor.locator("input").last.press("Enter")
    page.wait_for_function("(document.querySelector('.nn-matrix .mx-status')?.textContent ?? '') !== ''",
                           timeout=10000)
    page.wait_for_function("!document.querySelector('#network').inert", timeout=10000)


def enter_fig_3_13(lesson: LessonPage) -> None:
    """Type Fig. 3-13's three layers into the network diagram's matrix editors."""
    for k, layer in enumerate(FIG_3_13["layers"], start=1):
        enter_layer(lesson, k, layer)


def node_values(lesson: LessonPage, x: tuple[float, float]) -> str:
    """Type x into the figure's input boxes, press "Show every node's value", and read what it lists."""
    page = lesson.page
    page.locator(".nd-layers").evaluate("(el) => el.replaceChildren()")  # so that the wait sees the new values
    page.fill(".nd-x1", str(x[0]))
    page.fill(".nd-x2", str(x[1]))
    page.click(".nd-run")
    shown = f"h(0) = [{x[0]:.3f}, {x[1]:.3f}]"
    page.wait_for_function(f"(document.querySelector('.nd-layers')?.textContent ?? '').includes('{shown}')",
                           timeout=10000)
    return page.locator(".nd-layers").inner_text()


@recipe(LESSON, 0)
def enter_the_figures_weights(lesson: LessonPage) -> None:
    enter_fig_3_13(lesson)
    shown = node_values(lesson, (1, -1))
    assert "h(3) = [0.618, 0.829]" in shown, shown  # the chapter's (0.62, 0.83), read from the page


@recipe(LESSON, 1)
def read_the_second_hidden_layer_at_zero(lesson: LessonPage) -> None:
    enter_fig_3_13(lesson)
    shown = node_values(lesson, (0, 0))
    h2 = [round(float(v), 2) for v in re.search(r"h\(2\) = \[([^\]]+)\]", shown).group(1).split(",")]
    choices = [[0.73, 0.50], [0.72, 0.12], [0.51, 0.85], [0.86, 0.11]]  # the task's choices, in order
    lesson.choose(1, choices.index(h2))


@recipe(LESSON, 2)
def a_structure_is_a_set_of_functions(lesson: LessonPage) -> None:
    lesson.page.click(".sw-run")
    lesson.page.wait_for_function("document.querySelectorAll('.sw-maps canvas').length === 4", timeout=20000)
    lesson.choose(2, 1)


@recipe(LESSON, 3)
def compile_answers_objective_and_optimizer(lesson: LessonPage) -> None:
    lesson.page.wait_for_selector(".dz-table", timeout=10000)
    lesson.choose(3, 1)
