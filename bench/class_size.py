"""The class-size table of issue 13: how fast each student trains when 1, 10, 30, 60 or 100 students play at once.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python bench/class_size.py \\
        [--sizes 1,10,30,60,100] [--seconds 10] [--rounds 2] [--shapes one|three|both] [--fps 10] [--json out.json]

Each phase is one class size and one class kind on a fresh `python3 -m app` (bench/server.py: a free 127.0.0.1
port, a new temporary store, NNPLAY_MAX_SESSIONS and NNPLAY_MAX_SESSIONS_PER_CLIENT raised: every student is
a session created by POST /api/sessions from 127.0.0.1). The students train TensorFlow Playground's settings:
spiral, 500 points, 50 % train, tanh, SGD learning rate 0.03, batch 10, each with its own data seed and weight
seed. Class kinds: "one" shape (every student 2-8x6-1: 6 hidden layers of 8) and "three" shapes (a third each of
6x8, 2x4 and 3x6, student i gets shape i mod 3).

A phase: once the server's host processes run, one priming session per host is created, streamed and played
for 1 s, then paused (it stays, idle, so that the one-time costs of a host's first session are not counted per
student); the hosts' RSS is read (the baseline). Then the N students are created, each opens its stream
(subprotocols ["nnplay", "token.<token>"], the hello, {"type": "fps", "value": 10}, {"type": "play"}, as a
student's page does) and every binary frame's arrival time and epoch (its header, app/core/frame_format.py)
are recorded. After a 3 s warm-up, the measurement window of --seconds: each student's epochs/s is the rise of
the epoch between its last frame at or before the window's start and its last frame in the window, over the
time between them (from GET /api/sessions/{id} at both ends of the window when a student had too few frames
for that); its frames/s is the frames that arrived in the window over its length. The session epochs/s read by
GET at both ends are reported too (a cross-check). At the end of the window: the RSS (VmRSS of
/proc/<pid>/status) of the host processes (the server's spawned children) and of the web process; the memory
per session is their growth over the baseline divided by N. CPU use in the window (the server, this benchmark,
and anything else on the machine, which disturbs the measurement) comes from /proc.

Per class kind and size (median over --rounds; rounds alternate the order of sizes and kinds): epochs/s per
student (median and slowest), all students together (sum), frames/s per student (median and slowest) against
--fps, per shape for the three-shape class, and RSS per session. Printed as markdown tables, with every phase
as JSON (and --json FILE). Bounded: at most 300 students a phase, 120 s a window, 6 rounds, each phase cut off
after its window plus 180 s (a phase takes about --seconds + 10 s: 30 phases at --seconds 20 about 15 minutes);
loopback only; every server (and its hosts) is stopped after its phase. With --perf, each window is also
sampled by ``perf record`` on the web process and the hosts, and the CPU time split into arithmetic and copies
against overhead (bench/perf_split.py). With --baseline DIR (a checkout of an earlier commit, e.g.
`git worktree add /tmp/before <rev>`), every phase also runs on that code, interleaved with the current code's
in the same run, and the ratios current / baseline are printed.
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import perf_split
from classroom import student_stream
from processes import cpu_snapshot, cpu_use, host_processes, kill_leftovers
from server import report, running_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.frame_format import header_of  # noqa: E402

SHAPES = {"6x8": [8] * 6, "2x4": [4] * 2, "3x6": [6] * 3}
KINDS = {"one": ["6x8"], "three": ["6x8", "2x4", "3x6"]}
WARMUP_SECONDS = 3.0
PRIME_SECONDS = 1.0
MAX_STUDENTS, MAX_SECONDS, MAX_ROUNDS = 300, 120, 6
PHASE_SLACK_SECONDS = 180  # set-up and tear-down of a phase at most, besides its warm-up and window
CREATE_CONCURRENCY = 8


def config(shape: str, seed: int) -> dict:
    """A session of TensorFlow Playground's spiral settings with hidden layers ``shape``."""
    return {"data": {"name": "spiral", "n_points": 500, "noise": 0.0, "train_ratio": 0.5, "seed": seed},
            "features": ["x1", "x2"], "hidden_layers": SHAPES[shape], "activation": "tanh", "optimizer": "sgd",
            "learning_rate": 0.03, "batch_size": 10, "regularization": "none", "seed": seed}


def rss_kib(pid: int) -> int:
    """VmRSS of a process in KiB (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory(server_pid: int) -> dict:
    hosts = host_processes(server_pid)
    return {"hosts_kib": sum(rss_kib(pid) for pid in hosts), "hosts": len(hosts), "web_kib": rss_kib(server_pid)}


def frame_epochs(record: dict):
    """What a student's stream records of each frame: (arrival time, epoch from the frame's header)."""
    return lambda frame: record["frames"].append((time.monotonic(), header_of(frame)["epoch"]))


async def epochs_now(client: httpx.AsyncClient, sessions: list[dict]) -> list[tuple[float, int | None]]:
    """(time, epoch) of every session from GET /api/sessions/{id}, the time being the middle of the call."""
    limit = asyncio.Semaphore(20)

    async def one(session: dict) -> tuple[float, int | None]:
        async with limit:
            start = time.monotonic()
            answer = await client.get(f"/api/sessions/{session['id']}",
                                      headers={"Authorization": f"Bearer {session['token']}"})
            middle = (start + time.monotonic()) / 2
            return middle, answer.json()["metrics"]["epoch"] if answer.status_code == 200 else None

    return await asyncio.gather(*(one(s) for s in sessions))


def frame_rate(frames: list[tuple[float, int]], t0: float, t1: float, seconds: float) -> float | None:
    """Epochs/s from a student's frames: from its last frame at or before ``t0`` (else its first after) to its
    last frame at or before ``t1``; None when those are less than half the window apart."""
    before = [f for f in frames if f[0] <= t0]
    inside = [f for f in frames if t0 < f[0] <= t1]
    start = before[-1] if before else (inside[0] if inside else None)
    end = inside[-1] if inside else None
    if start is None or end is None or end[0] - start[0] < seconds / 2:
        return None
    return (end[1] - start[1]) / (end[0] - start[0])


async def create(client: httpx.AsyncClient, configs: list[dict]) -> list[dict]:
    limit = asyncio.Semaphore(CREATE_CONCURRENCY)

    async def one(body: dict) -> dict:
        async with limit:
            answer = await client.post("/api/sessions", json=body)
            answer.raise_for_status()
            return answer.json()

    return await asyncio.gather(*(one(c) for c in configs))


async def prime(base: str, client: httpx.AsyncClient, hosts: int, fps: float) -> None:
    """One session per host (the least loaded host takes each new one), played for a moment, then left paused."""
    sessions = await create(client, [config("6x8", 10_000 + i) for i in range(hosts)])
    stop = asyncio.Event()
    records = [{"frames": [], "ready": asyncio.Event()} for _ in sessions]
    ws_base = base.replace("http", "ws")
    tasks = [asyncio.create_task(student_stream(f"{ws_base}/api/sessions/{s['id']}/stream", s["token"], fps, stop, r,
                                                on_frame=frame_epochs(r)))
             for s, r in zip(sessions, records, strict=True)]
    await asyncio.wait_for(asyncio.gather(*(r["ready"].wait() for r in records)), 30)
    await asyncio.sleep(PRIME_SECONDS)
    stop.set()
    await asyncio.gather(*tasks)
    await asyncio.sleep(0.5)  # the pauses land, the last frames are built


async def phase(base: str, server_pid: int, kind: str, size: int, args) -> dict:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        hosts = await wait_hosts(server_pid)
        await prime(base, client, hosts, args.fps)
        baseline = memory(server_pid)
        shapes = [KINDS[kind][i % len(KINDS[kind])] for i in range(size)]
        created = time.monotonic()
        sessions = await create(client, [config(shape, i) for i, shape in enumerate(shapes)])
        stop = asyncio.Event()
        records = [{"frames": [], "ready": asyncio.Event()} for _ in sessions]
        ws_base = base.replace("http", "ws")
        tasks = [asyncio.create_task(student_stream(f"{ws_base}/api/sessions/{s['id']}/stream", s["token"], args.fps,
                                                    stop, r, on_frame=frame_epochs(r)))
                 for s, r in zip(sessions, records, strict=True)]
        try:
            await asyncio.wait_for(asyncio.gather(*(r["ready"].wait() for r in records)), 60)
            setup_seconds = time.monotonic() - created
            await asyncio.sleep(WARMUP_SECONDS)
            rest_start = await epochs_now(client, sessions)
            profile = {}
            if args.perf:  # the hosts and the web process, sampled through the window
                with perf_split.recording([server_pid, *host_processes(server_pid)], frequency=499) as profile:
                    t0, cpu_before = time.monotonic(), cpu_snapshot(server_pid)
                    await asyncio.sleep(args.seconds)
                    t1, cpu_after = time.monotonic(), cpu_snapshot(server_pid)
            else:
                t0, cpu_before = time.monotonic(), cpu_snapshot(server_pid)
                await asyncio.sleep(args.seconds)
                t1, cpu_after = time.monotonic(), cpu_snapshot(server_pid)
            after = memory(server_pid)
            rest_end = await epochs_now(client, sessions)
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
    window = t1 - t0
    students = []
    for shape, record, (ta, ea), (tb, eb) in zip(shapes, records, rest_start, rest_end, strict=True):
        by_rest = (eb - ea) / (tb - ta) if ea is not None and eb is not None else None
        by_frames = frame_rate(record["frames"], t0, t1, window)
        students.append({"shape": shape, "frames_per_second": sum(t0 < t <= t1 for t, _ in record["frames"]) / window,
                         "epochs_per_second": by_frames if by_frames is not None else by_rest,
                         "epochs_per_second_rest": by_rest, "from_frames": by_frames is not None})
    rates = [s["epochs_per_second"] for s in students if s["epochs_per_second"] is not None]
    fps = [s["frames_per_second"] for s in students]
    result = {
        "kind": kind, "students": size, "window_seconds": window, "setup_seconds": setup_seconds,
        "epochs_per_student_median": statistics.median(rates) if rates else None,
        "epochs_per_student_slowest": min(rates) if rates else None,
        "epochs_all_students": sum(rates),
        "epochs_all_students_rest": sum(s["epochs_per_second_rest"] or 0 for s in students),
        "frames_per_student_median": statistics.median(fps), "frames_per_student_slowest": min(fps),
        "students_measured_by_rest": sum(not s["from_frames"] for s in students),
        "students_without_rate": size - len(rates),
        "per_shape": {shape: median_or_none([s["epochs_per_second"] for s in students if s["shape"] == shape])
                      for shape in KINDS[kind]},
        "hosts": after["hosts"],
        "host_rss_growth_per_session_mib": (after["hosts_kib"] - baseline["hosts_kib"]) / size / 1024,
        "web_rss_growth_per_session_mib": (after["web_kib"] - baseline["web_kib"]) / size / 1024,
        "host_rss_mib": after["hosts_kib"] / 1024, "host_rss_baseline_mib": baseline["hosts_kib"] / 1024,
        "cpu": cpu_use(cpu_before, cpu_after),
        "profile": {"work_percent": profile.get("work"),
                    "web_percent": profile.get("by_pid", {}).get(server_pid),
                    "shares": {f"{kind}: {what}": share for (kind, what), share in profile.get("shares", {}).items()}},
    }
    return result


async def wait_hosts(server_pid: int, seconds: float = 30) -> int:
    """The number of host processes once it has stayed the same for 1 s and they have settled (their CPU idle)."""
    deadline, count, since = time.monotonic() + seconds, -1, time.monotonic()
    while time.monotonic() < deadline:
        now = len(await asyncio.to_thread(host_processes, server_pid))
        if now != count:
            count, since = now, time.monotonic()
        elif count > 0 and time.monotonic() - since >= 1.0:
            return count
        await asyncio.sleep(0.1)
    raise RuntimeError("the server's host processes did not start")


def run_phase(kind: str, size: int, args, seen: dict, code: str | None = None) -> dict:
    env = {"NNPLAY_MAX_SESSIONS": str(MAX_STUDENTS + 100), "NNPLAY_MAX_SESSIONS_PER_CLIENT": str(MAX_STUDENTS + 100),
           "NNPLAY_MAX_STORED_SESSIONS_PER_CLIENT": str(MAX_STUDENTS + 100)}
    with running_server(env, log=args.log, code=code) as (base, process):
        try:
            limit = WARMUP_SECONDS + args.seconds + PHASE_SLACK_SECONDS
            return asyncio.run(asyncio.wait_for(phase(base, process.pid, kind, size, args), limit))
        finally:
            seen.update(host_processes(process.pid))


def median_or_none(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def median_of(phases: list[dict], key: str, shape: str | None = None) -> float | None:
    return median_or_none([p["per_shape"][shape] if shape else p[key] for p in phases])


def table(kind: str, sizes: list[int], phases: list[dict], fps: float) -> str:
    def row(label: str, key: str, fmt: str, shape: str | None = None) -> str:
        cells = []
        for size in sizes:
            value = median_of([p for p in phases if p["kind"] == kind and p["students"] == size], key, shape)
            cells.append("-" if value is None else format(value, fmt))
        return f"| {label} | " + " | ".join(cells) + " |"

    title = "one shape (every student 6x8)" if kind == "one" else "three shapes (a third each 6x8, 2x4, 3x6)"
    lines = [f"{title}:", "", "| students playing at once | " + " | ".join(map(str, sizes)) + " |",
             "|---|" + "---|" * len(sizes),
             row("epochs/s per student (median)", "epochs_per_student_median", ".0f"),
             row("epochs/s per student (slowest)", "epochs_per_student_slowest", ".0f"),
             row("all students together", "epochs_all_students", ".0f")]
    if kind == "three":
        lines += [row(f"{shape} epochs/s per student (median)", "", ".0f", shape) for shape in KINDS["three"]]
    lines += [row(f"frames/s per student (median, {fps:g} asked)", "frames_per_student_median", ".1f"),
              row("frames/s per student (slowest)", "frames_per_student_slowest", ".1f"),
              row("host RSS growth per session (MiB)", "host_rss_growth_per_session_mib", ".2f"),
              row("server CPU (cores)", "server_cores", ".2f"), row("other load (cores)", "other_cores", ".2f")]
    return "\n".join(lines)


def ratios(kind: str, sizes: list[int], phases: list[dict]) -> str:
    """Current over baseline, per class size: the medians' ratios, from phases of the same run."""
    def cell(size: int, key: str) -> str:
        medians = [median_of([p for p in phases if p["kind"] == kind and p["students"] == size and p["code"] == code],
                             key) for code in ("current", "baseline")]
        return "-" if None in medians or not medians[1] else f"{medians[0] / medians[1]:.1f}x"

    lines = [f"current / baseline, {'one shape' if kind == 'one' else 'three shapes'}:", "",
             "| students playing at once | " + " | ".join(map(str, sizes)) + " |", "|---|" + "---|" * len(sizes)]
    for label, key in (("epochs/s per student (median)", "epochs_per_student_median"),
                       ("all students together", "epochs_all_students"),
                       ("frames/s per student (median)", "frames_per_student_median")):
        lines.append(f"| {label} | " + " | ".join(cell(size, key) for size in sizes) + " |")
    return "\n".join(lines)


def provenance() -> dict:
    """Which code was measured: the commit, and whether app/ or engine/ differed from it."""
    root = Path(__file__).resolve().parents[1]

    def git(*argv: str) -> str:
        try:
            return subprocess.run(["git", *argv], cwd=root, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return {"commit": git("rev-parse", "HEAD"), "changed": git("status", "--porcelain", "--", "app", "engine"),
            "cores": os.cpu_count(), "python": sys.version.split()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=lambda s: [int(u) for u in s.split(",")], default=[1, 10, 30, 60, 100])
    parser.add_argument("--seconds", type=float, default=10, help="measurement window of a phase (after 3 s warm-up)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--shapes", choices=["one", "three", "both"], default="both")
    parser.add_argument("--fps", type=float, default=10)
    parser.add_argument("--log", help="the servers' output into this file (the last phase's)")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--baseline", help="also run every phase on this checkout of an earlier commit (a git "
                        "worktree), interleaved with the current code's, and print their ratios")
    parser.add_argument("--perf", action="store_true",
                        help="sample the server's processes with perf in each window: work against overhead")
    args = parser.parse_args()
    if (not args.sizes or not all(1 <= s <= MAX_STUDENTS for s in args.sizes) or not 1 <= args.seconds <= MAX_SECONDS
            or not 1 <= args.rounds <= MAX_ROUNDS or not 1 <= args.fps <= 60):
        parser.error(f"bounded load only: 1-{MAX_STUDENTS} students, 1-{MAX_SECONDS} s a window, "
                     f"1-{MAX_ROUNDS} rounds, 1-60 fps")
    kinds = ["one", "three"] if args.shapes == "both" else [args.shapes]
    plan = []
    codes = [None] if args.baseline is None else [args.baseline, None]
    for r in range(args.rounds):
        sizes = args.sizes if r % 2 == 0 else args.sizes[::-1]
        for i, size in enumerate(sizes):
            for kind in (kinds if (r + i) % 2 == 0 else kinds[::-1]):
                plan += [(kind, size, code) for code in (codes if (r + i) % 2 == 0 else codes[::-1])]
    estimate = len(plan) * (args.seconds + 10) / 60  # about 10 s of start, set-up, warm-up and stop a phase
    print(f"{len(plan)} phases, about {estimate:.0f} minutes", file=sys.stderr, flush=True)
    started, phases, seen = time.monotonic(), [], {}
    try:
        for kind, size, code in plan:
            result = run_phase(kind, size, args, seen, code)
            result["code"] = "current" if code is None else "baseline"
            phases.append(result)
            brief = {k: result[k] for k in ("code", "kind", "students", "epochs_per_student_median",
                                            "epochs_all_students", "frames_per_student_median",
                                            "host_rss_growth_per_session_mib")}
            print(json.dumps({**brief, **{k: round(v, 2) for k, v in result["cpu"].items()}}), flush=True)
    finally:
        leftovers = kill_leftovers(seen)
    for p in phases:
        p.update(p.pop("cpu"))
    tables = []
    for code in ("baseline", "current") if args.baseline else ("current",):
        mine = [p for p in phases if p["code"] == code]
        label = f"baseline ({args.baseline}), " if code == "baseline" else ""
        tables += [label + table(kind, args.sizes, mine, args.fps) for kind in kinds]
    if args.baseline:
        tables += [ratios(kind, args.sizes, phases) for kind in kinds]
    results = {"settings": {"sizes": args.sizes, "seconds": args.seconds, "warmup_seconds": WARMUP_SECONDS,
                            "rounds": args.rounds, "fps": args.fps, "shapes": args.shapes, "baseline": args.baseline},
               "code": provenance(), "minutes": (time.monotonic() - started) / 60, "leftover_hosts_killed": leftovers,
               "phases": phases, "tables": tables}
    report(results, args.json)
    print()
    print("\n\n".join(tables))
    for p in phases:
        if p["profile"]["work_percent"] is not None:
            shares = {tuple(key.split(": ", 1)): share for key, share in p["profile"]["shares"].items()}
            perf_split.print_split(f"perf, the server's processes ({p['code']} code), {p['kind']} shape(s), "
                                   f"{p['students']} students "
                                   f"({p['profile']['web_percent'] or 0:.0f} % of the samples in the web process, "
                                   "the rest in the hosts)", {"work": p["profile"]["work_percent"], "shares": shares})


if __name__ == "__main__":
    main()
