"""What storing sessions costs: one checkpoint of the playground's 6x8 network, and 100 streaming sessions
checkpointing every 5 s against the same load with checkpoints (nearly) off.

    python3 bench/checkpoints.py [--rounds 3] [--seconds 15] [--postgres | --database-url URL] [--json out]

1. Cost of one checkpoint of a 2-8x6-1 session (circle, 200 points, Adam, after 1000 epochs), medians of many:
   taking it (``capture``: on the trainer's thread, in the session's turn), and writing it (``SessionStore.save``:
   on the host's checkpoint writer thread, never in a training slice) to SQLite in a temporary folder and, with
   --database-url, to that database too. The baseline measured in the same run: one training epoch of the same
   session, which the trainer runs many times between two checkpoints. --postgres starts a throwaway cluster of
   Debian's PostgreSQL for this (tests/postgres_cluster.py; fsync off, as in the tests).
2. 100 sessions at 10 fps for --seconds (bench/load_stream.py), each round twice on fresh servers with fresh
   stores, in alternating order: NNPLAY_CHECKPOINT_SECONDS=5 (the default) and =1000000 (off: only creation
   and the pause at the end write). Reports frames/s of each and their ratio per round and the median.
Bounded (at most 10 rounds of at most 60 s); loopback only.
"""

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import httpx
from load_stream import run as load_run
from processes import cpu_seconds
from server import report, running_server

from app.core.config import Settings
from app.host import stored_session
from app.host.session import Session
from app.schemas.session import SessionConfig
from app.store import database
from app.store.sessions import SessionStore, token_hash

PLAYGROUND = {"data": {"name": "circle", "n_points": 200}, "hidden_layers": [8] * 6, "optimizer": "adam"}


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def checkpoint_cost(database_urls: list[str]) -> dict:
    """Medians, in ms, of taking and writing one checkpoint, and of one epoch of training (the baseline)."""
    settings = Settings(workers=0)
    session = Session("benchmark01", "benchmark01", SessionConfig.model_validate(PLAYGROUND), settings)
    session.train_for(1000)
    taken = stored_session.capture(session)
    result = {"network": "2-8x6-1, circle 200 points, adam, epoch 1000", "checkpoint_bytes": taken.size_bytes,
              "capture_ms": median_seconds(lambda: stored_session.capture(session), 2000) * 1e3,
              "epoch_ms": median_seconds(lambda: session.train_for(1), 500) * 1e3}
    for name, url in database_urls:
        engine = database.connect(Settings(database_url=url))
        database.upgrade(engine)
        store = SessionStore(engine, time.time)
        store.create(taken, token_hash("benchmark"), "127.0.0.1")
        result[f"write_ms_{name}"] = median_seconds(lambda store=store: store.save(taken), 300) * 1e3
        store.delete(taken.id)
        engine.dispose()
    result["capture_per_epoch"] = result["capture_ms"] / result["epoch_ms"]
    return result


def streaming_round(checkpoint_seconds: str, seconds: float) -> dict:
    env = {"NNPLAY_MAX_SESSIONS": "400", "NNPLAY_MAX_SESSIONS_PER_CLIENT": "400",
           "NNPLAY_CHECKPOINT_SECONDS": checkpoint_seconds}
    args = SimpleNamespace(sessions=100, fps=10.0, seconds=seconds, layers=[4, 2], dataset="circle", points=200)
    with running_server(env) as (base, process):
        before, started = sum(cpu_seconds(process.pid)), time.monotonic()
        result = asyncio.run(load_run(base, args))
        result["server_cpu_cores"] = (sum(cpu_seconds(process.pid)) - before) / (time.monotonic() - started)
        result["store"] = httpx.get(f"{base}/api/health", timeout=10).json()["store"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--database-url", help="also measure writes to this database (e.g. PostgreSQL)")
    parser.add_argument("--postgres", action="store_true", help="also measure writes to a throwaway PostgreSQL")
    parser.add_argument("--skip-load", action="store_true", help="only the cost of one checkpoint")
    parser.add_argument("--json")
    args = parser.parse_args()
    if not 1 <= args.rounds <= 10 or not 1 <= args.seconds <= 60:
        parser.error("bounded: 1-10 rounds of 1-60 s")
    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        urls = [("sqlite", f"sqlite:///{folder}/bench.sqlite3")]
        if args.database_url:
            urls.append(("database_url", args.database_url))
        if args.postgres:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
            from tests.postgres_cluster import throwaway_cluster

            urls.append(("postgresql", stack.enter_context(throwaway_cluster())))
        results = {"cost": checkpoint_cost(urls)}
    if not args.skip_load:
        rounds = []
        for index in range(args.rounds):
            order = ["5", "1000000"] if index % 2 == 0 else ["1000000", "5"]
            measured = {seconds: streaming_round(seconds, args.seconds) for seconds in order}
            on, off = measured["5"], measured["1000000"]
            rounds.append({"every_5s": on, "off": off,
                           "frames_ratio": on["frames_per_second_total"] / off["frames_per_second_total"]})
            print(f"round {index + 1}: frames/s {on['frames_per_second_total']:.1f} with checkpoints every 5 s, "
                  f"{off['frames_per_second_total']:.1f} without; p95 {on['frame_interval_p95_ms']:.0f} / "
                  f"{off['frame_interval_p95_ms']:.0f} ms", flush=True)
        results["rounds"] = rounds
        results["frames_ratio_median"] = statistics.median(r["frames_ratio"] for r in rounds)
    with contextlib.suppress(KeyError):
        results["cost"]["capture_per_epoch"] = round(results["cost"]["capture_per_epoch"], 3)
    report(results, args.json)


if __name__ == "__main__":
    main()
