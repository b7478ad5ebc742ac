"""Answers about lessons: the index, one lesson, and the check of a task on the learner's session."""

from typing import Any, Literal

from pydantic import BaseModel, Field

from app.schemas.answer import Answer
from app.schemas.catalogue import Bilingual
from app.schemas.session import STRICT, SessionConfig
from app.schemas.types import Int

MAX_CHOICES = 8  # the most answers a question offers


class LessonSummary(Answer):
    """A lesson in the index."""

    id: str
    section: str = Field(..., description="The chapter's section, e.g. 3.1.2.")
    figures: str = Field(..., description="The chapter's figures it draws, e.g. Fig. 3-5, 3-6.")
    title: Bilingual


class Paragraphs(Answer):
    """A lesson's text, paragraph by paragraph, in English and Chinese."""

    en: list[str]
    zh: list[str]


class Condition(Answer):
    """One condition of a task: its kind (app/host/lesson_checks.py) and the value it checks against."""

    kind: str
    value: Any


class Task(Answer):
    """A task for the learner, checked on their own session."""

    text: Bilingual
    choices: list[Bilingual] | None = Field(
        None, max_length=MAX_CHOICES, description="For a question: the answers offered; the task's `answer` "
        "condition names the right one, and the check is sent the learner's choice (TaskAnswer).")
    conditions: list[Condition]


class LessonWeights(Answer):
    """Weights the lesson sets by hand, as PUT /api/sessions/{id}/weights takes them."""

    layers: list[dict[str, Any]] = Field(..., description="Per layer: W (units k x units k-1) and b.")


class Lesson(LessonSummary):
    """A lesson: its text, the playground's starting config, its figures and its tasks."""

    text: Paragraphs
    config: SessionConfig = Field(..., description="The full starting config, defaults filled in.")
    weights: LessonWeights | None = Field(None, description="Hand-set weights, for lessons that start from them.")
    figure: dict[str, Any] | list[dict[str, Any]] = Field(
        ..., description="What the lesson draws next to the playground (a kind and its settings), or several.")
    tasks: list[Task]
    panels: list[Literal["settings", "data", "network", "output"]] = Field(
        ["settings", "data", "network", "output"],
        description="The playground's parts the lesson uses, shown on its page; the others are hidden.")


class TaskAnswer(BaseModel):
    """What the learner sends with a check: their choice, for a task that asks a question."""

    model_config = STRICT
    answer: Int | None = Field(None, ge=0, lt=MAX_CHOICES, description="The chosen answer's number (from 0).")


class ConditionResult(Answer):
    """One condition as checked: what it asks, what was measured, whether it holds."""

    kind: str
    expected: Any
    measured: Any
    passed: bool


class TaskCheck(Answer):
    """A task checked on the session: passed when every condition holds."""

    passed: bool
    conditions: list[ConditionResult]
