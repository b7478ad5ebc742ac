"""The interactive API docs, `/docs` (Swagger UI) and `/redoc` (ReDoc), with their JS, CSS and favicon served
by this server from the `fastapi-offline` package rather than a CDN, so that they work on a LAN without internet."""

import functools
import hashlib
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
# Not under /static on purpose: the app's own /static mount, if mounted first, would shadow /static/docs-ui.
ASSETS_URL = "/docs-ui"
# swagger-ui-bundle.js, swagger-ui.css, redoc.standalone.js, favicon.png
ASSETS_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"
# ReDoc's sidebar footer loads Redocly's logo from their CDN (hard-coded; no option turns it off). /redoc uses a
# copy of the bundle whose logo URL is an empty data: URL instead: the image fails at once and ReDoc hides it,
# as it would offline, without a request leaving the machine.
REDOC_JS_URL = ASSETS_URL + "/redoc.offline.js"
REDOCLY_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
NO_LOGO = b"data:,"

router = APIRouter(include_in_schema=False)


def _root(request: Request) -> str:
    """The root path the app is served under (non-empty behind a proxy that strips a prefix)."""
    return request.scope.get("root_path", "").rstrip("/")


@router.get(DOCS_URL)
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI over this server's /openapi.json, its assets served from here."""
    root = _root(request)
    assets = root + ASSETS_URL
    return get_swagger_ui_html(
        openapi_url=root + request.app.openapi_url, title=f"{request.app.title} - Swagger UI",
        swagger_js_url=f"{assets}/swagger-ui-bundle.js", swagger_css_url=f"{assets}/swagger-ui.css",
        swagger_favicon_url=f"{assets}/favicon.png", oauth2_redirect_url=root + OAUTH2_REDIRECT_URL,
        init_oauth=request.app.swagger_ui_init_oauth, swagger_ui_parameters=request.app.swagger_ui_parameters)


@router.get(OAUTH2_REDIRECT_URL)
def swagger_ui_oauth2_redirect() -> HTMLResponse:
    """The page Swagger UI returns to after an OAuth2 login (unused by nnplay's bearer tokens, kept for the UI)."""
    return get_swagger_ui_oauth2_redirect_html()


@router.get(REDOC_URL)
def redoc(request: Request) -> HTMLResponse:
    """ReDoc over this server's /openapi.json, with no web fonts and no CDN logo."""
    root = _root(request)
    return get_redoc_html(openapi_url=root + request.app.openapi_url, title=f"{request.app.title} - ReDoc",
                          redoc_js_url=root + REDOC_JS_URL, redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
                          with_google_fonts=False)


@functools.cache
def _redoc_bundle() -> tuple[bytes, str]:
    """ReDoc's bundle without the CDN logo, and its ETag."""
    body = (ASSETS_DIR / "redoc.standalone.js").read_bytes().replace(REDOCLY_LOGO, NO_LOGO)
    return body, f'"{hashlib.sha256(body).hexdigest()[:32]}"'


@router.get(REDOC_JS_URL)
def redoc_bundle(request: Request) -> Response:
    """ReDoc's script without its CDN logo; 304 when the browser already has this version."""
    body, etag = _redoc_bundle()
    headers = {"ETag": etag, "Cache-Control": "no-cache"}  # revalidated, so an upgraded package shows at once
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="text/javascript; charset=utf-8", headers=headers)


def install(app: FastAPI) -> None:
    """Serve the docs pages and their assets; the app must be built with ``docs_url=None, redoc_url=None``."""
    app.include_router(router)
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-ui")
