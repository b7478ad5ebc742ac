"""The engine's training steps match PyTorch's, to ~1e-10, for every loss pair and optimizer.

Run from the repository root::

    python3 bench/torch_equivalence.py            # prints a table; exit status 1 on any mismatch

For each loss pair (squared_error + linear, binary_cross_entropy + sigmoid, cross_entropy + softmax)
and each optimizer (sgd, momentum 0.9, adam), a 2-5-4-k tanh network is built in the engine
(float64) and the SAME initial weights are copied into a float64 ``torch.nn.Sequential``. Both then
take three optimizer steps on three different batches; the script compares the loss J and the
gradient before the first step and every parameter after each step.

The objectives are made identical: the engine's J is the mean over samples of the per-sample loss
(squared error carries a factor 1/2: l = 1/2 ||y - t||^2; binary cross-entropy sums over outputs),
so torch's losses use ``reduction="sum"`` divided by N (and by 2N for the squared error) rather
than torch's default element-wise means. The engine's momentum is PyTorch's form
(v <- mu v + g, theta <- theta - lr v) and its Adam is PyTorch's (bias-corrected, eps outside the sqrt).
"""

import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine import Dense, Sequential  # noqa: E402

TOLERANCE = 1e-10
HIDDEN = (5, 4)
N_BATCH, STEPS = 8, 3

LOSS_PAIRS = {
    "squared_error": ("linear", 2),
    "binary_cross_entropy": ("sigmoid", 1),
    "cross_entropy": ("softmax", 3),
}
OPTIMIZERS = {
    "sgd": ({"learning_rate": 0.1}, lambda params: torch.optim.SGD(params, lr=0.1)),
    "momentum": ({"learning_rate": 0.1, "momentum": 0.9},
                 lambda params: torch.optim.SGD(params, lr=0.1, momentum=0.9)),
    "adam": ({"learning_rate": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
             lambda params: torch.optim.Adam(params, lr=0.01, betas=(0.9, 0.999), eps=1e-8)),
}


def make_data(loss: str, outputs: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    X = rng.normal(0, 1.5, (N_BATCH * STEPS, 2))
    if loss == "squared_error":
        y = rng.normal(0, 1, (len(X), outputs))  # real targets, shape (n, outputs)
    else:
        y = rng.integers(0, max(outputs, 2), len(X))  # class labels
    return X, y


def torch_objective(loss: str, out: torch.Tensor, y: np.ndarray) -> torch.Tensor:
    n = out.shape[0]
    if loss == "squared_error":
        return nn.functional.mse_loss(out, torch.from_numpy(y), reduction="sum") / (2 * n)
    if loss == "binary_cross_entropy":
        target = torch.from_numpy(y.astype(np.float64).reshape(-1, 1))
        return nn.functional.binary_cross_entropy_with_logits(out, target, reduction="sum") / n
    return nn.functional.cross_entropy(out, torch.from_numpy(y), reduction="sum") / n


def engine_params(model: Sequential) -> list[np.ndarray]:
    return model.get_weights()


def torch_params(net: nn.Sequential) -> list[np.ndarray]:
    return [p.detach().numpy().copy() for p in net.parameters()]  # W1, b1, W2, b2, ... like get_weights


def max_diff(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b, strict=True))


def compare(loss: str, optimizer: str, seed: int) -> dict:
    output, k = LOSS_PAIRS[loss]
    rng = np.random.default_rng(seed)
    X, y = make_data(loss, k, rng)
    layers = [Dense(HIDDEN[0], "tanh", input_dim=2)] + [Dense(u, "tanh") for u in HIDDEN[1:]] + [Dense(k, output)]
    model = Sequential(layers, seed=seed, dtype="float64")
    settings, make_torch_optimizer = OPTIMIZERS[optimizer]
    model.compile(loss=loss, optimizer=optimizer, **settings)

    sizes = [2, *HIDDEN, k]
    modules: list[nn.Module] = []
    for index, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        modules.append(nn.Linear(fan_in, fan_out, dtype=torch.float64))
        if index < len(sizes) - 2:
            modules.append(nn.Tanh())
    net = nn.Sequential(*modules)  # the output activation lives inside the torch loss (logits)
    with torch.no_grad():
        for param, value in zip(net.parameters(), model.get_weights(), strict=True):
            param.copy_(torch.from_numpy(value))
    torch_optimizer = make_torch_optimizer(net.parameters())

    row = {"loss": loss, "optimizer": optimizer}
    initial = model.get_weights()
    first = slice(0, N_BATCH)
    engine_loss = model.compute_loss(X[first], y[first])
    engine_grads = model.gradients(X[first], y[first])
    torch_loss = torch_objective(loss, net(torch.from_numpy(X[first])), y[first])
    torch_loss.backward()
    torch_grads = [p.grad.numpy().copy() for p in net.parameters()]
    row["loss_diff"] = abs(engine_loss - float(torch_loss.detach()))
    row["grad_diff"] = max_diff(engine_grads, torch_grads)

    row["param_diff"] = 0.0
    for step in range(STEPS):
        rows = slice(step * N_BATCH, (step + 1) * N_BATCH)
        model.train_on_batch(X[rows], y[rows])
        torch_optimizer.zero_grad()
        torch_objective(loss, net(torch.from_numpy(X[rows])), y[rows]).backward()
        torch_optimizer.step()
        row["param_diff"] = max(row["param_diff"], max_diff(engine_params(model), torch_params(net)))
    row["moved"] = max_diff(engine_params(model), initial)  # the steps must really change the weights
    row["pass"] = max(row["loss_diff"], row["grad_diff"], row["param_diff"]) <= TOLERANCE and row["moved"] > 1e-4
    return row


def main() -> int:
    rows = [compare(loss, optimizer, seed)
            for seed, loss in enumerate(LOSS_PAIRS) for optimizer in OPTIMIZERS]
    print(f"Engine vs PyTorch, float64, 2-{'-'.join(map(str, HIDDEN))}-k tanh network, "
          f"{STEPS} steps of {N_BATCH} samples; tolerance {TOLERANCE:g}\n")
    print("| loss + output | optimizer | abs diff J | max abs diff grad (step 1) | "
          f"max abs diff params (steps 1-{STEPS}) | weights moved | result |")
    print("|---|---|---:|---:|---:|---:|---|")
    for row in rows:
        pair = f"{row['loss']} + {LOSS_PAIRS[row['loss']][0]}"
        print(f"| {pair} | {row['optimizer']} | {row['loss_diff']:.1e} | {row['grad_diff']:.1e} | "
              f"{row['param_diff']:.1e} | {row['moved']:.2g} | {'PASS' if row['pass'] else 'MISMATCH'} |")
    failed = [row for row in rows if not row["pass"]]
    print(f"\n{len(rows) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
