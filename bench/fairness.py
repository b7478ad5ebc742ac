"""Fairness: an ordinary user keeps its stream and its REST answers while another user does the worst the limits allow.

    python3 bench/fairness.py [--seconds 20] [--attack-sessions N] [--viewers N] [--batch-size 1]
                              [--url URL] [--json out.json]

Starts `python3 -m app` on a free 127.0.0.1 port with the default limits (or uses --url), then, every
client in its own OS process (so that one's client work does not slow the other's):

- the VICTIM, from 127.0.0.1, creates one ordinary session (circle, 2-4-2-1), opens one stream, asks for
  10 frames per second, presses play and records every frame's arrival; all along it reads its session
  (GET /api/sessions/{id}) about 10 times a second and records each answer's latency and status.
- baseline: the victim alone for --seconds (after a 2 s warm-up).
- attack: the ATTACKER, from 127.0.0.2 (another client address to the server's per-client limits; Linux
  routes all of 127.0.0.0/8 to loopback), does the worst the server's limits (Settings() defaults, read
  here) allow: max_sessions_per_client sessions of the biggest config (max_points spiral points, every
  input feature, max_hidden_layers x max_units, float64, Adam, --batch-size 1: the longest epochs),
  max_viewers_per_session streams on each at max_fps with the largest view, all playing, and
  ATTACK_CONCURRENCY heavy REST calls at a time on them, each retried as soon as it is answered: the
  widest sweep, the most samples, gradient checks, training for max_epochs_per_call, grids at the largest
  resolution the limits accept, predict with the most rows, deep-versus-shallow experiments at the largest
  plan. Once its streams are open, the victim measures again for --seconds (after a 2 s warm-up).
- the victim pauses and deletes its session; then the attacker deletes all of its sessions with their
  calls and jobs under way.

Idle: as the victim has left before the deletes, the hosts (the server's child processes; CPU read from
/proc every 100 ms all along) should fall to nothing. "seconds to idle" is when, after the deletes were
answered, the first 500 ms window begins whose host CPU use is below 10 % of one core (null if none within
5 s, or with --url, whose processes are not ours).

Reports, as JSON (and --json FILE): the victim's frames received against 10 x seconds, its largest gap
between frames (window edges included), its REST latency (median, p95, of the calls that overlapped the
window; one still unanswered at its end counts until then) and the epochs its session trained, with and
without the attack, and the server's CPU use (web process and hosts, in cores) in each window; the
attacker's answers by call and status (429/503 are the limits at work; any other 5xx is a finding) with
their latencies, how long its set-up took, its streams' frames and close codes; the hosts' CPU after the
deletes. Then one PASS/FAIL line per target: frames >= 80 %, no gap > 1 s, REST p95 < 200 ms
(all under attack), hosts idle within 2 s of the deletes. Bounded: at most 120 s a phase and 400 streams,
loopback only, every session deleted at the end (also on errors and Ctrl-C; a server of our own is
stopped anyway).
"""

import argparse
import asyncio
import contextlib
import itertools
import json
import multiprocessing
import statistics
import threading
import time
from collections import Counter

import httpx
import websockets
from load_stream import percentile
from processes import cpu_seconds
from server import report, running_server

from app.core.config import Settings
from app.core.figure_limits import (
    EXPERIMENT_MAX_DEPTH,
    EXPERIMENT_MAX_EPOCHS,
    SAMPLES_MAX,
    SWEEP_MAX_EPOCHS,
    SWEEP_MAX_WIDTHS,
)
from engine.features import FEATURES

VICTIM_ADDRESS, ATTACKER_ADDRESS = "127.0.0.1", "127.0.0.2"
VICTIM_CONFIG = {"data": {"name": "circle", "n_points": 200}, "hidden_layers": [4, 2]}
VICTIM_FPS = 10
POLL_SECONDS = 0.1  # the victim reads its session about 10 times a second
WARMUP_SECONDS = 2.0
ATTACK_CONCURRENCY = 40  # the attacker's REST calls in flight at most
CALL_TIMEOUT_SECONDS = 90.0  # longer than the server's own 60 s wait for a host
SETUP_TIMEOUT_SECONDS = 120.0  # creating the attacker's sessions and opening its streams
IDLE_SAMPLE_SECONDS, IDLE_WATCH_SECONDS, IDLE_WINDOW_SAMPLES, IDLE_CORES = 0.1, 5.0, 5, 0.1
TARGETS = {"frames_ratio_min": 0.8, "gap_max_seconds": 1.0, "rest_p95_max_ms": 200.0, "idle_max_seconds": 2.0}


# ----- helpers ---------------------------------------------------------------------------------------
def auth(token: str) -> dict:
    """The header that carries a session's token."""
    return {"Authorization": f"Bearer {token}"}


def stream_url(base: str, session_id: str) -> str:
    """The WebSocket address of a session's stream."""
    return f"{base.replace('http', 'ws', 1)}/api/sessions/{session_id}/stream"


def connect(base: str, session: dict, address: str):
    """A stream on ``session`` from the source ``address`` (websockets passes local_addr to create_connection)."""
    return websockets.connect(stream_url(base, session["id"]), subprotocols=["nnplay", f"token.{session['token']}"],
                              max_size=None, local_addr=(address, 0))


async def send(ws, **message) -> None:
    """Send a control message on a stream."""
    await ws.send(json.dumps(message))


def client(base: str, address: str, connections: int = 10) -> httpx.AsyncClient:
    """An HTTP client whose connections leave from ``address``."""
    transport = httpx.AsyncHTTPTransport(local_address=address, limits=httpx.Limits(max_connections=connections))
    return httpx.AsyncClient(base_url=base, transport=transport, timeout=CALL_TIMEOUT_SECONDS)


def latency_summary(latencies: list[float]) -> dict:
    """Median, p95 and largest of latencies in seconds, as milliseconds."""
    if not latencies:
        return {"calls": 0}
    return {"calls": len(latencies), "p50_ms": round(statistics.median(latencies) * 1e3, 1),
            "p95_ms": round(percentile(latencies, 0.95) * 1e3, 1), "max_ms": round(max(latencies) * 1e3, 1)}


def status_of(outcome: httpx.Response | BaseException) -> str:
    """An answer's status code, or the name of the error that stood for one."""
    return str(outcome.status_code) if isinstance(outcome, httpx.Response) else type(outcome).__name__


# ----- the victim --------------------------------------------------------------------------------------
async def watch(ws, times: list[float]) -> None:
    """Record the arrival time of every binary frame, until cancelled or closed."""
    async for frame in ws:
        if isinstance(frame, bytes):
            times.append(time.monotonic())


async def poll(http: httpx.AsyncClient, path: str, headers: dict, calls: list, state: dict) -> None:
    """Read the session every POLL_SECONDS, until cancelled: (start, latency, status) of each answer; ``state``
    holds the start of the call waiting for its answer ("began") and the last epoch read ("epoch")."""
    while True:
        state["began"] = began = time.monotonic()
        try:
            outcome = await http.get(path, headers=headers)
        except httpx.HTTPError as exc:
            outcome = exc
        del state["began"]
        if isinstance(outcome, httpx.Response) and outcome.status_code == 200:
            state["epoch"] = outcome.json()["metrics"]["epoch"]
        calls.append((began, time.monotonic() - began, status_of(outcome)))
        await asyncio.sleep(max(0.0, began + POLL_SECONDS - time.monotonic()))


async def measure(seconds: float, times: list[float], calls: list, state: dict) -> dict:
    """After a warm-up, ``seconds`` of the victim's stream and reads: frames received against those asked for,
    the largest gap (the window's edges included), REST latency and status of every call that overlapped the
    window (one still waiting counts as waiting until the window's end), epochs trained (as read), and the
    window itself (monotonic seconds)."""
    await asyncio.sleep(WARMUP_SECONDS)
    start, first_epoch = time.monotonic(), state.get("epoch", 0)
    await asyncio.sleep(seconds)
    end = time.monotonic()
    edges = [start] + [t for t in times if start <= t <= end] + [end]
    answered = [(latency, status) for began, latency, status in calls if began <= end and began + latency >= start]
    waiting = [(end - state["began"], "pending")] if "began" in state else []
    expected = VICTIM_FPS * seconds
    gap, gap_start = max((b - a, a) for a, b in itertools.pairwise(edges))
    return {"frames": len(edges) - 2, "frames_expected": expected,
            "frames_ratio": round((len(edges) - 2) / expected, 3),
            "gap_max_seconds": round(gap, 3), "gap_max_began_after_seconds": round(gap_start - start, 2),
            "rest": latency_summary([latency for latency, _ in answered + waiting]),
            "rest_statuses": dict(Counter(status for _, status in answered + waiting)),
            "epochs_trained": state.get("epoch", 0) - first_epoch, "window": (start, end)}


async def victim(base: str, seconds: float, conn) -> None:
    """One ordinary user: a session, a 10 fps stream and ~10 reads a second. Sends ("baseline", summary), waits
    for "go" (the attack is on; anything else ends it), sends ("attacked", summary), deletes its session and
    sends ("done", None)."""
    async with client(base, VICTIM_ADDRESS) as http:
        created = await http.post("/api/sessions", json=VICTIM_CONFIG)
        created.raise_for_status()
        session = created.json()
        path, headers = f"/api/sessions/{session['id']}", auth(session["token"])
        try:
            times: list[float] = []
            calls: list = []
            state: dict = {}
            async with connect(base, session, VICTIM_ADDRESS) as ws:
                await ws.recv()  # hello
                await send(ws, type="fps", value=VICTIM_FPS)
                await send(ws, type="play")
                tasks = [asyncio.create_task(watch(ws, times)),
                         asyncio.create_task(poll(http, path, headers, calls, state))]
                try:
                    conn.send(("baseline", await measure(seconds, times, calls, state)))
                    if await asyncio.to_thread(conn.recv) == "go":
                        conn.send(("attacked", await measure(seconds, times, calls, state)))
                finally:
                    for task in tasks:
                        task.cancel()
                    await asyncio.gather(*tasks, return_exceptions=True)
                await send(ws, type="pause")
        finally:
            await http.delete(path, headers=headers)
    conn.send(("done", None))


def victim_process(base: str, seconds: float, conn) -> None:
    """Entry point of the victim's process; ("error", text) if it failed."""
    try:
        asyncio.run(victim(base, seconds, conn))
    except Exception as exc:
        conn.send(("error", f"victim: {type(exc).__name__}: {exc}"))


# ----- the attacker ------------------------------------------------------------------------------------
def attack_config(settings: Settings, batch_size: int) -> dict:
    """The biggest session the limits allow."""
    return {"data": {"name": "spiral", "n_points": settings.max_points, "train_ratio": 1.0},
            "features": list(FEATURES), "hidden_layers": [settings.max_units] * settings.max_hidden_layers,
            "activation": "tanh", "optimizer": "adam", "dtype": "float64", "batch_size": batch_size}


def heavy_calls(settings: Settings, session: dict) -> list[tuple[str, str, str, dict]]:
    """(name, method, path under the session, request arguments) of the heaviest call of each kind the limits
    accept on ``session``: grid and predict sizes follow max_grid_values for its number of neurons."""
    outputs = 1 if (session["n_classes"] or 2) <= 2 else session["n_classes"]
    per_point = len(session["features"]) + 2 * (sum(session["config"]["hidden_layers"]) + outputs)
    resolution = max(r for r in range(2, settings.max_grid + 1) if r * r * per_point // 2 <= settings.max_grid_values)
    rows = min(settings.max_predict_rows, settings.max_grid_values // per_point)
    widths = [max(1, settings.max_units - i) for i in range(SWEEP_MAX_WIDTHS)]
    plan = {"width": settings.max_units, "depths": list(range(1, EXPERIMENT_MAX_DEPTH + 1)),
            "epochs": EXPERIMENT_MAX_EPOCHS}
    return [
        ("sweep", "POST", "/sweep", {"json": {"widths": widths, "epochs": SWEEP_MAX_EPOCHS}}),
        ("samples", "POST", "/samples", {"params": {"count": SAMPLES_MAX}}),
        ("gradient-check", "POST", "/gradient-check", {"json": {"input": [0.5, -0.5], "target": 1}}),
        ("train", "POST", "/train", {"json": {"epochs": settings.max_epochs_per_call}}),
        ("grid", "GET", "/grid", {"params": {"resolution": resolution}}),
        ("predict", "POST", "/predict", {"json": {"inputs": [[i % 12 - 6.0, i % 7 - 3.0] for i in range(rows)]}}),
        ("experiment", "POST", "/experiments/deep-vs-shallow", {"json": plan}),
    ]


async def attack_stream(base: str, session: dict, settings: Settings, opened: asyncio.Event, tally: Counter) -> None:
    """One viewer at the highest frame rate and largest view, playing, reading every frame until closed."""
    try:
        async with connect(base, session, ATTACKER_ADDRESS) as ws:
            try:
                await ws.recv()  # hello, or the error before a refusal
                await send(ws, type="fps", value=settings.max_fps)
                await send(ws, type="view", output_resolution=settings.max_grid,
                           neuron_resolution=settings.max_neuron_resolution)
                await send(ws, type="play")
                opened.set()
                async for message in ws:
                    if isinstance(message, bytes):
                        tally["frames"] += 1
                        tally["bytes"] += len(message)
            except websockets.ConnectionClosed:
                pass
            tally[f"close {ws.close_code}"] += 1
    except (OSError, websockets.InvalidHandshake) as exc:
        tally[f"refused {type(exc).__name__}"] += 1
    finally:
        opened.set()


async def hammer(http: httpx.AsyncClient, calls, results: dict, stopping: asyncio.Event) -> None:
    """Make the next heavy call, again and again until ``stopping``: latency and status of each, by call name."""
    for name, method, path, arguments in calls:
        if stopping.is_set():
            return
        began = time.monotonic()
        try:
            outcome = await http.request(method, path, **arguments)
        except httpx.HTTPError as exc:
            outcome = exc
        results.setdefault(name, []).append((time.monotonic() - began, status_of(outcome)))


def attack_summary(created: Counter, streams: Counter, results: dict, deleted: Counter, setup: dict) -> dict:
    """The attacker's answers by call and status, with latencies; its streams' frames and close codes; how long
    creating its sessions and opening its streams took, and the CPU its own process used (in cores)."""
    calls = {name: {"statuses": dict(Counter(status for _, status in done)),
                    **latency_summary([latency for latency, _ in done])} for name, done in sorted(results.items())}
    unexpected = sum(count for call in calls.values() for status, count in call["statuses"].items()
                     if status.startswith("5") and status != "503")
    cores = round(time.process_time() / (time.monotonic() - setup.pop("began")), 2)
    return {"created": dict(created), "deleted": dict(deleted), "setup_seconds": setup, "calls": calls,
            "streams": dict(streams), "unexpected_5xx": unexpected, "client_cpu_cores": cores}


async def attacker(base: str, sessions: int, viewers: int, batch_size: int, conn) -> dict:
    """The worst user: sessions, streams and heavy calls until the parent says stop, then delete everything.
    Sends ("ready", None) once its streams are open and ("deleted", monotonic time) once its deletes were
    answered; returns its summary."""
    settings = Settings()
    created: Counter = Counter()
    streams: Counter = Counter()
    deleted: Counter = Counter()
    results: dict = {}
    stopping = asyncio.Event()  # no new heavy calls (those under way go on)
    mine: list[dict] = []
    tasks: list[asyncio.Task] = []
    setup: dict = {"began": time.monotonic()}
    async with client(base, ATTACKER_ADDRESS, ATTACK_CONCURRENCY + 10) as http:
        try:
            for _ in range(sessions):
                answer = await http.post("/api/sessions", json=attack_config(settings, batch_size))
                created[str(answer.status_code)] += 1
                if answer.status_code == 201:
                    mine.append(answer.json())
            setup["create"] = round(time.monotonic() - setup["began"], 1)
            events = []
            for session in mine:
                for _ in range(viewers):
                    events.append(asyncio.Event())
                    tasks.append(asyncio.create_task(attack_stream(base, session, settings, events[-1], streams)))
            await asyncio.wait_for(asyncio.gather(*(event.wait() for event in events)), SETUP_TIMEOUT_SECONDS)
            setup["streams"] = round(time.monotonic() - setup["began"] - setup["create"], 1)
            calls = itertools.cycle([(name, method, f"/api/sessions/{s['id']}{path}",
                                      {**arguments, "headers": auth(s["token"])})
                                     for s in mine for name, method, path, arguments in heavy_calls(settings, s)])
            tasks += [asyncio.create_task(hammer(http, calls, results, stopping)) for _ in range(ATTACK_CONCURRENCY)]
            conn.send(("ready", None))
            await asyncio.to_thread(conn.recv)  # the parent says when to stop
        finally:
            stopping.set()
            async with client(base, ATTACKER_ADDRESS) as deleter:
                for answer in await asyncio.gather(
                        *(deleter.delete(f"/api/sessions/{s['id']}", headers=auth(s["token"])) for s in mine),
                        return_exceptions=True):
                    deleted[status_of(answer)] += 1
            conn.send(("deleted", time.monotonic()))
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    return attack_summary(created, streams, results, deleted, setup)


def attacker_process(base: str, sessions: int, viewers: int, batch_size: int, conn) -> None:
    """Entry point of the attacker's process: ends with ("result", summary) or ("error", text)."""
    try:
        conn.send(("result", asyncio.run(attacker(base, sessions, viewers, batch_size, conn))))
    except Exception as exc:
        conn.send(("error", f"attacker: {type(exc).__name__}: {exc}"))


# ----- the conductor -----------------------------------------------------------------------------------
class CpuSampler:
    """The server's CPU time, web process and hosts apart, read every IDLE_SAMPLE_SECONDS in a thread."""

    def __init__(self, pid: int):
        self.pid = pid
        self.samples: list[tuple[float, float, float]] = []  # (monotonic time, web seconds, hosts seconds)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self.stopped.is_set():
            self.samples.append((time.monotonic(), *cpu_seconds(self.pid)))
            self.stopped.wait(IDLE_SAMPLE_SECONDS)

    def cores(self, start: float, end: float) -> dict:
        """The web process's and the hosts' CPU use between ``start`` and ``end``, in cores."""
        inside = [s for s in self.samples if start <= s[0] <= end]
        (t0, web0, hosts0), (t1, web1, hosts1) = inside[0], inside[-1]
        return {"web": round((web1 - web0) / (t1 - t0), 2), "hosts": round((hosts1 - hosts0) / (t1 - t0), 2)}

    def idle_after(self, since: float) -> dict:
        """When, after ``since``, the first window of IDLE_WINDOW_SAMPLES samples begins whose host CPU use is
        below IDLE_CORES (None if none in IDLE_WATCH_SECONDS), and the hosts' use per sample, in cores."""
        after = [(t, hosts) for t, _, hosts in self.samples if since <= t <= since + IDLE_WATCH_SECONDS]
        windows = zip(after, after[IDLE_WINDOW_SAMPLES:], strict=False)
        idle = next((round(t0 - since, 2) for (t0, c0), (t1, c1) in windows if (c1 - c0) / (t1 - t0) < IDLE_CORES),
                    None)
        cores = [round((c1 - c0) / (t1 - t0), 2) for (t0, c0), (t1, c1) in itertools.pairwise(after)]
        return {"seconds_to_idle": idle, "host_cores_every_100ms": cores}


def expect(conn, kind: str, timeout: float):
    """The value of the next message of ``kind`` from a child (others are skipped; an error is raised)."""
    deadline = time.monotonic() + timeout
    while conn.poll(max(0.0, deadline - time.monotonic())):
        got, value = conn.recv()
        if got == kind:
            return value
        if got == "error":
            raise RuntimeError(value)
    raise RuntimeError(f"no {kind!r} from a benchmark process within {timeout:.0f} s")


def verdicts(attacked: dict, idle: float | None, measured: bool) -> dict:
    """PASS or FAIL per target under attack (the idle one None with a server that is not ours)."""
    rest_p95 = attacked["rest"].get("p95_ms", float("inf"))
    checks = {
        f"frames >= {TARGETS['frames_ratio_min']:.0%} of {VICTIM_FPS} fps":
            attacked["frames_ratio"] >= TARGETS["frames_ratio_min"],
        f"no gap > {TARGETS['gap_max_seconds']} s": attacked["gap_max_seconds"] <= TARGETS["gap_max_seconds"],
        f"REST p95 < {TARGETS['rest_p95_max_ms']:.0f} ms": rest_p95 < TARGETS["rest_p95_max_ms"],
        f"hosts idle within {TARGETS['idle_max_seconds']} s of the deletes":
            (idle is not None and idle <= TARGETS["idle_max_seconds"]) if measured else None,
    }
    return {name: None if ok is None else ("PASS" if ok else "FAIL") for name, ok in checks.items()}


def stop(process, conn) -> None:
    """Tell a child to stop (if it still listens), wait for it, and end it if it does not."""
    with contextlib.suppress(OSError):
        conn.send("stop")
    process.join(CALL_TIMEOUT_SECONDS)
    if process.is_alive():
        process.terminate()


def run(base: str, server_pid: int | None, args) -> dict:
    """The victim alone, then with the attacker; the victim leaves, the attacker deletes, the hosts calm down."""
    context = multiprocessing.get_context("spawn")
    sampler = CpuSampler(server_pid) if server_pid else None
    victim_end, victim_child = context.Pipe()
    attack_end, attack_child = context.Pipe()
    processes = [(context.Process(target=victim_process, args=(base, args.seconds, victim_child)), victim_end),
                 (context.Process(target=attacker_process, args=(base, args.attack_sessions, args.viewers,
                                                                 args.batch_size, attack_child)), attack_end)]
    phase_timeout = args.seconds + WARMUP_SECONDS + SETUP_TIMEOUT_SECONDS
    try:
        if sampler:
            sampler.thread.start()
        processes[0][0].start()
        baseline = expect(victim_end, "baseline", phase_timeout)
        processes[1][0].start()
        expect(attack_end, "ready", SETUP_TIMEOUT_SECONDS)
        victim_end.send("go")
        attacked = expect(victim_end, "attacked", phase_timeout)
        expect(victim_end, "done", CALL_TIMEOUT_SECONDS)
        attack_end.send("stop")
        deleted_at = expect(attack_end, "deleted", CALL_TIMEOUT_SECONDS)
        attack_result = expect(attack_end, "result", CALL_TIMEOUT_SECONDS)
        time.sleep(max(0.0, deleted_at + IDLE_WATCH_SECONDS + IDLE_SAMPLE_SECONDS - time.monotonic()))
    finally:
        for process, conn in processes:
            if process.pid is not None:
                stop(process, conn)
        if sampler:
            sampler.stopped.set()
    for phase in (baseline, attacked):
        window = phase.pop("window")
        if sampler:
            phase["server_cpu_cores"] = sampler.cores(*window)
    idle = sampler.idle_after(deleted_at) if sampler else {"seconds_to_idle": None}
    return {
        "seconds": args.seconds, "victim_fps": VICTIM_FPS, "attack_sessions": args.attack_sessions,
        "viewers_per_session": args.viewers, "attack_batch_size": args.batch_size,
        "victim_baseline": baseline, "victim_attacked": attacked,
        "frames_attacked_vs_baseline": round(attacked["frames"] / max(1, baseline["frames"]), 3),
        "attacker": attack_result, "after_deletes": idle,
        "targets": verdicts(attacked, idle["seconds_to_idle"], sampler is not None),
    }


def main() -> None:
    """Parse and bound the options, start a server unless --url, run, report."""
    settings = Settings()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase (at most 120)")
    parser.add_argument("--attack-sessions", type=int, default=settings.max_sessions_per_client)
    parser.add_argument("--viewers", type=int, default=settings.max_viewers_per_session,
                        help="streams on each attacking session")
    parser.add_argument("--batch-size", type=int, default=1, help="of the attacking sessions (1: the slowest epochs)")
    parser.add_argument("--url", help="an already running server (default: start one)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    if not 2 <= args.seconds <= 120:
        parser.error("bounded runs only: 2-120 seconds a phase")
    if not 1 <= args.attack_sessions <= 100 or not 1 <= args.viewers <= 32 or args.attack_sessions * args.viewers > 400:
        parser.error("bounded attack only: 1-100 sessions, 1-32 viewers each, at most 400 streams")
    if args.url and not args.url.startswith(("http://127.", "http://localhost")):
        parser.error("loopback only: --url must be http://127.x.x.x:port or http://localhost:port")
    with contextlib.ExitStack() as stack:
        base, process = (args.url.rstrip("/"), None) if args.url else stack.enter_context(running_server())
        result = run(base, process.pid if process else None, args)
    report(result, args.json)
    for name, verdict in result["targets"].items():
        print(f"{verdict or 'NOT MEASURED'}: {name}")


if __name__ == "__main__":
    main()
