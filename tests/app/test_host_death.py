"""A session host that dies is replaced; its sessions are reported lost, stop counting, and others live on."""

import asyncio
import contextlib
import json
import os
import signal
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from app.core.config import Settings
from app.core.errors import SessionNotFound
from app.main import create_app
from app.web import sessions as sessions_module
from tests.app.test_stream import open_stream
from tests.conftest import serving

XOR = {"data": {"name": "xor", "n_points": 100, "noise": 0.0}, "hidden_layers": [3]}
DEADLINE_SECONDS = 20


def wait_for(condition, what: str, seconds: float = DEADLINE_SECONDS):
    """Poll ``condition`` until it returns something true (that value), or fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s"
        time.sleep(0.05)


# ----- against a real server: a host process killed with SIGKILL ---------------------------------------
def _cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:  # the field after the state is the parent's pid
                found.append(int(entry.name))
    return found


def server_pid(base: str) -> int:
    """The pid of the `python -m app ... --port <port>` process serving ``base``."""
    port = base.rsplit(":", 1)[1]
    pids = []
    for entry in Path("/proc").iterdir():
        args = _cmdline(int(entry.name)) if entry.name.isdigit() else []
        if "app" in args and "--port" in args and args[args.index("--port") + 1] == port:
            pids.append(int(entry.name))
    assert len(pids) == 1, pids
    return pids[0]


def host_pids(server: int) -> set[int]:
    """The session host processes: the server's children started by multiprocessing's spawn (not its
    resource tracker)."""
    return {pid for pid in _children(server) if any("spawn_main" in arg for arg in _cmdline(pid))}


def two_hosts(base: str) -> set[int] | None:
    """The pids of the server's two host processes, once it has two."""
    found = host_pids(server_pid(base))
    return found if len(found) == 2 else None


def test_a_killed_host_is_replaced_and_its_sessions_are_reported_lost():
    with serving(workers="2", max_sessions_per_client="2") as base:
        api = f"{base}/api/sessions"
        hosts = wait_for(lambda: two_hosts(base), "two host processes")
        sessions = []
        for _ in range(2):  # the least loaded host takes each: one session per host
            body = httpx.post(api, json=XOR, timeout=10).json()
            sessions.append((body["id"], {"Authorization": f"Bearer {body['token']}"}))
        assert httpx.post(api, json=XOR, timeout=10).status_code == 429  # this client's limit

        # A stream on each session: the one of the lost session must say so, then close.
        with contextlib.ExitStack() as stack:
            streams = [stack.enter_context(connect(f"{base.replace('http', 'ws')}/api/sessions/{sid}/stream",
                                                   subprotocols=["nnplay", f"token.{auth['Authorization'][7:]}"],
                                                   open_timeout=10))
                       for sid, auth in sessions]
            for ws in streams:
                assert json.loads(ws.recv(timeout=10))["type"] == "hello"
            victim = min(hosts)
            os.kill(victim, signal.SIGKILL)

            def status(sid, auth):
                return httpx.get(f"{api}/{sid}", headers=auth, timeout=10)

            # Within the deadline exactly one session (the victim's) is lost; the other one still trains.
            lost = wait_for(lambda: [(sid, auth) for sid, auth in sessions
                                     if status(sid, auth).status_code == 404], "a session reported lost")
            assert len(lost) == 1
            (lost_id, lost_auth), = lost
            (kept_id, kept_auth), = [s for s in sessions if s[0] != lost_id]
            answer = status(lost_id, lost_auth)
            assert answer.json()["code"] == "session.lost" and answer.json()["params"] == {"session_id": lost_id}
            zh = httpx.get(f"{api}/{lost_id}", headers={**lost_auth, "Accept-Language": "zh"}, timeout=10)
            assert "训练进程" in zh.json()["detail"]
            trained = httpx.post(f"{api}/{kept_id}/train", json={"epochs": 5}, headers=kept_auth, timeout=30)
            assert trained.status_code == 200 and trained.json()["metrics"]["epoch"] == 5

            lost_stream = streams[[sid for sid, _ in sessions].index(lost_id)]
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    message = lost_stream.recv(timeout=DEADLINE_SECONDS)
                    if isinstance(message, str):
                        error = json.loads(message)
                        assert error["type"] == "error" and error["code"] == "session.lost"
            assert closed.value.rcvd.code == 4410
            kept_stream = streams[[sid for sid, _ in sessions].index(kept_id)]
            kept_stream.send(json.dumps({"type": "step"}))
            assert isinstance(kept_stream.recv(timeout=DEADLINE_SECONDS), bytes)  # still streaming

            # A replacement host within 5 s (the bound), and the lost session no longer counts.
            replaced = wait_for(lambda: two_hosts(base), "a replacement host", seconds=5)
            assert victim not in replaced and replaced - hosts
            created = httpx.post(api, json=XOR, timeout=10)
            assert created.status_code == 201, created.text
            new_id, new_auth = created.json()["id"], {"Authorization": f"Bearer {created.json()['token']}"}
            assert httpx.post(api, json=XOR, timeout=10).status_code == 429  # two live sessions again

            # The new session went to the replacement (the least loaded host): killing the other original
            # host loses the older session but not the new one.
            survivor = (hosts - {victim}).pop()
            os.kill(survivor, signal.SIGKILL)
            wait_for(lambda: status(kept_id, kept_auth).status_code == 404, "the second lost session")
            assert status(kept_id, kept_auth).json()["code"] == "session.lost"
            trained = httpx.post(f"{api}/{new_id}/train", json={"epochs": 3}, headers=new_auth, timeout=30)
            assert trained.status_code == 200 and trained.json()["metrics"]["epoch"] == 3
            wait_for(lambda: two_hosts(base), "another replacement host", seconds=5)
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


def test_the_manager_replaces_a_dead_host_and_forgets_its_sessions(settings):
    with TestClient(create_app(settings)) as client:
        manager = client.app.state.sessions
        sessions = [create(client) for _ in range(settings.max_sessions_per_client)]
        assert client.post("/api/sessions", json=XOR).status_code == 429
        sid, auth = sessions[0]
        with open_stream(client, sid, auth) as ws:
            assert ws.receive_json()["type"] == "hello"
            dead = kill(manager)
            error = ws.receive_json()
            assert error["type"] == "error" and error["code"] == "session.lost"
            assert error["params"] == {"session_id": sid} and "lost" in error["message"]
            with pytest.raises(WebSocketDisconnect) as closed:
                while True:
                    ws.receive_bytes()
            assert closed.value.code == 4410
        assert not dead.alive and len(manager) == 0
        for lost_id, lost_auth in sessions:
            answer = client.get(f"/api/sessions/{lost_id}", headers=lost_auth)
            assert answer.status_code == 404 and answer.json()["code"] == "session.lost"
            assert client.post(f"/api/sessions/{lost_id}/train", json={"epochs": 1},
                               headers=lost_auth).json()["code"] == "session.lost"
            assert client.delete(f"/api/sessions/{lost_id}", headers=lost_auth).status_code == 404
        with open_stream(client, sid, auth) as ws:  # a new stream of a lost session: told, then closed
            assert ws.receive_json()["code"] == "session.lost"
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_bytes()
            assert closed.value.code == 4410
        # The limits count live sessions only, and the replacement takes new ones.
        fresh = [create(client) for _ in range(settings.max_sessions_per_client)]
        for fresh_id, fresh_auth in fresh:
            assert manager.records[fresh_id].host is manager.hosts[0]
            trained = client.post(f"/api/sessions/{fresh_id}/train", json={"epochs": 4}, headers=fresh_auth)
            assert trained.status_code == 200 and trained.json()["metrics"]["epoch"] == 4
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
            except SessionNotFound as exc:
                return exc.code
            return "finished"

        assert client.portal.call(train_while_the_host_dies) == "session.lost"  # not host.unavailable
        wait_for(lambda: manager.hosts[0] is not host and manager.hosts[0].alive, "a replacement host")
