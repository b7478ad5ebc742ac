"""The lessons, as data: text in Chinese and English, the playground's starting config, and tasks whose
checks run on the learner's own session (app/host/lesson_checks.py). Numbers shown come from the engine.
Each lesson is its own module in app/web/lessons/; this one orders them, validates them once and answers."""

from app.core.errors import NotFound
from app.schemas.lessons import Lesson, LessonSummary
from app.schemas.session import SessionConfig
from app.web.lessons import (
    backpropagation,
    deep_versus_shallow,
    logic_gates,
    more_neurons,
    network_is_a_function,
    objective_and_optimizer,
    the_neuron,
    universal_approximation,
)

LESSONS: list[dict] = [module.LESSON for module in (
    the_neuron, logic_gates, more_neurons, universal_approximation, deep_versus_shallow, network_is_a_function,
    objective_and_optimizer, backpropagation)]
"""The lessons in the chapter's order, as the index lists them."""

BY_ID = {lesson["id"]: lesson for lesson in LESSONS}


def _without_answers(task: dict) -> dict:
    """A task as the learner may see it: a question's right answer stays on the server."""
    return {**task, "conditions": [{**c, "value": None} if c["kind"] == "answer" else c for c in task["conditions"]]}


def _described(lesson: dict) -> Lesson:
    """A lesson as the API answers it: its full starting config (defaults filled in), no right answers, validated."""
    return Lesson.model_validate({"panels": Lesson.model_fields["panels"].default, **lesson,  # always answered
                                  "config": SessionConfig.model_validate(lesson["config"]).model_dump(),
                                  "tasks": [_without_answers(task) for task in lesson["tasks"]]})


# Validated once, here: a lesson that does not fit its schema stops the import (and every test), and no request
# validates a lesson again. The routes serve these objects; FastAPI only serializes them.
DESCRIBED: dict[str, Lesson] = {lesson["id"]: _described(lesson) for lesson in LESSONS}
SUMMARIES: list[LessonSummary] = [LessonSummary.model_validate({key: lesson[key] for key in LessonSummary.model_fields})
                                  for lesson in LESSONS]
PAGES: dict[str, dict] = {lesson_id: lesson.model_dump(mode="json", exclude_unset=True)
                          for lesson_id, lesson in DESCRIBED.items()}
"""Each lesson as the page boots with it (the same JSON as GET /api/lessons/{id})."""


def get(lesson_id: str) -> Lesson:
    """The lesson ``lesson_id``, validated; NotFound (404) names the lesson otherwise."""
    lesson = DESCRIBED.get(lesson_id)
    if lesson is None:
        raise NotFound("lesson.not_found", lesson_id=lesson_id)
    return lesson


def task_conditions(lesson_id: str, task: int, answer: int | None = None) -> list:
    """The conditions of task number ``task`` (from 0) of a lesson, as plain data for its session's host, with
    the learner's ``answer`` filled into an ``answer`` condition; NotFound for a lesson or task it does not have."""
    tasks = BY_ID[get(lesson_id).id]["tasks"]
    if not 0 <= task < len(tasks):
        raise NotFound("lesson.task", lesson_id=lesson_id, last=len(tasks) - 1)
    return [{"kind": "answer", "value": {"right": c["value"], "given": answer}} if c["kind"] == "answer" else c
            for c in tasks[task]["conditions"]]
