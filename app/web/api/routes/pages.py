"""The HTML pages: the playground at `/`, the lessons, and the classroom's pages (join, new class, dashboard, a
student's playground in class mode). The playground boots with the catalogue, the server's limits and the
error message table inlined, so that its first request can already create the session and any error is
shown in the page's language from the same table the server uses."""

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

import engine
from app.core.messages import LANGUAGES, MESSAGES, language_of, render
from app.schemas.session import SessionConfig
from app.web import catalogue, first_frame, lesson_catalog, module_graph
from app.web.api.deps import CLASS_ID
from engine.user_data import MAX_USER_POINTS

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parents[4] / "templates")
router = APIRouter(include_in_schema=False)


def module_preloads(*entries) -> tuple[str, ...]:
    """For a template's `<link rel="modulepreload">` lines: the static import graphs of the page's modules (names
    under static/js; a false entry, e.g. `lesson and "lesson.js"` on a page without a lesson, is left out)."""
    return module_graph.preloads(*(entry for entry in entries if entry))


TEMPLATES.env.globals["module_preloads"] = module_preloads


def _limits(settings) -> dict:
    return {"max_points": settings.max_points, "max_hidden_layers": settings.max_hidden_layers,
            "max_units": settings.max_units, "max_fps": settings.max_fps, "max_grid": settings.max_grid,
            "max_user_points": MAX_USER_POINTS}


def _boot(request: Request, defaults: dict, lesson: dict | None = None) -> dict:
    return {"catalogue": catalogue.describe(), "limits": _limits(request.app.state.settings),
            "defaults": defaults, "version": engine.__version__, "lesson": lesson, "messages": MESSAGES}


@router.get("/", response_class=HTMLResponse)
async def playground(request: Request) -> HTMLResponse:
    """The playground page, with the default config's first picture once the server has it (app/web/first_frame.py:
    the page paints it while its session is created)."""
    boot = _boot(request, SessionConfig().model_dump())
    picture = first_frame.of(request.app).get()
    if picture is not None:
        boot["first"] = picture
    return TEMPLATES.TemplateResponse(request, "index.html", {"boot": boot, "lesson": None})


@router.get("/lessons", response_class=HTMLResponse)
def lesson_index(request: Request) -> HTMLResponse:
    """The list of lessons, in the chapter's order."""
    return TEMPLATES.TemplateResponse(request, "lessons.html", {"lessons": lesson_catalog.LESSONS})


def _not_found(request: Request, code: str, **params) -> HTMLResponse:
    """A 404 page (in the reader's language, with a way back), not JSON: a person opened it."""
    sentences = {lang: render(code, params, lang) for lang in LANGUAGES}
    language = language_of(request.headers.get("accept-language"))
    return TEMPLATES.TemplateResponse(request, "not_found.html", {"sentences": sentences, "language": language},
                                      status_code=404)


@router.get("/lessons/{lesson_id}", response_class=HTMLResponse)
def lesson_page(request: Request, lesson_id: str) -> HTMLResponse:
    """One lesson: its text and tasks above the playground, which starts from the lesson's config."""
    described = lesson_catalog.PAGES.get(lesson_id)
    if described is None:  # a page, so an HTML page (in the reader's language) with a way back, not JSON
        return _not_found(request, "page.lesson_not_found", lesson_id=lesson_id)
    boot = _boot(request, described["config"], described)
    return TEMPLATES.TemplateResponse(request, "index.html", {"boot": boot, "lesson": described})


# ----- the classroom's pages (docs/classroom.md): the pages are the same for everyone; what a visitor may see is
# decided by the API their page calls (a teacher's cookie or token, a student's session token), never here.
def _class_boot(**extra) -> dict:
    """What every classroom page needs before its first request: the server's error sentences (so that a refusal
    is shown in the page's language), presets and lessons to start from or push."""
    described = catalogue.describe()
    presets = [{"name": p["name"], "title": p["title"]} for p in described["presets"]]
    lessons = [lesson.model_dump(mode="json") for lesson in lesson_catalog.SUMMARIES]
    return {"messages": MESSAGES, "presets": presets, "lessons": lessons, **extra}


@router.get("/join", response_class=HTMLResponse)
def join_page(request: Request, code: str = "") -> HTMLResponse:
    """Students type the class's code (or open the link that carries it) and a nickname."""
    boot = _class_boot(code=code[:32])
    return TEMPLATES.TemplateResponse(request, "join.html", {"boot": boot})


@router.get("/classes/new", response_class=HTMLResponse)
def new_class_page(request: Request) -> HTMLResponse:
    """A teacher creates a class."""
    settings = request.app.state.settings
    boot = _class_boot(teacher_key=bool(settings.teacher_key),
                       max_students=settings.max_students_per_class)
    return TEMPLATES.TemplateResponse(request, "class_new.html", {"boot": boot})


@router.get(f"/classes/{CLASS_ID}/enter", response_class=HTMLResponse)
def enter_dashboard(request: Request, class_id: str) -> HTMLResponse:
    """The teacher's secret link: the page takes the token from the #fragment (never sent to the server), trades it
    for a cookie and leaves for /classes/{id}, so the token does not stay in a projected address bar."""
    if request.app.state.classroom.cached(class_id) is None:
        return _not_found(request, "page.class_not_found", class_id=class_id)
    boot = _class_boot(class_id=class_id, enter=True)
    return TEMPLATES.TemplateResponse(request, "dashboard.html", {"boot": boot},
                                      headers={"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"})


@router.get(f"/classes/{CLASS_ID}", response_class=HTMLResponse)
def dashboard(request: Request, class_id: str) -> HTMLResponse:
    """The teacher's dashboard (with the cookie of the secret link, or the token the page kept)."""
    if request.app.state.classroom.cached(class_id) is None:
        return _not_found(request, "page.class_not_found", class_id=class_id)
    boot = _class_boot(class_id=class_id, enter=False)
    return TEMPLATES.TemplateResponse(request, "dashboard.html", {"boot": boot}, headers={"Cache-Control": "no-store"})


@router.get(f"/classes/{CLASS_ID}/play", response_class=HTMLResponse)
def class_playground(request: Request, class_id: str) -> HTMLResponse:
    """A student's playground in a class: the page takes the session this browser joined with (no session: /join)."""
    if request.app.state.classroom.cached(class_id) is None:
        return _not_found(request, "page.class_not_found", class_id=class_id)
    boot = {**_boot(request, SessionConfig().model_dump()), "class": {"id": class_id}}
    return TEMPLATES.TemplateResponse(request, "index.html", {"boot": boot, "lesson": None, "class_mode": True})
