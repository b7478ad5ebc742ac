"""Where the engine's time goes: phases of fit's epoch loop, its per-epoch loss, and cProfile.

These reach into the engine's private ``_forward``, ``_backward``, ``_mean_loss`` and
``_loss_and_outputs``, as engine/training.py does, to time the pieces of ``fit`` separately.
"""

import cProfile
import pstats
import statistics
import time
from pathlib import Path

import numpy as np

from engine import targets

from .common import Config
from .contenders import prepare_engine

PHASES = ("shuffle+index", "forward", "backward", "optimizer step", "epoch: full forward", "epoch: loss",
          "epoch: chunked loss pass", "epoch: accuracy+checks")


def profile_engine_phases(cfg: Config, X, y, epochs: int) -> dict:
    """A timed copy of the epoch loop of engine.training.fit: microseconds per step in each phase.

    Full batch: the forward pass at the end of an epoch ("epoch: full forward") is also the next step's,
    and the loss comes from it ("epoch: loss"). Mini-batches: the loss and the outputs for the accuracy
    come from ``_loss_and_outputs`` ("epoch: chunked loss pass": 4096-row chunks, output layer only).
    """
    model = prepare_engine(cfg, X, y, 1).model
    forward, backward, step = model._forward, model._backward, model.optimizer.step
    theta, grad = model.theta, model.grad
    last_good = theta.copy()
    Xc = model._as_input(X)
    T, labels = model.encode_targets(y)
    n = len(Xc)
    full = cfg.batch is None or cfg.batch >= n
    phases = dict.fromkeys(PHASES, 0.0)
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
        with np.errstate(all="ignore"):
            t0 = clock()
            if full:
                linear, outputs = forward(Xc)
                t1 = clock()
                loss, train_outputs = model._mean_loss(linear[-1], outputs[-1], T), outputs[-1]
                phases["epoch: full forward"] += t1 - t0
                phases["epoch: loss"] += clock() - t1
            else:
                loss, train_outputs = model._loss_and_outputs(Xc, T)
                phases["epoch: chunked loss pass"] += clock() - t0
        t0 = clock()
        if np.isfinite(loss) and np.isfinite(theta).all():
            np.copyto(last_good, theta)
        float(np.mean(targets.predicted_labels(train_outputs, model.output_activation) == labels))
        phases["epoch: accuracy+checks"] += clock() - t0
    steps = epochs * cfg.steps_per_epoch()
    return {name: seconds / steps * 1e6 for name, seconds in phases.items()}


def profile_full_forward(cfg: Config, X, y, repeats: int) -> dict:
    """Milliseconds for one forward pass over the whole training set, four ways.

    ``_loss_and_outputs``: what fit now runs once per epoch with mini-batches (4096-row chunks, only the
    output layer kept, plus the loss); ``_forward``: what it ran before (keeps a and h of every layer);
    ``predict``: the inference path; ``in-place NumPy``: h @ W.T, += b, tanh in place, whole set at once.
    """
    model = prepare_engine(cfg, X, y, 1).model
    Xc = model._as_input(X)
    T, _ = model.encode_targets(y)

    def in_place():
        h = Xc
        for layer in model.layers[:-1]:
            a = h @ layer.W.T
            a += layer.b
            h = np.tanh(a, out=a)
        return h @ model.layers[-1].W.T

    variants = {"_loss_and_outputs (fit now)": lambda: model._loss_and_outputs(Xc, T),
                "_forward (fit before)": lambda: model._forward(Xc), "predict": lambda: model.predict(Xc),
                "in-place NumPy": in_place}
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(repeats):
        for name, fn in variants.items():
            start = time.perf_counter()
            result = fn()
            times[name].append((time.perf_counter() - start) * 1e3)
            del result
    return {name: statistics.median(t) for name, t in times.items()}


def profile_epoch_loss_options(cfg: Config, X, y, repeats: int) -> dict:
    """What fit's per-epoch training loss costs (microseconds per step), mini-batch configurations only.

    Interleaved, one epoch each, fresh model each time: ``fit`` itself; ``loop, no epoch loss`` (fit's
    step loop only); ``loop + _loss_and_outputs`` (the same loop, then the chunked loss fit runs).
    """
    def loop(model, T, n):
        order = model.shuffle_rng.permutation(n)
        for start in range(0, n, cfg.batch):
            rows = order[start:start + cfg.batch]
            linear, outputs = model._forward(X[rows])
            model._backward(linear, outputs, T[rows])
            model.optimizer.step(model.theta, model.grad)

    variants = ("fit", "loop, no epoch loss", "loop + _loss_and_outputs")
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
                if name == "loop + _loss_and_outputs":
                    model._loss_and_outputs(X, T)
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
