"""Fixtures shared by every test folder: a real server process on a free loopback port."""

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest


def free_port() -> int:
    """A TCP port nothing listens on right now, on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(base: str, process: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(f"{base}/api/health", timeout=1)
            return
        except httpx.TransportError:
            assert process.poll() is None, "the server exited"
            assert time.monotonic() < deadline, f"the server did not answer within {seconds} s"
            time.sleep(0.1)


@pytest.fixture(scope="module")
def live_server():
    """A real uvicorn process on a free loopback port; yields its base URL."""
    port = free_port()
    env = {**os.environ, "NNPLAY_MAX_SESSIONS_PER_CLIENT": "200", "NNPLAY_MAX_SESSIONS": "300"}
    process = subprocess.Popen([sys.executable, "-m", "app", "--host", "127.0.0.1", "--port", str(port)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def anyio_backend():
    """Async tests run on asyncio, like the server."""
    return "asyncio"
