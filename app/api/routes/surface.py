"""A two-parameter model's loss surface and descent paths, for the lesson of section 3.2.3."""

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from app.services.errors import SessionError
from engine import surface

router = APIRouter(tags=["lessons"])


class SurfaceRequest(BaseModel):
    """Which model, the step size alpha, the starting points A and B, and the region drawn."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, json_schema_extra={"examples": [
        {"model": "linear_squared_error", "learning_rate": 0.5, "starts": [[-0.5, 1.5], [4.5, -3.5]]}]})
    model: str = "linear_squared_error"
    learning_rate: float = Field(0.5, gt=0, le=100)
    starts: list[tuple[float, float]] = Field(default_factory=lambda: [(-0.5, 1.5), (4.5, -3.5)], max_length=4)
    steps: int = Field(50, ge=1, le=surface.MAX_STEPS)
    w_range: tuple[float, float] = (-1.0, 5.0)
    b_range: tuple[float, float] = (-4.0, 2.0)
    resolution: int = Field(60, ge=10, le=120)


@router.post("/surface")
def loss_surface(body: SurfaceRequest) -> dict:
    """J(w, b) on a grid (Fig. 3-16) and full-batch gradient-descent paths from each start (Fig. 3-17)."""
    try:
        grid = surface.surface(body.model, body.w_range, body.b_range, body.resolution)
        paths = [surface.descent_path(body.model, start, body.learning_rate, body.steps) for start in body.starts]
    except ValueError as exc:
        raise SessionError("figure.invalid", reason=str(exc)) from None
    return {"surface": grid, "paths": paths}
