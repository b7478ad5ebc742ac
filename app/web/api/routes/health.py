"""Liveness and version: what a script checks before it talks to the server."""

from fastapi import APIRouter

import engine
from app.schemas.health import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health() -> dict:
    """Report that the server is up and which engine it runs."""
    return {"status": "ok", "engine_version": engine.__version__}
