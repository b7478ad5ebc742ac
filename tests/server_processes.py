"""The processes of a real server started by a test (`python -m app`): its pid, its children, its session hosts.
Read from /proc, so that a test can kill exactly the process it means to."""

from pathlib import Path


def command_line(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def children(pid: int) -> list[int]:
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
        args = command_line(int(entry.name)) if entry.name.isdigit() else []
        if "app" in args and "--port" in args and args[args.index("--port") + 1] == port:
            pids.append(int(entry.name))
    assert len(pids) == 1, pids
    return pids[0]


def host_pids(server: int) -> set[int]:
    """The session host processes: the server's children started by multiprocessing's spawn (not its
    resource tracker)."""
    return {pid for pid in children(server) if any("spawn_main" in arg for arg in command_line(pid))}


def two_hosts(base: str) -> set[int] | None:
    """The pids of the server's two host processes, once it has two."""
    found = host_pids(server_pid(base))
    return found if len(found) == 2 else None
