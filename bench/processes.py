"""What the server benchmarks read of processes, from /proc: their children, the session hosts, CPU time."""

import asyncio
import contextlib
import os
import signal
import time


def stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state first, then the parent's pid), or None."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def children(pid: int) -> set[int]:
    """The pids of ``pid``'s child processes (from /proc/<pid>/task/*/children, else a scan of /proc)."""
    found: set[int] = set()
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as listed:
                found.update(int(child) for child in listed.read().split())
        return found
    except OSError:
        pass
    for entry in os.listdir("/proc"):
        fields = stat_fields(int(entry)) if entry.isdigit() else None
        if fields and int(fields[1]) == pid:
            found.add(int(entry))
    return found


def host_processes(server_pid: int) -> dict[int, int]:
    """The server's live session host processes (children started by multiprocessing's spawn, not its resource
    tracker) as {pid: start time in clock ticks since boot}."""
    hosts = {}
    for pid in children(server_pid):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmd:
                is_host = b"spawn_main" in cmd.read()
        except OSError:
            continue
        fields = stat_fields(pid)
        if is_host and fields and fields[0] != "Z":
            hosts[pid] = int(fields[19])
    return hosts


def kill_leftovers(seen: dict[int, int]) -> list[int]:
    """SIGKILL every host process seen during the run that still runs (the same pid AND start time); their pids."""
    killed = []
    for pid, started in seen.items():
        fields = stat_fields(pid)
        if fields and fields[0] != "Z" and int(fields[19]) == started:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
    return killed


def cpu_snapshot(server_pid: int) -> dict:
    """CPU seconds so far: the machine's busy time (all cores), the server's and each of its children's, and
    this benchmark's own."""
    with open("/proc/stat") as stat:
        ticks = [int(x) for x in stat.readline().split()[1:]]
    tree = {}
    for pid in {server_pid, *children(server_pid)}:
        fields = stat_fields(pid)
        if fields:
            tree[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    own = os.times()
    return {"at": time.monotonic(), "machine": (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK"),
            "tree": tree, "own": own.user + own.system}


def cpu_use(before: dict, after: dict) -> dict:
    """Cores busy between two snapshots: the whole machine, the server (web process and hosts), this benchmark,
    and everything else (other work on the machine, which disturbs the measurement)."""
    seconds = after["at"] - before["at"]
    server = sum(cpu - before["tree"].get(pid, 0.0) for pid, cpu in after["tree"].items())
    machine, own = after["machine"] - before["machine"], after["own"] - before["own"]
    return {"machine_cores": machine / seconds, "server_cores": server / seconds, "benchmark_cores": own / seconds,
            "other_cores": max(0.0, machine - server - own) / seconds}


async def wait_for_hosts(server_pid: int, count: int, seen: dict[int, int], seconds: float = 20) -> dict[int, int]:
    """The server's host processes once there are ``count`` of them; each is added to ``seen``."""
    deadline = time.monotonic() + seconds
    while True:
        hosts = await asyncio.to_thread(host_processes, server_pid)
        seen.update(hosts)
        if len(hosts) == count:
            return hosts
        if time.monotonic() > deadline:
            raise RuntimeError(f"expected {count} host processes, found {sorted(hosts)}")
        await asyncio.sleep(0.05)


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU seconds of a process, and of its children together (the session hosts), from /proc."""
    own = kids = 0.0
    for entry in os.listdir("/proc"):
        fields = stat_fields(int(entry)) if entry.isdigit() else None
        if not fields:
            continue
        used = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        if int(entry) == pid:
            own += used
        elif int(fields[1]) == pid:  # fields[1] is the parent's pid
            kids += used
    return own, kids
