"""Assembles the FastAPI application from its routers. No logic lives here."""

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

import engine
from app.api.routes import catalogue, health

app = FastAPI(
    title="nnplay",
    version=engine.__version__,
    description="Neural network playground: train multilayer perceptrons server-side and watch them learn.",
)
app.include_router(health.router, prefix="/api")
app.include_router(catalogue.router, prefix="/api")


@app.get("/", response_class=HTMLResponse, include_in_schema=False)
def index() -> str:
    """A placeholder front page until the playground page lands (issue 4)."""
    return (
        "<!doctype html><meta charset=utf-8><title>nnplay</title>"
        "<h1>nnplay</h1><p>The engine and API are running. The playground page is coming; "
        "meanwhile see the <a href='/docs'>interactive API docs</a>.</p>"
    )
