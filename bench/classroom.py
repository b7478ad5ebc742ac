"""A class on one server: 100 students joining from one address, each streaming at 10 fps, with and without the
teacher's dashboard streaming.

    python3 bench/classroom.py [--students 100] [--fps 10] [--seconds 15] [--rounds 2] [--json out.json]

Starts `python3 -m app` on a free 127.0.0.1 port (with a fresh store), creates a class, and has --students
students join it by its code from 127.0.0.1 (one address, as a school behind NAT): every join must succeed. Each
student opens their session's stream, asks for --fps and presses play; one more student's session is read over
REST about 20 times a second. Then, for --rounds rounds, two phases of --seconds each in alternating order: the
students alone, and the students while the teacher's dashboard streams the class (roster and tiles,
docs/protocol.md). Reports per phase: the students' frames/s and frame interval p95, REST latency p95; for the
dashboard: the interval between roster messages and between tiles of each playing student (median, p95).
Bounded (at most 300 students, 120 s per phase); loopback only.
"""

import argparse
import asyncio
import contextlib
import json
import statistics
import struct
import time

import httpx
import websockets
from load_stream import percentile, rest_probe
from server import report, running_server


async def student_stream(url: str, token: str, fps: float, stop: asyncio.Event, record: dict,
                         on_frame=None) -> None:
    """A student's page: play at ``fps`` and record every frame's arrival while ``record["on"]``, until ``stop``;
    ``on_frame(frame)``, if given, records each frame instead. Pauses before it closes."""
    async with websockets.connect(url, subprotocols=["nnplay", f"token.{token}"], max_size=None) as ws:
        await ws.recv()  # hello
        await ws.send(json.dumps({"type": "fps", "value": fps}))
        await ws.send(json.dumps({"type": "play"}))
        record["ready"].set()
        while not stop.is_set():
            try:
                frame = await asyncio.wait_for(ws.recv(), timeout=0.5)
            except TimeoutError:
                continue
            if isinstance(frame, bytes):
                if on_frame is not None:
                    on_frame(frame)
                elif record["on"]:
                    record["times"].append(time.monotonic())
        with contextlib.suppress(websockets.ConnectionClosed):
            await ws.send(json.dumps({"type": "pause"}))


async def dashboard(url: str, token: str, seconds: float, result: dict) -> None:
    """The teacher's dashboard for ``seconds``: when each roster message and each student's tile arrives."""
    rosters, tiles = [], {}
    async with websockets.connect(url, subprotocols=["nnplay", f"token.{token}"], max_size=None) as ws:
        await ws.recv()  # hello
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            try:
                message = await asyncio.wait_for(ws.recv(), timeout=left)
            except TimeoutError:
                break
            now = time.monotonic()
            if isinstance(message, bytes):
                (length,) = struct.unpack_from(">H", message)
                tiles.setdefault(message[2:2 + length], []).append(now)
            elif json.loads(message).get("type") == "roster":
                rosters.append(now)
    result["roster_intervals"] = [b - a for a, b in zip(rosters, rosters[1:], strict=False)]
    result["tile_intervals"] = [b - a for times in tiles.values() for a, b in zip(times, times[1:], strict=False)]
    result["students_with_tiles"] = len(tiles)
    result["tile_bytes"] = None


def summary(values: list[float]) -> dict:
    return {"median_ms": statistics.median(values) * 1e3 if values else None,
            "p95_ms": percentile(values, 0.95) * 1e3 if values else None, "count": len(values)}


async def run(base: str, args) -> dict:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        made = (await client.post("/api/classes", json={"name": "bench", "max_students": args.students + 1})).json()
        joins, sessions = 0, []
        for index in range(args.students + 1):
            answer = await client.post("/api/classes/join", json={"code": made["join_code"], "name": f"s{index}"})
            joins += answer.status_code == 201
            if answer.status_code == 201:
                sessions.append(answer.json()["session"])
        probe, students = sessions[0], sessions[1:]
        ws_base = base.replace("http", "ws")
        stop = asyncio.Event()
        records = [{"times": [], "on": False, "ready": asyncio.Event()} for _ in students]
        tasks = [asyncio.create_task(student_stream(f"{ws_base}/api/sessions/{s['id']}/stream", s["token"], args.fps,
                                                    stop, r)) for s, r in zip(students, records, strict=True)]
        await asyncio.wait_for(asyncio.gather(*(r["ready"].wait() for r in records)), 60)
        phases = []
        for round_index in range(args.rounds):
            order = [False, True] if round_index % 2 == 0 else [True, False]
            for with_dashboard in order:
                for r in records:
                    r["times"], r["on"] = [], True
                latencies: list[float] = []
                watched: dict = {}
                jobs = [rest_probe(client, f"/api/sessions/{probe['id']}", probe["token"], args.seconds, latencies)]
                if with_dashboard:
                    jobs.append(dashboard(f"{ws_base}/api/classes/{made['id']}/stream", made["teacher_token"],
                                          args.seconds, watched))
                await asyncio.gather(*jobs)
                for r in records:
                    r["on"] = False
                intervals = []
                for r in records:
                    times = [t for t in r["times"] if t - r["times"][0] >= 1.0] if r["times"] else []
                    intervals += [b - a for a, b in zip(times, times[1:], strict=False)]
                frames = sum(len(r["times"]) for r in records)
                phase = {"round": round_index + 1, "dashboard": with_dashboard,
                         "frames_per_second_total": frames / args.seconds,
                         "frame_interval": summary(intervals), "rest": summary(latencies)}
                if with_dashboard:
                    phase["roster"] = summary(watched["roster_intervals"])
                    phase["tiles"] = summary(watched["tile_intervals"])
                    phase["students_with_tiles"] = watched["students_with_tiles"]
                phases.append(phase)
                print(json.dumps({k: v for k, v in phase.items()}), flush=True)
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    alone = [p for p in phases if not p["dashboard"]]
    watched = [p for p in phases if p["dashboard"]]

    def med(phases_, *keys):
        values = []
        for p in phases_:
            value = p
            for key in keys:
                value = value[key]
            values.append(value)
        return statistics.median(values)

    return {"students": args.students, "joins_succeeded": joins - 1, "fps_asked": args.fps, "seconds": args.seconds,
            "phases": phases,
            "frames_ratio": med(watched, "frames_per_second_total") / med(alone, "frames_per_second_total"),
            "rest_p95_ratio": med(watched, "rest", "p95_ms") / med(alone, "rest", "p95_ms"),
            "frame_p95_ratio": med(watched, "frame_interval", "p95_ms") / med(alone, "frame_interval", "p95_ms"),
            "roster_p95_ms": med(watched, "roster", "p95_ms"), "tile_p95_ms": med(watched, "tiles", "p95_ms")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--fps", type=float, default=10)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json")
    args = parser.parse_args()
    if not 1 <= args.students <= 300 or not 1 <= args.seconds <= 120 or not 1 <= args.rounds <= 6:
        parser.error("bounded load only: 1-300 students, 1-120 s per phase, 1-6 rounds")
    env = {"NNPLAY_MAX_SESSIONS": "400"}
    with running_server(env) as (base, _process):
        result = asyncio.run(run(base, args))
    report(result, args.json)


if __name__ == "__main__":
    main()
