"""The contenders: the engine, the minimal NumPy floor, PyTorch and scikit-learn, and the table of them.

Each ``prepare_*(cfg, X, y, epochs)`` does its set-up outside the timer and returns ``run``; ``run()``
trains for ``epochs`` whole epochs and returns a short string describing what it did (checked
afterwards, outside the timer, so that a contender that silently did less work fails).
"""

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from torch import nn

from engine import Dense, Sequential

from .common import DTYPE, EVAL_CHUNK_ROWS, Config

warnings.simplefilter("ignore", ConvergenceWarning)
# partial_fit on an epoch's last, shorter batch: "Got `batch_size` ... larger than sample size"
warnings.filterwarnings("ignore", message="Got `batch_size`", category=UserWarning)


# ----------------------------------------------------------------------------- engine
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


# ----------------------------------------------------------------------------- the floor
def _floor_loss_sum(a_out: np.ndarray, T: np.ndarray, y: np.ndarray) -> float:
    """Summed training loss from the output layer's linear input (stable, like the engine's)."""
    if a_out.shape[1] == 1:  # binary cross-entropy on a sigmoid output
        return float(np.sum(np.logaddexp(0, -a_out) * T + np.logaddexp(0, a_out) * (1 - T)))
    shifted = a_out - a_out.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.sum(log_p[np.arange(len(y)), y]))


def prepare_numpy(cfg: Config, X, y, epochs, with_loss: bool = True):
    """The floor: the same network and maths as plain NumPy statements, no classes, no checks.

    ``with_loss``: also the mean training loss over the whole set once per epoch, as ``fit`` must
    compute it. Full batch: from the forward pass the step needs anyway. Mini-batches: an extra pass in
    EVAL_CHUNK_ROWS-row chunks keeping only each chunk's output layer, as ``fit`` does.
    """
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

    def chunked_loss():
        """Mean loss over the training set, a chunk at a time, keeping only the output layer's values."""
        total = 0.0
        for start in range(0, n, EVAL_CHUNK_ROWS):
            h = X[start:start + EVAL_CHUNK_ROWS]
            for k in range(L):
                a = h @ Ws[k].T
                a += bs[k]
                h = np.tanh(a, out=a) if k < L - 1 else a
            total += _floor_loss_sum(a, T[start:start + EVAL_CHUNK_ROWS], y[start:start + EVAL_CHUNK_ROWS])
        return total / n

    def run():
        loss = float("nan")
        for _ in range(epochs):
            if cfg.batch is None or cfg.batch >= n:
                hs, a_out = forward(X)
                if with_loss:  # the loss of the current weights, from the forward pass the step needs
                    loss = _floor_loss_sum(a_out, T, y) / n
                backward_and_update(hs, T)
            else:
                order = rng.permutation(n)
                for start in range(0, n, cfg.batch):
                    rows = order[start:start + cfg.batch]
                    hs, _ = forward(X[rows])
                    backward_and_update(hs, T[rows])
                if with_loss:
                    loss = chunked_loss()
        if not all(np.isfinite(W).all() for W in Ws):
            raise RuntimeError("the NumPy loop diverged")
        return f"loss {loss:.4f}"

    return run


# ----------------------------------------------------------------------------- PyTorch
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


# ----------------------------------------------------------------------------- scikit-learn
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


# ----------------------------------------------------------------------------- the table
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
