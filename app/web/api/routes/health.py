"""Liveness, version and the store's state: what a script (or whoever runs the server) checks."""

from fastapi import APIRouter

import engine
from app.schemas.health import Health
from app.web.api.deps import ManagerDep
from app.web.store_health import hosts_health, store_health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
async def health(manager: ManagerDep) -> dict:
    """Report that the server is up, which engine it runs, and whether its sessions are being stored."""
    return {"status": "ok", "engine_version": engine.__version__, "store": await store_health(manager),
            "hosts": await hosts_health(manager)}
