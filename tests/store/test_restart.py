"""Nothing lost: real server processes (`python -m app`) on a SQLite file in a data dir and on PostgreSQL, stopped
every way a server stops (killed outright, stopped gracefully, one host process killed), and started again on the
same store. Every wait is on a condition with a deadline; nothing depends on the machine's speed."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from app.store import database
from app.store.sessions import SessionStore
from tests import conftest
from tests.conftest import free_port, serving
from tests.postgres_cluster import _alive
from tests.server_processes import children, host_pids, server_pid, two_hosts

MODEL = {"data": {"name": "xor", "n_points": 100, "noise": 0.0}, "hidden_layers": [8] * 6}
DEADLINE_SECONDS = 30


def wait_for(condition, what: str, seconds: float = DEADLINE_SECONDS):
    return conftest.wait_for(condition, what, seconds)


@pytest.fixture
def store_env(database_url) -> dict[str, str]:
    """The server settings that put its store at ``database_url``: for SQLite the data dir only (the default
    file nnplay.sqlite3 in it), for PostgreSQL NNPLAY_DATABASE_URL."""
    if database_url.startswith("sqlite"):
        return {"data_dir": str(Path(make_url(database_url).database).parent)}
    return {"database_url": database_url}


@pytest.fixture
def peek(database_url, engines) -> SessionStore:
    """The test's own view of the store (read only), to wait until a checkpoint is there."""
    return SessionStore(engines(database_url), time.time)


# ----- helpers -------------------------------------------------------------------------------------------------
def crash(base: str) -> None:
    """SIGKILL the whole server serving ``base``: the web process and every process it started (its hosts). All
    are frozen first (SIGSTOP), so that none sees another die and saves anything on its way out."""
    server = server_pid(base)
    os.kill(server, signal.SIGSTOP)  # it can start no new host now
    pids, todo = [server], [server]
    while todo:
        found = children(todo.pop())
        pids += found
        todo += found
    assert host_pids(server), "the server has no host process"
    for signal_number in (signal.SIGSTOP, signal.SIGKILL):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal_number)
    wait_for(lambda: not any(_alive(pid) for pid in pids), "the killed processes gone")


def create(base: str) -> tuple[str, str, dict]:
    answer = httpx.post(f"{base}/api/sessions", json=MODEL, timeout=20)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"], answer.json()["token"], {"Authorization": f"Bearer {answer.json()['token']}"}


def session(base: str, sid: str, auth: dict) -> httpx.Response:
    return httpx.get(f"{base}/api/sessions/{sid}", headers=auth, timeout=20)


def epoch_of(base: str, sid: str, auth: dict) -> int:
    answer = session(base, sid, auth)
    assert answer.status_code == 200, answer.text
    return answer.json()["metrics"]["epoch"]


def stream_url(base: str, sid: str) -> str:
    return f"{base.replace('http://', 'ws://')}/api/sessions/{sid}/stream"


class Stream:
    """A stream on a session, read to its end by a thread of its own (frames are counted, text messages kept)."""

    def __init__(self, base: str, sid: str, token: str):
        self._stack = contextlib.ExitStack()
        self.ws = self._stack.enter_context(connect(stream_url(base, sid), subprotocols=["nnplay", f"token.{token}"],
                                                    open_timeout=20))
        hello = json.loads(self.ws.recv(timeout=20))
        assert hello["type"] == "hello", hello
        self.texts: list[dict] = []
        self.frames = 0
        self.close_code: int | None = None
        self.closed = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            for message in self.ws:
                if isinstance(message, str):
                    self.texts.append(json.loads(message))
                else:
                    self.frames += 1
        except ConnectionClosed:
            pass
        finally:
            self.close_code = self.ws.close_code
            self.closed.set()

    def send(self, message: dict) -> None:
        self.ws.send(json.dumps(message))

    def close(self) -> None:
        self._stack.close()
        self._reader.join(DEADLINE_SECONDS)


# ----- the tests -----------------------------------------------------------------------------------------------
def test_a_killed_server_comes_back_with_what_a_training_call_returned(store_env, peek):
    epochs = 40
    with serving(workers="1", **store_env) as base:
        sid, _token, auth = create(base)
        trained = httpx.post(f"{base}/api/sessions/{sid}/train", json={"epochs": epochs}, headers=auth, timeout=30)
        assert trained.status_code == 200 and trained.json()["metrics"]["epoch"] == epochs, trained.text
        weights = httpx.get(f"{base}/api/sessions/{sid}/weights", headers=auth, timeout=20)
        assert weights.status_code == 200
        # The call's checkpoint is handed to the host's writer as the call answers: wait until it is written.
        wait_for(lambda: (row := peek.find(sid)) is not None and row.epoch == epochs, "the training's checkpoint")
        crash(base)

    with serving(workers="1", **store_env) as base:
        again = session(base, sid, auth)
        assert again.status_code == 200, again.text
        assert again.json()["metrics"]["epoch"] == epochs and again.json()["metrics"]["status"] == "idle"
        restored = httpx.get(f"{base}/api/sessions/{sid}/weights", headers=auth, timeout=20)
        assert restored.status_code == 200
        assert restored.json() == weights.json()  # every weight, exactly (JSON floats round-trip float64)
        more = httpx.post(f"{base}/api/sessions/{sid}/train", json={"epochs": 5}, headers=auth, timeout=30)
        assert more.status_code == 200 and more.json()["metrics"]["epoch"] == epochs + 5


def test_a_server_stopped_gracefully_saves_the_playing_session_paused(store_env, peek):
    # No periodic checkpoint within the test: what is stored beyond the start of play was written as the server
    # stopped.
    with serving(workers="1", checkpoint_seconds="3600", **store_env) as base:
        sid, token, auth = create(base)
        stream = Stream(base, sid, token)
        stream.send({"type": "play"})
        wait_for(lambda: stream.frames > 0, "a frame of the playing session")
        seen = wait_for(lambda: (epoch := epoch_of(base, sid, auth)) > 30 and epoch, "training under way")
        server = server_pid(base)
        hosts = host_pids(server)
        assert hosts
        os.kill(server, signal.SIGTERM)  # the web process only: it stops its hosts itself
        wait_for(lambda: not any(_alive(pid) for pid in {server, *hosts}), "the whole server stopped")
        assert stream.closed.wait(DEADLINE_SECONDS)
        assert stream.close_code == 1012  # "service restart": the page reconnects
        stored = peek.load(sid)
        assert stored.epoch >= seen and stored.status == "idle"

    with serving(workers="1", **store_env) as base:
        again = session(base, sid, auth)
        assert again.status_code == 200, again.text
        assert again.json()["metrics"]["epoch"] >= seen
        assert again.json()["metrics"]["status"] == "idle"  # it came back paused: its learner presses play
        stream = Stream(base, sid, token)
        stream.send({"type": "play"})
        wait_for(lambda: epoch_of(base, sid, auth) > stored.epoch, "training goes on from there")
        stream.close()


def test_a_session_of_a_killed_host_comes_back_on_another_host(store_env, peek):
    with serving(workers="2", checkpoint_seconds="0.2", **store_env) as base:
        hosts = wait_for(lambda: two_hosts(base), "two host processes")
        made = [create(base) for _ in range(2)]  # the least loaded host takes each: one session per host
        streams = {sid: Stream(base, sid, token) for sid, token, _ in made}
        for stream in streams.values():
            stream.send({"type": "play"})
        for sid, _, _ in made:  # both play, and have been checkpointed while playing
            wait_for(lambda sid=sid: (row := peek.find(sid)) is not None and row.epoch > 0, "a checkpoint in play")

        victim = min(hosts)
        before = {sid: peek.find(sid).epoch for sid, _, _ in made}
        os.kill(victim, signal.SIGKILL)

        closed = wait_for(lambda: [sid for sid, stream in streams.items() if stream.closed.is_set()],
                          "the stream of the killed host's session closed")
        assert len(closed) == 1
        (lost,) = closed
        (kept,) = [sid for sid in streams if sid != lost]
        lost_stream = streams[lost]
        assert lost_stream.close_code == 1012
        assert lost_stream.texts, "no message before the close"
        error = lost_stream.texts[-1]
        assert error["type"] == "error" and error["code"] == "session.restarting", error
        assert error["params"] == {"session_id": lost}

        auth = {sid: headers for sid, _, headers in made}
        token = {sid: token for sid, token, _ in made}
        back = session(base, lost, auth[lost])
        assert back.status_code == 200, back.text
        assert back.json()["metrics"]["epoch"] >= before[lost] and back.json()["metrics"]["status"] == "idle"
        again = Stream(base, lost, token[lost])  # a new stream on it works: hello (checked in Stream)
        again.send({"type": "play"})
        resumed = back.json()["metrics"]["epoch"]
        wait_for(lambda: epoch_of(base, lost, auth[lost]) > resumed, "the restored session trains")

        # The other host's session never stopped.
        assert not streams[kept].closed.is_set()
        frames = streams[kept].frames
        wait_for(lambda: streams[kept].frames > frames, "frames of the other session")
        assert session(base, kept, auth[kept]).json()["metrics"]["status"] == "playing"
        wait_for(lambda: (found := two_hosts(base)) and victim not in found, "a replacement host")
        for stream in [again, *streams.values()]:
            stream.close()


def test_a_deleted_session_is_gone_after_a_restart(store_env, peek):
    with serving(workers="1", **store_env) as base:
        sid, _token, auth = create(base)
        kept, _, kept_auth = create(base)
        assert httpx.post(f"{base}/api/sessions/{sid}/train", json={"epochs": 5}, headers=auth,
                          timeout=30).status_code == 200
        assert peek.find(sid) is not None
        assert httpx.delete(f"{base}/api/sessions/{sid}", headers=auth, timeout=20).status_code == 204
        wait_for(lambda: peek.find(sid) is None, "the stored session removed")
        assert peek.find(kept) is not None

    with serving(workers="1", **store_env) as base:
        gone = session(base, sid, auth)
        assert gone.status_code == 404 and gone.json()["code"] == "session.not_found", gone.text
        assert session(base, kept, kept_auth).status_code == 200  # the other one is still there


def test_a_server_refuses_a_store_written_by_a_newer_nnplay(store_env, peek):
    database.upgrade(peek.engine)
    with peek.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'zzzz'"))
    env = {**os.environ, **{f"NNPLAY_{name.upper()}": value for name, value in store_env.items()},
           "NNPLAY_WORKERS": "1"}
    started = subprocess.run([sys.executable, "-m", "app", "--host", "127.0.0.1", "--port", str(free_port())],
                             env=env, capture_output=True, text=True, timeout=DEADLINE_SECONDS,
                             stdin=subprocess.DEVNULL)
    assert started.returncode != 0
    assert "has schema revision zzzz, which this version of nnplay does not know" in started.stderr
    with peek.engine.connect() as connection:  # nothing was written into it
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == ["zzzz"]
