"""The HTML pages: the playground at `/`. The page boots with the catalogue, the server's limits and the
error message table inlined, so that its first request can already create the session and any error is
shown in the page's language from the same table the server uses."""

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

import engine
from app.core.messages import LANGUAGES, MESSAGES, language_of, render
from app.schemas.session import SessionConfig
from app.web import catalogue, lesson_catalog
from engine.user_data import MAX_USER_POINTS

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parents[4] / "templates")
router = APIRouter(include_in_schema=False)


def _limits(settings) -> dict:
    return {"max_points": settings.max_points, "max_hidden_layers": settings.max_hidden_layers,
            "max_units": settings.max_units, "max_fps": settings.max_fps, "max_grid": settings.max_grid,
            "max_user_points": MAX_USER_POINTS}


def _boot(request: Request, defaults: dict, lesson: dict | None = None) -> dict:
    return {"catalogue": catalogue.describe(), "limits": _limits(request.app.state.settings),
            "defaults": defaults, "version": engine.__version__, "lesson": lesson, "messages": MESSAGES}


@router.get("/", response_class=HTMLResponse)
def playground(request: Request) -> HTMLResponse:
    """The playground page."""
    boot = _boot(request, SessionConfig().model_dump())
    return TEMPLATES.TemplateResponse(request, "index.html", {"boot": boot, "lesson": None})


@router.get("/lessons", response_class=HTMLResponse)
def lesson_index(request: Request) -> HTMLResponse:
    """The list of lessons, in the chapter's order."""
    return TEMPLATES.TemplateResponse(request, "lessons.html", {"lessons": lesson_catalog.LESSONS})


@router.get("/lessons/{lesson_id}", response_class=HTMLResponse)
def lesson_page(request: Request, lesson_id: str) -> HTMLResponse:
    """One lesson: its text and tasks above the playground, which starts from the lesson's config."""
    described = lesson_catalog.PAGES.get(lesson_id)
    if described is None:  # a page, so an HTML page (in the reader's language) with a way back, not JSON
        sentences = {lang: render("page.lesson_not_found", {"lesson_id": lesson_id}, lang) for lang in LANGUAGES}
        language = language_of(request.headers.get("accept-language"))
        return TEMPLATES.TemplateResponse(request, "not_found.html", {"sentences": sentences, "language": language},
                                          status_code=404)
    boot = _boot(request, described["config"], described)
    return TEMPLATES.TemplateResponse(request, "index.html", {"boot": boot, "lesson": described})
