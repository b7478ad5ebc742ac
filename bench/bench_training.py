"""Training speed of the engine against PyTorch CPU, scikit-learn and a minimal hand-written NumPy loop.

Run from the repository root, with the OpenBLAS tuning variables this machine may set removed for
this one command (they select a slower kernel for a current NumPy)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/bench_training.py           # ~4-7 minutes
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/bench_training.py --quick   # smoke run, < 1 minute

The glibc-malloc experiment of docs/performance.md (the 512-wide case with freed memory kept by
the allocator instead of being returned to the kernel and faulted in again)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE MALLOC_MMAP_THRESHOLD_=4000000000 \
        MALLOC_TRIM_THRESHOLD_=4000000000 python3 bench/bench_training.py --only 512 --no-profile \
        --out bench/results/bench_training-malloc.json

Options: ``--quick`` (few epochs, one or three repeats, a 10,240-point version of the 512-wide set),
``--only NAME`` (run the configurations whose name contains NAME; repeatable), ``--no-profile``,
``--out PATH`` (raw results JSON; default bench/results/bench_training[-quick].json).

What is measured, for every configuration (architecture, data, batch size, epochs), with float32
everywhere (scikit-learn is fed float32 too and the dtype it trained in is recorded):

- engine            ``Sequential.fit`` (includes its per-epoch full-set loss, accuracy and divergence check)
- engine 1t         the same with NumPy's BLAS pinned to one thread (threadpoolctl)
- engine steps      ``Sequential.train_on_batch`` per step after a per-epoch shuffle: the engine without
                    fit's per-epoch evaluation (but with train_on_batch's input checks and target encoding)
- numpy+loss        the floor: a hand-written loop, same maths, plus the full training loss once per epoch
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
"""

import argparse
import cProfile
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sklearn
import threadpoolctl
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine import Dense, Sequential, targets  # noqa: E402
from engine.grid import NeuronGrid  # noqa: E402

try:  # written concurrently with this benchmark; fall back to NumPy-made data without it
    from engine import datasets  # noqa: E402
except ImportError:  # pragma: no cover
    datasets = None

DTYPE = np.float32
TORCH_DEFAULT_THREADS = torch.get_num_threads()
CONTROLLER = threadpoolctl.ThreadpoolController()
warnings.simplefilter("ignore", ConvergenceWarning)
# partial_fit on an epoch's last, shorter batch: "Got `batch_size` ... larger than sample size"
warnings.filterwarnings("ignore", message="Got `batch_size`", category=UserWarning)


# ----------------------------------------------------------------------------- configurations
@dataclass
class Config:
    """One benchmark case: architecture 2-hidden...-outputs, data set, batch size, work per run."""

    name: str
    hidden: tuple[int, ...]
    outputs: int
    data: str
    batch: int | None  # None: full batch
    lr: float
    epochs: int
    repeats: int
    batch10: bool = False  # the configurations with the 5x-torch and 3x-sklearn targets
    wide: bool = False  # the 512-wide configuration (torch within 1.3x, GEMM peak fraction)
    n_points: int = 0  # filled in from the data
    extra: dict = field(default_factory=dict)

    @property
    def sizes(self) -> list[int]:
        return [2, *self.hidden, self.outputs]

    @property
    def n_weights(self) -> int:
        return sum(a * b for a, b in zip(self.sizes[:-1], self.sizes[1:], strict=True))

    def steps_per_epoch(self) -> int:
        return 1 if self.batch is None else -(-self.n_points // self.batch)


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


# ----------------------------------------------------------------------------- data
def _numpy_spiral(n: int, arms: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    counts = [n // arms + (1 if j < n % arms else 0) for j in range(arms)]
    X, y = [], []
    for j, count in enumerate(counts):
        fraction = np.arange(count) / count
        t = 1.75 * fraction * 2 * np.pi + 2 * np.pi * j / arms
        arm = 5 * fraction[:, None] * np.column_stack([np.sin(t), np.cos(t)])
        X.append(arm + rng.uniform(-1, 1, (count, 2)) * noise)
        y.append(np.full(count, j))
    return np.concatenate(X), np.concatenate(y)


def _blobs(n: int, classes: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    angles = 2 * np.pi * np.arange(classes) / classes
    centres = 5.0 * np.column_stack([np.cos(angles), np.sin(angles)])
    y = rng.integers(0, classes, n)
    return centres[y] + rng.normal(0, 0.8, (n, 2)), y


def make_data(name: str) -> tuple[np.ndarray, np.ndarray, str]:
    """(X float32 (n, 2), y int64 labels, where the data came from)."""
    if name == "spiral500":
        if datasets is not None:
            d = datasets.generate("spiral", n_points=500, noise=0.1, seed=0)
            X, y, source = d.X, d.y, 'engine.datasets.generate("spiral", n_points=500, noise=0.1, seed=0)'
        else:
            X, y = _numpy_spiral(500, 2, 0.1, 0)
            source = "NumPy two spirals, 500 points"
    elif name == "arms10k":
        if datasets is not None:
            d = datasets.generate("spiral_arms", n_points=10_000, noise=0.1, seed=0, n_classes=3)
            X, y = d.X, d.y
            source = 'engine.datasets.generate("spiral_arms", n_points=10000, noise=0.1, seed=0, n_classes=3)'
        else:
            X, y = _numpy_spiral(10_000, 3, 0.1, 0)
            source = "NumPy three-arm spiral, 10,000 points"
    elif name in ("blobs50k", "blobs10k"):
        n = 50_000 if name == "blobs50k" else 10_240
        X, y = _blobs(n, 10, 0)
        source = f"NumPy: 10 gaussian blobs (std 0.8) on a circle of radius 5, {n:,} points"
    else:
        raise ValueError(name)
    return np.ascontiguousarray(X, dtype=DTYPE), np.asarray(y, dtype=np.int64), source


# ----------------------------------------------------------------------------- contenders
# Each ``prepare_*(cfg, X, y, epochs)`` does its set-up outside the timer and returns ``run``;
# ``run()`` trains for ``epochs`` whole epochs and returns a short string describing what it did
# (checked afterwards, outside the timer, so that a contender that silently did less work fails).


def prepare_engine(cfg: Config, X, y, epochs):
    layers = [Dense(cfg.hidden[0], "tanh", input_dim=2)] + [Dense(u, "tanh") for u in cfg.hidden[1:]]
    if cfg.outputs == 1:
        layers.append(Dense(1, "sigmoid"))
        loss = "binary_cross_entropy"
    else:
        layers.append(Dense(cfg.outputs, "softmax"))
        loss = "cross_entropy"
    model = Sequential(layers, seed=0, dtype="float32")
    model.compile(loss=loss, optimizer="sgd", learning_rate=cfg.lr)

    def run():
        history = model.fit(X, y, epochs=epochs, batch_size=cfg.batch)
        if history.status != "completed" or len(history.epochs) != epochs:
            raise RuntimeError(f"engine fit did not run {epochs} epochs: {history.message}")
        return f"loss {history.loss[-1]:.4f}"

    run.model = model
    return run


def prepare_engine_steps(cfg: Config, X, y, epochs):
    """The engine without fit's per-epoch evaluation: shuffle, then ``train_on_batch`` once per step."""
    model = prepare_engine(cfg, X, y, epochs).model
    rng = np.random.default_rng(0)
    n = len(X)

    def run():
        for _ in range(epochs):
            if cfg.batch is None or cfg.batch >= n:
                model.train_on_batch(X, y)
            else:
                order = rng.permutation(n)
                for start in range(0, n, cfg.batch):
                    rows = order[start:start + cfg.batch]
                    model.train_on_batch(X[rows], y[rows])
        if not np.isfinite(model.theta).all():
            raise RuntimeError("train_on_batch diverged")
        return "ok"

    return run


def _floor_loss(a_out: np.ndarray, T: np.ndarray, y: np.ndarray) -> float:
    """Mean training loss from the output layer's linear input (stable, like the engine's)."""
    if a_out.shape[1] == 1:  # binary cross-entropy on a sigmoid output
        return float(np.mean(np.logaddexp(0, -a_out) * T + np.logaddexp(0, a_out) * (1 - T)))
    shifted = a_out - a_out.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.mean(log_p[np.arange(len(y)), y]))


def prepare_numpy(cfg: Config, X, y, epochs, with_loss: bool = True):
    """The floor: the same network and maths as plain NumPy statements, no classes, no checks."""
    rng = np.random.default_rng(0)
    sizes = cfg.sizes
    Ws, bs = [], []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        Ws.append(rng.uniform(-limit, limit, (fan_out, fan_in)).astype(DTYPE))
        bs.append(np.zeros(fan_out, DTYPE))
    if cfg.outputs == 1:
        T = y.reshape(-1, 1).astype(DTYPE)
    else:
        T = np.zeros((len(y), cfg.outputs), DTYPE)
        T[np.arange(len(y)), y] = 1
    n, L, lr = len(X), len(Ws), DTYPE(cfg.lr)
    softmax_out = cfg.outputs > 1

    def forward(Xb):
        hs = [Xb]
        h = Xb
        for k in range(L):
            a = h @ Ws[k].T
            a += bs[k]
            if k < L - 1:
                h = np.tanh(a, out=a)
            else:
                a_out = a.copy()
                if softmax_out:
                    a -= a.max(axis=1, keepdims=True)
                    np.exp(a, out=a)
                    a /= a.sum(axis=1, keepdims=True)
                else:
                    np.negative(a, out=a)
                    np.exp(a, out=a)
                    a += 1
                    np.reciprocal(a, out=a)
                h = a
            hs.append(h)
        return hs, a_out

    def backward_and_update(hs, Tb):
        d = hs[-1] - Tb  # output delta y - t (sigmoid + BCE, softmax + CE)
        d *= DTYPE(1.0 / len(Tb))
        for k in range(L - 1, -1, -1):
            gW = d.T @ hs[k]
            gb = d.sum(axis=0)
            if k:
                d = d @ Ws[k]
                d *= 1 - hs[k] * hs[k]  # tanh' from the layer's output
            Ws[k] -= lr * gW
            bs[k] -= lr * gb

    def run():
        loss = float("nan")
        for _ in range(epochs):
            if cfg.batch is None or cfg.batch >= n:
                hs, a_out = forward(X)
                if with_loss:  # the loss of the current weights, from the forward pass the step needs
                    loss = _floor_loss(a_out, T, y)
                backward_and_update(hs, T)
            else:
                order = rng.permutation(n)
                for start in range(0, n, cfg.batch):
                    rows = order[start:start + cfg.batch]
                    hs, _ = forward(X[rows])
                    backward_and_update(hs, T[rows])
                if with_loss:
                    loss = _floor_loss(forward(X)[1], T, y)
        if not all(np.isfinite(W).all() for W in Ws):
            raise RuntimeError("the NumPy loop diverged")
        return f"loss {loss:.4f}"

    return run


def prepare_torch(cfg: Config, X, y, epochs):
    torch.manual_seed(0)
    modules: list[nn.Module] = []
    for fan_in, fan_out in zip(cfg.sizes[:-2], cfg.sizes[1:-1], strict=True):
        modules += [nn.Linear(fan_in, fan_out), nn.Tanh()]
    modules.append(nn.Linear(cfg.sizes[-2], cfg.outputs))
    model = nn.Sequential(*modules)
    Xt = torch.from_numpy(X)
    if cfg.outputs == 1:
        criterion: nn.Module = nn.BCEWithLogitsLoss()
        Yt = torch.from_numpy(y.astype(DTYPE).reshape(-1, 1))
    else:
        criterion = nn.CrossEntropyLoss()
        Yt = torch.from_numpy(y)
    optimizer = torch.optim.SGD(model.parameters(), lr=cfg.lr)
    n = len(X)

    def step(xb, yb):
        optimizer.zero_grad(set_to_none=True)
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        return loss

    def run():
        for _ in range(epochs):
            if cfg.batch is None or cfg.batch >= n:
                loss = step(Xt, Yt)
            else:
                order = torch.randperm(n)
                for start in range(0, n, cfg.batch):
                    rows = order[start:start + cfg.batch]
                    loss = step(Xt[rows], Yt[rows])
        return f"last batch loss {loss.item():.4f}"

    return run


def _sklearn_model(cfg: Config, n: int, epochs: int) -> MLPClassifier:
    return MLPClassifier(
        hidden_layer_sizes=cfg.hidden, activation="tanh", solver="sgd", alpha=0.0,
        batch_size=n if cfg.batch is None else min(cfg.batch, n), learning_rate="constant",
        learning_rate_init=cfg.lr, momentum=0.0, nesterovs_momentum=False, shuffle=True,
        max_iter=epochs, tol=0.0, n_iter_no_change=10**9, early_stopping=False, random_state=0,
    )


def prepare_sklearn_fit(cfg: Config, X, y, epochs):
    clf = _sklearn_model(cfg, len(X), epochs)

    def run():
        clf.fit(X, y)
        if clf.n_iter_ != epochs or clf.t_ != epochs * len(X):
            raise RuntimeError(f"sklearn fit ran {clf.n_iter_} epochs, {clf.t_} samples")
        return f"loss {clf.loss_:.4f}, trained in {clf.coefs_[0].dtype}"

    run.model = clf
    return run


def prepare_sklearn_partial(cfg: Config, X, y, epochs):
    clf = _sklearn_model(cfg, len(X), epochs)
    classes = np.unique(y)
    rng = np.random.default_rng(0)
    n = len(X)

    def run():
        for _ in range(epochs):
            if cfg.batch is None or cfg.batch >= n:
                clf.partial_fit(X, y, classes=classes)
            else:
                order = rng.permutation(n)
                for start in range(0, n, cfg.batch):
                    rows = order[start:start + cfg.batch]
                    clf.partial_fit(X[rows], y[rows], classes=classes)
        if clf.t_ != epochs * n:
            raise RuntimeError(f"sklearn partial_fit saw {clf.t_} samples, expected {epochs * n}")
        return f"loss {clf.loss_:.4f}, trained in {clf.coefs_[0].dtype}"

    run.model = clf
    return run


@dataclass(frozen=True)
class Contender:
    name: str
    prepare: Callable
    blas_threads: int | None  # None: NumPy's BLAS default
    torch_threads: int | None = None  # None: torch's default
    kwargs: dict = field(default_factory=dict)


CONTENDERS = [
    Contender("engine", prepare_engine, None),
    Contender("engine 1t", prepare_engine, 1),
    Contender("engine steps", prepare_engine_steps, None),
    Contender("numpy+loss", prepare_numpy, None, kwargs={"with_loss": True}),
    Contender("numpy", prepare_numpy, None, kwargs={"with_loss": False}),
    Contender("numpy+loss 1t", prepare_numpy, 1, kwargs={"with_loss": True}),
    Contender("torch 1t", prepare_torch, None, torch_threads=1),
    Contender("torch", prepare_torch, None),
    Contender("sklearn fit", prepare_sklearn_fit, None),
    Contender("sklearn partial", prepare_sklearn_partial, None),
]


# The machine is shared: other processes (test suites, load tests) may take the CPUs in bursts. Each
# timed run measures how much CPU *other* processes used meanwhile (machine-wide busy time from
# /proc/stat minus this process's own CPU time); a run during which they took more than
# FOREIGN_LIMIT cores on average (beyond a small allowance for the 10 ms tick) is retaken, after
# waiting for the machine to calm down, up to RETRY["retries"] times, and counted in the results.
FOREIGN_LIMIT = 0.15
RETRY = {"retries": 3, "wait": 10.0, "budget": 150.0}  # --quick: 1 retry, 2 s waits, 10 s in all
CLOCK_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


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


# ----------------------------------------------------------------------------- targets
def evaluate_targets(cfg: Config, result: dict, peak: dict) -> list[dict]:
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


# ----------------------------------------------------------------------------- engine profile
def profile_engine_phases(cfg: Config, X, y, epochs: int) -> dict:
    """A timed copy of the epoch loop of engine.training.fit: microseconds per step in each phase."""
    run = prepare_engine(cfg, X, y, 1)
    model = run.model
    forward, backward, step = model._forward, model._backward, model.optimizer.step
    theta, grad = model.theta, model.grad
    last_good = theta.copy()
    Xc = model._as_input(X)
    T, labels = model.encode_targets(y)
    n = len(Xc)
    full = cfg.batch is None or cfg.batch >= n
    phases = dict.fromkeys(("shuffle+index", "forward", "backward", "optimizer step", "epoch: full forward",
                            "epoch: loss", "epoch: accuracy+checks"), 0.0)
    clock = time.perf_counter
    linear, outputs = forward(Xc) if full else (None, None)
    for _ in range(epochs):
        if full:
            t0 = clock()
            backward(linear, outputs, T)
            t1 = clock()
            step(theta, grad)
            phases["backward"] += t1 - t0
            phases["optimizer step"] += clock() - t1
        else:
            t0 = clock()
            order = model.shuffle_rng.permutation(n)
            phases["shuffle+index"] += clock() - t0
            for start in range(0, n, cfg.batch):
                t0 = clock()
                rows = order[start:start + cfg.batch]
                Xb, Tb = Xc[rows], T[rows]
                t1 = clock()
                bl, bo = forward(Xb)
                t2 = clock()
                backward(bl, bo, Tb)
                t3 = clock()
                step(theta, grad)
                t4 = clock()
                phases["shuffle+index"] += t1 - t0
                phases["forward"] += t2 - t1
                phases["backward"] += t3 - t2
                phases["optimizer step"] += t4 - t3
        t0 = clock()
        linear, outputs = forward(Xc)
        t1 = clock()
        with np.errstate(all="ignore"):
            model._mean_loss(linear[-1], outputs[-1], T)
        t2 = clock()
        if np.isfinite(theta).all():
            np.copyto(last_good, theta)
        float(np.mean(targets.predicted_labels(outputs[-1], model.output_activation) == labels))
        phases["epoch: full forward"] += t1 - t0
        phases["epoch: loss"] += t2 - t1
        phases["epoch: accuracy+checks"] += clock() - t2
    steps = epochs * cfg.steps_per_epoch()
    return {name: seconds / steps * 1e6 for name, seconds in phases.items()}


def profile_full_forward(cfg: Config, X, y, repeats: int) -> dict:
    """Milliseconds for one forward pass over the whole training set, three ways.

    ``fit's _forward``: what fit runs once per epoch for the loss (keeps a and h of every layer);
    ``predict``: the engine's inference path (drops each layer's arrays as it goes);
    ``in-place NumPy``: h @ W.T, += b, tanh in place (one array per layer, like the floor).
    """
    model = prepare_engine(cfg, X, y, 1).model
    Xc = model._as_input(X)

    def in_place():
        h = Xc
        for layer in model.layers[:-1]:
            a = h @ layer.W.T
            a += layer.b
            h = np.tanh(a, out=a)
        return h @ model.layers[-1].W.T

    variants = {"fit's _forward": lambda: model._forward(Xc), "predict": lambda: model.predict(Xc),
                "in-place NumPy": in_place}
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(repeats):
        for name, fn in variants.items():
            start = time.perf_counter()
            result = fn()
            times[name].append((time.perf_counter() - start) * 1e3)
            del result
    return {name: statistics.median(t) for name, t in times.items()}


def profile_epoch_loss_options(cfg: Config, X, y, repeats: int, chunk: int = 4096) -> dict:
    """What fit's per-epoch full-set loss costs, and what a chunked evaluation would cost (us/step).

    Interleaved, one epoch each: ``fit`` itself; ``loop, no epoch loss`` (fit's step loop only);
    ``loop + chunked loss`` (the same loop, then the training loss over ``chunk``-row slices through
    the layers, keeping nothing but each chunk's output: bounded memory, same FLOPs as fit's pass).
    Mini-batch configurations only; built from the engine's public layers and private _forward,
    _backward and _mean_loss, as engine.training does.
    """
    def loop(model, T, n):
        order = model.shuffle_rng.permutation(n)
        for start in range(0, n, cfg.batch):
            rows = order[start:start + cfg.batch]
            linear, outputs = model._forward(X[rows])
            model._backward(linear, outputs, T[rows])
            model.optimizer.step(model.theta, model.grad)

    def chunked_loss(model, T, n):
        total = 0.0
        for start in range(0, n, chunk):
            h = X[start:start + chunk]
            for layer in model.layers:
                a, h = layer.forward(h)
            total += model._mean_loss(a, h, T[start:start + chunk]) * len(h)
        return total / n

    variants = ("fit", "loop, no epoch loss", "loop + chunked loss")
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(repeats):
        for name in variants:
            model = prepare_engine(cfg, X, y, 1).model
            T, _ = model.encode_targets(y)
            n = len(X)
            start = time.perf_counter()
            if name == "fit":
                model.fit(X, y, epochs=1, batch_size=cfg.batch)
            else:
                loop(model, T, n)
                if name == "loop + chunked loss":
                    chunked_loss(model, T, n)
            times[name].append((time.perf_counter() - start) / cfg.steps_per_epoch() * 1e6)
    return {name: statistics.median(t) for name, t in times.items()}


def profile_engine_functions(cfg: Config, X, y, epochs: int, top: int = 10) -> list[dict]:
    """cProfile of Sequential.fit: the functions with the most self time (percent of the total)."""
    run = prepare_engine(cfg, X, y, epochs)
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(v[2] for v in stats.stats.values())
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    return [
        {"function": f"{Path(file).name}:{line}({name})", "calls": v[1], "self_percent": 100 * v[2] / total}
        for (file, line, name), v in rows
    ]


# ----------------------------------------------------------------------------- report
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
        X, y, source = make_data(cfg.data)
        cfg.n_points = len(X)
        result = bench_config(cfg, X, y)
        result["targets"] = evaluate_targets(cfg, result, peak)
        result["data"] = source
        result["config"] = {"sizes": cfg.sizes, "n_weights": cfg.n_weights, "batch": cfg.batch, "lr": cfg.lr,
                            "epochs": cfg.epochs, "repeats": cfg.repeats, "n_points": cfg.n_points}
        if not args.no_profile:  # retaken like the timed runs if the machine was busy; phases: median of 3
            prof_epochs = max(1, cfg.epochs // 2)
            runs = [quiet_call(profile_engine_phases, cfg, X, y, prof_epochs) for _ in range(1 if args.quick else 3)]
            result["engine_phases_us_per_step"] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            result["engine_cprofile_top"] = quiet_call(profile_engine_functions, cfg, X, y, prof_epochs)
            if cfg.n_points >= 10_000:
                result["full_forward_ms"] = quiet_call(profile_full_forward, cfg, X, y, 3 if args.quick else 7)
                if cfg.batch is not None:
                    result["epoch_loss_options_us_per_step"] = quiet_call(
                        profile_epoch_loss_options, cfg, X, y, 2 if args.quick else 5)
        results[cfg.name] = result
        print_config(cfg, result)
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

    misses = [(name, t["target"]) for name, r in results.items() for t in r["targets"] if not t["pass"]]
    if grid["100x100"] >= 3:
        misses.append(("grid", "100x100 < 3 ms"))
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
