"""A two-parameter model's loss surface and descent paths, for the lesson of section 3.2.3."""

from fastapi import APIRouter

from app.core.errors import SessionError
from app.schemas.figures import SurfaceAnswer, SurfaceRequest
from app.web.api.responses import BODY_ERRORS
from engine import surface

router = APIRouter(tags=["lessons"])


@router.post("/surface", response_model=SurfaceAnswer, responses=BODY_ERRORS)
def loss_surface(body: SurfaceRequest) -> dict:
    """J(w, b) on a grid (Fig. 3-16) and full-batch gradient-descent paths from each start (Fig. 3-17)."""
    try:
        grid = surface.surface(body.model, body.w_range, body.b_range, body.resolution)
        paths = [surface.descent_path(body.model, start, body.learning_rate, body.steps) for start in body.starts]
    except ValueError as exc:
        raise SessionError("figure.invalid", reason=str(exc)) from None
    return {"surface": grid, "paths": paths}
