"""Starting a session host process from the web process."""

import asyncio
import os
import time

from app.core.config import Settings
from app.web.host_client import ONE_BLAS_THREAD, HostClient
from tests.conftest import run_in_own_loop


def test_a_host_process_runs_at_lower_priority_from_its_start():
    settings = Settings(workers=1, host_niceness=3)

    async def started_niceness() -> tuple[int, int]:
        host = HostClient(settings)
        host.start(asyncio.get_running_loop())
        try:
            return os.getpriority(os.PRIO_PROCESS, host._worker.pid), os.getpriority(os.PRIO_PROCESS, 0)
        finally:
            await asyncio.to_thread(host.stop)

    host_nice, own_nice = run_in_own_loop(started_niceness())
    assert host_nice == min(19, own_nice + 3)


def test_a_host_process_starts_with_one_blas_thread(monkeypatch):
    """A host per core: its BLAS must not add threads that compete with the other hosts."""
    settings = Settings(workers=1)
    for name in ONE_BLAS_THREAD:
        monkeypatch.delenv(name, raising=False)

    async def environment() -> dict[str, str]:
        host = HostClient(settings)
        host.start(asyncio.get_running_loop())
        try:
            deadline = time.monotonic() + 20
            while True:  # empty while the new process is between fork and exec
                raw = open(f"/proc/{host._worker.pid}/environ", "rb").read().split(b"\0")
                env = dict(item.decode().split("=", 1) for item in raw if b"=" in item)
                if env or time.monotonic() > deadline:
                    return env
                await asyncio.sleep(0.01)
        finally:
            await asyncio.to_thread(host.stop)

    env = run_in_own_loop(environment())
    assert {name: env.get(name) for name in ONE_BLAS_THREAD} == ONE_BLAS_THREAD
