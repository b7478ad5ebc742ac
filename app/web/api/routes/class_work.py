"""A student's work for their class, with their session's token: checking it against the class's challenge, and
submitting it to the class's gallery (docs/classroom.md)."""

from fastapi import APIRouter, Request

from app.schemas.classes import ChallengeResult, SnapshotOut
from app.web.api.checked_route import CheckedRoute
from app.web.api.deps import SESSION_ID, SessionDep
from app.web.api.responses import SESSION_ERRORS

router = APIRouter(prefix=f"/sessions/{SESSION_ID}", tags=["classes"], route_class=CheckedRoute)


@router.post("/challenge", response_model=ChallengeResult, responses=SESSION_ERRORS)
async def submit_to_challenge(request: Request, session: SessionDep) -> dict:
    """Check this network against the class's challenge now (on the challenge's own test set); the best result is
    kept for the leaderboard. 404 class.no_challenge for a session of no class, or a class without one."""
    return await request.app.state.classroom.challenges.submit(session)


@router.post("/snapshot", status_code=201, response_model=SnapshotOut, responses=SESSION_ERRORS)
async def submit_snapshot(request: Request, session: SessionDep) -> dict:
    """Submit this network, as it is now, to the class's gallery (the teacher chooses what is shown). 404
    class.not_in_class for a session of no class."""
    return await request.app.state.classroom.gallery.submit(session)
