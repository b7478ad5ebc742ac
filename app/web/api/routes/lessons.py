"""Lessons over REST: the index, one lesson, and checking a task on the learner's own session."""

from fastapi import APIRouter

from app.schemas.lessons import Lesson, LessonSummary, TaskAnswer, TaskCheck
from app.web import lesson_catalog as catalog
from app.web.api.checked_route import CheckedRoute
from app.web.api.deps import SESSION_ID, ManagerDep, SessionDep
from app.web.api.responses import NOT_FOUND, SESSION_BODY_ERRORS

router = APIRouter(tags=["lessons"], route_class=CheckedRoute)


@router.get("/lessons", response_model=list[LessonSummary])
def list_lessons() -> list[LessonSummary]:
    """Every lesson's id, section of the chapter and title (zh, en)."""
    return catalog.SUMMARIES


@router.get("/lessons/{lesson_id}", response_model=Lesson, response_model_exclude_unset=True,
            responses=NOT_FOUND)
def read_lesson(lesson_id: str) -> Lesson:
    """A lesson: its text, starting config and tasks."""
    return catalog.get(lesson_id)


@router.post(f"/sessions/{SESSION_ID}/lessons/{{lesson_id}}/tasks/{{task}}/check", response_model=TaskCheck,
             responses=SESSION_BODY_ERRORS)
async def check_task(session: SessionDep, manager: ManagerDep, lesson_id: str, task: int,
                     given: TaskAnswer | None = None) -> dict:
    """Check task number `task` (from 0) of a lesson on this session; every condition with its measured value.
    A task that asks a question is sent the learner's choice (`{"answer": n}`)."""
    conditions = catalog.task_conditions(lesson_id, task, given.answer if given else None)
    return await manager.ops(session).lesson_check(conditions)
