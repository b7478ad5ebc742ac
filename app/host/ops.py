"""The operations a session host carries out on one of its sessions, as one table (Op -> function).

The operations are app/core/host_api.py's SessionOps: each function here takes the Session, then that
method's arguments, and returns plain, picklable data (the host may be another process). Nothing here
knows about HTTP. Nothing here changes
a session either: that is Session's own methods' work (app/host/session.py); these call them, apply the
server's per-call limits and shape the answers.
"""

import time
from collections.abc import Callable

from app.core.errors import SessionError
from app.core.host_api import Op
from app.host import challenge, experiment, fair_share, gradcheck, inspection, snapshot, sweep
from app.host import lesson_checks as checks
from app.host.frames import FrameEncoder
from app.host.session import HISTORY_KEYS, Session
from app.schemas.status import TrainStatus

REST_SLICE_SECONDS = 0.02  # how long a REST training call holds the session at a time (a piece others wait for)
REST_PAUSE_SECONDS = 0.001


def update(session: Session, changes: dict) -> dict:
    """Apply a partial config; the session's new description."""
    session.update(changes)
    return session.describe()


def reset(session: Session) -> dict:
    """Initial weights again; the session's new description."""
    session.reset()
    return session.describe()


def regenerate(session: Session, seed: int | None) -> dict:
    """New data; the session's new description."""
    session.regenerate(seed)
    return session.describe()


def history(session: Session) -> dict:
    """Loss and accuracy per epoch since the last reset."""
    with session.lock:
        return {key: list(values) for key, values in session.history.items()}


def train(session: Session, epochs: int, until: dict | None = None) -> dict:
    """Train up to ``epochs`` within the server's per-call limits, or until every rule of ``until`` holds
    (see Session.train_for); how it ended (a TrainStatus), metrics, this call's history.

    It trains in short slices, taking the session's lock for each, with a checkpoint between them (other
    calls on the same session, its stream's frames and other users go in between); the call's history is its
    slices' histories merged. Its time runs from when the host received it (fair_share.current().deadline).
    """
    limits = session.settings
    if epochs > limits.max_epochs_per_call:
        raise SessionError("limit.epochs_per_call", most=limits.max_epochs_per_call)
    clock, work = session.share.clock, fair_share.current()
    deadline = work.deadline if work is not None and work.deadline is not None else \
        clock() + limits.max_seconds_per_call
    done, result = 0, {"epochs_run": 0, "status": TrainStatus.completed, "message": ""}
    history: dict[str, list] = {key: [] for key in HISTORY_KEYS}
    while done < epochs:
        left = deadline - clock()
        if left <= 0:
            result = {"status": TrainStatus.time_limit, "message": f"stopped at the time limit after {done} epochs"}
            break
        # A slice is short however long an epoch is, and gives way to nobody while it holds the session's lock
        # (light calls on this session would wait for it); between slices, everyone may go first.
        result = session.train_for(epochs - done, seconds=min(REST_SLICE_SECONDS, left), until=until,
                                   within_epoch=True, gives_way=False)
        done += result["epochs_run"]
        for key in HISTORY_KEYS:
            history[key] += result["history"][key]
        if result["status"] not in (TrainStatus.completed, TrainStatus.time_limit):
            break  # the goal was reached, or training diverged
        time.sleep(REST_PAUSE_SECONDS)  # a lock is not fair: let calls waiting for this session's lock in
        try:
            fair_share.checkpoint()
        except fair_share.PastDeadline:
            continue  # the loop's own test reports the time limit
    if result["status"] == TrainStatus.completed or (result["status"] == TrainStatus.time_limit and done == epochs):
        result = {"status": TrainStatus.completed, "message": f"trained {done} epochs"}
    return {"status": result["status"], "message": result["message"], "epochs_run": done,
            "metrics": session.metrics(), "history": history}


def step(session: Session) -> dict:
    """Pause and train exactly one epoch; how it ended and the metrics."""
    result = session.step()
    return {"status": result["status"], "message": result["message"], "epochs_run": result["epochs_run"],
            "metrics": session.metrics()}


def _values_per_point(session: Session) -> int:
    """Numbers an answer holds per input point: the features, then a(k) and h(k) of every neuron."""
    with session.lock:
        return session.feature_map.n_features + 2 * sum(layer.units for layer in session.model.layers)


def predict(session: Session, rows: list) -> dict:
    """Every node's values for raw inputs, within the server's limits."""
    limits = session.settings
    most = min(limits.max_predict_rows, limits.max_grid_values // _values_per_point(session))
    if len(rows) > most:
        raise SessionError("limit.predict_rows", most=most)
    return inspection.predict_nodes(session, rows)


def grid(session: Session, resolution: int) -> dict:
    """Every neuron on a grid, within the server's limits."""
    limits = session.settings
    cells = resolution ** (2 if session.dataset.dims == 2 else 1)
    if resolution > limits.max_grid:
        raise SessionError("limit.grid_resolution", most=limits.max_grid)
    if cells * _values_per_point(session) // 2 > limits.max_grid_values:
        raise SessionError("limit.grid", most=limits.max_grid_values)
    return inspection.grid(session, resolution)


def set_weights(session: Session, layers: list[dict]) -> dict:
    """Set every weight by hand; the weights now."""
    session.set_weights(layers)
    return inspection.weights(session)


def picture(session: Session, output_resolution: int, neuron_resolution: int, most_values: int) -> bytes:
    """One whole stream frame of the session now (a class snapshot keeps it, to show it large later)."""
    view = snapshot.fitted_view(session, output_resolution, neuron_resolution, most_values)
    return FrameEncoder(float("inf")).encode(snapshot.take(session, *view))


def stream_info(session: Session) -> dict:
    """What a new stream's hello message says: the session, its layers and the heatmaps' domain."""
    described = session.describe()  # not under the lock: its metrics may wait for a turn
    with session.lock:
        layers = [[layer.units, layer.input_dim, layer.activation.name] for layer in session.model.layers]
        return {"session": described, "layers": layers, "domain": [list(bounds) for bounds in session.dataset.domain]}


def stream_step(session: Session) -> None:
    """Pause and train one epoch (the stream's step: its frame is the answer)."""
    session.step()


OPS: dict[Op, Callable] = {
    Op.describe: Session.describe,
    Op.data: Session.data,
    Op.update: update,
    Op.reset: reset,
    Op.regenerate: regenerate,
    Op.history: history,
    Op.train: train,
    Op.step: step,
    Op.weights: inspection.weights,
    Op.set_weights: set_weights,
    Op.set_weight: Session.set_weight,
    Op.predict: predict,
    Op.backprop: inspection.backprop,
    Op.grid: grid,
    Op.export: inspection.export,
    Op.load_model: Session.load_model,
    Op.stream_info: stream_info,
    Op.lesson_check: checks.run,
    Op.gradient_check: gradcheck.check,
    Op.sweep: sweep.sweep,
    Op.samples: sweep.samples,
    Op.experiment_start: experiment.start,
    Op.experiment_status: experiment.status,
    Op.experiment_cancel: experiment.cancel,
    Op.play: Session.play,
    Op.pause: Session.pause,
    Op.stream_step: stream_step,
    Op.stream_reset: Session.reset,
    Op.set_live: Session.set_live,
    Op.challenge_check: challenge.check,
    Op.picture: picture,
}
