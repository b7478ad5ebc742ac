"""Assembles the FastAPI application from its routers, handlers and middleware. No logic lives here."""

import asyncio
import contextlib
import logging
import sys
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

import engine
from app.core.config import Settings, get_settings
from app.web.api import errors, openapi
from app.web.api.allowed_hosts import AllowedHosts
from app.web.api.limits import BodySizeLimit
from app.web.api.media_type import JsonBodiesOnly
from app.web.api.routes import (
    catalogue,
    class_work,
    classes,
    datasets,
    docs,
    health,
    inspection,
    lessons,
    models,
    neuron,
    pages,
    sessions,
    stream,
    surface,
    training,
)
from app.web.classroom import Classroom
from app.web.sessions import SessionManager

API_ROUTERS = (health, catalogue, datasets, sessions, training, inspection, models, stream, lessons, neuron, surface,
               classes, class_work)
"""The modules whose routers are served under /api."""
EVICTION_PERIOD_SECONDS = 30
log = logging.getLogger("nnplay")
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application, configured by ``settings`` (default: environment and .env)."""
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        async def evict_forever():
            while True:
                await asyncio.sleep(EVICTION_PERIOD_SECONDS)
                try:
                    app.state.sessions.evict_idle()
                    await app.state.sessions.purge_expired()
                    await app.state.classroom.purge_expired()
                except Exception:  # eviction must go on whatever one round met
                    log.exception("evicting idle sessions failed")

        # Training threads hold the GIL while the event loop waits for it after every socket call;
        # a short switch interval keeps that wait (and so frame and REST latency) small.
        sys.setswitchinterval(settings.gil_switch_seconds)
        app.state.sessions.start()
        await app.state.classroom.start()
        evictor = asyncio.create_task(evict_forever())
        yield
        evictor.cancel()
        app.state.sessions.stop()

    app = FastAPI(
        title="nnplay",
        version=engine.__version__,
        description="Neural network playground: train multilayer perceptrons server-side and watch them learn. "
                    "Create a session, keep its token, and send it as `Authorization: Bearer <token>`.",
        lifespan=lifespan,
        docs_url=None,  # /docs and /redoc come from app/web/api/routes/docs.py, with local assets (no CDN)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.sessions = SessionManager(settings)
    app.state.classroom = Classroom(settings, app.state.sessions)
    errors.install(app)
    openapi.install(app, settings)
    for module in API_ROUTERS:
        app.include_router(module.router, prefix="/api")
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(JsonBodiesOnly)
    if settings.allowed_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.allowed_origins, allow_methods=["*"],
                           allow_headers=["*"])
    app.add_middleware(AllowedHosts, listen_host=settings.host, extra=settings.allowed_hosts)  # outermost

    app.include_router(pages.router)
    docs.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


app = create_app()
