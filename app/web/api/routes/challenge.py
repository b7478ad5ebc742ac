"""A student's network checked against their class's challenge (the session's token; docs/classroom.md)."""

from fastapi import APIRouter, Request

from app.schemas.classes import ChallengeResult
from app.web.api.checked_route import CheckedRoute
from app.web.api.deps import SESSION_ID, SessionDep
from app.web.api.responses import SESSION_ERRORS

router = APIRouter(prefix=f"/sessions/{SESSION_ID}", tags=["classes"], route_class=CheckedRoute)


@router.post("/challenge", response_model=ChallengeResult, responses=SESSION_ERRORS)
async def submit_to_challenge(request: Request, session: SessionDep) -> dict:
    """Check this network against the class's challenge now (on the challenge's own test set); the best result is
    kept for the leaderboard. 404 class.no_challenge for a session of no class, or a class without one."""
    return await request.app.state.classroom.submit(session)
