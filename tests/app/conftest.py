"""Fixtures for the server tests: an app with small limits, a client, session helpers, a real server."""

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app


@pytest.fixture
def settings() -> Settings:
    return Settings(max_sessions=6, max_sessions_per_client=4, max_points=1000, max_epochs_per_call=2000,
                    max_body_bytes=50_000, max_ws_message_bytes=2048, default_fps=60, max_fps=120)


@pytest.fixture
def client(settings):
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def new_session(client):
    """Create a session from config keywords; returns (id, auth headers, full response body)."""

    def create(**config):
        response = client.post("/api/sessions", json=config)
        assert response.status_code == 201, response.text
        body = response.json()
        return body["id"], {"Authorization": f"Bearer {body['token']}"}, body

    return create


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
