"""Fixtures shared by every test folder: a real server process on a free loopback port."""

import asyncio
import concurrent.futures
import contextlib
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest


@pytest.fixture(scope="session", autouse=True)
def _data_dir_of_the_run(tmp_path_factory):
    """Servers started for a whole module store their sessions in a folder of this test run, never in the
    working directory's nnplay-data/."""
    os.environ["NNPLAY_DATA_DIR"] = str(tmp_path_factory.mktemp("nnplay-data"))


@pytest.fixture(autouse=True)
def _data_dir_of_the_test(tmp_path, monkeypatch):
    """Each test's own store (the caps on stored sessions count per store), unless it sets another."""
    monkeypatch.setenv("NNPLAY_DATA_DIR", str(tmp_path / "nnplay-data"))


def wait_for(condition, what: str, seconds: float = 20, poll: float = 0.02):
    """Poll ``condition`` until it returns something true (that value), or fail after ``seconds``: tests wait
    on conditions, never on the clock alone."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s"
        time.sleep(poll)


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


@contextlib.contextmanager
def serving(**settings: str):
    """A real uvicorn process (`python -m app`) on a free loopback port with NNPLAY_<NAME> settings; its base URL."""
    with serving_at(free_port(), **settings) as base:
        yield base


@contextlib.contextmanager
def serving_at(port: int, **settings: str):
    """``serving`` on a given loopback port (a server restarted where its clients expect it)."""
    env = {**os.environ, **{f"NNPLAY_{name.upper()}": value for name, value in settings.items()}}
    process = subprocess.Popen([sys.executable, "-m", "app", "--host", "127.0.0.1", "--port", str(port)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def live_server():
    """A real uvicorn process on a free loopback port; yields its base URL."""
    with serving(max_sessions_per_client="200", max_sessions="300") as base:
        yield base


def run_in_own_loop(coroutine):
    """Run ``coroutine`` on a fresh event loop in its own thread; its result. The main thread may already
    have a loop running (Playwright's sync API keeps one while the browser is open), and in a random test
    order a browser test may come first, so tests never call asyncio.run() in the main thread."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=120)
