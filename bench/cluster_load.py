"""The same streaming load on the Ray backend through two web nodes and on the local backend, in one run (issue 14).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python bench/cluster_load.py \
        [--rounds 2] [--sessions 100] [--fps 10] [--seconds 15] [--json out.json] [--profile DIR] \
        [--ray-worker-niceness 0-19]

Phases, interleaved (local, ray, local, ray, ...), the same load each (load_stream.py's: N sessions of a 2-4-2-1
network on the circle set streaming at --fps while playing, plus two REST probes reading a session ~20 times/s):
- **local**: one server (`python -m app`, NNPLAY_WORKERS=2 host processes) on a PostgreSQL store takes it all;
- **ray**: a two-node Ray cluster on this machine (tests/ray_cluster.py: one CPU per node, two host actors) and
  two web nodes A and B (NNPLAY_HOSTS=ray) sharing one PostgreSQL database. Sessions are created alternately
  through A and B; half stream through the node that created them, half through the other ("cross"); each node
  serves half of the streams and one probe (both probes' sessions made through A).
Per phase: frames/s delivered, per stream (median), frame interval median and p95 (each stream's first second
skipped), REST p95, epochs/s per session, and CPU per frame of every process involved, from /proc over the
streaming window: web (the server or the web nodes), hosts (host processes or HostActor workers), Ray system
(every other process of the two nodes: raylets, GCS, agents) and the store (PostgreSQL); also per thread, and
with no session at all (idle). Then medians over rounds and ratios ray / local. Playing sessions train with every
idle cycle, so the hosts' CPU per frame is mostly training (docs/performance.md, "Issue 14").

Bounded: at most 300 sessions and 60 s of streaming per phase, at most 6 rounds; every wait is capped (120 s).
Everything on loopback. PostgreSQL and the Ray cluster are started once for the run and killed at the end (their
process groups, never a broad `ray stop`), the servers and web nodes per phase; also on Ctrl-C, SIGTERM or an
error. --profile: py-spy samples one web process and one host of each phase of the first round (raw files and
summary.txt; it slows the Ray path a lot: not for the figures). --ray-worker-niceness: Ray's nice value for its
workers (default 15, to which a host actor adds NNPLAY_HOST_NICENESS).
"""

import argparse
import asyncio
import contextlib
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
from load_stream import percentile, rest_probe, stream
from processes import children, kill_leftovers, stat_fields
from server import free_port, report, running_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.postgres_cluster import fresh_database, throwaway_cluster  # noqa: E402
from tests.ray_cluster import HEAD, WORKER, two_node_cluster  # noqa: E402

WAIT_SECONDS = 120
HOSTS = 2  # host processes (local) or host actors (ray): one per core of this machine / of the cluster
LIMITS = {"NNPLAY_MAX_SESSIONS": "400", "NNPLAY_MAX_SESSIONS_PER_CLIENT": "400",
          "NNPLAY_MAX_STORED_SESSIONS_PER_CLIENT": "5000", "NNPLAY_WORKERS": str(HOSTS)}
TICK = os.sysconf("SC_CLK_TCK")
PROBES = [(0, 0), (0, 1)]  # (creating node, reading node) of the REST probes' sessions
METRICS = ["frames_per_second_total", "frames_per_second_per_stream_median", "frame_interval_median_ms",
           "frame_interval_p95_ms", "rest_median_ms", "rest_p95_ms", "bytes_per_second_per_stream",
           "epochs_per_second_median"]
CPU_KINDS = ["web", "hosts", "ray", "store"]
BOUNDS = {"sessions": (1, 300), "seconds": (5, 60), "rounds": (1, 6), "idle_seconds": (1, 30)}


# ----- processes and their CPU --------------------------------------------------------------------------------
def cmdline(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    return ""


def descendants(pid: int) -> set[int]:
    """``pid`` and every process below it."""
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children(current))
    return found


def postgres_pids(url: str) -> set[int]:
    """The PostgreSQL server of ``url``: its postmaster (`-c port=...` on its command line) and its children."""
    port = int(url.rsplit(":", 1)[1].split("/", 1)[0])
    masters = [int(p) for p in os.listdir("/proc") if p.isdigit() and f"port={port} " in cmdline(int(p)) + " "
               and "postgres" in cmdline(int(p))]
    return set().union(*(descendants(pid) for pid in masters))


def ray_pids(cluster, kind: str | None = None) -> dict[int, str]:
    """Every process of the two Ray nodes: "hosts" for the HostActor workers, "ray" for the rest (or all
    ``kind``: the cluster idles through the local phase, counted with the other work)."""
    kinds = {}
    for label in (HEAD, WORKER):
        for pid in cluster.node_pids(label):
            kinds[pid] = kind or ("hosts" if cmdline(pid).startswith("ray::HostActor") else "ray")
    return kinds


def tasks(pid: int):
    """(thread id, thread name, the /proc stat fields after the name) of each thread of ``pid``."""
    with contextlib.suppress(OSError):
        for tid in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError, IndexError):
                stat = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
                yield tid, stat.split("(", 1)[1].rsplit(")", 1)[0], stat.rsplit(")", 1)[1].split()


def niceness(pid: int) -> list[int]:
    """The nice values of a process's threads (a Ray worker starts at RAY_worker_niceness, 15 by default; a host
    adds its host_niceness, 5, for the threads it starts)."""
    return sorted({int(fields[16]) for _, _, fields in tasks(pid)})


def cpu_snapshot(kinds: dict[int, str]) -> dict:
    """CPU seconds so far of each process of ``kinds`` (with its start time, so a reused pid is not mistaken for
    it), of the machine (all cores) and of this benchmark."""
    procs = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):  # every process: the others are named in the report
        pid, fields = int(entry), stat_fields(int(entry))
        if fields and fields[0] != "Z":
            procs[pid] = (kinds.get(pid, "other"), int(fields[19]), (int(fields[11]) + int(fields[12])) / TICK)
    threads = {}  # (kind, pid, tid) -> (thread name, CPU seconds) of the web and host processes
    for pid, (kind, _, _) in procs.items():
        for tid, name, fields in tasks(pid) if kind in ("web", "hosts") else ():
            threads[kind, pid, tid] = (name, (int(fields[11]) + int(fields[12])) / TICK)
    with open("/proc/stat") as stat:
        ticks = [int(x) for x in stat.readline().split()[1:]]
    own = os.times()
    return {"at": time.monotonic(), "procs": procs, "threads": threads, "own": own.user + own.system,
            "machine": (sum(ticks) - ticks[3] - ticks[4]) / TICK}


def python_threads(pids) -> dict[str, str]:
    """Thread id -> Python thread name in these processes, from `py-spy dump` (if installed): the OS names of a
    process's Python threads are the process's own (a Ray worker's: "ray::IDLE", its name when they started)."""
    spy, names = Path(sys.executable).with_name("py-spy"), {}
    for pid in pids if spy.exists() else ():
        for _ in range(3):  # a dump of a busy process now and then fails: try again
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                dump = subprocess.run([spy, "dump", "--nonblocking", "--pid", str(pid)], capture_output=True,
                                      text=True, timeout=30).stdout
                found = re.findall(r'^Thread (?:0x)?(\d+) \([^)]*\): "(.*)"$', dump, re.MULTILINE)
                if found:
                    names.update(found)
                    break
    return names


def thread_split(before: dict, after: dict) -> dict:
    """Cores used by the web and host processes' threads over the window, by kind and thread name: Python's
    name for Python threads, the OS name for native ones (Ray's and gRPC's name themselves), summed over
    processes; threads under 0.005 cores left out."""
    split: dict[str, float] = {}
    seconds = after["at"] - before["at"]
    python = python_threads({key[1] for key in after["threads"]})
    for key, (name, cpu) in after["threads"].items():
        spent = cpu - before["threads"].get(key, (name, 0.0))[1]
        label = f"{key[0]}: {python[key[2]]}" if key[2] in python else f"{key[0]}: {name} (native)"
        split[label] = split.get(label, 0.0) + spent / seconds
    return {name: round(cores, 3) for name, cores in sorted(split.items(), key=lambda kv: -kv[1]) if cores >= 0.005}


def cpu_used(before: dict, after: dict, threads: bool = True) -> dict:
    """CPU seconds between two snapshots per kind, plus the machine's, this benchmark's and everything else's."""
    used = dict.fromkeys(CPU_KINDS, 0.0)
    others = {}
    for pid, (kind, start, cpu) in after["procs"].items():
        earlier = before["procs"].get(pid)
        spent = cpu - (earlier[2] if earlier and earlier[1] == start else 0.0)
        if kind in used:
            used[kind] += spent
        elif spent > 0 and pid != os.getpid():
            others[pid] = spent  # named in the report: what else ran
    used["machine"] = after["machine"] - before["machine"]
    used["bench"] = after["own"] - before["own"]
    used["other"] = max(0.0, used["machine"] - sum(used[k] for k in CPU_KINDS) - used["bench"])
    used["window_seconds"] = after["at"] - before["at"]
    used["threads"] = thread_split(before, after) if threads else {}
    busiest = sorted(others, key=others.get, reverse=True)[:4]
    used["other_processes"] = {f"{pid} {cmdline(pid)[:70]}": round(others[pid] / used["window_seconds"], 3)
                               for pid in busiest}
    return used


# ----- the load ---------------------------------------------------------------------------------------------
def plan(sessions: int, nodes: int) -> list[tuple[int, int]]:
    """(creating node, serving node) of each streamed session: created alternately through the nodes; of every
    four, two served by their creator and two by the other node, so each node serves half of the streams."""
    return [(i % nodes, (i + (i // 2) % 2) % nodes) for i in range(sessions)]


async def create_all(bases: list[str], args, roles: list[tuple[int, int]]) -> list[dict]:
    config = {"data": {"name": "circle", "n_points": 200}, "hidden_layers": [4, 2]}
    made = []
    async with httpx.AsyncClient(timeout=60) as client:
        for creator, server in roles:
            response = await client.post(f"{bases[creator]}/api/sessions", json=config)
            response.raise_for_status()
            made.append({**response.json(), "creator": creator, "server": server})
    return made


async def guarded_probe(client, url: str, token: str, seconds: float, latencies: list, errors: list) -> None:
    """load_stream.py's REST probe; an error ends it and is counted (a 5xx must show, not abort the phase)."""
    try:
        await rest_probe(client, url, token, seconds, latencies)
    except Exception as exc:  # noqa: BLE001 (reported)
        errors.append(repr(exc)[:200])


async def load(bases: list[str], sessions: list[dict], probes: list[dict], args, kinds_now,
               profile: dict[str, int]) -> dict:
    """Stream every session and probe for --seconds; the records, latencies, errors and CPU over the window
    (py-spy samples the ``profile`` processes meanwhile if --profile)."""
    ws_bases = [base.replace("http", "ws") for base in bases]
    records = [{"times": [], "bytes": 0} for _ in sessions]
    latencies = [[] for _ in probes]
    rest_errors: list[str] = []
    async with httpx.AsyncClient(timeout=30) as client:
        tasks = [stream(f"{ws_bases[s['server']]}/api/sessions/{s['id']}/stream", s["token"], args.fps, args.seconds,
                        r) for s, r in zip(sessions, records, strict=True)]
        tasks += [guarded_probe(client, f"{bases[p['server']]}/api/sessions/{p['id']}", p["token"], args.seconds,
                                lats, rest_errors) for p, lats in zip(probes, latencies, strict=True)]
        before = cpu_snapshot(await asyncio.to_thread(kinds_now))
        profiling = py_spy(profile, args.profile, args.seconds - 2) if args.profile else []
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        cpu = cpu_used(before, cpu_snapshot(await asyncio.to_thread(kinds_now)))
        for process in profiling:
            process.wait(timeout=WAIT_SECONDS)
        epochs = []
        for s in sessions[:20]:
            response = await client.get(f"{bases[s['server']]}/api/sessions/{s['id']}",
                                        headers={"Authorization": f"Bearer {s['token']}"})
            if response.status_code == 200:
                epochs.append(response.json()["metrics"]["epoch"])
    stream_errors = [repr(o)[:200] for o in outcomes[:len(sessions)] if isinstance(o, BaseException)]
    return {"records": records, "latencies": latencies, "cpu": cpu, "epochs": epochs,
            "errors": {"streams": stream_errors, "rest": rest_errors}}


def summarize(records: list[dict], latencies: list[float], seconds: float) -> dict:
    """load_stream.py's figures for a set of streams and REST latencies."""
    intervals = []
    for r in records:
        times = [t for t in r["times"] if t - r["times"][0] >= 1.0] if r["times"] else []
        intervals += [b - a for a, b in zip(times, times[1:], strict=False)]
    frames = sum(len(r["times"]) for r in records)
    per_stream = [len(r["times"]) / seconds for r in records]
    return {
        "frames": frames, "frames_per_second_total": frames / seconds,
        "frames_per_second_per_stream_median": statistics.median(per_stream) if per_stream else None,
        "frame_interval_median_ms": statistics.median(intervals) * 1e3 if intervals else None,
        "frame_interval_p95_ms": percentile(intervals, 0.95) * 1e3,
        "bytes_per_second_per_stream": sum(r["bytes"] for r in records) / seconds / max(1, len(records)),
        "rest_median_ms": statistics.median(latencies) * 1e3 if latencies else None,
        "rest_p95_ms": percentile(latencies, 0.95) * 1e3, "rest_calls": len(latencies),
    }


def idle_cores(kinds_now, seconds: float) -> dict:
    """Cores each kind of process uses with no session at all (the servers up, nothing asked): fixed costs."""
    before = cpu_snapshot(kinds_now())
    time.sleep(seconds)
    used = cpu_used(before, cpu_snapshot(kinds_now()), threads=False)
    return {kind: round(used[kind] / used["window_seconds"], 3) for kind in [*CPU_KINDS, "machine", "other"]}


def phase_result(name: str, bases: list[str], sessions: list[dict], probes: list[dict], got: dict, args) -> dict:
    result = {"phase": name, "web_processes": len(bases),
              **summarize(got["records"], sum(got["latencies"], []), args.seconds)}
    result["epochs_per_second_median"] = statistics.median(got["epochs"]) / args.seconds if got["epochs"] else None
    cpu, frames = got["cpu"], max(1, result["frames"])
    result["cpu_cores"] = {k: round(cpu[k] / cpu["window_seconds"], 3) for k in [*CPU_KINDS, "machine", "bench",
                                                                                  "other"]}
    result.update(other_processes_cores=cpu["other_processes"], thread_cores=cpu["threads"])
    result["cpu_ms_per_frame"] = {k: cpu[k] / frames * 1e3 for k in CPU_KINDS}
    result["cpu_ms_per_frame"]["total"] = sum(result["cpu_ms_per_frame"].values())
    result["errors"] = got["errors"]
    if len(bases) > 1:  # the same node that created the session, or the other one
        for kind, same in (("same_node", True), ("cross_node", False)):
            picked = [r for s, r in zip(sessions, got["records"], strict=True) if (s["creator"] == s["server"]) == same]
            lats = sum((lat for p, lat in zip(probes, got["latencies"], strict=True)
                        if (p["creator"] == p["server"]) == same), [])
            result[kind] = {"streams": len(picked), **summarize(picked, lats, args.seconds)}
    return result


# ----- the phases -------------------------------------------------------------------------------------------
def wait_serving(base: str, process: subprocess.Popen, condition=lambda body: True) -> dict:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        with contextlib.suppress(httpx.TransportError, ValueError):
            body = httpx.get(f"{base}/api/health", timeout=5).json()
            if condition(body):
                return body
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{base} is not serving (exit code {process.poll()})")
        time.sleep(0.2)


@contextlib.contextmanager
def web_node(cluster, database_url: str):
    """A web node of the cluster (as tests/app/test_ray_cluster.py starts one); its base URL and process."""
    port = free_port()
    env = {**os.environ, **cluster.env, **LIMITS, "NNPLAY_HOSTS": "ray", "NNPLAY_RAY_HOSTS": str(HOSTS),
           "NNPLAY_DATABASE_URL": database_url}
    process = subprocess.Popen([sys.executable, "-m", "app", "--host", "127.0.0.1", "--port", str(port)], env=env,
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield f"http://127.0.0.1:{port}", process
    finally:
        below = descendants(process.pid) - {process.pid}
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        for pid in [*below, process.pid]:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=15)


def py_spy(targets: dict[str, int], folder: str, seconds: float) -> list[subprocess.Popen]:
    """py-spy record of each target process into folder/<name>.txt (raw, collapsed stacks) for ``seconds``."""
    spy = str(Path(sys.executable).with_name("py-spy"))
    return [subprocess.Popen([spy, "record", "-d", str(int(seconds)), "-r", "50", "-f", "raw", "-o",
                              f"{folder}/{name}.txt", "--pid", str(pid)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL) for name, pid in targets.items()]


IDLE_LEAF = re.compile(r"^(Condition\.wait|Event\.wait|EpollSelector\.select|Queue\.get|ActorConnection\.recv|"
                       r"Connection\._recv|_worker|Worker\.main_loop|select|sleep) ")


def profile_summary(folder: str, top: int = 40) -> None:
    """folder/summary.txt: for each raw profile there, the share of its busy samples (threads waiting dropped by
    their innermost frame: py-spy counts a Ray worker's waiting threads as active) under each function."""
    lines = []
    for path in sorted(Path(folder).glob("*-*.txt")):
        busy, under = 0, {}
        for line in path.read_text().splitlines():
            stack, count = line.rsplit(" ", 1)
            frames = stack.split(";")
            if IDLE_LEAF.match(frames[-1]):
                continue
            busy += int(count)
            for function in {re.sub(r":\d+\)$", ")", frame) for frame in frames}:
                under[function] = under.get(function, 0) + int(count)
        lines.append(f"== {path.name}: {busy} busy samples")
        lines += [f"{100 * n / busy:5.1f} % {f}" for f, n in sorted(under.items(), key=lambda kv: -kv[1])[:top]]
    Path(folder, "summary.txt").write_text("\n".join(lines) + "\n")


def local_phase(args, cluster, postgres: str, round_index: int) -> dict:
    database = fresh_database(postgres, f"local_{round_index}")
    seen: dict[int, int] = {}
    with running_server({**LIMITS, "NNPLAY_DATABASE_URL": database}, seconds=WAIT_SECONDS) as (base, process):
        def kinds_now() -> dict[int, str]:
            tree = descendants(process.pid)
            for pid in tree:  # remembered to kill any left over
                fields = stat_fields(pid)
                if fields:
                    seen[pid] = int(fields[19])
            return {**dict.fromkeys(postgres_pids(postgres), "store"), **ray_pids(cluster, "other"),
                    **{pid: "web" if pid == process.pid else "hosts" for pid in tree}}

        idle = idle_cores(kinds_now, args.idle_seconds)
        made = asyncio.run(create_all([base], args, [(0, 0)] * (len(PROBES) + args.sessions)))
        host = max(children(process.pid), key=lambda pid: "spawn_main" in cmdline(pid))
        profile = {"local-web": process.pid, "local-host": host} if round_index == 0 else {}
        result = measure("local", [base], made, args, kinds_now, profile)
    kill_leftovers({pid: start for pid, start in seen.items() if pid != process.pid})
    return {**result, "idle_cores": idle}


def measure(name: str, bases: list[str], made: list[dict], args, kinds_now, profile: dict[str, int]) -> dict:
    """The load on the sessions made (the REST probes' first), and its figures."""
    probes, streamed = made[:len(PROBES)], made[len(PROBES):]
    got = asyncio.run(load(bases, streamed, probes, args, kinds_now, profile))
    return phase_result(name, bases, streamed, probes, got, args)


def ray_phase(args, cluster, database: str, postgres: str, round_index: int) -> dict:
    with web_node(cluster, database) as (a, process_a), web_node(cluster, database) as (b, process_b):
        all_up = lambda body: body.get("hosts") and all(h.get("available") for h in body["hosts"])  # noqa: E731
        wait_serving(b, process_b, all_up)
        placement = wait_serving(a, process_a, all_up)["hosts"]
        bases = [a, b]

        def kinds_now() -> dict[int, str]:
            kinds = {**ray_pids(cluster), **dict.fromkeys(postgres_pids(postgres), "store")}
            for process in (process_a, process_b):
                kinds.update(dict.fromkeys(descendants(process.pid), "web"))
            return kinds

        idle = idle_cores(kinds_now, args.idle_seconds)
        made = asyncio.run(create_all(bases, args, [*PROBES, *plan(args.sessions, 2)]))
        profile = {"ray-web-a": process_a.pid, "ray-host": placement[0]["pid"]} if round_index == 0 else {}
        result = {**measure("ray", bases, made, args, kinds_now, profile), "idle_cores": idle}
        result["hosts"] = [{**{k: h.get(k) for k in ("index", "node", "pid")}, "thread_niceness": niceness(h["pid"])}
                           for h in placement]
        result["cleanup_seconds"] = asyncio.run(delete_all(bases, made))
    return result


async def delete_all(bases: list[str], made: list[dict]) -> float:
    """Delete the phase's sessions (the host actors outlive the web nodes) and wait until the actors hold none;
    how long it took."""
    started, gate = time.monotonic(), asyncio.Semaphore(10)
    async with httpx.AsyncClient(timeout=60) as client:
        async def delete(s: dict) -> None:
            async with gate:
                await client.delete(f"{bases[s['creator']]}/api/sessions/{s['id']}",
                                    headers={"Authorization": f"Bearer {s['token']}"})

        await asyncio.gather(*(delete(s) for s in made))
        while time.monotonic() - started < WAIT_SECONDS:
            hosts = (await client.get(f"{bases[0]}/api/health")).json()["hosts"]
            if all(h.get("available") and h.get("sessions") == 0 for h in hosts):
                break
            await asyncio.sleep(0.2)
    return time.monotonic() - started


# ----- the run ----------------------------------------------------------------------------------------------
def medians(results: list[dict], phase: str) -> dict:
    runs = [r for r in results if r["phase"] == phase]
    out = {m: statistics.median(r[m] for r in runs) for m in METRICS if all(r[m] is not None for r in runs)}
    out["cpu_ms_per_frame"] = {k: statistics.median(r["cpu_ms_per_frame"][k] for r in runs)
                               for k in [*CPU_KINDS, "total"]}
    out["cpu_cores"] = {k: statistics.median(r["cpu_cores"][k] for r in runs) for k in runs[0]["cpu_cores"]}
    out["idle_cores"] = {k: statistics.median(r["idle_cores"][k] for r in runs) for k in runs[0]["idle_cores"]}
    return out


def ratios(local: dict, ray: dict) -> dict:
    pairs = {"frames_per_second": "frames_per_second_total", "frame_interval_p95": "frame_interval_p95_ms",
             "rest_p95": "rest_p95_ms", "epochs_per_second": "epochs_per_second_median"}
    out = {name: ray[key] / local[key] for name, key in pairs.items() if local.get(key) and key in ray}
    for kind in [*CPU_KINDS, "total"]:
        if local["cpu_ms_per_frame"][kind]:
            out[f"cpu_per_frame_{kind}"] = ray["cpu_ms_per_frame"][kind] / local["cpu_ms_per_frame"][kind]
    return out


def interrupted(*_) -> None:
    """SIGTERM: clean up as on Ctrl-C (every context manager's exit kills what it started)."""
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--fps", type=float, default=10)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--idle-seconds", type=float, default=5, help="CPU measured with no session first (1-30)")
    parser.add_argument("--ray-worker-niceness", type=int, choices=range(20), metavar="0-19",
                        help="RAY_worker_niceness of the Ray nodes (default: Ray's own, 15)")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--profile", help="folder for py-spy's raw profiles (first round only)")
    args = parser.parse_args()
    if any(not low <= getattr(args, name) <= high for name, (low, high) in BOUNDS.items()):
        parser.error(f"bounded load only: {BOUNDS}")
    signal.signal(signal.SIGTERM, interrupted)
    load_before = os.getloadavg()
    results = []
    if args.ray_worker_niceness is not None:  # read by the raylets when they start, and only by them
        os.environ["RAY_worker_niceness"] = str(args.ray_worker_niceness)
    with throwaway_cluster() as postgres, two_node_cluster() as cluster:
        os.environ.pop("RAY_worker_niceness", None)
        ray_database = fresh_database(postgres, "ray")  # one for the run: the actors keep the first web node's URL
        for round_index in range(args.rounds):
            for name in ("local", "ray"):
                started = time.monotonic()
                result = (local_phase(args, cluster, postgres, round_index) if name == "local"
                          else ray_phase(args, cluster, ray_database, postgres, round_index))
                result.update(round=round_index + 1, phase_seconds=time.monotonic() - started)
                results.append(result)
                print(f"round {round_index + 1} {name}: {result['frames_per_second_total']:.0f} frames/s, p95 "
                      f"{result['frame_interval_p95_ms']:.0f} ms, REST p95 {result['rest_p95_ms']:.1f} ms, "
                      f"{result['cpu_ms_per_frame']['total']:.2f} CPU ms/frame, cores {result['cpu_cores']}",
                      file=sys.stderr)
    if args.profile:
        profile_summary(args.profile)
    local, ray = medians(results, "local"), medians(results, "ray")
    report({"sessions": args.sessions, "fps": args.fps, "seconds": args.seconds, "rounds": args.rounds,
            "ray_worker_niceness": args.ray_worker_niceness, "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
            "routing": "ray: sessions created alternately through web nodes A and B; half of the streams (2 of every "
                       "4) and one of the 2 REST probes go through the node that did not create their session",
            "median": {"local": local, "ray": ray}, "ratio_ray_over_local": ratios(local, ray), "runs": results},
           args.json)


if __name__ == "__main__":
    main()
