"""A throwaway two-node Ray cluster on this machine, for the tests of issue 14 (docs/cluster-design.md section 5).

    with two_node_cluster() as cluster:  # nodes labelled nnplay-node=a (the head) and nnplay-node=b
        web = subprocess.Popen([sys.executable, "-m", "app", ...], env={**os.environ, **cluster.env})
        cluster.kill_node("b", worker_pids=[pid_of_an_actor_on_b])

The recipe is bench/ray_two_nodes.py's, measured on this machine; why each choice:
- Each node is a `ray start --block` in a session of its own (`start_new_session=True`): `--block` makes the CLI
  the leader of a process group that holds its raylet, agents and idle workers, so killing that group kills the
  node. Never `ray stop`: it would end every Ray cluster on the machine.
- **Actor workers have process groups of their own** (pgid = pid, measured): killing a node's group leaves its
  actors running and answering. So a node's processes are its group plus the workers its raylet started: those
  have `RAY_RAYLET_PID=<its raylet>` and the cluster's token in their environment (their command line is
  rewritten to `ray::<Actor>`, without the temp dir; their parent is init once the raylet is gone). `kill_node`
  and the exit kill both.
- Ports: the defaults are fixed (GCS 6379, dashboard 8265, dashboard agent 52365: the second node would clash), so
  every port is picked free on loopback or left to Ray (`0`); each node gets its own worker-port range, outside
  the ephemeral range that `free_port()` picks from. Clients use 127.0.0.1 (`--node-ip-address`), but measured:
  the GCS and raylets still listen on all interfaces and register the machine's address; the token guards them.
- `--temp-dir` is short (`tempfile.mkdtemp(prefix="ray", dir="/tmp")`, not pytest's tmp_path): Ray's socket paths
  under it must fit 107 characters. One per node, deleted on exit; each node's `ray start` output is logged there.
- Object store capped at 100 MB per node (the default takes 30% of RAM per node); one CPU per node.
- Token authentication (`RAY_AUTH_MODE=token`, a fresh `secrets.token_hex(32)`) for every node and client: Ray
  reads it when it is imported, so clients get it in their environment (`RayCluster.env`).
- Fast health checks on the head only: it notices a dead node within about 3 s (the defaults take tens of seconds).
- `--include-log-monitor=false` on the second node: one log monitor per machine.
- The test process never imports ray (it would become a Ray driver, and would need the auth variables before the
  import): a short subprocess asks the head's GCS which nodes are alive (`GcsClient.get_all_node_info`, ~0.3 s
  to start and a millisecond per poll; a driver's `ray.init` + `ray.nodes()` takes seconds, and `ray status`
  reads the autoscaler's report, which lags seconds behind). The second node starts once the head is alive.
- Every wait is on a condition, capped at 120 s, and fails with the tail of the nodes' logs.
"""

import contextlib
import dataclasses
import importlib.util
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

WAIT_SECONDS = 120
LABEL = "nnplay-node"
HEAD, WORKER = "a", "b"
OBJECT_STORE_BYTES = 100_000_000
WORKER_PORTS = 50  # per node: its workers and actors listen on these
WORKER_PORT_BLOCKS = range(20_000, 30_000, WORKER_PORTS)  # below the ephemeral range (32768-60999)
# On the head: notice a dead node within about 3 s.
FAST_HEALTH_CHECKS = {"RAY_health_check_initial_delay_ms": "1000", "RAY_health_check_period_ms": "500",
                      "RAY_health_check_failure_threshold": "4"}
RAY_CLI = str(Path(sys.executable).with_name("ray"))

# Run by a short subprocess: waits until nodes with the given labels are alive in the GCS, then prints them.
ALIVE_PROBE = """
import sys, time
from ray._raylet import GcsClient
from ray.core.generated.gcs_pb2 import GcsNodeInfo
address, label, wanted = sys.argv[1], sys.argv[2], set(sys.argv[3].split(","))
client = GcsClient(address=address)
while True:
    try:
        nodes = client.get_all_node_info(timeout=2).values()
    except Exception:  # the GCS is not up yet
        nodes = ()
    alive = {node.labels.get(label) for node in nodes if node.state == GcsNodeInfo.ALIVE}
    if wanted <= alive:
        print("alive:", sorted(alive, key=str))
        break
    time.sleep(0.05)
"""


@dataclasses.dataclass
class RayNode:
    """One `ray start --block` of the cluster: the leader of its process group, its temp dir and its log."""

    label: str
    process: subprocess.Popen
    temp_dir: str
    worker_ports: int  # the first of its WORKER_PORTS
    raylet_pids: set[int] = dataclasses.field(default_factory=set)  # its workers have one in RAY_RAYLET_PID

    @property
    def log(self) -> Path:
        return Path(self.temp_dir) / "ray-start.log"


@dataclasses.dataclass
class RayCluster:
    """A running two-node cluster: where it is, how a client joins it (`env`), and how to kill its nodes."""

    address: str  # 127.0.0.1:<GCS port>
    token: str
    nodes: dict[str, RayNode] = dataclasses.field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        """The variables a client (a web node, a driver) needs to join the cluster; merge them into os.environ."""
        return {"RAY_ADDRESS": self.address, **_auth_env(self.token)}

    def node_pids(self, label: str) -> set[int]:
        """The live processes of node ``label``: its process group and the workers its raylet started."""
        node = self.nodes[label]
        return {pid for pid, pgid, _ in _processes() if pgid == node.process.pid or self._worker_of(pid, node)}

    def _worker_of(self, pid: int, node: RayNode) -> bool:
        """Whether ``pid`` was started by ``node``'s raylet: Ray sets RAY_RAYLET_PID in its workers' environment
        (their command line is rewritten to `ray::<Actor>`, without the temp dir); the token rules out a reused
        pid of another cluster."""
        environ = _environ(pid)
        return environ.get("RAY_AUTH_TOKEN") == self.token and int(environ.get("RAY_RAYLET_PID", 0)) in node.raylet_pids

    def kill_node(self, label: str, worker_pids: Iterable[int] = ()) -> None:
        """SIGKILL node ``label``: its process group, ``worker_pids`` (actor workers are in groups of their own)
        and any other worker its raylet started; return once every one of them is gone."""
        node = self.nodes[label]
        _kill_group(node.process.pid)
        self._kill_until_gone([label], set(worker_pids))
        node.process.wait(timeout=WAIT_SECONDS)

    def _kill_until_gone(self, labels: list[str], pids: Iterable[int] = (), with_logs: bool = True) -> None:
        """SIGKILL the processes of these nodes and ``pids`` until none is left (a worker may fork meanwhile)."""
        def all_gone() -> bool:
            left = _alive(pids).union(*(self.node_pids(label) for label in labels))
            for pid in left:
                _kill(pid)
            return not left

        self._wait(all_gone, f"the processes of node {', '.join(labels)} to be gone", with_logs=with_logs)

    def rss_mib(self, with_workers: bool = False) -> dict[str, float]:
        """Resident memory per node label, in MiB: of its process group, plus its actor workers if asked."""
        members = {label: (self.node_pids(label) if with_workers else _group(node.process.pid))
                   for label, node in self.nodes.items()}
        return {label: sum(map(_rss_kib, pids)) / 1024 for label, pids in members.items()}

    def logs_tail(self, lines: int = 15) -> str:
        """The last lines of each node's `ray start` output and of its raylet's and GCS's logs, for failures."""
        parts = []
        for label, node in self.nodes.items():
            logs = Path(node.temp_dir) / "session_latest" / "logs"
            for path in (node.log, logs / "raylet.out", logs / "raylet.err", logs / "gcs_server.out"):
                with contextlib.suppress(OSError):
                    tail = path.read_text(errors="replace").splitlines()[-lines:]
                    if tail:
                        parts.append(f"--- node {label}: {path}\n" + "\n".join(tail))
        return "\n".join(parts) or "(no logs)"

    def _start_node(self, label: str, *flags: str, env: dict[str, str]) -> None:
        """`ray start --block` of a node in a new session, its output in its temp dir's ray-start.log."""
        temp_dir = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # short: socket paths fit 107 characters
        ports = _worker_ports({node.worker_ports for node in self.nodes.values()})
        command = [RAY_CLI, "start", "--block", "--node-ip-address=127.0.0.1", "--num-cpus=1",
                   f"--temp-dir={temp_dir}", f"--node-manager-port={free_port()}",
                   f"--object-manager-port={free_port()}", "--dashboard-agent-listen-port=0",
                   "--runtime-env-agent-port=0", f"--min-worker-port={ports}",
                   f"--max-worker-port={ports + WORKER_PORTS - 1}", f"--object-store-memory={OBJECT_STORE_BYTES}",
                   f"--labels={LABEL}={label}", *flags]
        try:
            with open(Path(temp_dir) / "ray-start.log", "wb") as log:
                process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                           stderr=subprocess.STDOUT, start_new_session=True)
        except OSError:
            shutil.rmtree(temp_dir, ignore_errors=True)
            raise
        self.nodes[label] = RayNode(label, process, temp_dir, ports)

    def _wait_alive(self, *labels: str) -> None:
        """Wait until the nodes with these labels are alive in the GCS (a probe subprocess asks it)."""
        probe_log = Path(self.nodes[HEAD].temp_dir) / "probe.log"  # a file: a full pipe would stall the probe
        with open(probe_log, "wb") as log:
            probe = subprocess.Popen([sys.executable, "-c", ALIVE_PROBE, self.address, LABEL, ",".join(labels)],
                                     env={**os.environ, **self.env}, stdin=subprocess.DEVNULL, stdout=log,
                                     stderr=subprocess.STDOUT)
        try:
            def probe_done() -> bool:
                for node in self.nodes.values():
                    assert node.process.poll() is None, (
                        f"`ray start` of node {node.label} exited with {node.process.returncode}\n{self.logs_tail()}")
                with contextlib.suppress(subprocess.TimeoutExpired):
                    probe.wait(timeout=0.1)  # the poll interval: a wait on the probe, not a sleep
                return probe.returncode is not None

            self._wait(probe_done, f"nodes {', '.join(labels)} to be alive")
            assert probe.returncode == 0, (
                f"the probe of the cluster failed:\n{probe_log.read_text(errors='replace')}\n{self.logs_tail()}")
        finally:
            if probe.poll() is None:
                probe.kill()
            probe.wait()
        for label in labels:  # an alive node has its raylet: remember it, its workers name it
            node = self.nodes[label]
            node.raylet_pids |= {pid for pid, pgid, argv in _processes()
                                 if pgid == node.process.pid and Path(argv[0]).name == "raylet"}
            assert node.raylet_pids, f"node {label} is alive but has no raylet in its process group"

    def _end(self) -> None:
        """SIGKILL the worker node's group, then the head's, then their workers; wait until all are gone, and
        delete the temp dirs."""
        try:
            for node in reversed(self.nodes.values()):  # the worker node first: the head ends the cluster
                _kill_group(node.process.pid)
            self._kill_until_gone(list(self.nodes), with_logs=False)
            for node in self.nodes.values():
                node.process.wait(timeout=WAIT_SECONDS)
        finally:
            for node in self.nodes.values():
                shutil.rmtree(node.temp_dir, ignore_errors=True)

    def _wait(self, condition, what: str, with_logs: bool = True) -> None:
        """Poll ``condition`` until true, at most WAIT_SECONDS; fail with the nodes' logs."""
        deadline = time.monotonic() + WAIT_SECONDS
        while not condition():
            assert time.monotonic() < deadline, (
                f"waited for {what}: not within {WAIT_SECONDS} s\n{self.logs_tail() if with_logs else ''}")
            time.sleep(0.02)


@contextlib.contextmanager
def two_node_cluster() -> Iterator[RayCluster]:
    """A two-node Ray cluster on loopback (head labelled nnplay-node=a, node nnplay-node=b, one CPU each), both
    alive; killed with every process it started, and its temp dirs deleted, on exit."""
    cluster = RayCluster(address=f"127.0.0.1:{free_port()}", token=secrets.token_hex(32))
    env = {key: value for key, value in os.environ.items() if key != "RAY_ADDRESS"}
    env.update(_auth_env(cluster.token))
    try:
        head_flags = ["--head", f"--port={cluster.address.rsplit(':', 1)[1]}", "--include-dashboard=false",
                      f"--dashboard-port={free_port()}", "--disable-usage-stats"]
        if importlib.util.find_spec("grpc"):  # with ray[default], the client server would take the fixed 10001
            head_flags.append(f"--ray-client-server-port={free_port()}")
        cluster._start_node(HEAD, *head_flags, env={**env, **FAST_HEALTH_CHECKS})
        cluster._wait_alive(HEAD)  # the second node reads the session from the head: start it once that is up
        cluster._start_node(WORKER, f"--address={cluster.address}", "--include-log-monitor=false", env=env)
        cluster._wait_alive(HEAD, WORKER)
        yield cluster
    finally:
        cluster._end()


def free_port() -> int:
    """A TCP port nothing listens on right now, on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _auth_env(token: str) -> dict[str, str]:
    return {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": token, "RAY_USAGE_STATS_ENABLED": "0"}


def _worker_ports(taken: set[int]) -> int:
    """The first port of a block of WORKER_PORTS free loopback ports, not one of the ``taken`` blocks."""
    for base in random.sample(WORKER_PORT_BLOCKS, len(WORKER_PORT_BLOCKS)):
        if base not in taken and all(map(_port_free, range(base, base + WORKER_PORTS))):
            return base
    raise RuntimeError(f"no {WORKER_PORTS} free ports in a row between 20000 and 30000")


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _processes() -> Iterator[tuple[int, int, list[str]]]:
    """(pid, pgid, argv) of every live process (zombies are gone: their parent may never reap them)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            argv = Path(f"/proc/{entry}/cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:  # it ended meanwhile
            continue
        state, _ppid, pgid = stat.rsplit(")", 1)[1].split()[:3]
        if state not in ("Z", "X"):
            yield int(entry), int(pgid), argv


def _environ(pid: int) -> dict[str, str]:
    """The environment ``pid`` started with (empty if it is gone or not ours to read)."""
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")
    except OSError:
        return {}
    return dict(item.split("=", 1) for item in raw.split("\0") if "=" in item)


def _group(pgid: int) -> set[int]:
    return {pid for pid, group, _ in _processes() if group == pgid}


def _alive(pids: Iterable[int]) -> set[int]:
    live = {pid for pid, _, _ in _processes()}
    return live.intersection(pids)


def _rss_kib(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
