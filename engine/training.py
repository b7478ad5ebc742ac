"""The training loop: epochs of mini-batch (or full-batch) gradient descent, section 3.2.3.

Training stops at the epoch count, when the training loss reaches ``stop_at_loss``, when a goal
(``stop_when``) holds, when a callback asks, or when the loss stops being a finite number (divergence).
On divergence the weights of the last finite epoch are put back, so no NaN or infinity ever leaves the
engine.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from engine import targets

Array = np.ndarray

COMPLETED, REACHED_LOSS, REACHED_GOAL, STOPPED, PAUSED, DIVERGED = (
    "completed", "reached_loss", "reached_goal", "stopped", "paused", "diverged")


@dataclass
class History:
    """What happened in one call to ``fit``: per-epoch metrics and how it ended.

    ``epochs`` are the model's running epoch numbers (they continue across calls to ``fit``).
    ``accuracy`` lists are filled only when y holds class labels; ``val_*`` only with validation data.
    ``status`` is one of "completed", "reached_loss", "reached_goal" (``stop_when`` held), "stopped" (by the
    callback), "paused" (by ``pause_when``, in the middle of an epoch) or "diverged".
    """

    epochs: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    status: str = COMPLETED
    message: str = ""

    def to_dict(self) -> dict:
        """JSON-friendly copy."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def _validated_int(value, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise ValueError(f"{name} must be a whole number >= {low}, got {value!r}")
    return int(value)


def fit(
    model,
    X,
    y,
    epochs: int = 1,
    batch_size: int | None = None,
    validation_data: tuple | None = None,
    seed: int | None = None,
    callback: Callable[[int, dict], bool | None] | None = None,
    stop_at_loss: float | None = None,
    shuffle: bool = True,
    stop_when: Callable[[dict], bool] | None = None,
    between_steps: Callable[[], None] | None = None,
    pause_when: Callable[[], bool] | None = None,
) -> History:
    """Train ``model`` (compiled) on (X, y) and return a :class:`History`.

    - ``batch_size``: samples per gradient step; None (or >= N) means full batch, one step per epoch.
    - ``seed``: reseeds the sample order; None continues the model's own order (so calling ``fit``
      repeatedly in chunks gives the same run as one long call).
    - ``callback(epoch, logs)``: called after every epoch with that epoch's metrics; return False to stop.
    - ``stop_at_loss``: stop once the training loss J is at or below this value.
    - ``stop_when(logs)``: a goal, asked after every epoch with the same ``logs`` as the callback (the
      metrics the epoch computed anyway: ``loss``, ``accuracy``, ``val_loss``, ``val_accuracy``, as
      available); return True to stop with status "reached_goal". It is asked after the callback, and wins
      over it when both stop at the same epoch. It costs no extra pass over the data.
    - ``between_steps()``: called between two mini-batch steps of an epoch (not after its last one), e.g. to
      let other work run in the middle of a long epoch; it must not stop the epoch.
    - ``pause_when()``: asked between two mini-batch steps; True ends this call in the middle of the epoch
      (status "paused"), and the next call on the model continues that epoch where it stopped, in the same
      sample order: training in short slices then gives exactly the run of one long call, however long an
      epoch takes. A paused epoch is not in the history until it ends.
    The loss reported per epoch is J (mean, plus penalty) on the whole training set after the epoch.
    """
    model._require_compiled()
    epochs = _validated_int(epochs, "epochs", 0)
    X = model._as_input(X)
    T, labels = model.encode_targets(y)
    n = X.shape[0]
    if T.shape[0] != n:
        raise ValueError(f"X has {n} rows but y has {T.shape[0]}")
    if n == 0:
        raise ValueError("there are no training samples")
    batch = n if batch_size is None else min(_validated_int(batch_size, "batch_size", 1), n)
    if stop_at_loss is not None and not np.isfinite(stop_at_loss):
        raise ValueError("stop_at_loss must be a finite number")
    validation = None
    if validation_data is not None:
        X_val = model._as_input(validation_data[0])
        T_val, labels_val = model.encode_targets(validation_data[1])
        if X_val.shape[0] != T_val.shape[0]:
            raise ValueError(f"validation X has {X_val.shape[0]} rows but y has {T_val.shape[0]}")
        validation = (X_val, T_val, labels_val) if X_val.shape[0] else None
    if seed is not None:
        model.shuffle_rng = np.random.default_rng([int(seed), 1])
        model.epoch_in_progress = None
    if model.epoch_in_progress is not None and (len(model.epoch_in_progress[0]) != n or batch >= n):
        model.epoch_in_progress = None  # other data, or full batches now: that epoch cannot go on

    history = History()
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # divergence is detected below
        _run_epochs(model, history, X, T, labels, validation, epochs, batch, shuffle, callback, stop_at_loss,
                    stop_when, between_steps, pause_when)
    if history.status == COMPLETED:
        history.message = f"trained {len(history.epochs)} epochs"
    return history


def _run_epochs(model, history, X, T, labels, validation, epochs, batch, shuffle, callback, stop_at_loss,
                stop_when, between_steps, pause_when) -> None:
    """The epoch loop of :func:`fit`, recording into ``history``."""
    n = X.shape[0]
    output = model.output_activation
    last_good = model.theta.copy()
    forward, backward, step = model._forward, model._backward, model.optimizer.step
    theta, grad = model.theta, model.grad
    full_batch = batch >= n
    linear, outputs = forward(X) if full_batch else (None, None)
    for _ in range(epochs):
        if full_batch:
            backward(linear, outputs, T)  # reuses the forward pass done at the end of the last epoch
            step(theta, grad)
        else:
            if model.epoch_in_progress is not None:
                order, first, epoch_start = model.epoch_in_progress
                np.copyto(last_good, epoch_start)  # the weights to restore are those before the epoch began
            else:
                order, first = (model.shuffle_rng.permutation(n) if shuffle else np.arange(n)), 0
            model.epoch_in_progress = None
            for start in range(first, n, batch):
                if start > first:
                    if pause_when is not None and pause_when():
                        model.epoch_in_progress = (order, start, last_good.copy())
                        history.status = PAUSED
                        history.message = f"paused in the middle of epoch {model.epoch + 1}"
                        return
                    if between_steps is not None:
                        between_steps()
                rows = order[start:start + batch]
                batch_linear, batch_outputs = forward(X[rows])
                backward(batch_linear, batch_outputs, T[rows])
                step(theta, grad)
        if full_batch:  # this forward pass is also the next step's
            linear, outputs = forward(X)
            loss, train_outputs = model._mean_loss(linear[-1], outputs[-1], T), outputs[-1]
        else:
            loss, train_outputs = model._loss_and_outputs(X, T)
        if not (np.isfinite(loss) and np.isfinite(theta).all()):
            theta[...] = last_good
            model.optimizer.reset()
            history.status = DIVERGED
            history.message = (f"training diverged at epoch {model.epoch + 1}: the loss is no longer a finite number; "
                               "the weights of the last good epoch were restored (try a smaller learning rate)")
            break
        np.copyto(last_good, theta)
        model.epoch += 1
        logs = {"epoch": model.epoch, "loss": loss}
        history.epochs.append(model.epoch)
        history.loss.append(loss)
        if labels is not None:
            logs["accuracy"] = float(np.mean(targets.predicted_labels(train_outputs, output) == labels))
            history.accuracy.append(logs["accuracy"])
        if validation is not None:
            X_val, T_val, labels_val = validation
            val_loss, val_outputs = model._loss_and_outputs(X_val, T_val)
            logs["val_loss"] = val_loss if np.isfinite(val_loss) else float(np.finfo(np.float64).max)
            history.val_loss.append(logs["val_loss"])
            if labels_val is not None:
                logs["val_accuracy"] = float(np.mean(targets.predicted_labels(val_outputs, output) == labels_val))
                history.val_accuracy.append(logs["val_accuracy"])
        asked_to_stop = callback is not None and callback(model.epoch, logs) is False
        if stop_when is not None and stop_when(logs):
            history.status = REACHED_GOAL
            history.message = f"the goal was reached at epoch {model.epoch}"
            break
        if asked_to_stop:
            history.status = STOPPED
            history.message = f"stopped by the caller after epoch {model.epoch}"
            break
        if stop_at_loss is not None and loss <= stop_at_loss:
            history.status = REACHED_LOSS
            history.message = f"the loss {loss:.4g} reached the target {stop_at_loss:g} at epoch {model.epoch}"
            break
