"""Session hosts on a Ray cluster (NNPLAY_HOSTS=ray, docs/deploy.md), for real: a two-node Ray cluster on this
machine (tests/ray_cluster.py), a throwaway PostgreSQL (tests/postgres_cluster.py) and two web nodes
(`python -m app`) on their own ports sharing both. A session created through one web node trains and streams
through the other; a web node that dies leaves its sessions usable through the other; a Ray node that dies brings
its sessions back on the other node, from their checkpoints.

One cluster for the module (starting one costs seconds of both cores); the tests hold in any order: the one that
kills a node leaves a one-node cluster on which every other test still holds."""

import concurrent.futures
import contextlib
import json
import os
import signal
import subprocess
import sys

import httpx
import pytest
from websockets.sync.client import connect

from app.core.placement import host_index
from app.host.frames import decode
from tests.conftest import free_port, wait_for, wait_until_serving
from tests.postgres_cluster import fresh_database, throwaway_cluster
from tests.ray_cluster import HEAD, WORKER, two_node_cluster
from tests.server_processes import children

HOSTS = 2  # one host actor per core of the cluster (two nodes of one CPU)
SMALL = {"data": {"name": "xor", "n_points": 40, "noise": 0.0}, "hidden_layers": [3], "batch_size": 40}
WAIT_SECONDS = 120  # a node's death is noticed in ~3 s (fast health checks) and its actor restarted in ~2-4 s
CLOSE_RESTART, CLOSE_SESSION_ENDED = 1012, 4410


@pytest.fixture(scope="module")
def cluster():
    with two_node_cluster() as ray_cluster, throwaway_cluster() as postgres:
        ray_cluster.database_url = fresh_database(postgres, "cluster")
        yield ray_cluster


@contextlib.contextmanager
def web_node(cluster, **settings: str):
    """A web node of the cluster: `python -m app` on a free loopback port (with these NNPLAY_ variables too); its
    base URL and process."""
    port = free_port()
    env = {**os.environ, **cluster.env, "NNPLAY_HOSTS": "ray", "NNPLAY_RAY_HOSTS": str(HOSTS),
           "NNPLAY_DATABASE_URL": cluster.database_url, **settings}
    process = subprocess.Popen([sys.executable, "-m", "app", "--host", "127.0.0.1", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, process, WAIT_SECONDS)
        yield base, process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture(scope="module")
def nodes(cluster):
    """Web nodes A and B."""
    with web_node(cluster) as (a, _), web_node(cluster) as (b, _):
        yield a, b


def create(base: str, config: dict | None = None) -> tuple[str, dict]:
    response = httpx.post(f"{base}/api/sessions", json=config or SMALL, timeout=60)
    assert response.status_code == 201, response.text
    body = response.json()
    return body["id"], {"Authorization": f"Bearer {body['token']}"}


def epoch(base: str, session_id: str, auth: dict) -> int:
    response = httpx.get(f"{base}/api/sessions/{session_id}", headers=auth, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()["metrics"]["epoch"]


def train(base: str, session_id: str, auth: dict, epochs: int) -> dict:
    response = httpx.post(f"{base}/api/sessions/{session_id}/train", json={"epochs": epochs}, headers=auth,
                          timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def stream(base: str, session_id: str, auth: dict):
    token = auth["Authorization"].removeprefix("Bearer ")
    url = base.replace("http", "ws") + f"/api/sessions/{session_id}/stream"
    return connect(url, subprotocols=["nnplay", f"token.{token}"], open_timeout=30)


def hosts(base: str) -> list[dict]:
    """The host actors as /api/health reports them."""
    return httpx.get(f"{base}/api/health", timeout=30).json()["hosts"]


def frames_until(ws, condition, what: str) -> dict:
    """Read the stream until a frame's header satisfies ``condition``; that header."""
    for _ in range(2000):
        message = ws.recv(timeout=WAIT_SECONDS)
        if isinstance(message, bytes):
            header = decode(message)[0]
            if condition(header):
                return header
    raise AssertionError(f"no frame {what}")


def test_a_session_made_through_one_web_node_trains_and_streams_through_the_other(nodes):
    a, b = nodes
    session_id, auth = create(a)
    assert train(b, session_id, auth, 30)["epochs_run"] == 30
    assert epoch(a, session_id, auth) == 30  # one session, on one host actor, whichever node asks
    with stream(b, session_id, auth) as ws:
        assert json.loads(ws.recv(timeout=WAIT_SECONDS))["type"] == "hello"
        ws.send(json.dumps({"type": "view", "output_resolution": 16, "neuron_resolution": 4}))
        assert frames_until(ws, lambda header: True, "at all")["epoch"] == 30
        ws.send(json.dumps({"type": "play"}))
        header = frames_until(ws, lambda header: header["epoch"] >= 60, "past epoch 60 while it plays")
        assert header["status"] == "playing"
        ws.send(json.dumps({"type": "pause"}))
    assert epoch(a, session_id, auth) >= 60  # what B's stream trained, A sees


def test_a_wrong_token_is_refused_by_a_web_node_that_never_saw_the_session(nodes):
    a, b = nodes
    session_id, _ = create(a)
    response = httpx.get(f"{b}/api/sessions/{session_id}", headers={"Authorization": "Bearer nope"}, timeout=30)
    assert response.status_code == 403
    assert httpx.get(f"{b}/api/sessions/{session_id}", timeout=30).status_code == 401


def test_a_session_deleted_through_a_web_node_that_never_saw_it_ends_everywhere(nodes):
    a, b = nodes
    session_id, auth = create(a)
    with stream(a, session_id, auth) as ws:  # its page, on node A
        assert json.loads(ws.recv(timeout=WAIT_SECONDS))["type"] == "hello"
        frames_until(ws, lambda header: True, "before the delete")
        assert httpx.delete(f"{b}/api/sessions/{session_id}", headers=auth, timeout=30).status_code == 204
        with pytest.raises(Exception) as closed:  # its host closed it: the page is told the session ended
            while True:
                ws.recv(timeout=WAIT_SECONDS)
        assert closed.value.rcvd.code == CLOSE_SESSION_ENDED, closed.value
    assert httpx.get(f"{a}/api/sessions/{session_id}", headers=auth, timeout=30).status_code == 404
    assert httpx.get(f"{b}/api/sessions/{session_id}", headers=auth, timeout=30).status_code == 404


def test_a_web_node_that_dies_leaves_its_sessions_usable_through_another(cluster, nodes):
    _, b = nodes
    with web_node(cluster) as (doomed, process):
        session_id, auth = create(doomed)
        train(doomed, session_id, auth, 25)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert epoch(b, session_id, auth) == 25  # in its host's memory all along: nothing lost, not even a checkpoint
    assert train(b, session_id, auth, 5)["metrics"]["epoch"] == 30


def test_a_ray_node_that_dies_brings_its_sessions_back_on_the_other_node_from_their_checkpoints(cluster, nodes):
    a, b = nodes
    on_worker = {host["index"] for host in hosts(a) if host["node"] == WORKER}
    if not on_worker:
        pytest.fail(f"no host actor on node {WORKER}: {hosts(a)}")
    doomed_index = next(iter(on_worker))
    while True:  # a session whose host runs on the node that dies
        session_id, auth = create(a)
        if host_index(session_id, HOSTS) == doomed_index:
            break
    train(a, session_id, auth, 40)
    wait_for(lambda: httpx.get(f"{a}/api/health", timeout=30).json()["store"]["checkpoints_waiting"] == 0,
             "every checkpoint written", WAIT_SECONDS)
    before = next(host for host in hosts(a) if host["index"] == doomed_index)
    with stream(b, session_id, auth) as ws:
        assert json.loads(ws.recv(timeout=WAIT_SECONDS))["type"] == "hello"
        frames_until(ws, lambda header: True, "before the node dies")
        cluster.kill_node(WORKER, worker_pids=[before["pid"]])
        # The stream says the session is restarting (its page reconnects), rather than that it ended.
        with pytest.raises(Exception) as closed:
            while True:
                ws.recv(timeout=WAIT_SECONDS)
        assert getattr(closed.value, "rcvd", None) is not None and closed.value.rcvd.code == CLOSE_RESTART, closed.value
    # Back on the other node, it reloads its sessions from their checkpoints before anyone asks for them.
    back = wait_for(lambda: next((host for host in hosts(b) if host["index"] == doomed_index and host["available"]
                                  and host["pid"] != before["pid"] and host["sessions"] >= 1), None),
                    "the host back, with its sessions", WAIT_SECONDS)
    assert back["node"] == HEAD and back["restarted"]
    assert epoch(b, session_id, auth) == 40  # from its checkpoint
    assert epoch(a, session_id, auth) == 40
    assert train(a, session_id, auth, 10)["metrics"]["epoch"] == 50
    with stream(b, session_id, auth) as ws:  # the reconnected page
        assert json.loads(ws.recv(timeout=WAIT_SECONDS))["type"] == "hello"
        assert frames_until(ws, lambda header: True, "after the restart")["epoch"] == 50


def messages_until(ws, condition, what: str):
    """Read a stream (text as JSON, binary as bytes) until ``condition`` holds for a message; that message."""
    for _ in range(5000):
        message = ws.recv(timeout=WAIT_SECONDS)
        message = message if isinstance(message, bytes) else json.loads(message)
        if condition(message):
            return message
    raise AssertionError(f"no message {what}")


def test_a_class_spans_web_nodes_its_dashboard_sees_every_student_and_a_pause_reaches_them_all(nodes):
    a, b = nodes
    created = httpx.post(f"{a}/api/classes", json={"name": "3班"}, timeout=60).json()
    teacher = {"Authorization": f"Bearer {created['teacher_token']}"}
    joined = httpx.post(f"{b}/api/classes/join", json={"code": created["join_code"], "name": "Ann"}, timeout=60)
    assert joined.status_code == 201, joined.text
    student = joined.json()
    session_id, auth = student["session"]["id"], {"Authorization": f"Bearer {student['session']['token']}"}
    dashboard = connect(a.replace("http", "ws") + f"/api/classes/{created['id']}/stream",
                        subprotocols=["nnplay", f"token.{created['teacher_token']}"], open_timeout=30)
    with stream(b, session_id, auth) as own, dashboard:
        assert json.loads(own.recv(timeout=WAIT_SECONDS))["type"] == "hello"
        own.send(json.dumps({"type": "play"}))  # her page is open on node B, and she plays
        roster = messages_until(dashboard, lambda m: isinstance(m, dict) and m.get("type") == "roster"
                                and m["counts"]["playing"] == 1, "with Ann playing, on node A's dashboard")
        assert [s["nickname"] for s in roster["students"]] == ["Ann"]
        tile = messages_until(dashboard, lambda m: isinstance(m, bytes) and student["student_id"].encode() in m[:40],
                              "of Ann's network")
        assert decode(tile[2 + tile[1]:])[0]["shapes"]
        assert httpx.post(f"{a}/api/classes/{created['id']}/pause", headers=teacher, timeout=60).status_code == 200
        told = messages_until(own, lambda m: isinstance(m, dict) and m.get("type") == "class" and m["paused"],
                              "telling Ann's page on node B that the class paused")
        assert told["id"] == created["id"]
    refused = httpx.post(f"{b}/api/sessions/{session_id}/train", json={"epochs": 1}, headers=auth, timeout=60)
    assert refused.status_code == 423 and refused.json()["code"] == "class.paused"
    assert httpx.get(f"{b}/api/sessions/{session_id}", headers=auth, timeout=60).json()["metrics"]["status"] != \
        "playing"  # node A paused her session, on its host, though it never served her


def test_wrong_join_codes_count_once_whichever_web_node_they_reach(cluster):
    with web_node(cluster, NNPLAY_JOIN_FAILURES_PER_MINUTE="4") as (a, _), \
            web_node(cluster, NNPLAY_JOIN_FAILURES_PER_MINUTE="4") as (b, _):
        for base in (a, b, a, b):  # one address (127.0.0.1), two nodes: four wrong codes in all
            assert httpx.post(f"{base}/api/classes/join", json={"code": "ZZZZZZ"}, timeout=30).status_code == 404
        for base in (a, b):
            refused = httpx.post(f"{base}/api/classes/join", json={"code": "ZZZZZZ"}, timeout=30)
            assert refused.status_code == 429 and refused.json()["code"] == "limit.join_attempts"


def test_one_address_holds_its_live_sessions_cap_over_every_web_node(cluster):
    with web_node(cluster, NNPLAY_MAX_SESSIONS_PER_CLIENT="3", NNPLAY_TRUSTED_PROXIES='["127.0.0.1"]') as (a, _), \
            web_node(cluster, NNPLAY_MAX_SESSIONS_PER_CLIENT="3", NNPLAY_TRUSTED_PROXIES='["127.0.0.1"]') as (b, _):
        client = {"X-Forwarded-For": "10.9.8.7"}  # one school behind a proxy: its own count in the shared store
        for base in (a, b, a):
            assert httpx.post(f"{base}/api/sessions", json=SMALL, headers=client, timeout=60).status_code == 201
        for base in (a, b):
            refused = httpx.post(f"{base}/api/sessions", json=SMALL, headers=client, timeout=60)
            assert refused.status_code == 429 and refused.json()["code"] == "limit.client_sessions"


def test_a_session_s_streams_are_capped_over_every_web_node(cluster):
    with web_node(cluster, NNPLAY_MAX_VIEWERS_PER_SESSION="2") as (a, _), \
            web_node(cluster, NNPLAY_MAX_VIEWERS_PER_SESSION="2") as (b, _):
        session_id, auth = create(a)
        with stream(a, session_id, auth) as first, stream(b, session_id, auth) as second:
            for ws in (first, second):
                assert json.loads(ws.recv(timeout=WAIT_SECONDS))["type"] == "hello"
                frames_until(ws, lambda header: True, "for each page")  # its first pull registered it
            with stream(a, session_id, auth) as third:
                refused = json.loads(third.recv(timeout=WAIT_SECONDS))
                assert refused["type"] == "error" and refused["code"] == "stream.too_many"


def test_several_web_processes_on_one_machine_serve_alike(cluster):
    """`uvicorn --workers N` on one web node: each worker process is a web node of its own (its own Ray driver and
    records); requests land on either, and each serves every session."""
    port = free_port()
    env = {**os.environ, **cluster.env, "NNPLAY_HOSTS": "ray", "NNPLAY_RAY_HOSTS": str(HOSTS),
           "NNPLAY_DATABASE_URL": cluster.database_url}
    uvicorn = os.path.join(os.path.dirname(sys.executable), "uvicorn")
    process = subprocess.Popen([uvicorn, "app.main:app", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, process, WAIT_SECONDS)
        assert len(wait_for(lambda: children(process.pid) if len(children(process.pid)) >= 2 else None,
                            "two worker processes", WAIT_SECONDS)) >= 2
        sessions = [create(base) for _ in range(4)]
        for _ in range(3):  # new connections each time: either worker answers
            for session_id, auth in sessions:
                train(base, session_id, auth, 2)
        assert {epoch(base, session_id, auth) for session_id, auth in sessions} == {6}
        session_id, auth = sessions[0]
        with stream(base, session_id, auth) as ws:
            assert json.loads(ws.recv(timeout=WAIT_SECONDS))["type"] == "hello"
            assert frames_until(ws, lambda header: True, "through a worker")["epoch"] == 6
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_full_class_takes_no_more_students_whichever_web_nodes_they_reach(nodes):
    """The outcome under concurrent joins through both nodes; that two joins racing for the last place cannot both
    win is the store's row lock (tests/store/test_class_places.py), as the requests here may not overlap."""
    a, b = nodes
    created = httpx.post(f"{a}/api/classes", json={"name": "小组", "max_students": 1}, timeout=60).json()
    teacher = {"Authorization": f"Bearer {created['teacher_token']}"}

    def join(base: str) -> int:
        return httpx.post(f"{base}/api/classes/join", json={"code": created["join_code"]}, timeout=60).status_code

    with concurrent.futures.ThreadPoolExecutor(4) as pool:  # four students at once, two through each node
        answers = sorted(pool.map(join, (a, b, a, b)))
    assert answers == [201, 429, 429, 429]
    roster = httpx.get(f"{b}/api/classes/{created['id']}", headers=teacher, timeout=60).json()["students"]
    assert len(roster) == 1
