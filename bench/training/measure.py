"""Timing on a shared machine, and the reference measurements: GEMM peak, tanh, ``NeuronGrid``.

The machine is shared: other processes (test suites, load tests) may take the CPUs in bursts. Each
timed run measures how much CPU *other* processes used meanwhile (machine-wide busy time from
/proc/stat minus this process's own CPU time); a run during which they took more than FOREIGN_LIMIT
cores on average (beyond a small allowance for the 10 ms tick) is retaken, after waiting for the
machine to calm down, up to RETRY["retries"] times, and counted in the results.
"""

import os
import statistics
import time
from collections.abc import Callable

import numpy as np
import torch

from engine import Dense, Sequential
from engine.grid import NeuronGrid

from .common import CONTROLLER, TORCH_DEFAULT_THREADS, Config
from .contenders import CONTENDERS, Contender

FOREIGN_LIMIT = 0.15
RETRY = {"retries": 3, "wait": 10.0, "budget": 150.0}  # --quick: 1 retry, 2 s waits, 10 s in all
CLOCK_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


# ----------------------------------------------------------------------------- a quiet machine
def _busy_seconds() -> float:
    """Machine-wide busy CPU seconds (user, nice, system, irq, softirq, steal); 0 where unknown."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return 0.0
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / CLOCK_TICK


def _own_seconds() -> float:
    t = os.times()
    return t.user + t.system


def wait_for_quiet(max_seconds: float = 10.0) -> None:
    """Wait (at most ``max_seconds``, and within the run's waiting budget) for other processes to use
    less than FOREIGN_LIMIT cores."""
    start = time.perf_counter()
    deadline = start + min(max_seconds, RETRY["budget"])
    while time.perf_counter() < deadline:
        busy, own = _busy_seconds(), _own_seconds()
        time.sleep(0.3)
        if (_busy_seconds() - busy) - (_own_seconds() - own) < FOREIGN_LIMIT * 0.3:
            break
    RETRY["budget"] -= time.perf_counter() - start


def quiet_call(fn: Callable, *args):
    """``fn(*args)``, retaken (like a timed run) when other processes were busy while it ran."""
    for attempt in range(RETRY["retries"] + 1):
        busy, own, start = _busy_seconds(), _own_seconds(), time.perf_counter()
        result = fn(*args)
        foreign = (_busy_seconds() - busy) - (_own_seconds() - own) - 2.0 / CLOCK_TICK
        if foreign / (time.perf_counter() - start) <= FOREIGN_LIMIT or attempt == RETRY["retries"]:
            return result
        wait_for_quiet(RETRY["wait"])


# ----------------------------------------------------------------------------- the contenders' runs
def timed_run(contender: Contender, cfg: Config, X, y, epochs: int) -> tuple[float, str, float]:
    """Prepare (untimed), then time one call of run() under the contender's thread settings.

    Returns (seconds, the run's note, CPU cores used by other processes meanwhile, on average).
    """
    torch.set_num_threads(contender.torch_threads or TORCH_DEFAULT_THREADS)
    run = contender.prepare(cfg, X, y, epochs, **contender.kwargs)
    with CONTROLLER.limit(limits=contender.blas_threads, user_api="blas"):
        busy, own = _busy_seconds(), _own_seconds()
        start = time.perf_counter()
        note = run()
        elapsed = time.perf_counter() - start
        foreign = (_busy_seconds() - busy) - (_own_seconds() - own)
    torch.set_num_threads(TORCH_DEFAULT_THREADS)
    return elapsed, note, max(0.0, foreign - 2.0 / CLOCK_TICK) / elapsed


def bench_config(cfg: Config, X, y) -> dict:
    """Every contender on one configuration: warm-up, then ``cfg.repeats`` interleaved rounds (the order
    rotates every round); microseconds per optimizer step, median and raw."""
    steps = cfg.epochs * cfg.steps_per_epoch()
    warm = min(len(X), 4 * (cfg.batch or 500))
    for contender in CONTENDERS:  # warm-up: one epoch on a slice, every code path and thread pool touched
        timed_run(contender, cfg, X[:warm], y[:warm], 1)
    times: dict[str, list[float]] = {c.name: [] for c in CONTENDERS}
    notes: dict[str, str] = {}
    retaken, contaminated = 0, 0
    for repeat in range(cfg.repeats):
        shift = repeat % len(CONTENDERS)
        for contender in CONTENDERS[shift:] + CONTENDERS[:shift]:
            for attempt in range(RETRY["retries"] + 1):
                elapsed, notes[contender.name], foreign = timed_run(contender, cfg, X, y, cfg.epochs)
                if foreign <= FOREIGN_LIMIT:
                    break
                if attempt < RETRY["retries"]:
                    retaken += 1
                    wait_for_quiet(RETRY["wait"])
                else:
                    contaminated += 1  # kept: the machine never calmed down
            times[contender.name].append(elapsed / steps * 1e6)
    return {
        "steps": steps,
        "steps_per_epoch": cfg.steps_per_epoch(),
        "us_per_step": {name: statistics.median(t) for name, t in times.items()},
        "raw_us_per_step": times,
        "notes": notes,
        "runs_retaken_for_foreign_load": retaken,
        "runs_kept_under_foreign_load": contaminated,
    }


# ----------------------------------------------------------------------------- GEMM, tanh, grid
def _median_time(fn: Callable, repeats: int, best: bool = False):
    """Median seconds of ``repeats`` calls after one warm-up call (and the fastest one if ``best``)."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return (statistics.median(times), min(times)) if best else statistics.median(times)


def measure_gemm(quick: bool) -> dict:
    """Square GEMM GFLOP/s (2 n^3 / median time); the peak per dtype and thread count is the best size's."""
    out: dict = {"rates_gflops": {}, "best_rates_gflops": {}}
    reps = 3 if quick else 10
    rng = np.random.default_rng(0)
    for threads, suffix in ((None, ""), (1, "_1t")):
        with CONTROLLER.limit(limits=threads, user_api="blas"):
            for dtype, sizes in ((np.float32, (1024, 2048)), (np.float64, (1024, 2048))):
                rates = []
                for size in sizes:
                    a = rng.standard_normal((size, size)).astype(dtype)
                    b = rng.standard_normal((size, size)).astype(dtype)
                    c = np.empty_like(a)
                    seconds, best = _median_time(lambda a=a, b=b, c=c: np.matmul(a, b, out=c), reps, best=True)
                    rates.append(2 * size**3 / seconds / 1e9)
                    out["rates_gflops"][f"numpy {np.dtype(dtype).name} {size}{suffix}"] = rates[-1]
                    out["best_rates_gflops"][f"numpy {np.dtype(dtype).name} {size}{suffix}"] = 2 * size**3 / best / 1e9
                out[f"{np.dtype(dtype).name}{suffix}"] = max(rates)
    for threads in (1, TORCH_DEFAULT_THREADS):
        torch.set_num_threads(threads)
        a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
        seconds = _median_time(lambda a=a, b=b: torch.mm(a, b), reps)
        out["rates_gflops"][f"torch float32 1024_{threads}t"] = 2 * 1024**3 / seconds / 1e9
    torch.set_num_threads(TORCH_DEFAULT_THREADS)
    return out


def measure_tanh() -> dict:
    x32 = np.random.default_rng(0).uniform(-3, 3, 1_000_000).astype(np.float32)
    x64 = x32.astype(np.float64)
    o32, o64 = np.empty_like(x32), np.empty_like(x64)
    t32 = _median_time(lambda: np.tanh(x32, out=o32), 20)
    t64 = _median_time(lambda: np.tanh(x64, out=o64), 20)
    return {"ns_per_element_float32": t32 * 1e3, "ns_per_element_float64": t64 * 1e3, "float64/float32": t64 / t32}


def measure_grid(quick: bool) -> dict:
    """Median ms of ``NeuronGrid.evaluate`` (every neuron's map) on the 2-8x6-1 network, float32."""
    model = Sequential([Dense(8, "tanh", input_dim=2)] + [Dense(8, "tanh") for _ in range(5)]
                       + [Dense(1, "sigmoid")], seed=0, dtype="float32")
    out = {}
    for resolution, reps in ((100, 50 if quick else 300), (200, 20 if quick else 100)):
        grid = NeuronGrid([(-6, 6), (-6, 6)], resolution, dtype="float32")
        for threads, suffix in ((None, ""), (1, " 1t")):
            with CONTROLLER.limit(limits=threads, user_api="blas"):
                out[f"{resolution}x{resolution}{suffix}"] = _median_time(lambda g=grid: g.evaluate(model), reps) * 1e3
    out["maps"] = [m.shape for m in NeuronGrid([(-6, 6), (-6, 6)], 100).evaluate(model)]
    return out
