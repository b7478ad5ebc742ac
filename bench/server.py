"""What the server benchmarks share: a real `python3 -m app` on a free loopback port, and reporting."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

import httpx


def free_port() -> int:
    """A TCP port nothing listens on right now, on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_server(env: dict | None = None, seconds: float = 20, log: str | None = None, code: str | None = None):
    """Start the server on a free 127.0.0.1 port (its output into file ``log`` if given), storing its sessions
    in a new temporary folder unless ``env`` names one; yield (base URL, process); stop it afterwards (killed if
    it has not stopped 10 s after being asked to)."""
    port = free_port()
    data = tempfile.TemporaryDirectory(prefix="nnplay-bench-")
    output = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    # ``code``: another checkout (e.g. `git worktree add /tmp/before <rev>`) whose app/ and engine/ run instead
    # (`python -m app` imports from its working directory first, and so do the hosts it spawns).
    process = subprocess.Popen([sys.executable, "-m", "app", "--host", "127.0.0.1", "--port", str(port)],
                               env={**os.environ, "NNPLAY_DATA_DIR": data.name, **(env or {})}, stdout=output,
                               stderr=subprocess.STDOUT, cwd=code)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + seconds
        while True:
            try:
                httpx.get(f"{base}/api/health", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if log:
            output.close()
        data.cleanup()


def report(results: dict, path: str | None) -> None:
    """Print the results as JSON, and write them to ``path`` too when given."""
    print(json.dumps(results, indent=2))
    if path:
        with open(path, "w") as out:
            json.dump(results, out, indent=2)
