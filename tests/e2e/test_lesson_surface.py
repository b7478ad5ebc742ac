"""Lessons 6 and 7 in Chromium, beyond their tasks: the loss surface as a readable chart (axes, colour scale, key,
the threshold epsilon), Fig. 3-12's picture with the code side by side, text alternatives, and an axe scan."""

import pytest

from tests.e2e.axe import describe, violations
from tests.e2e.lesson_pages import LessonPage
from tests.e2e.recipes.objective_and_optimizer import facts, set_alpha, set_epsilon


@pytest.fixture
def open_lesson(browser, live_server):
    contexts = []

    def open_(lesson_id: str, language: str = "zh") -> LessonPage:
        context = browser.new_context(viewport={"width": 1400, "height": 1100})
        contexts.append(context)
        return LessonPage.open(context, live_server, lesson_id, language)

    yield open_
    for context in contexts:
        context.close()


def test_the_surface_has_a_key_a_colour_scale_and_a_text_alternative(open_lesson):
    lesson = open_lesson("objective-and-optimizer", "zh")
    page = lesson.page
    page.wait_for_function("(document.querySelector('.sv-facts')?.textContent ?? '') !== ''", timeout=10000)
    canvas = page.locator(".sv-plane")
    assert canvas.get_attribute("role") == "img"
    label = canvas.get_attribute("aria-label")
    assert "损失曲面" in label and "从 A 出发" in label  # translated, and it says where the paths ended
    key = page.locator(".sv-key").inner_text()
    assert "从 A 出发的路径" in key and "从 B 出发的路径" in key and "极小值：w = 1.96" in key and "色标" in key
    assert page.get_by_label("步长（学习率）α").count() == 1  # the slider has a visible, linked label
    set_alpha(lesson, 0)
    lines = facts(lesson).splitlines()
    assert len(lines) == 2 and all("50 步后 J = 0.0231" in line and "式 3.12" in line for line in lines)


def test_epsilon_stops_the_paths_and_says_after_how_many_steps(open_lesson):
    lesson = open_lesson("objective-and-optimizer", "en")
    set_alpha(lesson, 0)
    set_epsilon(lesson, 0.05)
    assert facts(lesson).count("stopped after 5 steps") == 2, facts(lesson)
    set_epsilon(lesson, 0.03)
    assert facts(lesson).count("stopped after 6 steps") == 2, facts(lesson)


@pytest.mark.parametrize("model, minimum", [("sigmoid_cross_entropy", "w = 2.77"),
                                            ("sigmoid_squared_error", "w = 5.71")])
def test_every_model_redraws_with_its_own_minimum(open_lesson, model, minimum):
    lesson = open_lesson("objective-and-optimizer", "en")
    page = lesson.page
    page.wait_for_function("(document.querySelector('.sv-facts')?.textContent ?? '') !== ''", timeout=10000)
    page.select_option(".sv-model", model)
    page.wait_for_function(f"document.querySelector('.sv-key').textContent.includes({minimum!r})", timeout=10000)
    assert "diverged" not in facts(lesson)
    assert page.errors == []


def test_fig_3_12_is_a_picture_with_keras_and_this_projects_code_side_by_side(open_lesson):
    page = open_lesson("network-is-a-function", "zh").page
    picture = page.locator(".dz-picture")
    assert picture.get_attribute("role") == "img" and "图 3-12" in picture.get_attribute("aria-label")
    assert [page.locator(".dz-picture text").nth(k).text_content() for k in (0, 2, 4)] == [
        "一、定义网络结构", "二、选择目标函数", "三、选择优化算法"]
    headers = page.locator(".dz-table thead th").all_inner_texts()
    assert headers[1:] == ["Keras（书中用来举例的框架，这里按图 3-13 写出）", "本项目的程序库（Python）",
                           "本项目的 REST 接口"]
    rows = page.locator(".dz-table tbody tr")
    assert rows.count() == 3
    first = rows.nth(0).inner_text()
    assert "model.add(Dense(2" in first and "Sequential([" in first and "POST /api/sessions" in first
    assert "PATCH /api/sessions/{id}" in rows.nth(1).inner_text()


@pytest.mark.parametrize("lesson_id", ["network-is-a-function", "objective-and-optimizer"])
def test_no_serious_accessibility_violation(open_lesson, lesson_id):
    lesson = open_lesson(lesson_id, "zh")
    lesson.page.wait_for_selector(".sv-facts div, .dz-table", timeout=10000)
    found = violations(lesson.page)
    assert found == [], describe(found)
    lesson.screenshot(f"lesson-{lesson_id}-zh")


def test_eq_3_9_table_answers_from_the_engine_for_any_class_count(open_lesson):
    page = open_lesson("objective-and-optimizer", "en").page
    loss = page.locator(".ce-loss")
    page.wait_for_function("document.querySelector('.ce-loss')?.textContent.includes('1.408')", timeout=10000)
    assert "-log y_2" in loss.inner_text()  # scores (2, 1, 0), true class 2: -log 0.245
    page.select_option(".ce-classes", value="4")
    page.wait_for_function("document.querySelectorAll('.ce-table tbody tr').length === 4", timeout=10000)
    for m in range(4):
        page.get_by_label(f"score a of class {m + 1}").fill("0")
        page.get_by_label(f"score a of class {m + 1}").dispatch_event("change")
    page.wait_for_function("document.querySelector('.ce-loss').textContent.includes('1.386')", timeout=10000)  # log 4
    page.select_option(".ce-target", label="4")
    page.wait_for_function("document.querySelector('.ce-loss').textContent.includes('-log y_4')", timeout=10000)
    assert page.errors == []


def test_lesson_6_weights_can_be_entered_with_the_keyboard_alone(open_lesson):
    """Tab to a layer's "W, b" button, Enter opens its table, type each cell and Tab to the next, Enter applies,
    Escape closes; then the node values show the chapter's output."""
    from app.web.lessons.network_is_a_function import FIG_3_13
    from tests.e2e.recipes.network_is_a_function import node_values

    lesson = open_lesson("network-is-a-function", "en")
    page = lesson.page
    for k, layer in enumerate(FIG_3_13["layers"]):
        page.locator(".nn-matrix-btn").nth(k).focus()  # where the student's Tab presses arrive
        page.keyboard.press("Enter")
        page.wait_for_selector(".nn-matrix input", state="visible", timeout=10000)
        cells = [value for weights, bias in zip(layer["W"], layer["b"], strict=True) for value in (*weights, bias)]
        for i, value in enumerate(cells):
            page.keyboard.type(str(value))  # the cell's old number is selected when the focus arrives
            if i < len(cells) - 1:
                page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.wait_for_function("(document.querySelector('.nn-matrix .mx-status')?.textContent ?? '') !== ''",
                               timeout=10000)
        page.keyboard.press("Escape")
        page.wait_for_function("!document.querySelector('#network').inert", timeout=10000)
    assert "h(3) = [0.618, 0.829]" in node_values(lesson, (1, -1))
    lesson.check_passes(0)
