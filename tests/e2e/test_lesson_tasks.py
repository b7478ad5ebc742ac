"""Every task of every lesson passes in Chromium through the page alone, from the lesson's defaults, in Chinese
and in English: the recipes of tests/e2e/recipes/ do what the task's text says, then Check must pass.
(bench/lesson_tasks.py runs the same recipes over several seeds.)"""

import pytest

from app.web import lesson_catalog as catalog
from tests.e2e.lesson_pages import LessonPage
from tests.e2e.recipes import load_all

TASKS = [(lesson["id"], index) for lesson in catalog.LESSONS for index in range(len(lesson["tasks"]))]
RECIPES = load_all()


def test_every_task_has_a_recipe():
    assert sorted(set(TASKS) - set(RECIPES)) == []
    assert sorted(set(RECIPES) - set(TASKS)) == []  # no recipe for a task that is gone


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("lesson_id, task", TASKS)
def test_task_passes_through_the_page(browser, live_server, lesson_id, task, language):
    if (lesson_id, task) not in RECIPES:
        pytest.fail(f"no recipe for {lesson_id} task {task}")
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    try:
        lesson = LessonPage.open(context, live_server, lesson_id, language)
        RECIPES[lesson_id, task](lesson)
        lesson.check_passes(task)
        if language == "zh":
            lesson.screenshot(f"task-{lesson_id}-{task}")
    finally:
        context.close()
