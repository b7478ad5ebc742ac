"""A session host that dies is replaced; its sessions come back from their checkpoints (or, never stored, are
reported lost), stop counting while away, and others live on."""

import asyncio
import contextlib
import json
import os
import signal

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from app.core.config import Settings
from app.core.errors import HostUnavailable
from app.main import create_app
from app.web import sessions as sessions_module
from tests import conftest
from tests.app.test_stream import open_stream
from tests.conftest import serving
from tests.server_processes import two_hosts

XOR = {"data": {"name": "xor", "n_points": 100, "noise": 0.0}, "hidden_layers": [3]}
DEADLINE_SECONDS = 20


def wait_for(condition, what: str, seconds: float = DEADLINE_SECONDS):
    return conftest.wait_for(condition, what, seconds)


# ----- against a real server: a host process killed with SIGKILL ---------------------------------------
def test_a_killed_host_is_replaced_and_its_sessions_come_back_from_their_checkpoints():
    with serving(workers="2", max_sessions_per_client="2") as base:
        api = f"{base}/api/sessions"
        hosts = wait_for(lambda: two_hosts(base), "two host processes")
        sessions = []
        for _ in range(2):  # the least loaded host takes each: one session per host
            body = httpx.post(api, json=XOR, timeout=10).json()
            sessions.append((body["id"], {"Authorization": f"Bearer {body['token']}"}))
            trained = httpx.post(f"{api}/{body['id']}/train", json={"epochs": 6}, headers=sessions[-1][1], timeout=30)
            assert trained.status_code == 200  # a training call checkpoints as it returns
        assert httpx.post(api, json=XOR, timeout=10).status_code == 429  # this client's limit

        def status(sid, auth):
            return httpx.get(f"{api}/{sid}", headers=auth, timeout=10)

        # A stream on each session: the one of the killed host's session says so, then closes with 1012.
        with contextlib.ExitStack() as stack:
            streams = [stack.enter_context(connect(f"{base.replace('http', 'ws')}/api/sessions/{sid}/stream",
                                                   subprotocols=["nnplay", f"token.{auth['Authorization'][7:]}"],
                                                   open_timeout=10))
                       for sid, auth in sessions]
            for ws in streams:
                assert json.loads(ws.recv(timeout=10))["type"] == "hello"
            victim = min(hosts)
            os.kill(victim, signal.SIGKILL)

            def closed_with(ws):
                try:
                    while True:
                        message = ws.recv(timeout=0.05)
                        if isinstance(message, str):
                            error = json.loads(message)
                            assert error["type"] == "error" and error["code"] == "session.restarting", error
                except TimeoutError:
                    return None
                except ConnectionClosed as exc:
                    return exc.rcvd.code

            codes = wait_for(lambda: [code for ws in streams if (code := closed_with(ws)) is not None] or None,
                             "the killed host's stream closed")
            assert codes == [1012]
            (kept_stream,) = [ws for ws in streams if closed_with(ws) is None]
            kept_stream.send(json.dumps({"type": "step"}))
            assert isinstance(kept_stream.recv(timeout=DEADLINE_SECONDS), bytes)  # still streaming

            # A replacement host within 5 s (the bound); both sessions answer, at their checkpoint.
            replaced = wait_for(lambda: two_hosts(base), "a replacement host", seconds=5)
            assert victim not in replaced and replaced - hosts
            epochs = []
            for sid, auth in sessions:
                answer = status(sid, auth)
                assert answer.status_code == 200, answer.text
                epochs.append(answer.json()["metrics"]["epoch"])
                trained = httpx.post(f"{api}/{sid}/train", json={"epochs": 2}, headers=auth, timeout=30)
                assert trained.status_code == 200 and trained.json()["metrics"]["epoch"] == epochs[-1] + 2
            assert sorted(epochs) == [6, 7]  # the restored one at its checkpoint; the other took one step more
            assert httpx.get(f"{base}/api/health", timeout=10).status_code == 200


# ----- in process: a host thread that ends without being asked to ------------------------------------------
@pytest.fixture
def settings() -> Settings:
    return Settings(workers=0, max_sessions=6, max_sessions_per_client=3)


def kill(manager) -> object:
    """End the (in-process) host as a crash would: it stops without the manager having asked. Returns it."""
    (host,) = manager.hosts
    host._post(("stop",))  # the host thread leaves its loop and closes its end; the manager did not ask
    wait_for(lambda: manager.hosts[0] is not host and manager.hosts[0].alive, "a replacement host")
    return host


def create(client, **config):
    response = client.post("/api/sessions", json={**XOR, **config})
    assert response.status_code == 201, response.text
    body = response.json()
    return body["id"], {"Authorization": f"Bearer {body['token']}"}


def test_the_manager_replaces_a_dead_host_and_its_sessions_come_back_from_the_store(settings):
    with TestClient(create_app(settings)) as client:
        manager = client.app.state.sessions
        sessions = [create(client) for _ in range(settings.max_sessions_per_client)]
        assert client.post("/api/sessions", json=XOR).status_code == 429
        sid, auth = sessions[0]
        trained = client.post(f"/api/sessions/{sid}/train", json={"epochs": 7}, headers=auth).json()
        with open_stream(client, sid, auth) as ws:
            assert ws.receive_json()["type"] == "hello"
            dead = kill(manager)
            error = ws.receive_json()
            assert error["type"] == "error" and error["code"] == "session.restarting"
            assert error["params"] == {"session_id": sid} and "checkpoint" in error["message"]
            with pytest.raises(WebSocketDisconnect) as closed:
                while True:
                    ws.receive_bytes()
            assert closed.value.code == 1012  # service restart: the page reconnects
        assert not dead.alive and len(manager) == 0  # the limits count live sessions only
        back = client.get(f"/api/sessions/{sid}", headers=auth)
        assert back.status_code == 200 and back.json()["metrics"]["epoch"] == 7
        assert back.json()["metrics"]["train_loss"] == pytest.approx(trained["metrics"]["train_loss"], rel=1e-5)
        with open_stream(client, sid, auth) as ws:  # a new stream of it works
            assert ws.receive_json()["type"] == "hello"
        for other_id, other_auth in sessions[1:]:
            trained = client.post(f"/api/sessions/{other_id}/train", json={"epochs": 4}, headers=other_auth)
            assert trained.status_code == 200 and trained.json()["metrics"]["epoch"] == 4
            assert manager.records[other_id].host is manager.hosts[0]
        assert len(manager) == settings.max_sessions_per_client


def test_sessions_a_dead_host_took_before_they_were_stored_are_reported_lost(settings):
    with TestClient(create_app(settings)) as client:
        manager = client.app.state.sessions
        sessions = [create(client) for _ in range(settings.max_sessions_per_client)]
        sid, auth = sessions[0]
        kill(manager)
        for lost_id, _ in sessions:
            manager.store.delete(lost_id)  # as if the host died before its first checkpoint was written
        for lost_id, lost_auth in sessions:
            answer = client.get(f"/api/sessions/{lost_id}", headers=lost_auth)
            assert answer.status_code == 404 and answer.json()["code"] == "session.lost"
            zh = client.get(f"/api/sessions/{lost_id}", headers={**lost_auth, "Accept-Language": "zh"})
            assert "训练进程" in zh.json()["detail"]
            assert client.delete(f"/api/sessions/{lost_id}", headers=lost_auth).status_code == 404
        with open_stream(client, sid, auth) as ws:  # a new stream of a lost session: told, then closed
            assert ws.receive_json()["code"] == "session.lost"
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_bytes()
            assert closed.value.code == 4410
        fresh = [create(client) for _ in range(settings.max_sessions_per_client)]  # the replacement takes them
        assert all(manager.records[fresh_id].host is manager.hosts[0] for fresh_id, _ in fresh)
        unknown = client.get("/api/sessions/AAAAAAAAAAAA", headers=auth)
        assert unknown.json()["code"] == "session.not_found"  # never lost, so not "lost"


def test_a_normal_stop_is_no_death(settings):
    with TestClient(create_app(settings)) as client:
        manager = client.app.state.sessions
        create(client)
        (host,) = manager.hosts
    assert manager.hosts == [host] and not host.alive and not manager.lost  # no replacement, nothing "lost"


def test_only_the_newest_lost_ids_are_remembered(settings, monkeypatch):
    monkeypatch.setattr(sessions_module, "LOST_REMEMBERED", 2)
    with TestClient(create_app(settings)) as client:
        manager = client.app.state.sessions
        sessions = [create(client) for _ in range(3)]
        kill(manager)
        for sid, _ in sessions:
            manager.store.delete(sid)  # never stored: lost for good
        assert len(manager.lost) == 2
        codes = [client.get(f"/api/sessions/{sid}", headers=auth).json()["code"] for sid, auth in sessions]
        assert codes == ["session.not_found", "session.lost", "session.lost"]


def test_a_call_waiting_on_a_host_that_dies_says_lost(settings):
    with TestClient(create_app(settings)) as client:
        manager = client.app.state.sessions
        sid, auth = create(client, data={"name": "spiral", "n_points": 1000}, hidden_layers=[8, 8, 8])
        record = manager.records[sid]
        host = record.host

        async def train_while_the_host_dies():
            call = asyncio.ensure_future(manager.ops(record).train(300))  # far longer than the next line
            await asyncio.sleep(0)
            host._post(("stop",))
            try:
                await call
            except HostUnavailable as exc:
                return exc.code
            return "finished"

        # Not plain host.unavailable: the session comes back from its checkpoint on the next call.
        assert client.portal.call(train_while_the_host_dies) == "session.restarting"
        wait_for(lambda: manager.hosts[0] is not host and manager.hosts[0].alive, "a replacement host")
