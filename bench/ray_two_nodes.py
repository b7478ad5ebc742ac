"""A two-node Ray cluster on this machine, as issue 14's tests will start it (docs/cluster-design.md section 5):
how long it takes, what it holds, an actor call's round trip, and how long a host actor takes to come back on
the other node when its node dies. Needs Ray, which nnplay does not install yet:

    python3 -m venv /tmp/rayvenv && /tmp/rayvenv/bin/pip install ray==2.60.0
    /tmp/rayvenv/bin/python bench/ray_two_nodes.py

Bounded: every `ray start` runs in a process group of its own (`--block`), killed at the end with everything it
started (never a broad `ray stop`); waits are capped at 120 s. Loopback ports chosen free; temporary directories
short (Ray's socket paths must fit 107 characters).
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time

TOKEN = secrets.token_hex(32)
# Ray reads its auth settings when it is imported: they must be in the environment before `import ray`.
os.environ.update({"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": TOKEN, "RAY_USAGE_STATS_ENABLED": "0"})
import ray  # noqa: E402

WAIT_SECONDS = 120
# On the head: notice a dead node within about 3 s (the defaults take tens of seconds).
FAST_HEALTH_CHECKS = {"RAY_health_check_initial_delay_ms": "1000", "RAY_health_check_period_ms": "500",
                      "RAY_health_check_failure_threshold": "4"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def group_rss_mib(pgid: int) -> float:
    """The resident memory of every process in process group ``pgid``."""
    total_kib = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.getpgid(int(pid)) != pgid:
                continue
            with open(f"/proc/{pid}/status") as status:
                total_kib += next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            continue
    return total_kib / 1024


def start_node(head_port: int | None, label: str, worker_ports: int, log: str) -> subprocess.Popen:
    """`ray start` of the head (``head_port`` None: it takes a free one, returned in its args) or of a node."""
    ray_cli = os.path.join(os.path.dirname(sys.executable), "ray")
    command = [ray_cli, "start", "--block", "--node-ip-address=127.0.0.1", "--num-cpus=1",
               f"--temp-dir={tempfile.mkdtemp(prefix='ray', dir='/tmp')}", f"--node-manager-port={free_port()}",
               f"--object-manager-port={free_port()}", "--dashboard-agent-listen-port=0", "--runtime-env-agent-port=0",
               f"--min-worker-port={worker_ports}", f"--max-worker-port={worker_ports + 49}",
               "--object-store-memory=100000000", f"--labels=nnplay-node={label}"]
    env = dict(os.environ)
    if head_port is None:
        head_port = free_port()
        command += ["--head", f"--port={head_port}", "--include-dashboard=false", f"--dashboard-port={free_port()}",
                    "--disable-usage-stats"]
        env.update(FAST_HEALTH_CHECKS)
    else:
        command += [f"--address=127.0.0.1:{head_port}", "--include-log-monitor=false"]  # one per machine
    process = subprocess.Popen(command, env=env, start_new_session=True, stdout=open(log, "w"),  # noqa: SIM115
                               stderr=subprocess.STDOUT)
    process.head_port = head_port
    return process


@ray.remote
class Host:
    """Stands in for a session host actor: says where it runs."""

    def __init__(self, index: int):
        self.index, self.calls = index, 0

    async def where(self) -> tuple[str, int, int]:
        self.calls += 1
        return ray.get_runtime_context().get_node_labels().get("nnplay-node"), self.calls, os.getpid()


def main() -> None:
    started = time.monotonic()
    head = start_node(None, "a", 21000, "/tmp/ray_head.log")
    time.sleep(3)  # the head's GCS first
    node = start_node(head.head_port, "b", 21100, "/tmp/ray_node.log")
    actor_pids = []
    try:
        ray.init(address=f"127.0.0.1:{head.head_port}", namespace="nnplay", log_to_driver=False)
        while sum(n["Alive"] for n in ray.nodes()) < 2:
            if time.monotonic() - started > WAIT_SECONDS:
                raise RuntimeError(f"two nodes were not alive within {WAIT_SECONDS} s")
            time.sleep(0.2)
        print(f"two nodes alive {time.monotonic() - started:.1f} s after the start; RSS: head "
              f"{group_rss_mib(head.pid):.0f} MiB, node {group_rss_mib(node.pid):.0f} MiB")
        t0 = time.monotonic()
        hosts = [Host.options(name=f"nnplay-host-{k}", lifetime="detached", get_if_exists=True, max_restarts=-1,
                              max_task_retries=0, num_cpus=0.5, scheduling_strategy="SPREAD").remote(k)
                 for k in range(2)]
        places = ray.get([host.where.remote() for host in hosts])
        actor_pids = [pid for _, _, pid in places]
        print(f"two host actors up in {time.monotonic() - t0:.1f} s, on nodes {[label for label, _, _ in places]}")
        t0, calls = time.monotonic(), 200
        for _ in range(calls):
            ray.get(hosts[0].where.remote())
        print(f"an actor call's round trip: {1e3 * (time.monotonic() - t0) / calls:.2f} ms")
        on_b = next(k for k, (label, _, _) in enumerate(places) if label == "b")
        old_pid = places[on_b][2]
        os.killpg(node.pid, signal.SIGKILL)
        node.wait()
        # An actor's worker process has a process group of its own: killing the node's group leaves it running.
        survived = os.path.exists(f"/proc/{old_pid}")
        print(f"node b's process group killed; its actor's worker (pid {old_pid}) still runs: {survived}")
        if survived:
            os.kill(old_pid, signal.SIGKILL)
        killed = time.monotonic()
        while True:
            try:
                label, calls, pid = ray.get(ray.get_actor(f"nnplay-host-{on_b}").where.remote(), timeout=5)
                if pid != old_pid:
                    print(f"host {on_b} came back on node {label} (a new instance) {time.monotonic() - killed:.1f} s "
                          "after its node died")
                    actor_pids.append(pid)
                    break
            except (ray.exceptions.RayError, ValueError):
                pass
            if time.monotonic() - killed > WAIT_SECONDS:
                print(f"host {on_b} did not come back within {WAIT_SECONDS} s")
                break
            time.sleep(0.5)
    finally:
        try:
            ray.shutdown()
        except Exception:  # the cluster may be half gone: end it anyway
            pass
        for process in (node, head):
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid in actor_pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    print(f"in all {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
