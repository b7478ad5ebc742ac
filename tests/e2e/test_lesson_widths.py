"""Lessons 3-5's figures in Chromium: the width sweep's maps with their widths and colour key, the sweep chart
with its axes and key, the caveat buttons, the deep-versus-shallow curves with their key; every canvas an image
with a translated text alternative; no serious accessibility violation; words that follow the language."""

import pytest

from app.web.lessons import universal_approximation
from tests.e2e.axe import describe, violations
from tests.e2e.lesson_pages import LessonPage

FIGURE_PARTS = (".sw-", ".ex-", "lesson-figure", "ld-load")  # what these lessons' views draw


def open_lesson(browser, live_server, lesson_id: str, language: str = "zh"):
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    return context, LessonPage.open(context, live_server, lesson_id, language)


def assert_images_described(page, selector: str) -> list[str]:
    """Every canvas under ``selector`` is an image with a text alternative; the alternatives."""
    canvases = page.locator(f"{selector} canvas")
    assert canvases.count() > 0
    labels = []
    for i in range(canvases.count()):
        canvas = canvases.nth(i)
        assert canvas.get_attribute("role") == "img"
        labels.append(canvas.get_attribute("aria-label") or "")
        assert labels[-1].strip(), f"canvas {i} of {selector} has no text alternative"
    return labels


def assert_no_serious_violation_from_the_figures(page) -> None:
    found = [v for v in violations(page) if any(part in node for node in v["nodes"] for part in FIGURE_PARTS)]
    assert not found, describe(found)


def test_sweep_maps_show_each_width_and_a_colour_key(browser, live_server):
    context, lesson = open_lesson(browser, live_server, "more-neurons")
    try:
        page = lesson.page
        page.click(".sw-run")
        page.wait_for_selector(".sw-maps figcaption", timeout=60000)
        captions = page.locator(".sw-maps figcaption").all_inner_texts()
        assert [caption.split(" ")[0] for caption in captions] == ["1", "2", "3", "4", "8"]
        assert all("测试准确率" in caption and "%" in caption for caption in captions)
        labels = assert_images_described(page, ".sw-out")
        assert all(label.startswith("网络的输出图") for label in labels[:-1]) and "颜色" in labels[-1]
        assert "第 2 类" in page.locator(".sw-key figcaption").inner_text()  # blue, as the Output panel's key says
        assert page.locator("input[name='task-0-choice']").count() == 5
        assert_no_serious_violation_from_the_figures(page)
        lesson.screenshot("lesson-more-neurons-zh")
        page.click("#language")  # the figure's words follow the language
        page.wait_for_function("document.querySelector('.sw-maps figcaption').textContent.includes('test accuracy')",
                               timeout=10000)
        assert page.locator(".sw-maps figcaption").first.inner_text().startswith("1 neuron:")  # singular
        assert page.errors == []
    finally:
        context.close()


def test_sweep_chart_has_axes_key_and_the_caveat_buttons_load_their_settings(browser, live_server):
    context, lesson = open_lesson(browser, live_server, "universal-approximation")
    try:
        page = lesson.page
        assert "提醒 1" in page.locator(".sw-run").inner_text()
        page.click(".sw-run")
        page.wait_for_selector(".sw-table tr:nth-child(7)", timeout=90000)
        (label,) = assert_images_described(page, ".sw-out")
        assert "600" in label and "32:" in label  # the data, in words
        assert "训练损失" in page.locator(".sw-legend").inner_text()
        buttons = page.locator(".ld-load")
        assert buttons.count() == len(universal_approximation.CAVEATS)
        buttons.nth(1).click()  # caveat 2, outside the condition: y = 1/x
        page.wait_for_function("window.nnplay.config.data.params.expression === '1/x'"
                               " && window.nnplay.config.hidden_layers[0] === 8", timeout=10000)
        buttons.nth(2).click()  # caveat 3: ReLU, SGD, learning rate 1.0, then back to the step: tanh and Adam again
        page.wait_for_function("window.nnplay.config.optimizer === 'sgd'", timeout=10000)
        buttons.nth(0).click()
        page.wait_for_function("window.nnplay.config.data.name === 'step' && window.nnplay.config.optimizer === 'adam'"
                               " && window.nnplay.config.learning_rate === 0.02", timeout=10000)
        assert_no_serious_violation_from_the_figures(page)
        lesson.screenshot("lesson-universal-approximation-zh")
        assert page.errors == []
    finally:
        context.close()


@pytest.mark.parametrize("language, axis, key", [("zh", "轮次", "深层 2 × 8"), ("en", "epoch", "deep 2 × 8")])
def test_deep_versus_shallow_curves_have_a_key_and_axes(browser, live_server, language, axis, key):
    context, lesson = open_lesson(browser, live_server, "deep-versus-shallow", language)
    try:
        page = lesson.page
        page.click(".ex-start")
        page.wait_for_function("document.querySelector('.ex-progress')?.value === 1"
                               " && !document.querySelector('.ex-start').disabled", timeout=120000)
        items = page.locator(".ex-key li").all_inner_texts()
        assert len(items) == 4 and key in items[1]
        (label,) = assert_images_described(page, ".ex-curves")
        assert "150" in label and axis in label  # the x axis, in words (drawn with its ticks: see the screenshot)
        assert page.locator("input[name='task-1-choice']").count() == 3
        assert_no_serious_violation_from_the_figures(page)
        if language == "zh":
            lesson.screenshot("lesson-deep-versus-shallow-zh")
        assert page.errors == []
    finally:
        context.close()
