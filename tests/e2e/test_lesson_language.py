"""Lessons 6-8 in Chromium: the figures follow the top bar's language button (every word, the drawn charts' labels
and the aria-labels of the drawings), and the backpropagation walk-through shows the newest sample's numbers even
when an older sample's answer arrives after it."""

import re

import pytest

from tests.e2e.lesson_pages import LessonPage

CJK = re.compile(r"[\u4e00-\u9fff]")

# lesson -> (what shows the figures have drawn their first answer, an English word the figures show, a Chinese one)
LESSONS = {
    "network-is-a-function": (".dz-table", "three core problems", "核心问题"),
    "objective-and-optimizer": (".ce-table tbody td:nth-child(3) .ce-bar, .sv-facts div", "colour: J", "对数刻度"),
    "backpropagation": (".bp-steps li, .cr-table tbody tr", "forward pass (values)", "前向传播"),
}
# the drawings' aria-labels, which inner text does not include
DRAWINGS = "#lesson-figure [role=img]"


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    yield context
    context.close()


def figure_words(page) -> str:
    """The figures' inner text, the aria-labels of their drawings and the chosen options of their menus."""
    return page.evaluate(f"""() => [document.querySelector('#lesson-figure').innerText,
        ...[...document.querySelectorAll('{DRAWINGS}')].map((e) => e.getAttribute('aria-label') ?? ''),
        ...[...document.querySelectorAll('#lesson-figure select')].map((s) => s.selectedOptions[0]?.text ?? '')
      ].join('\\n')""")


def switch_language(page, lang: str) -> None:
    """Press the top bar's language button and wait until the page is in ``lang``."""
    page.click("#language")
    page.wait_for_function(f"document.documentElement.lang.startsWith('{lang}')", timeout=5000)


def wait_drawn(page, ready: str) -> None:
    """Wait until every figure of the lesson has drawn its first answer (each selector of ``ready``)."""
    for selector in ready.split(", "):
        page.wait_for_selector(f"#lesson-figure {selector}", timeout=15000)


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_figures_follow_the_language_button(context, live_server, lesson_id):
    ready, english, chinese = LESSONS[lesson_id]
    lesson = LessonPage.open(context, live_server, lesson_id, "zh")
    page = lesson.page
    wait_drawn(page, ready)
    if lesson_id == "backpropagation":
        page.click(".bp-numeric")  # the numerical check's lines are figure words too
        page.wait_for_selector(".bp-check strong", timeout=10000)
    words = figure_words(page)
    assert chinese in words and english not in words
    switch_language(page, "en")
    words = figure_words(page)
    assert english in words
    left = sorted({line for line in words.splitlines() if CJK.search(line)})
    assert left == [], f"{lesson_id}: still in Chinese after switching to English: {left}"
    switch_language(page, "zh")
    words = figure_words(page)
    assert chinese in words and english not in words
    assert page.errors == []


def test_a_canvas_is_redrawn_in_the_new_language(context, live_server):
    lesson = LessonPage.open(context, live_server, "objective-and-optimizer", "zh")
    page = lesson.page
    page.wait_for_selector(".sv-facts div", timeout=15000)
    pixels = "() => document.querySelector('.sv-plane').toDataURL()"
    label = "() => document.querySelector('.sv-plane').getAttribute('aria-label')"
    before = page.evaluate(pixels)
    assert page.evaluate(label).startswith("损失曲面")
    switch_language(page, "en")  # the axes' names ("w（权重）" -> "w (weight)") are drawn on the canvas
    assert page.evaluate(pixels) != before
    assert page.evaluate(label).startswith("Loss surface J") and not CJK.search(page.evaluate(label))
    assert page.errors == []


def test_walk_through_shows_the_newest_sample_after_two_quick_changes(context, live_server):
    lesson = LessonPage.open(context, live_server, "backpropagation", "en")
    page = lesson.page
    page.wait_for_selector(".bp-steps li", timeout=15000)
    part = "document.querySelector('.bp-svg').closest('.lesson-figure-part')"
    answers = page.evaluate(f"Number({part}.dataset.answers)")
    held = []

    def hold_the_first(route):  # the first sample's pass is held back until the second sample's is drawn
        if not held and route.request.method == "POST":
            held.append(route)
        else:
            route.continue_()

    page.route("**/backprop", hold_the_first)
    for value in ("0.5", "0.7"):
        page.fill(".bp-x1", value)
        page.dispatch_event(".bp-x1", "change")
    newest = "h(0) = x = [0.7000, -1.0000]"
    page.wait_for_function(f"document.querySelector('.bp-steps').innerText.includes('{newest}')", timeout=10000)
    assert held, "the first change's request was not held"
    held[0].continue_()  # now the older sample's answer arrives, after the newer one
    page.wait_for_function(f"Number({part}.dataset.answers) >= {answers + 2}", timeout=10000)
    steps = page.locator(".bp-steps").inner_text()
    assert newest in steps and "0.5000" not in steps
    assert "1 / " in page.locator(".bp-position").inner_text()
    assert page.errors == []
