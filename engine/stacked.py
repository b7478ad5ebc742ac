"""Many networks of one shape trained in one step: each layer of each step is one batched matmul over all of them.

A class of students often trains S networks of the same shape at once (the teacher pushed one preset). Trained
one by one, a small network's step is almost all fixed cost per NumPy call; stacked, the S networks' weights
W(k) become one array of shape (S, units k, units k-1) and their mini-batches one array of shape (S, B, inputs),
so a step costs the same few dozen NumPy calls whatever S is.

Each member keeps everything that is its own: its data, its sample order (its own ``shuffle_rng``, drawn exactly
as :func:`engine.training.fit` draws it), its learning rate, its reg rate and its optimizer state. What must be
shared is :func:`group_key`: layer sizes and activations, loss, optimizer kind, regularizer kind, batch size,
number type and number of training points (so that every member's epoch has the same mini-batch sizes).

The arithmetic is, operation by operation, the one a :class:`engine.network.Sequential` does per mini-batch and
per epoch (the same GEMMs per member, the same elementwise operations, the same reductions in the same order,
the same scalar roundings), so a member's weights, optimizer state, loss history and sample order after any
number of steps are *equal* to those of the same model trained alone by ``fit`` (tests/engine/test_stacked.py).

Typical use by a host::

    key = group_key(model, batch_size, len(X))              # group the sessions whose keys are equal
    trainer = StackedTrainer.from_models(models, [(X, y), ...], batch_size, validation=[(X_val, y_val), ...])
    histories = trainer.train_epochs(1)                     # one engine.training.History per member
    trainer.write_back()                                    # each model goes on exactly as if it trained alone

To regroup (a member joins, leaves, changes shape or settings): ``write_back()``, then ``from_models`` with the
new list; training may pause in the middle of an epoch (``train_batches``) and be regrouped there as long as all
the members of the new group are at the same point of their epoch.
"""

import copy
import math
from collections.abc import Callable, Sequence

import numpy as np

from engine import losses
from engine.activations import apply_in_place
from engine.network import EVAL_CHUNK_ROWS, Sequential
from engine.stacked_groups import group_key
from engine.stacked_optimizers import StackedOptimizer
from engine.training import COMPLETED, DIVERGED, PAUSED, REACHED_GOAL, REACHED_LOSS, STOPPED, History

Array = np.ndarray
FLOAT64_MAX = float(np.finfo(np.float64).max)


class StackedTrainer:
    """S compiled models of one :func:`group_key`, trained together; build it with :meth:`from_models`.

    All parameters live in one array ``theta`` of shape (S, P), row s laid out like member s's own flat vector
    (every layer's weights, then every bias), and their gradient in ``grad``; ``W[k]``, ``b[k]``, ``grad_W[k]``
    and ``grad_b[k]`` are views into them of shapes (S, units, inputs) and (S, units). The member models are
    not touched until :meth:`write_back` (or until a member stops): a model changed by other means meanwhile
    (weights set by hand, other data, another optimizer) must be written back and stacked again.
    """

    def __init__(self, models, data, validation, batch_size, shuffle):
        first = models[0]
        self.models = list(models)
        self.S = len(models)
        self.dtype = first.dtype
        self.activations = [layer.activation for layer in first.layers]
        self.loss, self.output = first.loss, first.output_activation
        self.regularizer = first.regularizer
        self.n_weights = first.n_weights
        self.shuffle = shuffle
        X = np.stack([x for x, _, _ in data])
        T = np.stack([t for _, t, _ in data])
        self.X, self.T, self.n = X, T, X.shape[1]
        self.batch = self.n if batch_size is None else min(batch_size, self.n)
        self.full_batch = self.batch >= self.n
        self.labels = [labels for _, _, labels in data]
        self._stacked_labels = (np.stack(self.labels) if all(lab is not None for lab in self.labels) else None)
        self._validation_groups = _group_by_size(validation)

        # parameters, gradients and their per-layer views
        self.theta = np.stack([m.theta for m in models])
        self.grad = np.stack([m.grad for m in models])
        self.W, self.W_T, self.b, self.grad_W, self.grad_b = [], [], [], [], []
        w_at, b_at = 0, self.n_weights
        for layer in first.layers:
            shape = (self.S, layer.units, layer.input_dim)
            w_size = layer.units * layer.input_dim
            W = self.theta[:, w_at:w_at + w_size].reshape(shape)
            self.W.append(W)
            self.W_T.append(W.transpose(0, 2, 1))
            self.b.append(self.theta[:, b_at:b_at + layer.units][:, None, :])  # (S, 1, units): adds to (S, B, units)
            self.grad_W.append(self.grad[:, w_at:w_at + w_size].reshape(shape))
            self.grad_b.append(self.grad[:, b_at:b_at + layer.units])
            w_at, b_at = w_at + w_size, b_at + layer.units

        # each member's own settings, as columns that broadcast over its row
        self.learning_rate = np.empty((self.S, 1), dtype=self.dtype)
        self.learning_rate64 = np.empty((self.S, 1))
        self.reg_rate = np.empty((self.S, 1), dtype=self.dtype)
        for s, model in enumerate(models):
            self._set_rates(s, model.optimizer.learning_rate, model.reg_rate)
        self.optimizer = StackedOptimizer.of(models, self.theta)

        # each member's place in its run: epoch count, sample order, the epoch's first weights
        self.epochs = [m.epoch for m in models]
        self.shuffle_rngs = [copy.deepcopy(m.shuffle_rng) for m in models]
        self.last_good = self.theta.copy()
        self.order: Array | None = None  # (S, n): this epoch's sample order, None between epochs
        self.next_row = 0
        self._sorted: tuple[Array, Array] | None = None  # X and T in that order
        in_progress = [m.epoch_in_progress for m in models]
        if in_progress[0] is not None:
            self.order = np.stack([order for order, _, _ in in_progress])
            self.next_row = in_progress[0][1]
            self.last_good[...] = np.stack([start for _, _, start in in_progress])
            self._sorted = self._in_order()
        self.done = [False] * self.S  # stopped (diverged, goal, callback): already written back, no longer trained
        self._full_forward = None

    # ----- building and handing back --------------------------------------------------------
    @classmethod
    def from_models(
        cls,
        models: Sequence[Sequential],
        datasets: Sequence[tuple],
        batch_size: int | None,
        validation: Sequence[tuple | None] | None = None,
        shuffle: bool = True,
    ) -> "StackedTrainer":
        """Stack compiled ``models``, member s training on ``datasets[s] = (X, y)`` (and evaluating each epoch on
        ``validation[s] = (X_val, y_val)`` or None), with ``batch_size`` as in ``fit``.

        Every model must have the same :func:`group_key`; a model paused in the middle of an epoch (``fit``'s
        ``pause_when``) can be stacked only with models paused at the same row of theirs. ValueError otherwise.
        """
        models = list(models)
        if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer)
                                       or batch_size < 1):
            raise ValueError(f"batch_size must be a whole number >= 1, got {batch_size!r}")
        if not models:
            raise ValueError("nothing to stack: no models")
        if len(datasets) != len(models) or (validation is not None and len(validation) != len(models)):
            raise ValueError("give one dataset (and one validation set or None) per model")
        if len({id(m) for m in models}) != len(models):
            raise ValueError("a model can be stacked only once")
        data, keys = [], set()
        for model, (X, y) in zip(models, datasets, strict=True):
            model._require_compiled()
            X = model._as_input(X)
            T, labels = model.encode_targets(y)
            if T.shape[0] != X.shape[0] or X.shape[0] == 0:
                raise ValueError(f"X has {X.shape[0]} rows and y has {T.shape[0]}: they must be equal and not 0")
            data.append((X, T, labels))
            keys.add(group_key(model, batch_size, X.shape[0]))
        if len(keys) > 1:
            raise ValueError(f"these models cannot be stacked: {len(keys)} different group keys")
        n = data[0][0].shape[0]
        batch = n if batch_size is None else min(int(batch_size), n)
        for model in models:  # as fit: a paused epoch of other data, or of full batches now, cannot go on
            if model.epoch_in_progress is not None and (len(model.epoch_in_progress[0]) != n or batch >= n):
                model.epoch_in_progress = None
        positions = {None if m.epoch_in_progress is None else m.epoch_in_progress[1] for m in models}
        if len(positions) > 1:
            raise ValueError("these models are at different points of their epochs: finish the epochs first")
        checked = None
        if validation is not None:
            checked = []
            for model, pair in zip(models, validation, strict=True):
                if pair is None:
                    checked.append(None)
                    continue
                X_val = model._as_input(pair[0])
                T_val, labels_val = model.encode_targets(pair[1])
                if X_val.shape[0] != T_val.shape[0]:
                    raise ValueError(f"validation X has {X_val.shape[0]} rows but y has {T_val.shape[0]}")
                checked.append((X_val, T_val, labels_val) if X_val.shape[0] else None)
        return cls(models, data, checked, batch, shuffle)

    def write_back(self) -> None:
        """Put every member's parameters, optimizer state, epoch count, sample order (its RNG and, in the middle
        of an epoch, the epoch's order and next row) back into its own model: it goes on, alone or stacked
        again, exactly as if it had trained alone. Members that stopped were written back when they stopped."""
        for s in range(self.S):
            if not self.done[s]:
                self._write_back(s)

    def _write_back(self, s: int) -> None:
        model = self.models[s]
        model.theta[...] = self.theta[s]
        model.grad[...] = self.grad[s]
        self.optimizer.write_back(s, model.optimizer)
        model.epoch = self.epochs[s]
        # The model's own generator takes the state (a deep copy of the generator costs 13 times as much).
        model.shuffle_rng.bit_generator.state = self.shuffle_rngs[s].bit_generator.state
        model.epoch_in_progress = (None if self.order is None else
                                   (self.order[s].copy(), self.next_row, self.last_good[s].copy()))

    def set_learning_rate(self, s: int, learning_rate: float) -> None:
        """Change member s's step size between steps (its optimizer state stays), in its model too."""
        self.models[s].set_learning_rate(learning_rate)
        self._set_rates(s, learning_rate, self.models[s].reg_rate)

    def set_reg_rate(self, s: int, reg_rate: float) -> None:
        """Change member s's reg rate between steps (the regularizer's kind is part of the group key)."""
        model = self.models[s]
        model.set_regularization(None if model.regularizer is None else model.regularizer.name, reg_rate)
        self._set_rates(s, model.optimizer.learning_rate, model.reg_rate)

    def _set_rates(self, s: int, learning_rate: float, reg_rate: float) -> None:
        # Sequential multiplies by Python floats, which NumPy rounds to the array's type: the same rounding here.
        self.learning_rate[s] = self.learning_rate64[s] = learning_rate
        self.reg_rate[s] = reg_rate

    @property
    def at_epoch_start(self) -> bool:
        """Whether the members stand at the start of an epoch (not paused in the middle of one)."""
        return self.order is None

    @property
    def steps_to_epoch_end(self) -> int:
        """The mini-batch steps left in the epoch under way (all of an epoch's at its start)."""
        if self.full_batch:
            return 1
        return math.ceil((self.n - (0 if self.order is None else self.next_row)) / self.batch)

    # ----- forward and backward, as engine/layers.py and Sequential._backward, for S networks ------
    def _forward(self, X: Array) -> tuple[list[Array], list[Array]]:
        """[a(1)..a(L)] and [h(0)=X, h(1)..h(L)] for every member: (S, B, units) each (eq. 3.4-3.6)."""
        linear, outputs = [], [X]
        h = X
        for W_T, b, activation in zip(self.W_T, self.b, self.activations, strict=True):
            a = h @ W_T  # eq. 3.4: one matmul for all S members, A = H W^T per member
            a += b
            h = activation.fn(a)  # eq. 3.5
            linear.append(a)
            outputs.append(h)
        return linear, outputs

    def _backward(self, linear: list[Array], outputs: list[Array], T: Array) -> None:
        """Fill ``grad`` with every member's gradient of its J (mean over its rows) by backpropagation (3.3)."""
        delta = losses.output_delta(self.loss, self.output, linear[-1], outputs[-1], T)  # eq. 3.18
        for k in range(len(self.W) - 1, -1, -1):
            np.matmul(delta.transpose(0, 2, 1), outputs[k], out=self.grad_W[k])  # eq. 3.25
            _sum_rows(delta, self.grad_b[k])  # eq. 3.27
            if k:
                grad_h = delta @ self.W[k]  # eq. 3.21
                delta = grad_h * self.activations[k - 1].derivative(linear[k - 1], outputs[k])  # eq. 3.23
        self.grad *= 1.0 / T.shape[1]
        if self.regularizer is not None and self.reg_rate.any():
            # a member with reg rate 0 adds exactly 0 (Sequential skips the addition)
            self.grad[:, : self.n_weights] += self.reg_rate * self.regularizer.gradient(self.theta[:, : self.n_weights])

    def _step(self, X: Array, T: Array) -> None:
        """One optimizer step of every member on its own batch: gradients, then the update (eq. 3.11)."""
        linear, outputs = self._forward(X)
        self._backward(linear, outputs, T)
        self.optimizer.step(self.theta, self.grad, self.learning_rate, self.learning_rate64)

    # ----- the training loop, as engine/training.py's, for S networks --------------------------
    def train_epochs(
        self,
        epochs: int = 1,
        callback: Callable[[int, int, dict], bool | None] | None = None,
        stop_when: Callable[[int, dict], bool] | None = None,
        stop_at_loss: float | None = None,
    ) -> list[History]:
        """Train every member ``epochs`` epochs (finishing first an epoch paused midway); one History each.

        As in ``fit``: ``callback(s, epoch, logs)`` after member s's epoch (False stops it), ``stop_when(s, logs)``
        (True: "reached_goal"), ``stop_at_loss``; a member whose loss is no longer finite gets its last good
        weights back and "diverged". A member that stops is written back at once and trains no more here (its
        row is still computed, unused, until the host regroups; in later calls its History is empty).
        """
        return self._run(epochs, None, callback, stop_when, stop_at_loss)

    def train_batches(
        self,
        steps: int,
        callback: Callable[[int, int, dict], bool | None] | None = None,
        stop_when: Callable[[int, dict], bool] | None = None,
        stop_at_loss: float | None = None,
    ) -> list[History]:
        """Train every member ``steps`` mini-batch steps (a full-batch step is an epoch), ending epochs on the way
        as :meth:`train_epochs` does; it may stop in the middle of an epoch, with status "paused" as ``fit`` paused
        by ``pause_when`` (the epoch goes on at the next call, or in the models after :meth:`write_back`)."""
        return self._run(None, steps, callback, stop_when, stop_at_loss)

    def _run(self, epochs, steps, callback, stop_when, stop_at_loss) -> list[History]:
        for value in (epochs, steps):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0):
                raise ValueError(f"epochs and steps must be whole numbers >= 0, got {value!r}")
        if stop_at_loss is not None and not math.isfinite(stop_at_loss):
            raise ValueError("stop_at_loss must be a finite number")
        histories = [History() for _ in range(self.S)]
        epochs_run = steps_run = 0
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # divergence is detected per member
            while not all(self.done) and (epochs is None or epochs_run < epochs) and (steps is None or
                                                                                      steps_run < steps):
                steps_run += 1
                if self.full_batch:
                    self._full_batch_step()
                else:
                    if self.order is None:
                        self.order = np.stack([rng.permutation(self.n) if self.shuffle else np.arange(self.n)
                                               for rng in self.shuffle_rngs])
                        self.next_row = 0
                        self._sorted = self._in_order()
                    rows = slice(self.next_row, self.next_row + self.batch)
                    X, T = self._sorted
                    self._step(X[:, rows], T[:, rows])
                    self.next_row += self.batch
                    if self.next_row < self.n:
                        continue
                    self.order, self._sorted = None, None
                epochs_run += 1
                self._end_epoch(histories, callback, stop_when, stop_at_loss)
        for s, history in enumerate(histories):
            if history.status != COMPLETED:
                continue
            if self.order is not None and not self.done[s]:  # as fit paused by pause_when
                history.status, history.message = PAUSED, f"paused in the middle of epoch {self.epochs[s] + 1}"
            else:
                history.message = f"trained {len(history.epochs)} epochs"
        return histories

    def _in_order(self) -> tuple[Array, Array]:
        """Every member's inputs and targets in its epoch's sample order (X[rows] of fit, for all rows at once)."""
        order = self.order[:, :, None]
        return np.take_along_axis(self.X, order, axis=1), np.take_along_axis(self.T, order, axis=1)

    def _full_batch_step(self) -> None:
        if self._full_forward is None:
            self._full_forward = self._forward(self.X)
        self._backward(*self._full_forward, self.T)  # reuses the forward pass done at the end of the last epoch
        self.optimizer.step(self.theta, self.grad, self.learning_rate, self.learning_rate64)
        self._full_forward = None

    def _end_epoch(self, histories, callback, stop_when, stop_at_loss) -> None:
        """The end of an epoch for every member still training: loss, accuracy, validation, divergence, stops."""
        if self.full_batch:  # this forward pass is also the next step's
            linear, outputs = self._full_forward = self._forward(self.X)
            per_sample = self._per_sample_loss(linear[-1], outputs[-1], self.T)
            loss = per_sample.mean(axis=1).astype(np.float64) + self._penalties()
            train_outputs = outputs[-1]
        else:
            loss, train_outputs = self._loss_and_outputs(self.W, self.W_T, self.b, self.X, self.T)
        loss = np.where(np.isnan(loss), np.inf, loss).tolist()  # never NaN, as _no_nan in engine/network.py
        finite = np.isfinite(self.theta).all(axis=1).tolist()
        accuracy = self._accuracies(train_outputs, self.labels, self._stacked_labels)
        validation = self._validation()
        for s, history in enumerate(histories):
            if self.done[s]:
                continue
            model_loss = loss[s]
            if not (math.isfinite(model_loss) and finite[s]):
                self.theta[s] = self.last_good[s]
                history.status = DIVERGED
                history.message = (f"training diverged at epoch {self.epochs[s] + 1}: the loss is no longer a finite "
                                   "number; the weights of the last good epoch were restored (try a smaller "
                                   "learning rate)")
                self._stop(s)
                self.models[s].optimizer.reset()
                continue
            self.last_good[s] = self.theta[s]
            self.epochs[s] += 1
            epoch = self.epochs[s]
            logs = {"epoch": epoch, "loss": model_loss}
            history.epochs.append(epoch)
            history.loss.append(model_loss)
            if accuracy[s] is not None:
                logs["accuracy"] = accuracy[s]
                history.accuracy.append(accuracy[s])
            if s in validation:
                val_loss, val_accuracy = validation[s]
                logs["val_loss"] = val_loss if math.isfinite(val_loss) else FLOAT64_MAX
                history.val_loss.append(logs["val_loss"])
                if val_accuracy is not None:
                    logs["val_accuracy"] = val_accuracy
                    history.val_accuracy.append(val_accuracy)
            asked_to_stop = callback is not None and callback(s, epoch, logs) is False
            if stop_when is not None and stop_when(s, logs):
                history.status, history.message = REACHED_GOAL, f"the goal was reached at epoch {epoch}"
            elif asked_to_stop:
                history.status, history.message = STOPPED, f"stopped by the caller after epoch {epoch}"
            elif stop_at_loss is not None and model_loss <= stop_at_loss:
                history.status = REACHED_LOSS
                history.message = f"the loss {model_loss:.4g} reached the target {stop_at_loss:g} at epoch {epoch}"
            else:
                continue
            self._stop(s)

    def _stop(self, s: int) -> None:
        """Member s stops training here, at the end of an epoch: its model gets its state now."""
        self._write_back(s)
        self.done[s] = True

    def _per_sample_loss(self, a: Array, y: Array, T: Array) -> Array:
        """l(n) for every member and row, shape (S, rows): the loss functions take rows of one network."""
        S, rows, units = a.shape
        flat = self.loss.value(a.reshape(-1, units), y.reshape(-1, units), T.reshape(-1, units), self.output)
        return flat.reshape(S, rows)

    def _penalties(self, members: Array | None = None) -> Array:
        """reg_rate R(W) of each member (0 without regularization), as Sequential._penalty computes it."""
        members = range(self.S) if members is None else members
        penalties = np.zeros(len(members))
        if self.regularizer is not None:
            for i, s in enumerate(members):
                reg_rate = self.models[s].reg_rate  # the Python float, as Sequential._penalty multiplies by it
                if reg_rate:
                    penalties[i] = reg_rate * self.regularizer.penalty(self.theta[s, : self.n_weights])
        return penalties

    def _loss_and_outputs(self, W, W_T, b, X: Array, T: Array, members: Array | None = None) -> tuple[Array, Array]:
        """J of each member on its (X, T) and its outputs, a chunk of rows at a time (Sequential._loss_and_outputs)."""
        n = X.shape[1]
        total, outputs = np.zeros(X.shape[0]), []
        last = len(W_T) - 1
        for start in range(0, n, EVAL_CHUNK_ROWS):
            h = X[:, start:start + EVAL_CHUNK_ROWS]
            for k in range(last):
                a = h @ W_T[k]
                a += b[k]
                h = apply_in_place(self.activations[k], a)
            a = h @ W_T[last]
            a += b[last]
            h = self.output.fn(a)
            total += self._per_sample_loss(a, h, T[:, start:start + EVAL_CHUNK_ROWS]).sum(axis=1)
            outputs.append(h)
        output = outputs[0] if len(outputs) == 1 else np.concatenate(outputs, axis=1)
        return total / n + self._penalties(members), output

    def _validation(self) -> dict[int, tuple[float, float | None]]:
        """{member: (val_loss, val_accuracy or None)} for the members that have validation data."""
        result = {}
        for members, X, T, labels in self._validation_groups:
            alive = [i for i, s in enumerate(members) if not self.done[s]]
            if not alive:
                continue
            if len(alive) < len(members):
                members, X, T = members[alive], X[alive], T[alive]
                labels = [labels[i] for i in alive]
            if len(members) == self.S:
                W, W_T, b = self.W, self.W_T, self.b
            else:
                W, b = [w[members] for w in self.W], [b[members] for b in self.b]
                W_T = [w.transpose(0, 2, 1) for w in W]
            loss, outputs = self._loss_and_outputs(W, W_T, b, X, T, members)
            loss = np.where(np.isnan(loss), np.inf, loss).tolist()
            stacked = None if any(lab is None for lab in labels) else np.stack(labels)
            accuracy = self._accuracies(outputs, labels, stacked)
            for i, s in enumerate(members.tolist()):
                result[s] = (loss[i], accuracy[i])
        return result

    def _accuracies(self, outputs: Array, labels: list, stacked: Array | None) -> list[float | None]:
        """Each member's fraction of correct class decisions (None without class labels), as fit computes it."""
        if stacked is not None:
            return _accuracy(outputs, stacked, self.output).tolist()
        return [None if lab is None else float(_accuracy(outputs[i:i + 1], lab[None], self.output)[0])
                for i, lab in enumerate(labels)]


def _sum_rows(delta: Array, out: Array) -> None:
    """out[s] = delta[s].sum over the rows, adding row after row as np.add.reduce(delta[s], axis=0) does.

    With one unit, one member's reduction runs along its contiguous rows (NumPy's pairwise sum), which
    np.add.reduce over axis 1 repeats per member. With several, one member's is row after row; over axis 1 of
    (S, B, units) NumPy would loop over S * B short rows, so the rows go first: (B, S * units), B long adds.
    """
    if delta.shape[2] == 1:
        np.add.reduce(delta, axis=1, out=out)
    else:
        rows_first = delta.transpose(1, 0, 2).copy()
        np.add.reduce(rows_first, axis=0, out=out)


def _accuracy(outputs: Array, labels: Array, output) -> Array:
    """np.mean(predicted == labels) of each member: (S, rows, units) outputs, (S, rows) labels."""
    if outputs.shape[2] == 1:
        predicted = (outputs[:, :, 0] >= output.threshold).astype(np.int64)
    else:
        predicted = outputs.argmax(axis=2)
    return np.mean(predicted == labels, axis=1)


def _group_by_size(validation) -> list[tuple[Array, Array, Array, list]]:
    """The members with validation data, grouped by its size: (members, X (G, m, in), T (G, m, out), labels)."""
    if validation is None:
        return []
    sizes: dict[int, list[int]] = {}
    for s, pair in enumerate(validation):
        if pair is not None:
            sizes.setdefault(pair[0].shape[0], []).append(s)
    return [(np.array(members), np.stack([validation[s][0] for s in members]),
             np.stack([validation[s][1] for s in members]), [validation[s][2] for s in members])
            for members in sizes.values()]
