"""Lesson 8 in Chromium: the chain-rule figure and the walk-through show the engine's numbers for Fig. 3-13's
network at x = (1, -1), follow the current step, work by keyboard, and the walk-through task needs the stepping."""

import pytest

from tests.e2e.axe import describe, violations
from tests.e2e.lesson_pages import LessonPage
from tests.e2e.recipes.backpropagation import choose_start, step_to_the_end


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    yield context
    context.close()


def test_check_fails_without_stepping_and_passes_after(context, live_server):
    lesson = LessonPage.open(context, live_server, "backpropagation", "en")
    lesson.page.wait_for_selector(".bp-steps li", timeout=10000)
    passed, shown = lesson.check(0)
    assert not passed and "steps gone through: 1)" in shown  # only the first step is shown on opening
    step_to_the_end(lesson)
    lesson.check_passes(0)


def test_walk_through_shows_both_deltas_the_class_as_numbered_and_the_update_of_w_and_b(context, live_server):
    lesson = LessonPage.open(context, live_server, "backpropagation", "zh")
    page = lesson.page
    page.wait_for_selector(".bp-steps li", timeout=10000)
    assert page.input_value(".bp-target") == "1"  # the text's 第 c = 1 类
    assert "第 c = 1 类" in page.locator("#lesson-text, .lesson").first.inner_text()
    step_to_the_end(lesson)
    text = page.locator(".bp-steps").inner_text()
    assert "[-0.3823, 0.0000]" in text and "[-0.3823, 0.8291]" in text  # the network's δ(3), then eq. 3.18's
    assert "两者不同" in text
    assert "b(3) − α ∇b(3) = [-1.9885, 2.0000]" in text and "W(3) − α ∇W(3)" in text
    assert "0.9820, 0.1192" in text and "0.8635, 0.1107" in text and "0.6177, 0.8291" in text  # Fig. 3-13
    # the current (last) step is inside the list's visible area
    visible = page.evaluate("""() => {
        const list = document.querySelector('.bp-steps'), item = list.querySelector('.bp-current');
        const a = list.getBoundingClientRect(), b = item.getBoundingClientRect();
        return b.top >= a.top - 1 && b.bottom <= a.bottom + 1; }""")
    assert visible
    assert page.locator(".bp-current").get_attribute("aria-current") == "step"
    assert "15 / 15" in page.locator(".bp-announce").inner_text()
    svg = page.locator(".bp-svg")
    assert svg.get_attribute("role") == "img" and "参数更新" not in (svg.get_attribute("aria-label") or "x")
    assert "更新 W 和 b" in svg.get_attribute("aria-label")
    lesson.screenshot("lesson-backpropagation-zh")
    assert page.errors == []


def test_keyboard_steps_and_announces(context, live_server):
    lesson = LessonPage.open(context, live_server, "backpropagation", "en")
    page = lesson.page
    page.wait_for_selector(".bp-steps li", timeout=10000)
    page.focus(".bp-next")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('.bp-announce').textContent.startsWith('2 / 15')", timeout=5000)
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('.bp-announce').textContent.startsWith('3 / 15')", timeout=5000)
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("document.querySelector('.bp-announce').textContent.startsWith('2 / 15')", timeout=5000)
    assert page.locator(".bp-announce").get_attribute("aria-live") == "polite"
    assert "Forward, layer 1" in page.locator(".bp-announce").inner_text()
    # the diagram highlights layer 1: its two halves carry the values a(1) = (4, -2) and h(1) = (0.9820, 0.1192)
    labels = page.locator(".bp-svg .cr-value").all_text_contents()
    assert sorted(labels) == sorted(["4.0000", "-2.0000", "0.9820", "0.1192"])


def test_chain_rule_paths_sum_to_backprop(context, live_server):
    lesson = LessonPage.open(context, live_server, "backpropagation", "en")
    page = lesson.page
    choose_start(lesson, "a(3)₁")
    assert page.locator(".cr-table tbody tr").count() == 1 and "Fig. 3-19" in page.locator(".cr-summary").inner_text()
    choose_start(lesson, "h(2)₁")
    assert page.locator(".cr-table tbody tr").count() == 2 and "Fig. 3-20" in page.locator(".cr-summary").inner_text()
    choose_start(lesson, "x₁")
    assert page.locator(".cr-table tbody tr").count() == 8 and "Fig. 3-21" in page.locator(".cr-summary").inner_text()
    total = page.locator(".cr-total").inner_text()
    assert "= -0.0163" in total and "finds -0.0163" in total  # dl/dx1 = (W(1)^T delta(1))_1
    svg = page.locator(".cr-svg")
    assert svg.get_attribute("role") == "img" and "8 paths" in svg.get_attribute("aria-label")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_no_serious_accessibility_violation_from_the_figures(context, live_server, language):
    lesson = LessonPage.open(context, live_server, "backpropagation", language)
    lesson.page.wait_for_selector(".bp-steps li", timeout=10000)
    lesson.page.wait_for_selector(".cr-table tbody tr", timeout=10000)
    mine = [v for v in violations(lesson.page) if any("bp-" in n or "cr-" in n for n in v["nodes"])]
    assert mine == [], describe(mine)
