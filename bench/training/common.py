"""Shared settings, the description of one benchmark case, and the data sets."""

from dataclasses import dataclass, field

import numpy as np
import threadpoolctl
import torch

try:  # fall back to NumPy-made data without the engine's data sets
    from engine import datasets
except ImportError:  # pragma: no cover
    datasets = None
try:  # the rows per chunk of fit's per-epoch training loss; the floor evaluates its loss the same way
    from engine.network import EVAL_CHUNK_ROWS
except ImportError:  # pragma: no cover
    EVAL_CHUNK_ROWS = 4096

DTYPE = np.float32
TORCH_DEFAULT_THREADS = torch.get_num_threads()
CONTROLLER = threadpoolctl.ThreadpoolController()


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
