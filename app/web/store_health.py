"""How the store is doing, for /api/health: its backend and location, whether the web process can read it, and
the session hosts' checkpoint writers (waiting, written, how long writes have failed); on a Ray cluster, where the
host actors run."""

import asyncio

from app.core.errors import HostUnavailable
from app.store import database

STORE_CHECK_SECONDS = 2.0  # the health check waits this long at most for the database and each host


async def store_health(manager) -> dict:
    """The store's backend and location, whether it answers (within STORE_CHECK_SECONDS), and the hosts'
    checkpoint writers' state (app/schemas/health.py StoreHealth)."""
    url = manager.store.engine.url
    error = None
    try:
        await asyncio.wait_for(manager.stored(manager.store.count), STORE_CHECK_SECONDS)
    except (HostUnavailable, TimeoutError) as exc:
        error = exc.params.get("reason", "") if isinstance(exc, HostUnavailable) else "no answer in time"
    writers = []
    for host in [host for host in manager.hosts if host.alive]:
        try:
            writers.append(await asyncio.wait_for(host.writer_status(), STORE_CHECK_SECONDS))
        except (HostUnavailable, TimeoutError):
            pass  # a host that does not answer is replaced if it died; its writer is no news
    failing = [w["failing_seconds"] for w in writers if w["failing_seconds"] is not None]
    return {"backend": url.get_backend_name(), "location": database.describe(str(url)), "reachable": error is None,
            "error": error or next((w["last_error"] for w in writers if w["last_error"]), None),
            "checkpoints_waiting": sum(w["waiting"] for w in writers),
            "checkpoints_written": sum(w["written"] for w in writers),
            "checkpoints_failing_seconds": max(failing) if failing else None}


async def hosts_health(manager) -> list[dict] | None:
    """On a Ray cluster, each host actor as it answers (within STORE_CHECK_SECONDS); None for local hosts."""
    if not manager.on_cluster:
        return None

    async def one(host) -> dict:
        try:
            return {**await asyncio.wait_for(host.where(), STORE_CHECK_SECONDS), "available": True}
        except Exception:  # dead, restarting or slow: said as such, never an error of the health check
            return {"index": host.index, "available": False}

    return list(await asyncio.gather(*(one(host) for host in manager.hosts)))
