"""Stream frame sizes and the cost of making them, in-process (no network).

    python3 bench/bench_stream.py [--seconds 10] [--json out.json]

For the TensorFlow-Playground-default network (2-4-2-1) and the 6x8 network (2-8x6-1) training on the
spiral set, it measures:
- the naive alternatives the issue names: every neuron's 100x100 map as uint8, and as JSON floats
  (size and encoding time);
- our frames at the stream's defaults (output map 64x64, neuron maps 20x20, change detection, zlib,
  120 KB/s budget) while the session trains at full speed and frames are taken at 30/s: bytes per frame,
  bytes per second, how many maps were left for later;
- the same without the budget (what the picture would cost in full);
- the capacity of one session: frames per second that one core can build for it (snapshot + encode,
  training excluded), and training epochs per second.
"""

import argparse
import json
import statistics
import time

import numpy as np

from app.core.config import Settings
from app.host import snapshot
from app.host.frames import FrameEncoder
from app.host.session import Session
from app.schemas.session import SessionConfig


def naive_sizes(session: Session) -> dict:
    grid = session.grid(100)
    maps = np.concatenate([m.reshape(-1, 100, 100) for m in grid.evaluate(session.model)])
    start = time.perf_counter()
    text = json.dumps(maps.astype(np.float64).tolist())
    return {"maps": int(maps.shape[0]), "uint8_bytes": int(maps.shape[0] * 100 * 100),
            "json_float_bytes": len(text), "json_encode_seconds": time.perf_counter() - start}


def stream_run(session: Session, seconds: float, budget: float, fps: float = 30) -> dict:
    encoder = FrameEncoder(budget)
    sizes, pending = [], []
    end = time.monotonic() + seconds
    next_at = time.monotonic()
    while time.monotonic() < end:
        session.train_for(1_000_000, max(0.0, next_at - time.monotonic()))
        next_at += 1 / fps
        frame = encoder.encode(snapshot.take(session, 64, 20))
        sizes.append(len(frame))
        pending.append(json.loads(frame[12:12 + int.from_bytes(frame[8:12], "little")])["maps_pending"])
    return {"frames": len(sizes), "bytes_per_frame_median": statistics.median(sizes),
            "bytes_per_second": sum(sizes) / seconds, "maps_pending_median": statistics.median(pending)}


def capacity(session: Session, repeats: int = 300) -> dict:
    encoder = FrameEncoder(1e12)
    times = []
    for _ in range(repeats):
        session.train_for(1)
        start = time.perf_counter()
        encoder.encode(snapshot.take(session, 64, 20))
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    epochs = session.train_for(1_000_000, 1.0)["epochs_run"]
    return {"frame_build_ms_median": statistics.median(times) * 1e3,
            "frames_per_second_one_core": 1 / statistics.median(times),
            "epochs_per_second": epochs / (time.perf_counter() - start)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--json")
    args = parser.parse_args()
    results = {}
    for name, layers in (("2-4-2-1", [4, 2]), ("2-8x6-1", [8] * 6)):
        config = SessionConfig(data={"name": "spiral", "n_points": 500, "noise": 0.1}, hidden_layers=layers)
        make = lambda config=config: Session("bench", "token", "bench", config, Settings())  # noqa: E731
        results[name] = {
            "naive": naive_sizes(make()),
            "stream_default_budget": stream_run(make(), args.seconds, Settings().stream_bytes_per_second),
            "stream_unlimited": stream_run(make(), args.seconds, 1e12),
            "capacity": capacity(make()),
        }
    print(json.dumps(results, indent=2))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=2)


if __name__ == "__main__":
    main()
