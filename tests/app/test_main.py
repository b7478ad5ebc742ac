"""The server skeleton: health, the engine catalogue, the docs, and a real `nnplay serve` process."""

import subprocess
import sys
import time

import httpx
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

import engine
from app.core.config import Settings
from app.main import create_app
from tests.conftest import free_port

client = TestClient(create_app(Settings(workers=0)))


def test_health_reports_the_engine_version_and_the_store(tmp_path):
    with TestClient(create_app(Settings(workers=0, data_dir=tmp_path))) as running:
        response = running.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["engine_version"] == engine.__version__
    assert body["store"] == {"backend": "sqlite", "location": f"sqlite:///{tmp_path.resolve()}/nnplay.sqlite3",
                             "reachable": True, "error": None, "checkpoints_waiting": 0, "checkpoints_written": 0,
                             "checkpoints_failing_seconds": None}


def test_health_says_when_the_store_cannot_be_read(tmp_path, monkeypatch):
    with TestClient(create_app(Settings(workers=0, data_dir=tmp_path))) as running:
        store = running.app.state.sessions.store

        def unreachable(*_):
            raise OperationalError("SELECT", {}, ConnectionRefusedError("connection refused"))

        monkeypatch.setattr(store, "count", unreachable)
        body = running.get("/api/health").json()
        assert body["status"] == "ok"  # the server is up; its store is not
        assert body["store"]["reachable"] is False and body["store"]["error"] == "OperationalError"
        created = running.post("/api/sessions", json={})  # creating needs the store (its caps): a clear 503
        assert created.status_code == 503 and created.json()["code"] == "store.unavailable"


def test_catalogue_lists_what_the_engine_offers():
    body = client.get("/api/catalogue").json()
    names = {key: [entry["name"] for entry in entries] for key, entries in body.items()}
    assert {"linear", "step", "sign", "sigmoid", "tanh", "relu", "softmax"} <= set(names["activations"])
    assert names["losses"] == ["squared_error", "cross_entropy", "binary_cross_entropy"]
    assert names["optimizers"] == ["sgd", "momentum", "adam"]
    assert {"circle", "xor", "gauss", "spiral", "plane", "multi_gaussian", "xor_gate", "blobs", "sine"} <= set(
        names["datasets"])
    assert names["features"] == ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]


def test_front_page_and_interactive_docs_are_served():
    assert "nnplay" in client.get("/").text
    assert client.get("/docs").status_code == 200
    assert "/api/catalogue" in client.get("/openapi.json").json()["paths"]


def test_python_m_app_starts_a_real_server_on_loopback():
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "app", "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, "the server exited"
                assert time.monotonic() < deadline, "the server did not answer within 20 s"
                time.sleep(0.1)
        assert response.json()["status"] == "ok"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_nnplay_serve_command_parses_host_and_port(monkeypatch, capsys):
    import uvicorn

    from app import cli

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append((app, kwargs)))
    cli.main(["serve", "--host", "127.0.0.1", "--port", "8123"])
    assert calls[0][0] == "app.main:app"
    assert calls[0][1]["host"] == "127.0.0.1" and calls[0][1]["port"] == 8123
    assert calls[0][1]["ws_per_message_deflate"] is False
