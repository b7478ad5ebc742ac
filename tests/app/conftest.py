"""Fixtures for the server tests: an app with small limits, a client and session helpers."""

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app


@pytest.fixture
def settings() -> Settings:
    return Settings(workers=0, max_sessions=6, max_sessions_per_client=4, max_points=1000, max_epochs_per_call=2000,
                    max_body_bytes=50_000, max_ws_message_bytes=2048, default_fps=60, max_fps=120,
                    allowed_hosts=["testserver"])  # the Host the TestClient sends


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


# The classroom's server fixture (tests/app/test_class*.py).
from tests.app.classroom_helpers import server  # noqa: E402, F401
