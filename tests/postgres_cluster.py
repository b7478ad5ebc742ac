"""A throwaway PostgreSQL cluster that lives only for the test run.

The store runs on PostgreSQL in production (SQLAlchemy 2 with psycopg 3), so the tests that cover it talk to a
real PostgreSQL server, not a mock nor SQLite standing in for it: a mock only repeats what we believe the server
does, and SQLite differs from it in types, transactions, locking and error codes, which is where the bugs are.

No docker and no shared server either: `throwaway_cluster()` runs Debian's own binaries (`apt-get install
postgresql`) to `initdb` a new cluster in a temporary directory, starts it on a free port listening on 127.0.0.1
only (its Unix socket in that directory too), yields a SQLAlchemy URL to an empty database, then stops the server
and deletes the directory, also when the block raises. So a test run never touches a default cluster the package
may have set up on port 5432, never needs one running, and leaves nothing behind. Durability is switched off
(`fsync=off` and friends): the data is thrown away anyway, and it keeps the tests fast.

    with throwaway_cluster() as url:  # postgresql+psycopg://postgres@127.0.0.1:PORT/nnplay_test
        engine = sqlalchemy.create_engine(fresh_database(url, "test_store"))

As root (CI and the developers' machines), initdb and pg_ctl refuse to run, so they run as the `postgres` user that
the Debian package creates, through `runuser` (or `su` where runuser is missing).
"""

import contextlib
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

DEBIAN_POSTGRESQL = Path("/usr/lib/postgresql")
SERVICE_USER = "postgres"  # the OS user Debian's package creates; also the cluster's superuser
DATABASE = "nnplay_test"
START_TIMEOUT = 30  # seconds for pg_ctl -w to see the server accept connections
STOP_TIMEOUT = 30
INSTALL_HINT = "install Debian's PostgreSQL server: apt-get install -y postgresql"

SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",  # TCP on loopback only
    "shared_buffers": "16MB",
    "max_connections": "50",
    # Nothing here has to survive a crash: the cluster is deleted at the end of the run anyway.
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}


def postgresql_bin() -> Path:
    """The bin directory of the highest PostgreSQL major version installed the Debian way."""
    candidates = [
        path.parent
        for path in DEBIAN_POSTGRESQL.glob("*/bin/initdb")
        if (path.parent / "pg_ctl").is_file() and (path.parent / "postgres").is_file()
    ]
    if not candidates:
        raise RuntimeError(
            f"no PostgreSQL server found (no {DEBIAN_POSTGRESQL}/<major>/bin/initdb and pg_ctl); the tests need a "
            f"real one: {INSTALL_HINT}"
        )
    return max(candidates, key=lambda bin_dir: tuple(int(part) for part in bin_dir.parent.name.split(".")))


def free_port() -> int:
    """A TCP port nothing listens on right now, on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[str]:
    """A new PostgreSQL cluster on a free loopback port, stopped and deleted on exit; the URL of its empty database.

    The URL is `postgresql+psycopg://postgres@127.0.0.1:<port>/nnplay_test` (trust authentication, no password).
    """
    bin_dir = postgresql_bin()
    as_root = os.geteuid() == 0
    if as_root:
        try:
            service_user = pwd.getpwnam(SERVICE_USER)
        except KeyError:
            raise RuntimeError(
                f"running as root, but there is no {SERVICE_USER!r} user to run PostgreSQL as: {INSTALL_HINT}"
            ) from None
    root = Path(tempfile.mkdtemp(prefix="nnplay-pg-", dir=_temp_parent(as_root)))
    data = root / "data"
    try:
        if as_root:
            os.chown(root, service_user.pw_uid, service_user.pw_gid)
        _run(
            as_root,
            bin_dir / "initdb",
            "--pgdata", data,
            "--username", SERVICE_USER,
            "--auth", "trust",
            "--encoding", "UTF8",
            "--locale", "C.UTF-8",
            "--no-sync",  # nothing needs to reach the disk
            cwd=root,
        )
        port = _start(as_root, bin_dir, data, socket_dir=root, log=root / "postgres.log")
        yield fresh_database(f"postgresql+psycopg://{SERVICE_USER}@127.0.0.1:{port}/postgres", DATABASE)
    finally:
        try:
            _stop(as_root, bin_dir, data, cwd=root)  # also after a failed or timed-out start
        finally:
            shutil.rmtree(root, ignore_errors=True)


def fresh_database(url: str, name: str) -> str:
    """Create the empty database `name` on the server of `url` (any of its databases); the URL of the new one.

    It is copied from template0, so nothing a test put into template1 or another database shows up in it.
    """
    server = make_url(url)
    with psycopg.connect(
        host=server.host,
        port=server.port,
        user=server.username,
        password=server.password,
        dbname="postgres",
        autocommit=True,  # CREATE DATABASE cannot run inside a transaction
        connect_timeout=10,
    ) as connection:
        connection.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(name))
        )
    return server.set(database=name).render_as_string(hide_password=False)


def _temp_parent(as_root: bool) -> str:
    """Where to make the cluster's directory: the usual temp dir, unless the postgres user could not reach it."""
    parent = Path(tempfile.gettempdir()).resolve()
    if as_root and not all(os.stat(path).st_mode & 0o001 for path in (parent, *parent.parents)):
        return "/tmp"  # e.g. TMPDIR under /root: the postgres user could not traverse it
    return str(parent)


def _run(as_root: bool, *command: object, cwd: Path) -> subprocess.CompletedProcess:
    """Run a PostgreSQL program, as the postgres user when we are root; its output in the error when it fails."""
    argv = [str(part) for part in command]
    if as_root:
        if shutil.which("runuser"):
            argv = ["runuser", "-u", SERVICE_USER, "--", *argv]
        else:
            argv = ["su", SERVICE_USER, "-s", "/bin/sh", "-c", shlex.join(argv)]
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}  # no PGDATA, PGPORT, ...
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise RuntimeError(f"{shlex.join(argv)} exited with {result.returncode}:\n{result.stdout}{result.stderr}")
    return result


def _start(as_root: bool, bin_dir: Path, data: Path, socket_dir: Path, log: Path) -> int:
    """Start the server on a free loopback port and wait until it accepts connections; the port.

    The port is free when picked but could be taken before the server binds it: then try another, a few times.
    """
    for attempt in range(3):
        port = free_port()
        settings = {**SERVER_SETTINGS, "port": str(port), "unix_socket_directories": str(socket_dir)}
        options = shlex.join(arg for name, value in settings.items() for arg in ("-c", f"{name}={value}"))
        try:
            _run(
                as_root,
                bin_dir / "pg_ctl", "start",
                "--pgdata", data,
                "--log", log,  # the server's output goes there, not into our pipes
                "--wait", "--timeout", START_TIMEOUT,
                "--options", options,  # pg_ctl hands them to sh, hence shlex
                cwd=data.parent,
            )
            return port
        except RuntimeError as error:
            server_log = log.read_text(errors="replace") if log.exists() else ""
            if attempt < 2 and "could not bind" in server_log and not _postmaster_pid(data):
                log.unlink()
                continue
            raise RuntimeError(f"{error}\nserver log:\n{server_log}") from None
    raise AssertionError("unreachable")


def _stop(as_root: bool, bin_dir: Path, data: Path, cwd: Path) -> None:
    """Stop the server at once and wait for its postmaster to be gone; kill it if pg_ctl cannot stop it."""
    pid = _postmaster_pid(data)
    if pid is None:
        return  # it never started, or it is already gone
    try:
        _run(
            as_root,
            bin_dir / "pg_ctl", "stop",
            "--pgdata", data,
            "--mode", "immediate",  # no checkpoint: the data is thrown away
            "--wait", "--timeout", STOP_TIMEOUT,
            cwd=cwd,
        )
    except RuntimeError:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + STOP_TIMEOUT
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.01)


def _postmaster_pid(data: Path) -> int | None:
    """The postmaster's pid from its pid file, or None when there is none (not running)."""
    try:
        return int((data / "postmaster.pid").read_text().split("\n", 1)[0])
    except (FileNotFoundError, ValueError):
        return None


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie left unreaped by an init that does not reap counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")
