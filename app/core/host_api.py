"""What a session host offers: the operations on one session, as a typed interface both sides share.

``SessionOps`` is the interface: one async method per operation, with the arguments the host's function
takes after the session. ``Op`` is the list of their names, which travel in the pipe's ("call", request_id,
session_id, op, args) message. The web process calls a session through a ``RemoteOps`` (app/web/sessions.py:
``await manager.ops(record).weights()``); a host runs an op with its table, app/host/ops.py's OPS, keyed by
``Op``. tests/app/test_host_api.py holds the three to the same names and the same parameters.

Every answer is plain, picklable data (dicts of lists and numbers), the body of the route's response model
named below; errors are raised as app/core/errors.py's classes. Another backend (a cluster) implements this
same interface.
"""

import inspect
from enum import StrEnum
from typing import Any, Protocol


class Op(StrEnum):
    """The name of every method of SessionOps: the single list of operations."""

    describe = "describe"
    data = "data"
    update = "update"
    reset = "reset"
    regenerate = "regenerate"
    history = "history"
    train = "train"
    step = "step"
    weights = "weights"
    set_weights = "set_weights"
    set_weight = "set_weight"
    predict = "predict"
    backprop = "backprop"
    grid = "grid"
    export = "export"
    load_model = "load_model"
    stream_info = "stream_info"
    lesson_check = "lesson_check"
    gradient_check = "gradient_check"
    sweep = "sweep"
    samples = "samples"
    experiment_start = "experiment_start"
    experiment_status = "experiment_status"
    experiment_cancel = "experiment_cancel"
    play = "play"
    pause = "pause"
    stream_step = "stream_step"
    stream_reset = "stream_reset"
    set_live = "set_live"
    challenge_check = "challenge_check"
    picture = "picture"


HEAVY_OPS = frozenset({Op.train, Op.step, Op.stream_step, Op.predict, Op.grid, Op.gradient_check, Op.sweep,
                       Op.samples, Op.lesson_check, Op.challenge_check, Op.picture})
"""The operations whose cost grows with what they are asked for (epochs, rows, resolution, widths): a host runs
them one at a time in fair turns (app/host/fair_share.py), each within the per-call time limit, and a principal
may have at most Settings.max_heavy_calls of them under way. The others take a few milliseconds at most."""


class SessionOps(Protocol):
    """The operations on one session. Each runs under the session's lock, where the session lives."""

    # ----- the session ---------------------------------------------------------------------------
    async def describe(self) -> dict:
        """Id, config, task and current metrics (a SessionOut)."""

    async def data(self) -> dict:
        """The training and test points (a DataView)."""

    async def update(self, changes: dict) -> dict:
        """Apply a partial config (live settings change in place; data or structure changes rebuild);
        the new description (a SessionOut)."""

    async def reset(self) -> dict:
        """Pause, initial weights of the seed, epoch 0; the new description (a SessionOut)."""

    async def regenerate(self, seed: int | None) -> dict:
        """New data (the next seed, or ``seed``), keeping the network; the new description (a SessionOut)."""

    async def history(self) -> dict:
        """Loss and accuracy per epoch since the last reset (a LossHistory)."""

    # ----- training ------------------------------------------------------------------------------
    async def train(self, epochs: int, until: dict | None = None) -> dict:
        """Train up to ``epochs`` within the server's per-call limits, or until every rule of ``until`` holds;
        how it ended (a TrainStatus), the metrics and this call's history (a TrainResult)."""

    async def step(self) -> dict:
        """Pause and train exactly one epoch; how it ended and the metrics (a StepResult)."""

    # ----- inside the network --------------------------------------------------------------------
    async def weights(self) -> dict:
        """Every layer's W, b and activation, plus the input feature names (a Weights)."""

    async def set_weights(self, layers: list[dict]) -> dict:
        """Set every weight by hand; the weights now (a Weights)."""

    async def set_weight(self, layer: int, row: int, col: int | None, value: float) -> None:
        """Change W(layer)[row, col] (the bias b(layer)[row] when ``col`` is None); nothing else changes."""

    async def predict(self, rows: list) -> dict:
        """Every node's a(k) and h(k) for raw input ``rows``, within the per-call limits (a NodeValues)."""

    async def backprop(self, row: list[float], target: float, step: int | None = None,
                       paths_from: dict | None = None) -> dict:
        """One sample's backward pass: dl/dy, each layer's delta and dl/dh, every gradient, the walk-through's steps
        (``step`` the one shown, remembered) and the chain-rule paths from ``paths_from`` (a BackwardPass)."""

    async def gradient_check(self, row: list[float], target: float) -> dict:
        """Per layer: the analytic and the numerical gradient of W and b, and their largest difference
        (a GradientCheck)."""

    async def grid(self, resolution: int) -> dict:
        """The output and every neuron on a grid of ``resolution`` per axis, within the limits (a Grid)."""

    # ----- models ---------------------------------------------------------------------------------
    async def export(self) -> dict:
        """The session as a document: its config and the engine's model (a SessionDocument)."""

    async def load_model(self, model_document: dict) -> None:
        """Put an exported model's weights and epoch count into this session (built from the same config)."""

    # ----- lessons and figures -------------------------------------------------------------------
    async def lesson_check(self, conditions: list[dict]) -> dict:
        """Evaluate a lesson task's conditions: {"passed": ..., "conditions": [...]} (a TaskCheck)."""

    async def challenge_check(self, spec: dict) -> dict:
        """The network measured on a class challenge's own test set: {"test_loss", "test_accuracy", "n_params",
        "features", "passed", "reasons"} (app/host/challenge.py)."""

    async def picture(self, output_resolution: int, neuron_resolution: int, most_values: int) -> bytes:
        """One whole stream frame of the session now (docs/protocol.md), its view fitted to ``most_values``."""

    async def sweep(self, widths: list[int], epochs: int) -> dict:
        """Per hidden-layer width: train and test loss (and accuracy) after ``epochs``, and the output map
        (a Sweep)."""

    async def samples(self, count: int) -> dict:
        """The session's structure with ``count`` random, untrained weight settings: their output maps and
        a sample of their outputs (a Samples)."""

    async def experiment_start(self, width: int, depths: list[int], epochs: int) -> dict:
        """Start the deep-versus-shallow comparison in the background (one at a time per session); its
        report (an ExperimentReport)."""

    async def experiment_status(self) -> dict:
        """The current or last comparison's report (an ExperimentReport)."""

    async def experiment_cancel(self) -> dict:
        """Ask a running comparison to stop after the current epoch; its report (an ExperimentReport)."""

    # ----- the stream ----------------------------------------------------------------------------
    async def stream_info(self) -> dict:
        """What a new stream's hello message says: the session's description, its layers
        ([units, inputs, activation] each) and the heatmaps' domain."""

    async def play(self) -> None:
        """Train continuously (the host's trainer gives a playing session slices while it is watched)."""

    async def pause(self) -> None:
        """Stop continuous training (after the slice under way)."""

    async def stream_step(self) -> None:
        """Pause and train one epoch (the stream's next frame shows it)."""

    async def stream_reset(self) -> None:
        """Pause, initial weights of the seed, epoch 0, history cleared."""

    async def set_live(self, changes: dict) -> None:
        """Change learning rate, regularization, batch size or optimizer while training goes on."""


_methods = {name for name, value in vars(SessionOps).items() if inspect.iscoroutinefunction(value)}
if _methods != set(Op):  # fails at import, before any test
    raise TypeError(f"Op and SessionOps name different operations: {sorted(_methods ^ set(Op))}")
del _methods


class RemoteOps(SessionOps):
    """SessionOps for a session that lives elsewhere: every method sends its Op and its arguments (all of
    them, positionally, defaults filled in) through ``_send``, which a backend provides."""

    async def _send(self, op: Op, args: tuple) -> Any:
        raise NotImplementedError


def _sender(op: Op):
    signature = inspect.signature(getattr(SessionOps, op))

    async def send(self, *args, **kwargs):
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        return await self._send(op, bound.args[1:])

    send.__name__, send.__qualname__ = op.value, f"RemoteOps.{op.value}"
    send.__doc__ = getattr(SessionOps, op).__doc__
    send.__signature__ = signature
    return send


for _op in Op:
    setattr(RemoteOps, _op.value, _sender(_op))
del _op
