"""One epoch of S networks stacked (engine/stacked.py) against S separate ``Sequential`` epochs, on one core.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python bench/stacked_step.py [--repeats 7] [--no-profile]

The networks are TensorFlow Playground's spiral 6x8 (2 inputs, 6 hidden layers of 8 tanh, 1 sigmoid output,
binary cross-entropy, SGD 0.03, batch 10) on 250 training points each (each network its own spiral, seed and
weights) and, as a session has, 250 test points evaluated after every epoch; float32, one BLAS thread.
For S in 1, 10, 30, 60, 100: the wall time of one epoch of all S networks, stacked (``train_epochs(1)``) and
separately (``fit(epochs=1)`` on each model in turn), interleaved, the median of --repeats. An epoch includes
what ``fit``'s does: 25 steps, the training loss and accuracy, the test loss and accuracy, the divergence check.
Then where the time of stacked epochs at S=60 goes: a cProfile (by function) and, when ``perf`` is installed, the
CPU time of separate and of stacked epochs by what runs: arithmetic (NumPy's inner loops, OpenBLAS, libm, copies)
against overhead (the Python interpreter, NumPy's dispatch, malloc, the OS kernel).
"""

import os

os.environ["OPENBLAS_NUM_THREADS"] = "1"  # before NumPy loads OpenBLAS (threadpoolctl is not installed here)

import argparse  # noqa: E402
import cProfile  # noqa: E402
import pstats  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from engine import Dense, Sequential, datasets  # noqa: E402
from engine.stacked import StackedTrainer  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import perf_split as perf_split_tool  # noqa: E402

SIZES = (1, 10, 30, 60, 100)
BATCH, N_POINTS = 10, 500


def session(seed: int) -> tuple[Sequential, tuple, tuple]:
    """A spiral 6x8 network and its own 250 training and 250 test points, as a session of the host has them."""
    model = Sequential([Dense(8, "tanh", input_dim=2)] + [Dense(8, "tanh") for _ in range(5)] + [Dense(1, "sigmoid")],
                       seed=seed)
    model.compile(loss="binary_cross_entropy", optimizer="sgd", learning_rate=0.03)
    train, test = datasets.train_test_split(datasets.generate("spiral", N_POINTS, 0.0, seed=seed), 0.5, seed)
    return model, (train.X, train.y), (test.X, test.y)


def make_class(size: int, validation: bool) -> tuple[StackedTrainer, list, list]:
    """The stacked trainer of ``size`` sessions, and the same sessions again (twins) to train separately."""
    sessions = [session(seed) for seed in range(size)]
    trainer = StackedTrainer.from_models([m for m, _, _ in sessions], [d for _, d, _ in sessions], BATCH,
                                         validation=[t for _, _, t in sessions] if validation else None)
    return trainer, sessions, [session(seed) for seed in range(size)]


def stacked_epoch(trainer) -> float:
    start = time.perf_counter()
    trainer.train_epochs(1)
    return time.perf_counter() - start


def separate_epochs(twins, validation: bool) -> float:
    start = time.perf_counter()
    for model, (X, y), test in twins:
        model.fit(X, y, epochs=1, batch_size=BATCH, validation_data=test if validation else None)
    return time.perf_counter() - start


def measure(size: int, repeats: int, validation: bool) -> dict:
    trainer, sessions, twins = make_class(size, validation)
    stacked_epoch(trainer), separate_epochs(twins, validation)  # warm-up
    stacked, separate = [], []
    for _ in range(repeats):  # interleaved, so that both share the machine's noise
        stacked.append(stacked_epoch(trainer))
        separate.append(separate_epochs(twins, validation))
    t_stacked, t_separate = statistics.median(stacked), statistics.median(separate)
    trainer.write_back()  # both trained 1 + repeats epochs: the same weights, bit for bit
    same = all(np.array_equal(model.theta, twin.theta)
               for (model, _, _), (twin, _, _) in zip(sessions, twins, strict=True))
    return {"S": size, "same": same, "stacked_ms": 1e3 * t_stacked, "separate_ms": 1e3 * t_separate,
            "stacked_per_net": 1 / t_stacked, "separate_per_net": 1 / t_separate,
            "ratio": t_separate / t_stacked}


def profile(size: int, epochs: int, validation: bool) -> None:
    """cProfile of ``epochs`` stacked epochs: the functions where the time goes.

    cProfile sees Python functions and C *functions* (``np.add.reduce``, ``Generator.permutation``), but not NumPy's
    operators and ufunc calls (``a @ b``, ``a += b``, ``np.tanh(a)``): their time counts in the Python function
    that calls them. So the split between NumPy's kernels and the interpreter comes from ``perf`` (below).
    """
    trainer, _, _ = make_class(size, validation)
    trainer.train_epochs(1)
    profiler = cProfile.Profile()
    profiler.enable()
    trainer.train_epochs(epochs)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    rows = [(tottime, ncalls, name if filename == "~" else f"{Path(filename).name}:{name}")
            for (filename, _, name), (_, ncalls, tottime, _, _) in stats.stats.items()]
    print(f"\ncProfile of {epochs} stacked epochs at S={size} ({1e3 * total / epochs:.2f} ms per epoch under the "
          "profiler); own time of the top functions (NumPy operators count in their caller):")
    for tottime, ncalls, name in sorted(rows, reverse=True)[:10]:
        print(f"  {100 * tottime / total:5.1f} %  {ncalls:7d} calls  {name}")


def perf_split(size: int, seconds: float, validation: bool, stacked: bool) -> None:
    """Where the CPU time of stacked (or separate) epochs of ``size`` networks goes, sampled by ``perf record``
    attached to this process for the training alone (bench/perf_split.py)."""
    if not perf_split_tool.available():
        print("\n(perf is not installed: no split by shared object)")
        return
    trainer, _, twins = make_class(size, validation)

    def epoch() -> None:
        if stacked:
            trainer.train_epochs(1)
        else:
            separate_epochs(twins, validation)

    epoch()
    epochs = 0
    with perf_split_tool.recording([os.getpid()]) as result:
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            epoch()
            epochs += 1
    perf_split_tool.print_split(f"perf, {epochs} {'stacked' if stacked else 'separate'} epochs of all {size} "
                                "networks: CPU time by what runs", result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--no-validation", action="store_true", help="no test set evaluated after each epoch")
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    validation = not args.no_validation
    print(f"spiral 6x8, SGD 0.03, batch {BATCH}, {N_POINTS // 2} training points"
          f"{' and 250 test points' if validation else ''}, float32, one BLAS thread, NumPy {np.__version__}; "
          f"median of {args.repeats}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'S':>4} | {'stacked ms/epoch':>16} | {'separate ms':>11} | {'epochs/s per net stacked':>24} | "
          f"{'separate':>8} | {'all nets stacked':>16} | {'ratio':>5} | same weights")
    for size in SIZES:
        r = measure(size, args.repeats, validation)
        print(f"{r['S']:>4} | {r['stacked_ms']:>16.2f} | {r['separate_ms']:>11.2f} | {r['stacked_per_net']:>24.1f} | "
              f"{r['separate_per_net']:>8.1f} | {size * r['stacked_per_net']:>16.0f} | {r['ratio']:>5.1f} | "
              f"{'yes' if r['same'] else 'NO'}")
    if not args.no_profile:
        profile(60, 20, validation)
        perf_split(60, 3.0, validation, stacked=False)
        perf_split(60, 3.0, validation, stacked=True)


if __name__ == "__main__":
    main()
