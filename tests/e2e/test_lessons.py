"""Lesson pages in a real Chromium: the index and figures drawn from the engine. Every task done through the page is
tests/e2e/test_lesson_tasks.py; each lesson's own figures are tested in tests/e2e/test_lesson_<area>.py."""

from pathlib import Path

import pytest

from app.web import lesson_catalog as catalog

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def lesson(browser, live_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1100})

    def open_lesson(lesson_id: str):
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto(f"{live_server}/lessons/{lesson_id}")
        page.wait_for_function("window.nnplay && window.nnplay.metrics.firstBoundaryMs !== null", timeout=15000)
        return page

    yield open_lesson
    context.close()


def test_lesson_index_lists_the_lessons(browser, live_server):
    page = browser.new_page()
    page.goto(f"{live_server}/lessons")
    assert page.locator(".lesson-list li").count() >= 4
    page.click("#language")
    assert page.locator("h1").inner_text() == "课程"
    page.screenshot(path=str(ARTIFACTS / "lessons.png"))
    page.close()


def sweep_widths(lesson_id: str) -> list[int]:
    """The widths of a lesson's sweep figure, from the lesson catalogue."""
    figure = catalog.BY_ID[lesson_id]["figure"]
    figures = figure if isinstance(figure, list) else [figure]
    return next(figure["widths"] for figure in figures if figure["kind"] == "sweep")


@pytest.mark.parametrize("lesson_id, selector, extra_rows", [("more-neurons", ".sw-maps canvas", 0),
                                                              ("universal-approximation", ".sw-table tr", 1)])
def test_width_sweeps_are_drawn(lesson, lesson_id, selector, extra_rows):
    count = len(sweep_widths(lesson_id)) + extra_rows  # one map or table row per width (+ the table's header)
    page = lesson(lesson_id)
    page.click(".sw-run")
    page.wait_for_function(f"document.querySelectorAll('{selector}').length === {count}", timeout=30000)
    page.screenshot(path=str(ARTIFACTS / f"lesson-{lesson_id}-sweep.png"), full_page=True)
    assert page.errors == []


def test_structure_without_weights_is_a_set_of_functions(lesson):
    page = lesson("network-is-a-function")
    page.click(".sw-run")
    page.wait_for_function("document.querySelectorAll('.sw-maps canvas').length === 4", timeout=20000)
    assert page.errors == []
