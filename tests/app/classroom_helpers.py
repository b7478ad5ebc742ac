"""What the classroom's tests share: a server (in-process hosts, its own store) and a class with students."""

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app


@pytest.fixture
def server(tmp_path):
    settings = Settings(workers=0, data_dir=tmp_path, allowed_hosts=["testserver"], max_sessions_per_client=2,
                        join_failures_per_minute=5)
    with TestClient(create_app(settings)) as client:
        yield client


def make_class(client, **spec):
    created = client.post("/api/classes", json={"name": "3班", **spec})
    assert created.status_code == 201, created.text
    body = created.json()
    return body["id"], {"Authorization": f"Bearer {body['teacher_token']}"}, body


def join(client, code, name=""):
    joined = client.post("/api/classes/join", json={"code": code, "name": name})
    assert joined.status_code == 201, joined.text
    body = joined.json()
    return body, {"Authorization": f"Bearer {body['session']['token']}"}
