"""Training speed of the engine against PyTorch CPU, scikit-learn and a minimal hand-written NumPy loop.

Run from the repository root, with the OpenBLAS tuning variables this machine may set removed for
this one command (they select a slower kernel for a current NumPy)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/bench_training.py           # ~3-6 minutes
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/bench_training.py --quick   # smoke run, < 1 minute

Options: ``--quick`` (few epochs, one or three repeats, a 10,240-point version of the 512-wide set),
``--only NAME`` (run the configurations whose name contains NAME; repeatable), ``--no-profile``,
``--out PATH`` (raw results JSON; default bench/results/bench_training[-quick].json).

What is measured, for every configuration (architecture, data, batch size, epochs), with float32
everywhere (scikit-learn is fed float32 too and the dtype it trained in is recorded):

- engine            ``Sequential.fit`` (includes its per-epoch training loss, accuracy and divergence check)
- engine 1t         the same with NumPy's BLAS pinned to one thread (threadpoolctl)
- engine steps      ``Sequential.train_on_batch`` per step after a per-epoch shuffle: the engine without
                    fit's per-epoch evaluation (but with train_on_batch's input checks and target encoding)
- numpy+loss        the floor: a hand-written loop, same maths, plus the training loss over the whole
                    set once per epoch (with mini-batches in 4096-row chunks, output layer only, like fit)
- numpy             the same loop without the per-epoch loss
- numpy+loss 1t     the floor with BLAS pinned to one thread
- torch 1t / torch  torch.nn.Sequential + torch.optim.SGD, randperm + slicing, 1 thread / default threads
- sklearn fit       ``MLPClassifier(solver="sgd", momentum=0, alpha=0, ...).fit`` running the same epochs
- sklearn partial   ``MLPClassifier.partial_fit`` called once per optimizer step

Per-step time = wall time of whole epochs / optimizer steps (per-epoch costs are included). Each
contender is warmed up once, then run ``repeats`` times, interleaved (the order rotates every
repeat so that all contenders share the machine's noise); the median is reported. A run during
which other processes kept the CPUs busy is retaken, up to 3 times (the machine is shared; the
time spent waiting for it to calm down is capped at 150 s per invocation). The script also
measures NumPy's peak square-GEMM rate, ``NeuronGrid.evaluate`` on the 6x8 network, and breaks the
engine's time down by phase (a timed copy of ``engine.training.fit``'s loop) and by function (cProfile).
The pieces live in bench/training/ (contenders, measure, profile).
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import sklearn
import threadpoolctl
import torch
from training import ROOT
from training.common import TORCH_DEFAULT_THREADS, Config, make_data
from training.measure import RETRY, bench_config, measure_gemm, measure_grid, measure_tanh, quiet_call, wait_for_quiet
from training.profile import (
    profile_engine_functions,
    profile_engine_phases,
    profile_epoch_loss_options,
    profile_full_forward,
)


def make_configs(quick: bool) -> list[Config]:
    def q(full: int, short: int) -> int:
        return short if quick else full

    return [
        Config("2-4-2-1 b10", (4, 2), 1, "spiral500", 10, 0.03, q(20, 4), q(7, 3), batch10=True),
        Config("2-8x6-1 b10", (8,) * 6, 1, "spiral500", 10, 0.03, q(20, 4), q(7, 3), batch10=True),
        Config("2-8x6-1 full", (8,) * 6, 1, "spiral500", None, 0.03, q(400, 60), q(7, 3)),
        Config("2-64-64-3 b256", (64, 64), 3, "arms10k", 256, 0.1, q(6, 1), q(7, 3)),
        Config("2-64-64-3 full", (64, 64), 3, "arms10k", None, 0.1, q(40, 6), q(7, 3)),
        Config("2-512-512-10 b1024", (512, 512), 10, "blobs10k" if quick else "blobs50k", 1024, 0.05,
               q(1, 1), q(9, 1), wide=True),
    ]


def evaluate_targets(cfg: Config, result: dict, peak: dict) -> list[dict]:
    """The issue's targets for this configuration; also fills in GFLOP/s and the fraction of GEMM peak."""
    m = result["us_per_step"]
    eng = m["engine"]
    out = []

    def target(label: str, value: float, limit: float, higher_is_better: bool) -> None:
        ok = value >= limit if higher_is_better else value <= limit
        out.append({"target": label, "value": value, "limit": limit, "pass": ok})

    if cfg.batch10:
        torch_best = min(m["torch 1t"], m["torch"])
        target("torch (faster of 1t/default) / engine >= 5", torch_best / eng, 5.0, True)
        target("sklearn fit / engine >= 3", m["sklearn fit"] / eng, 3.0, True)
    target("engine / numpy+loss <= 1.3", eng / m["numpy+loss"], 1.3, False)
    if cfg.wide:
        target("engine / torch (default threads) <= 1.3", eng / m["torch"], 1.3, False)
    flop_per_step = 6 * cfg.n_weights * (cfg.n_points / cfg.steps_per_epoch())
    result["gflops"] = {name: flop_per_step / (us * 1e3) for name, us in m.items()}
    result["peak_fraction"] = {
        name: result["gflops"][name] / (peak["float32_1t"] if name.endswith("1t") else peak["float32"])
        for name in m
    }
    return out


def _git(*args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip() if done.returncode == 0 else "unknown"


def machine_info() -> dict:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "sklearn": sklearn.__version__,
        "threadpoolctl": threadpoolctl.__version__,
        "git_commit": _git("rev-parse", "HEAD"),
        "engine_uncommitted_changes": _git("status", "--porcelain", "engine") not in ("", "unknown"),
        "torch_default_threads": TORCH_DEFAULT_THREADS,
        "torch_blas": "MKL" if torch.backends.mkl.is_available() else "other",
        "threadpool_info": threadpoolctl.threadpool_info(),
        "env": {k: os.environ[k] for k in sorted(os.environ)
                if k.startswith(("OPENBLAS", "OMP_", "MKL_", "GOTO", "NVPL", "MALLOC_", "GLIBC_TUNABLES"))},
    }


def run_config(cfg: Config, peak: dict, profile: bool, quick: bool) -> dict:
    """Time every contender on one configuration, check its targets, and profile the engine on it."""
    X, y, source = make_data(cfg.data)
    cfg.n_points = len(X)
    result = bench_config(cfg, X, y)
    result["targets"] = evaluate_targets(cfg, result, peak)
    result["data"] = source
    result["config"] = {"sizes": cfg.sizes, "n_weights": cfg.n_weights, "batch": cfg.batch, "lr": cfg.lr,
                        "epochs": cfg.epochs, "repeats": cfg.repeats, "n_points": cfg.n_points}
    if profile:  # retaken like the timed runs if the machine was busy; phases: median of 3
        prof_epochs = max(1, cfg.epochs // 2)
        runs = [quiet_call(profile_engine_phases, cfg, X, y, prof_epochs) for _ in range(1 if quick else 3)]
        result["engine_phases_us_per_step"] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        result["engine_cprofile_top"] = quiet_call(profile_engine_functions, cfg, X, y, prof_epochs)
        if cfg.n_points >= 10_000:
            result["full_forward_ms"] = quiet_call(profile_full_forward, cfg, X, y, 3 if quick else 7)
            if cfg.batch is not None:
                result["epoch_loss_options_us_per_step"] = quiet_call(
                    profile_epoch_loss_options, cfg, X, y, 2 if quick else 5)
    return result


def print_config(cfg: Config, result: dict) -> None:
    m = result["us_per_step"]
    eng = m["engine"]
    print(f"\n### {cfg.name}: {cfg.n_points:,} points, batch {cfg.batch or 'full'}, "
          f"{cfg.epochs} epochs = {result['steps']} steps, {cfg.repeats} repeats\n")
    print("| contender | median us/step | min-max us/step | x engine | GFLOP/s | % of peak |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, us in m.items():
        raw = result["raw_us_per_step"][name]
        print(f"| {name} | {us:,.1f} | {min(raw):,.1f}-{max(raw):,.1f} | {us / eng:.2f} | "
              f"{result['gflops'][name]:.2f} | {100 * result['peak_fraction'][name]:.1f} |")
    print(f"\nRuns retaken because other processes were busy: {result['runs_retaken_for_foreign_load']}; "
          f"kept although still busy: {result['runs_kept_under_foreign_load']}")
    for t in result["targets"]:
        print(f"- {t['target']}: {t['value']:.2f} -> {'PASS' if t['pass'] else 'MISS'}")
    print(f"- sklearn: {result['notes']['sklearn fit']}")
    if "engine_phases_us_per_step" in result:
        phases = result["engine_phases_us_per_step"]
        total = sum(phases.values())
        print("- engine phases (us/step): " + ", ".join(f"{k} {v:.1f} ({100 * v / total:.0f}%)"
                                                     for k, v in phases.items() if v))
    if "epoch_loss_options_us_per_step" in result:
        print("- fit's per-epoch loss, one epoch (us/step): " + ", ".join(
            f"{k} {v:,.1f}" for k, v in result["epoch_loss_options_us_per_step"].items()))
    if "full_forward_ms" in result:
        print("- one forward pass over the whole training set (ms): "
              + ", ".join(f"{k} {v:.1f}" for k, v in result["full_forward_ms"].items()))


def print_summary(results: dict, misses: list) -> None:
    print("\n## Summary\n")
    print("| config | engine us/step | torch 1t / engine | torch / engine | sklearn fit / engine | "
          "sklearn partial / engine | engine / numpy+loss | engine / numpy | engine steps / numpy |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        m = r["us_per_step"]
        e = m["engine"]
        print(f"| {name} | {e:,.1f} | {m['torch 1t'] / e:.2f} | {m['torch'] / e:.2f} | {m['sklearn fit'] / e:.2f} | "
              f"{m['sklearn partial'] / e:.2f} | {e / m['numpy+loss']:.2f} | {e / m['numpy']:.2f} | "
              f"{m['engine steps'] / m['numpy']:.2f} |")
    print("\nMissed targets: " + ("none" if not misses else "; ".join(f"{n}: {t}" for n, t in misses)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short smoke run (well under a minute)")
    parser.add_argument("--only", action="append", default=[], help="run configurations whose name contains this")
    parser.add_argument("--no-profile", action="store_true", help="skip the engine profile")
    parser.add_argument("--out", type=Path, default=None, help="raw results JSON")
    args = parser.parse_args()
    out_path = args.out or ROOT / "bench" / "results" / f"bench_training{'-quick' if args.quick else ''}.json"

    started = time.perf_counter()
    if args.quick:
        RETRY.update(retries=1, wait=2.0, budget=10.0)
    info = machine_info()
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if var in os.environ:
            print(f"WARNING: {var}={os.environ[var]} is set; run with `env -u {var}` (see the docstring)")
    blas = [f"{i['internal_api']} {i.get('version')} ({i.get('architecture', '-')}, {i['num_threads']} threads)"
            for i in info["threadpool_info"] if i["user_api"] == "blas"]
    print(f"# bench_training{' --quick' if args.quick else ''}\n\nCPU: {info['cpu']} x {info['cores']}; "
          f"numpy {info['numpy']}, torch {info['torch']} ({info['torch_blas']}, {TORCH_DEFAULT_THREADS} threads), "
          f"sklearn {info['sklearn']}; BLAS: {'; '.join(blas)}")

    wait_for_quiet(RETRY["wait"])
    peak = measure_gemm(args.quick)
    print("\nGEMM GFLOP/s (median): " + ", ".join(f"{k} {v:.0f}" for k, v in peak["rates_gflops"].items()))
    print(f"Peaks used: float32 {peak['float32']:.0f} (default threads), {peak['float32_1t']:.0f} (1 thread); "
          f"float64 {peak['float64']:.0f}, {peak['float64_1t']:.0f}")
    tanh = measure_tanh()
    print(f"tanh ns/element: float32 {tanh['ns_per_element_float32']:.2f}, "
          f"float64 {tanh['ns_per_element_float64']:.2f} ({tanh['float64/float32']:.1f}x)")
    grid = measure_grid(args.quick)
    print("NeuronGrid.evaluate (2-8x6-1, float32), median ms: "
          + ", ".join(f"{k} {v:.3f}" for k, v in grid.items() if k != "maps")
          + f" -> 100x100 < 3 ms: {'PASS' if grid['100x100'] < 3 else 'MISS'}")

    results = {}
    for cfg in make_configs(args.quick):
        if args.only and not any(s in cfg.name for s in args.only):
            continue
        results[cfg.name] = run_config(cfg, peak, not args.no_profile, args.quick)
        print_config(cfg, results[cfg.name])

    misses = [(name, t["target"]) for name, r in results.items() for t in r["targets"] if not t["pass"]]
    if grid["100x100"] >= 3:
        misses.append(("grid", "100x100 < 3 ms"))
    print_summary(results, misses)
    elapsed = time.perf_counter() - started
    print(f"Total time {elapsed:.0f} s")

    out_path.parent.mkdir(parents=True, exist_ok=True)
    document = {"quick": args.quick, "machine": info, "gemm": peak, "tanh": tanh, "grid_ms": grid,
                "configs": results, "misses": misses, "seconds": elapsed,
                "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    out_path.write_text(json.dumps(document, indent=1, default=str))
    print(f"Raw results: {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
