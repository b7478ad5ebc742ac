"""Load test: many sessions streaming at once from one real server on loopback, plus REST calls.

    python3 bench/load_stream.py --sessions 100 --fps 10 --seconds 20 [--layers 4,2] [--json out.json]

Starts `python3 -m app` on a free 127.0.0.1 port (or uses --url), creates N sessions, opens N WebSocket
streams, asks each for --fps frames per second, presses play, and for --seconds records every frame's
arrival time and size; meanwhile a REST client reads another session about 20 times a second. Reports
frame intervals (median, p95), frames/s, bytes/s per stream, REST latency (median, p95) and the server's
CPU use. Bounded in count (at most 300 sessions) and time (at most 120 s); everything stays on loopback.
"""

import argparse
import asyncio
import contextlib
import json
import statistics
import time

import httpx
import websockets
from processes import cpu_seconds
from server import report, running_server


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def stream(url: str, token: str, fps: float, seconds: float, record: dict) -> None:
    async with websockets.connect(url, subprotocols=["nnplay", f"token.{token}"], max_size=None) as ws:
        await ws.recv()  # hello
        await ws.send(json.dumps({"type": "fps", "value": fps}))
        await ws.send(json.dumps({"type": "play"}))
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            try:
                frame = await asyncio.wait_for(ws.recv(), timeout=left)
            except TimeoutError:
                break
            if isinstance(frame, bytes):
                record["times"].append(time.monotonic())
                record["bytes"] += len(frame)
        await ws.send(json.dumps({"type": "pause"}))


async def rest_probe(client: httpx.AsyncClient, url: str, token: str, seconds: float, latencies: list) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        start = time.perf_counter()
        response = await client.get(url, headers={"Authorization": f"Bearer {token}"})
        response.raise_for_status()
        latencies.append(time.perf_counter() - start)
        await asyncio.sleep(0.05)


async def run(base: str, args) -> dict:
    config = {"data": {"name": args.dataset, "n_points": args.points}, "hidden_layers": args.layers}
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        sessions = []
        for _ in range(args.sessions + 1):
            response = await client.post("/api/sessions", json=config)
            response.raise_for_status()
            sessions.append(response.json())
        probe, streamed = sessions[0], sessions[1:]
        records = [{"times": [], "bytes": 0} for _ in streamed]
        ws_base = base.replace("http", "ws")
        latencies: list[float] = []
        tasks = [stream(f"{ws_base}/api/sessions/{s['id']}/stream", s["token"], args.fps, args.seconds, r)
                 for s, r in zip(streamed, records, strict=True)]
        tasks.append(rest_probe(client, f"/api/sessions/{probe['id']}", probe["token"], args.seconds, latencies))
        await asyncio.gather(*tasks)
        epochs = []
        for s in streamed[:20]:
            body = (await client.get(f"/api/sessions/{s['id']}", headers={"Authorization": f"Bearer {s['token']}"}
                                     )).json()
            epochs.append(body["metrics"]["epoch"])
    # Skip each stream's first second (connection set-up) when measuring steady-state intervals.
    intervals = []
    for r in records:
        times = [t for t in r["times"] if t - r["times"][0] >= 1.0] if r["times"] else []
        intervals += [b - a for a, b in zip(times, times[1:], strict=False)]
    frames = sum(len(r["times"]) for r in records)
    return {
        "sessions": args.sessions, "fps_asked": args.fps, "seconds": args.seconds, "layers": args.layers,
        "frames_per_second_total": frames / args.seconds,
        "frames_per_second_per_stream": frames / args.seconds / args.sessions,
        "frame_interval_median_ms": statistics.median(intervals) * 1e3 if intervals else None,
        "frame_interval_p95_ms": percentile(intervals, 0.95) * 1e3,
        "bytes_per_second_per_stream": sum(r["bytes"] for r in records) / args.seconds / args.sessions,
        "rest_median_ms": statistics.median(latencies) * 1e3 if latencies else None,
        "rest_p95_ms": percentile(latencies, 0.95) * 1e3,
        "rest_calls": len(latencies),
        "epochs_trained_median": statistics.median(epochs) if epochs else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--fps", type=float, default=10)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--layers", type=lambda s: [int(u) for u in s.split(",")], default=[4, 2])
    parser.add_argument("--dataset", default="circle")
    parser.add_argument("--points", type=int, default=200)
    parser.add_argument("--url", help="an already running server (default: start one)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    if not 1 <= args.sessions <= 300 or not 1 <= args.seconds <= 120:
        parser.error("bounded load only: 1-300 sessions for 1-120 seconds")
    with contextlib.ExitStack() as stack:
        process = None
        base = args.url
        if base is None:
            env = {"NNPLAY_MAX_SESSIONS": "400", "NNPLAY_MAX_SESSIONS_PER_CLIENT": "400"}
            base, process = stack.enter_context(running_server(env))
        cpu_before = sum(cpu_seconds(process.pid)) if process else None
        started = time.monotonic()
        result = asyncio.run(run(base, args))
        if process:
            result["server_cpu_cores"] = (sum(cpu_seconds(process.pid)) - cpu_before) / (time.monotonic() - started)
    report(result, args.json)

if __name__ == "__main__":
    main()
