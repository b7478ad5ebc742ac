"""The HTML pages: the playground at `/`. The page boots with the catalogue and the server's limits
inlined, so that its first request can already create the session."""

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

import engine
from app.schemas.session import SessionConfig
from app.services import catalogue
from engine.user_data import MAX_USER_POINTS

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parents[3] / "templates")
router = APIRouter(include_in_schema=False)


def _limits(settings) -> dict:
    return {"max_points": settings.max_points, "max_hidden_layers": settings.max_hidden_layers,
            "max_units": settings.max_units, "max_fps": settings.max_fps, "max_grid": settings.max_grid,
            "max_user_points": MAX_USER_POINTS}


@router.get("/", response_class=HTMLResponse)
def playground(request: Request) -> HTMLResponse:
    """The playground page."""
    boot = {"catalogue": catalogue.describe(), "limits": _limits(request.app.state.settings),
            "defaults": SessionConfig().model_dump(), "version": engine.__version__}
    return TEMPLATES.TemplateResponse(request, "index.html", {"boot": boot})
