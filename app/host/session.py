"""A training session: one learner's data, network and training state, built from a SessionConfig.

`Session` is the only thing that changes a session: playing, pausing, stepping, resetting, config and
weight changes, loading a model and training are its methods, each of which takes the session's lock and
bumps its version (what a viewer's next frame depends on). So REST handlers, the host's trainer and the
stream can share a session safely, and its weights stay behind it and the engine. Training runs in short
time-boxed slices, so a pause, a reset or a config change waits at most one slice.
"""

import threading
import time
from contextlib import nullcontext

import numpy as np
from pydantic import ValidationError

from app.core import config_limits, data
from app.core.config import Settings
from app.core.controls import LIVE_FIELDS  # change nothing but the optimizer or the batches: no reset
from app.core.errors import SessionError, readable
from app.host import fair_share, goals
from app.host.fair_share import FairShare, Work
from app.schemas.session import MAX_SEED, SessionConfig
from app.schemas.status import SessionStatus, TrainStatus
from app.store.history import HISTORY_KEYS
from engine import Dense, Sequential, checkpoint, features, losses, serialization
from engine.grid import NeuronGrid
from engine.stacked_groups import GroupKey, group_key
from engine.training import COMPLETED, DIVERGED, PAUSED, REACHED_GOAL, STOPPED

HISTORY_LIMIT = 20_000
STEP_SLICE_SECONDS = 0.02  # a step's epoch trains in slices this long
GRID_CACHE_SIZE = 4  # a stream uses two resolutions; more would only be old views
# How the engine's fit ended -> how a training call ended (the time box is fit's callback saying stop): the
# one place where the engine's words become TrainStatus (the sweep uses it too).
TRAIN_STATUS = {COMPLETED: TrainStatus.completed, REACHED_GOAL: TrainStatus.goal_reached,
                STOPPED: TrainStatus.time_limit, PAUSED: TrainStatus.time_limit, DIVERGED: TrainStatus.diverged}


class Session:
    """One playground: config -> dataset (train/test split) -> features -> Sequential model."""

    def __init__(self, session_id: str, principal: str, config: SessionConfig, settings: Settings,
                 share: FairShare | None = None):
        self.id = session_id
        self.principal = principal  # on whose behalf its work runs: its turns and caps are this one's
        self.settings = settings
        self.share = share or FairShare()  # the CPU of the host it lives in (its background jobs take turns of it)
        self.experiment = None  # the current or last background experiment (app/host/experiment.py)
        self._metrics: tuple[int, dict] | None = None  # (version, metrics) last measured
        self.lock = threading.RLock()
        self.version = 0  # bumped on every change a viewer should see
        self._playing = False  # the learner pressed play (a diverged session still does not train)
        self._diverged = False  # training stopped on a non-finite loss; the message says so
        self.closed = False  # set when deleted or evicted
        self.restored_epoch: int | None = None  # the epoch it came back at from the store, if it did
        self.message = ""
        self._grids: dict[int, NeuronGrid] = {}
        self._stack_key: tuple | None = None  # ((config, model, X_train), key): the key as of those objects
        self.config = self._checked(config)
        self._build_data()
        self._build_model()

    # ----- building ----------------------------------------------------------------------------
    def _checked(self, config: SessionConfig) -> SessionConfig:
        return config_limits.checked(config, self.settings)

    def _build_data(self) -> None:
        dataset, train, test = data.build(self.config.data, self.settings)
        self.data_version = getattr(self, "data_version", 0) + 1  # viewers refetch the points when it changes
        self.dataset, self.train_set, self.test_set = dataset, train, test
        self._choose_features()
        self._grids.clear()

    def _choose_features(self) -> None:
        # 1-D data cannot feed x2-based features: keep those that apply (x1 if none do).
        dims = self.dataset.dims
        usable = [name for name in self.config.features if features.get(name).required_columns <= dims]
        self.feature_names = usable or ["x1"]

    def _output_layer(self) -> tuple[int, str, str]:
        """(units, activation, loss) of the output layer for this task and config.

        Two classes use one output unless the output is softmax or the loss is cross-entropy, which
        need one output per class (a one-hot target, eq. 3.9, as in the chapter's Fig. 3-13 network).
        """
        cfg, data = self.config, self.dataset
        if data.task == "regression":
            output = "linear" if cfg.output == "auto" else cfg.output
        else:
            output = ("sigmoid" if data.n_classes == 2 else "softmax") if cfg.output == "auto" else cfg.output
        if cfg.loss != "auto":
            loss = cfg.loss
        else:
            loss = next((l.name for l in losses.LOSSES.values() if l.canonical_output == output), "squared_error")
        if data.task == "regression":
            units = 1
        elif data.n_classes == 2 and output != "softmax" and loss != "cross_entropy":
            units = 1
        else:
            units = data.n_classes
        return units, output, loss

    def _build_model(self) -> None:
        cfg = self.config
        self._choose_features()
        self.feature_map = features.FeatureMap(self.feature_names)
        hidden_acts = [cfg.activation] * len(cfg.hidden_layers) if isinstance(cfg.activation, str) else cfg.activation
        units, output, loss = self._output_layer()
        layers = [Dense(n, act) for n, act in zip(cfg.hidden_layers, hidden_acts, strict=True)] + [Dense(units, output)]
        layers[0].input_dim = self.feature_map.n_features
        try:
            self.model = Sequential(layers, seed=cfg.seed, dtype=cfg.dtype, initializer=cfg.initializer)
        except ValueError as exc:
            raise SessionError("config.engine", reason=str(exc)) from None
        self.loss_name = loss
        self._compile()
        self._prepare_arrays()
        self._reset_history()

    def _compile(self) -> None:
        cfg = self.config
        state = self.model.optimizer
        try:
            self.model.compile(loss=self.loss_name, optimizer=cfg.optimizer, learning_rate=cfg.learning_rate,
                               regularization=None if cfg.regularization == "none" else cfg.regularization,
                               reg_rate=cfg.reg_rate)
        except ValueError as exc:
            raise SessionError("config.engine", reason=str(exc)) from None
        if state is not None and state.name == cfg.optimizer:
            state.learning_rate = cfg.learning_rate
            self.model.optimizer = state  # same optimizer: keep its momentum / moments

    def _prepare_arrays(self) -> None:
        self.X_train = self.feature_map.transform(self.train_set.X, dtype=self.model.dtype)
        self.X_test = self.feature_map.transform(self.test_set.X, dtype=self.model.dtype)
        self.y_train, self.y_test = self._targets(self.train_set), self._targets(self.test_set)
        self.model.epoch_in_progress = None  # other data: an epoch paused midway cannot go on
        self._grids.clear()

    def _targets(self, data) -> np.ndarray:
        return data.y if data.task == "classification" else data.y.astype(self.model.dtype)

    def _reset_history(self) -> None:
        self.history: dict[str, list] = {key: [] for key in HISTORY_KEYS}
        self._diverged, self.message = False, ""
        self.version += 1

    # ----- state --------------------------------------------------------------------------------
    @property
    def status(self) -> SessionStatus:
        """Where the session stands: diverged (until a reset or a live change), else playing or idle."""
        if self._diverged:
            return SessionStatus.diverged
        return SessionStatus.playing if self._playing else SessionStatus.idle

    # ----- public operations (each takes the lock and bumps the version) ------------------------
    def play(self) -> None:
        """Start training continuously: the host's trainer gives a playing session slices while it is watched."""
        with self.lock:
            self._playing = True
            self.version += 1
            self._carry_metrics(status=self.status)

    def pause(self) -> None:
        """Stop continuous training (after the slice under way, if any)."""
        with self.lock:
            self._playing = False
            self.version += 1
            self._carry_metrics(status=self.status)

    def _carry_metrics(self, **changed) -> None:
        """The weights did not change with the version just bumped: the metrics measured for the one before
        still stand (with ``changed`` fields), if nothing else changed since."""
        if self._metrics is not None and self._metrics[0] == self.version - 1:
            self._metrics = (self.version, {**self._metrics[1], **changed})

    def step(self) -> dict:
        """Pause and train exactly one epoch, as :meth:`train_for` says how it ended. It trains in short slices
        (an epoch may be long), letting others' work and calls on this session in between."""
        self.pause()
        while True:
            result = self.train_for(1, seconds=STEP_SLICE_SECONDS, within_epoch=True, gives_way=False)
            if result["epochs_run"] or result["status"] != TrainStatus.time_limit:
                return result
            fair_share.checkpoint()  # not holding the lock; stops the step if its session is deleted

    def holds_lock(self) -> bool:
        """Whether the calling thread holds this session's lock."""
        return self.lock._is_owned()  # the lock's own record (threading.Condition asks it the same way)

    @property
    def job_running(self) -> bool:
        """Whether a background experiment of this session is running."""
        return self.experiment is not None and self.experiment.running

    def close(self) -> None:
        """The session was deleted or evicted: it stops playing for good, and its work stops at its next
        checkpoint (app/host/fair_share.py). Takes no lock: its host's message loop calls it, and must never
        wait for work that holds the lock while it waits for a turn."""
        self.closed = True
        self._playing = False
        self.version += 1

    def update(self, changes: dict) -> None:
        """Apply a partial config. Learning rate, regularization, batch size and optimizer change live;
        data changes regenerate the data (keeping the weights when the input shape allows); any other
        change, dtype included, rebuilds the network from its seed (a float64 run is the same run from the
        start, in more precise numbers)."""
        with self.lock:
            merged = self.config.model_dump()
            for key, value in changes.items():
                if key == "data" and isinstance(value, dict):
                    if value.get("name", merged["data"]["name"]) != merged["data"]["name"] and "params" not in value:
                        value = {**value, "params": {}}  # another dataset: its own parameters' defaults
                    merged["data"] = {**merged["data"], **value}
                else:
                    merged[key] = value
            try:
                new = self._checked(SessionConfig.model_validate(merged))
            except ValidationError as exc:
                raise SessionError("config.invalid", problems=readable(exc)) from None
            saved = dict(vars(self))  # every attribute a rebuild may replace
            old, self.config = self.config, new
            try:
                changed = {k for k in SessionConfig.model_fields if getattr(new, k) != getattr(old, k)}
                if changed - LIVE_FIELDS - {"data"}:
                    if "data" in changed:
                        self._build_data()
                    self._build_model()
                elif "data" in changed:
                    self._replace_data()
                if changed & LIVE_FIELDS:
                    self._compile()
                    if self._diverged:  # the last good weights are in place: try again
                        self._diverged, self.message = False, ""
            except SessionError:
                vars(self).update(saved)  # nothing lost: the session stays exactly as it was
                raise
            self.version += 1

    def set_live(self, changes: dict) -> None:
        """Change learning rate, regularization, batch size or optimizer only (while streaming): nothing is
        rebuilt, training goes on from the current weights."""
        unknown = set(changes) - LIVE_FIELDS
        if unknown:
            raise SessionError("stream.live_fields", live=", ".join(sorted(LIVE_FIELDS)),
                               other=", ".join(sorted(unknown)))
        self.update(changes)

    def _replace_data(self) -> None:
        previous = (self.dataset.task, self.dataset.n_classes, self.feature_names)
        self._build_data()
        if (self.dataset.task, self.dataset.n_classes, self.feature_names) == previous:
            self._prepare_arrays()  # same network fits the new data: keep training from here
        else:
            self._build_model()

    def reset(self) -> None:
        """Pause; initial weights again from the seed, epoch 0, history cleared (reproduces the run exactly)."""
        with self.lock:
            self._playing = False
            self.model.initialize(self.config.seed)
            self._reset_history()

    def regenerate(self, seed: int | None = None) -> None:
        """New data from ``seed`` (default: the next seed, 0 after the largest), keeping the network."""
        with self.lock:
            next_seed = (self.config.data.seed + 1) % (MAX_SEED + 1) if seed is None else seed
            self.update({"data": {"seed": next_seed}})

    def set_weights(self, layers: list[dict]) -> None:
        """Set W and b of every layer by hand (e.g. the chapter's Fig. 3-13 values): ``layers`` as
        [{"W": ..., "b": ...}, ...], first hidden layer first."""
        with self.lock:
            flat = []
            for layer in layers:
                flat += [layer["W"], layer["b"]]
            try:
                self.model.set_weights(flat)
            except ValueError as exc:
                raise SessionError("weights.invalid", reason=str(exc)) from None
            self.model.epoch_in_progress = None  # hand-set weights start their epochs afresh
            self.version += 1

    def set_weight(self, layer: int, row: int, col: int | None, value: float) -> None:
        """Change one weight W(layer)[row, col] (or the bias b(layer)[row] when ``col`` is None), keeping every
        other value exactly."""
        with self.lock:
            layers = self.model.layers
            if not 1 <= layer <= len(layers):
                raise SessionError("weights.layer", last=len(layers))
            target = layers[layer - 1]
            if not 0 <= row < target.units:
                raise SessionError("weights.row", layer=layer, last=target.units - 1)
            if col is not None and not 0 <= col < target.input_dim:
                raise SessionError("weights.col", layer=layer, last=target.input_dim - 1)
            try:
                self.model.set_weight(layer, row, col, value)
            except ValueError as exc:
                raise SessionError("weights.invalid", reason=str(exc)) from None
            self.model.epoch_in_progress = None  # hand-set weights start their epochs afresh
            self.version += 1

    def load_model(self, model_document: dict) -> None:
        """Put an exported model's weights (and epoch count) into this session, built from the same config."""
        with self.lock:
            # Compare the architecture before building anything: a forged document could ask for huge layers.
            ours = [{"units": layer.units, "activation": layer.activation.name} for layer in self.model.layers]
            theirs = model_document.get("layers")
            if theirs != ours or model_document.get("input_dim") != self.model.input_dim:
                raise SessionError("document.layers")
            try:
                model = serialization.model_from_dict(model_document)
            except ValueError as exc:
                raise SessionError("document.model", reason=str(exc)) from None
            self.model.set_weights(model.get_weights())
            self.model.epoch = model.epoch
            self.model.epoch_in_progress = None
            self.version += 1

    def restore(self, model_state: bytes, history: dict[str, list], diverged: bool) -> None:
        """Take a checkpoint's training state and history (app/host/stored_session.py), paused."""
        with self.lock:
            checkpoint.restore(self.model, model_state)
            self.history = history
            self._playing, self._diverged = False, diverged
            self.message = "training diverged before the restart: reset, or lower the learning rate" if diverged else ""
            self.restored_epoch = self.model.epoch
            self.version += 1

    def stack_key(self) -> GroupKey:
        """The sessions this one can train with in one stacked step are those with an equal key
        (engine/stacked_groups.py); computed again only when the config, network or data were replaced."""
        cached, sources = self._stack_key, (self.config, self.model, self.X_train)
        if cached is None or any(a is not b for a, b in zip(cached[0], sources, strict=True)):
            cached = self._stack_key = (sources, group_key(self.model, self.config.batch_size, len(self.X_train)))
        return cached[1]

    def stacked_part(self) -> tuple:
        """What a stacked step needs of this session (the caller holds its lock): its model, its training data
        and its test data (or None), as :meth:`train_for` trains it."""
        return self.model, (self.X_train, self.y_train), (self.X_test, self.y_test) if self.test_set.n_points else None

    def took_stacked(self, history) -> None:
        """A stacked slice (app/host/stacking.py, holding the lock) wrote this session's model back: record it as
        :meth:`train_for` records its own fit."""
        self._took(history)

    def play_slice(self, seconds: float, to_epoch_end: bool = False) -> bool:
        """One slice of continuous training if the session is playing: about ``seconds`` (at least one
        mini-batch step; a slice may end in the middle of an epoch, which the next one continues), or if
        ``to_epoch_end``, at most to the end of the epoch under way.

        Returns False at once, training nothing, when another call holds the session (the trainer then
        serves the next one). A slice that fails pauses the session before the error goes on.
        """
        if not self.lock.acquire(blocking=False):
            return False
        try:
            if self.status == SessionStatus.playing:
                try:
                    self.train_for(1 if to_epoch_end else 1_000_000, seconds, within_epoch=True, gives_way=False)
                except Exception:
                    self.pause()
                    raise
        finally:
            self.lock.release()
        return True

    def train_for(self, epochs: int, seconds: float | None = None, until: dict | None = None,
                  within_epoch: bool = False, gives_way: bool = True) -> dict:
        """Train up to ``epochs`` epochs or ``seconds``, or until every rule of ``until`` (a StopRule's rules)
        holds at the end of an epoch. Returns what happened in this call: epochs_run, status (a TrainStatus),
        message, and history, the epochs it ran (keyed like the session's history).

        ``within_epoch``: the time may run out between two mini-batches (slices must be short whatever an epoch
        costs); otherwise it is checked after each epoch. ``gives_way``: between mini-batches, other principals'
        work may go first (app/host/fair_share.py); the trainer's slices, which must never wait in the middle
        of a turn, do not."""
        with self.lock:
            goal = goals.stop_rule(until, self) if until else None
            if self._diverged:
                return {"epochs_run": 0, "status": TrainStatus.diverged, "message": self.message,
                        "history": {key: [] for key in HISTORY_KEYS}}
            deadline = None if seconds is None else time.monotonic() + seconds

            def out_of_time(epoch: int, logs: dict) -> bool:
                return deadline is None or time.monotonic() < deadline

            validation = (self.X_test, self.y_test) if self.test_set.n_points else None
            pause = (lambda: not out_of_time(0, {})) if within_epoch and deadline is not None else None
            history = self.model.fit(self.X_train, self.y_train, epochs=epochs, batch_size=self.config.batch_size,
                                     validation_data=validation, callback=out_of_time, stop_when=goal,
                                     between_steps=fair_share.yield_point if gives_way else None, pause_when=pause)
            ran = self._took(history)
            status, message = TRAIN_STATUS[history.status], history.message
            if status == TrainStatus.time_limit:
                message = f"stopped at the time limit after {len(history.epochs)} epochs"
            elif status == TrainStatus.goal_reached:
                message = goals.reached_message(until, self)
            return {"epochs_run": len(history.epochs), "status": status, "message": message, "history": ran}

    def _took(self, history) -> dict[str, list]:
        """After a fit (alone or stacked, holding the lock): its epochs into the history, the version bumped, and
        the metrics the epoch's end measured kept; the epochs it ran, keyed like the history."""
        ran = self._record(history)
        self.version += 1
        if history.epochs and history.status != DIVERGED:
            # The epoch's end measured them on these very weights: no pass over the data again.
            last = {key: values[-1] for key, values in ran.items()}
            self._metrics = (self.version, {
                "epoch": self.model.epoch, "status": self.status, "message": self.message,
                "train_loss": _finite(last["train_loss"]), "test_loss": _finite(last["test_loss"]),
                "train_accuracy": last["train_accuracy"], "test_accuracy": last["test_accuracy"],
                "n_params": self.model.n_params})
        elif history.status == PAUSED:
            # Paused in the middle of an epoch: the metrics of the last epoch's end still stand (measuring
            # them again for every frame of a slowly training session would cost a pass over all its data).
            self._carry_metrics()
        return ran

    def _record(self, history) -> dict[str, list]:
        """Add one fit's epochs to the session's history; those epochs, keyed like it."""
        n = len(history.epochs)
        ran = {"epoch": list(history.epochs), "train_loss": list(history.loss),
               "test_loss": list(history.val_loss) or [None] * n,
               "train_accuracy": list(history.accuracy) or [None] * n,
               "test_accuracy": list(history.val_accuracy) or [None] * n}
        h = self.history
        for key in HISTORY_KEYS:
            h[key] += ran[key]
        if len(h["epoch"]) > HISTORY_LIMIT:
            for key in h:
                del h[key][: len(h[key]) - HISTORY_LIMIT]
        if history.status == DIVERGED:
            self._diverged, self.message, self._playing = True, history.message, False
        return ran

    def metrics(self) -> dict:
        """Epoch, status, train/test loss and accuracy now. Computed once per version (a pass over all the
        data: heavy for a big session), in a turn of the host's CPU unless the caller already has one or holds
        the lock (a turn is never waited for while holding the lock, which that turn's holder may need)."""
        cached = self._metrics
        if cached is not None and cached[0] == self.version:
            return dict(cached[1])
        needs_turn = not fair_share.holding() and not self.holds_lock()
        with self.share.turn(Work(self.principal, None, lambda: self.closed)) if needs_turn else nullcontext():
            with self.lock, np.errstate(all="ignore"):
                train = self.model.evaluate(self.X_train, self.y_train)
                test = self.model.evaluate(self.X_test, self.y_test) if self.test_set.n_points else {}
                measured = {
                    "epoch": self.model.epoch,
                    "status": self.status,
                    "message": self.message,
                    "train_loss": _finite(train["loss"]),
                    "test_loss": _finite(test.get("loss")),
                    "train_accuracy": train.get("accuracy"),
                    "test_accuracy": test.get("accuracy"),
                    "n_params": self.model.n_params,
                }
                self._metrics = (self.version, measured)
                return dict(measured)

    def describe(self) -> dict:
        """Id, config, task and current metrics (the body of a session response)."""
        metrics = self.metrics()  # first: it may wait for a turn, which is never waited for holding the lock
        with self.lock:
            # The user's own points can be large: they are in the export, not in every answer.
            config = self.config.model_dump(exclude={"data": {"points", "csv"}})
            return {"id": self.id, "config": config, "task": self.dataset.task,
                    "n_classes": self.dataset.n_classes, "features": self.feature_names, "metrics": metrics,
                    "restored_epoch": self.restored_epoch}

    def data(self) -> dict:
        """The training and test points, for plotting."""
        with self.lock:
            return {"task": self.dataset.task, "n_classes": self.dataset.n_classes,
                    "domain": [list(bounds) for bounds in self.dataset.domain],
                    "train": {"X": self.train_set.X.tolist(), "y": self.train_set.y.tolist()},
                    "test": {"X": self.test_set.X.tolist(), "y": self.test_set.y.tolist()}}

    def grid(self, resolution: int) -> NeuronGrid:
        """The (cached) grid over the data's domain at this resolution."""
        with self.lock:
            grid = self._grids.pop(resolution, None)
            if grid is None:
                grid = NeuronGrid(self.dataset.domain, resolution, transform=self.feature_map.transform,
                                  dtype=self.model.dtype.name)
            self._grids[resolution] = grid  # most recently used last
            while len(self._grids) > GRID_CACHE_SIZE:
                del self._grids[next(iter(self._grids))]
            return grid


def _finite(value: float | None) -> float | None:
    """None for a missing or non-finite number (hand-set huge weights can overflow the loss)."""
    return value if value is not None and np.isfinite(value) else None
