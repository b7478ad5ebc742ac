"""The objective and optimizer lesson's figures (sections 3.2.2-3.2.3): eq. 3.9 for one sample, and a two-parameter
model's loss surface with descent paths."""

from fastapi import APIRouter

from app.core.errors import SessionError
from app.schemas.figures import CrossEntropyAnswer, CrossEntropyRequest, SurfaceAnswer, SurfaceRequest
from app.web.api.responses import BODY_ERRORS
from engine import surface

router = APIRouter(tags=["lessons"])


@router.post("/surface", response_model=SurfaceAnswer, responses=BODY_ERRORS)
def loss_surface(body: SurfaceRequest) -> dict:
    """J(w, b) on a grid (Fig. 3-16) and full-batch gradient-descent paths from each start (Fig. 3-17), each
    stopping after ``steps`` or once J <= ``stop_below``; starts and region are the model's own unless given."""
    try:
        grid = surface.surface(body.model, body.w_range, body.b_range, body.resolution)
        starts = body.starts if body.starts is not None else surface.MODELS[body.model].starts
        paths = [surface.descent_path(body.model, start, body.learning_rate, body.steps, body.stop_below)
                 for start in starts]
    except ValueError as exc:
        raise SessionError("figure.invalid", reason=str(exc)) from None
    return {"surface": grid, "paths": paths}


@router.post("/cross-entropy", response_model=CrossEntropyAnswer, responses=BODY_ERRORS)
def cross_entropy(body: CrossEntropyRequest) -> dict:
    """Eq. 3.9 for one sample of C classes: softmax of the scores, the one-hot label, and l = -log y_c."""
    try:
        return surface.cross_entropy(body.scores, body.target)
    except ValueError as exc:
        raise SessionError("figure.invalid", reason=str(exc)) from None
