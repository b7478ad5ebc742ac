"""Lessons are validated once, when the catalogue is imported, and served as those validated objects."""

import pytest
from pydantic import TypeAdapter, ValidationError

from app.schemas.lessons import Lesson, LessonSummary
from app.web import lesson_catalog as catalog
from app.web.api.routes import lessons


def test_every_lesson_is_validated_once_and_served_as_is():
    assert set(catalog.DESCRIBED) == set(catalog.BY_ID)
    for lesson_id, lesson in catalog.DESCRIBED.items():
        assert isinstance(lesson, Lesson)
        assert lessons.read_lesson(lesson_id) is lesson
        # What FastAPI does with the answer: an instance of the model passes through without being validated again.
        assert TypeAdapter(Lesson).validate_python(lesson) is lesson
    assert lessons.list_lessons() is catalog.SUMMARIES
    assert all(isinstance(summary, LessonSummary) for summary in catalog.SUMMARIES)


def test_the_api_and_the_page_get_the_same_lesson(client):
    for lesson_id, page in catalog.PAGES.items():
        assert client.get(f"/api/lessons/{lesson_id}").json() == page
        assert "weights" in page or "weights" not in catalog.BY_ID[lesson_id]  # unset fields stay out
    assert client.get("/api/lessons").json() == [
        {key: lesson[key] for key in ("id", "section", "figures", "title")} for lesson in catalog.LESSONS]


def test_a_lesson_that_does_not_fit_its_schema_fails_at_import():
    broken = {**catalog.LESSONS[0], "config": {"learning_rate": -1}}
    with pytest.raises(ValidationError):
        catalog._described(broken)


def test_task_conditions_stay_plain_data_for_the_host():
    conditions = catalog.task_conditions("logic-gates", 0)
    assert conditions == catalog.BY_ID["logic-gates"]["tasks"][0]["conditions"]
    assert all(isinstance(condition, dict) for condition in conditions)
