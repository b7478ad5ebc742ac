"""Session is the only thing that changes a session: its methods bump the version, play/pause/step/reset
move one status, a training call's history is the epochs it ran, and statuses are enum members."""

import threading

import pytest

from app.core.errors import SessionError
from app.host import inspection, ops, sweep
from app.host.session import HISTORY_KEYS, TRAIN_STATUS, Session
from app.schemas.session import SessionConfig
from app.schemas.status import SessionStatus, TrainStatus
from engine import serialization
from engine.training import COMPLETED, DIVERGED, PAUSED, REACHED_GOAL, STOPPED

SMALL = {"data": {"name": "xor", "n_points": 40, "noise": 0.0}, "hidden_layers": [3], "batch_size": 40}
DIVERGING = {"data": {"name": "plane", "n_points": 200, "noise": 0.2}, "hidden_layers": [8, 8],
             "activation": "relu", "learning_rate": 50, "batch_size": 5}


@pytest.fixture
def make(settings):
    """Build a Session in this process (no host) from config keywords."""

    def build(**config) -> Session:
        return Session("s" * 12, "principal", SessionConfig.model_validate({**SMALL, **config}), settings)

    return build


def exported_model(session: Session) -> dict:
    with session.lock:
        return serialization.model_to_dict(session.model)


MUTATIONS = {
    "play": lambda s: s.play(),
    "pause": lambda s: s.pause(),
    "step": lambda s: s.step(),
    "reset": lambda s: s.reset(),
    "close": lambda s: s.close(),
    "update": lambda s: s.update({"hidden_layers": [2]}),
    "set_live": lambda s: s.set_live({"learning_rate": 0.1}),
    "regenerate": lambda s: s.regenerate(),
    "set_weights": lambda s: s.set_weights(inspection.weights(s)["layers"]),
    "set_weight": lambda s: s.set_weight(1, 0, None, 0.5),
    "load_model": lambda s: s.load_model(exported_model(s)),
    "train_for": lambda s: s.train_for(2),
}


@pytest.mark.parametrize("name", MUTATIONS)
def test_every_mutating_method_bumps_the_version(make, name):
    session = make()
    before = session.version
    MUTATIONS[name](session)
    assert session.version > before


def test_play_pause_step_and_reset_move_the_status(make):
    session = make()
    assert session.status is SessionStatus.idle
    session.play()
    assert session.status is SessionStatus.playing and session.metrics()["status"] is SessionStatus.playing
    session.pause()
    assert session.status is SessionStatus.idle
    session.play()
    result = session.step()  # pause + one epoch
    assert session.status is SessionStatus.idle and result["epochs_run"] == 1 and session.model.epoch == 1
    assert result["status"] is TrainStatus.completed and result["history"]["epoch"] == [1]
    session.play()
    session.reset()  # pause, initial weights, epoch 0, no history
    assert session.status is SessionStatus.idle and session.model.epoch == 0 and session.history["epoch"] == []
    session.play()
    session.close()
    assert session.status is SessionStatus.idle and session.closed


def test_the_stream_and_rest_ops_go_through_the_session(make):
    session = make()
    ops.OPS["play"](session)
    assert session.status is SessionStatus.playing
    ops.OPS["stream_step"](session)
    assert session.status is SessionStatus.idle and session.model.epoch == 1
    ops.OPS["play"](session)
    ops.OPS["stream_reset"](session)
    assert session.status is SessionStatus.idle and session.model.epoch == 0
    ops.OPS["play"](session)
    ops.OPS["pause"](session)
    assert session.status is SessionStatus.idle
    answer = ops.OPS["step"](session)
    assert set(answer) == {"status", "message", "epochs_run", "metrics"} and answer["metrics"]["epoch"] == 1


def test_the_op_table_keeps_every_name():
    assert set(ops.OPS) == {
        "describe", "data", "update", "reset", "regenerate", "history", "train", "step", "weights", "set_weights",
        "set_weight", "predict", "backprop", "grid", "export", "load_model", "stream_info", "lesson_check",
        "gradient_check", "sweep", "samples", "experiment_start", "experiment_status", "experiment_cancel",
        "play", "pause", "stream_step", "stream_reset", "set_live", "challenge_check", "picture"}


def test_train_for_returns_the_epochs_it_ran(make):
    session = make()
    first = session.train_for(5)
    assert first["epochs_run"] == 5 and first["history"]["epoch"] == [1, 2, 3, 4, 5]
    assert first["history"] == {key: values for key, values in session.history.items()}
    second = session.train_for(3)
    assert second["history"]["epoch"] == [6, 7, 8]
    assert second["history"]["train_loss"] == session.history["train_loss"][5:]
    assert set(second["history"]) == set(HISTORY_KEYS)


def test_a_train_call_merges_its_slices_histories(make, monkeypatch):
    session = make()
    real, slices = session.train_for, []

    def short_slice(epochs, seconds=None, until=None, **slicing):  # at most 3 epochs, whatever the clock says
        result = real(min(epochs, 3), None, until)
        slices.append(result["epochs_run"])
        return result

    monkeypatch.setattr(session, "train_for", short_slice)
    monkeypatch.setattr("app.host.session.HISTORY_LIMIT", 4)  # the session keeps less than the call ran
    body = ops.train(session, 10)
    assert slices == [3, 3, 3, 1]
    assert body["status"] is TrainStatus.completed and body["epochs_run"] == 10
    assert body["history"]["epoch"] == list(range(1, 11))
    assert body["history"]["train_loss"][-4:] == session.history["train_loss"] and len(session.history["epoch"]) == 4
    assert all(len(values) == 10 for values in body["history"].values())


def test_divergence_is_a_session_status_until_a_reset_or_a_live_change(make):
    session = make(**DIVERGING)
    result = session.train_for(200)
    assert result["status"] is TrainStatus.diverged and len(result["history"]["epoch"]) == result["epochs_run"]
    assert session.status is SessionStatus.diverged and "learning rate" in session.message
    session.play()  # a diverged session does not train
    assert session.status is SessionStatus.diverged
    assert session.play_slice(1.0) and session.train_for(5)["epochs_run"] == 0
    session.set_live({"learning_rate": 0.001})  # the last good weights are in place: try again
    assert session.status is SessionStatus.playing and session.message == ""
    session.train_for(200)
    session.reset()
    assert session.status is SessionStatus.idle


def test_set_live_refuses_other_fields_and_changes_nothing(make):
    session = make()
    before = session.version, session.config
    with pytest.raises(SessionError) as refused:
        session.set_live({"learning_rate": 0.1, "hidden_layers": [5]})
    assert refused.value.code == "stream.live_fields"
    assert (session.version, session.config) == before


def test_bad_weight_edits_change_nothing(make):
    session = make()
    before, version = inspection.weights(session), session.version
    for args, code in (((9, 0, 0), "weights.layer"), ((1, 7, 0), "weights.row"), ((1, 0, 9), "weights.col")):
        with pytest.raises(SessionError) as refused:
            session.set_weight(*args, 1.0)
        assert refused.value.code == code
    with pytest.raises(SessionError) as refused:
        session.set_weights([{"W": [[1.0]], "b": [0.0]}])
    assert refused.value.code == "weights.invalid"
    assert inspection.weights(session) == before and session.version == version


def test_a_slice_of_play_trains_only_a_playing_session_and_never_waits(make):
    session = make()
    assert session.play_slice(1.0) and session.model.epoch == 0  # idle: nothing to do
    session.play()
    held, release = threading.Event(), threading.Event()

    def hold():
        with session.lock:
            held.set()
            release.wait()

    other = threading.Thread(target=hold)
    other.start()
    held.wait()
    try:
        assert session.play_slice(1.0) is False and session.model.epoch == 0  # busy: the next session's turn
    finally:
        release.set()
        other.join()
    assert session.play_slice(0.0) and session.model.epoch >= 1  # at least one epoch a slice


def test_statuses_are_enum_members_with_the_old_strings(make):
    assert {status.value for status in SessionStatus} == {"idle", "playing", "diverged"}
    assert {status.value for status in TrainStatus} == {"completed", "goal_reached", "time_limit", "diverged"}
    assert TRAIN_STATUS == {COMPLETED: TrainStatus.completed, REACHED_GOAL: TrainStatus.goal_reached,
                            STOPPED: TrainStatus.time_limit, PAUSED: TrainStatus.time_limit,
                            DIVERGED: TrainStatus.diverged}
    session = make()
    assert session.metrics()["status"] is SessionStatus.idle and session.metrics()["status"] == "idle"
    widths = sweep.sweep(session, [1, 2], 2)["results"]
    assert all(row["status"] is TrainStatus.completed and row["status"] == "completed" for row in widths)


def test_metrics_are_measured_once_per_change_and_stand_through_a_paused_epoch(make, monkeypatch):
    session = make(data={"name": "xor", "n_points": 200, "noise": 0.0}, batch_size=1)
    passes = []
    real = session.model.evaluate
    monkeypatch.setattr(session.model, "evaluate", lambda X, y: passes.append(len(X)) or real(X, y))
    first = session.metrics()
    assert session.metrics() == first and len(passes) in (1, 2)  # train (and test) set: once
    measured = len(passes)
    steps = iter(range(10 ** 6))
    result = session.train_for(1, seconds=10, within_epoch=False)
    after = session.metrics()  # the epoch's end measured them: no pass of their own
    assert result["epochs_run"] == 1 and after["epoch"] == 1 and len(passes) == measured
    assert after["train_loss"] == result["history"]["train_loss"][-1]
    fresh = session.model.evaluate(session.X_train, session.y_train)
    assert after["train_loss"] == pytest.approx(fresh["loss"], rel=1e-6)
    assert after["train_accuracy"] == pytest.approx(fresh["accuracy"])
    measured = len(passes)
    session.play()
    session.pause()
    assert session.metrics()["epoch"] == 1 and len(passes) == measured  # the weights did not change
    monkeypatch.setattr(session.model, "fit", lambda *a, **k: session.model.__class__.fit(
        session.model, *a, **{**k, "pause_when": lambda: next(steps) >= 3}))
    session.train_for(1, seconds=10, within_epoch=True)  # three steps of an epoch, then paused
    assert session.model.epoch_in_progress is not None
    assert session.metrics()["epoch"] == 1 and len(passes) == measured  # not measured again mid-epoch
    session.set_weight(1, 0, 0, 0.5)  # any other change: measured again
    session.metrics()
    assert len(passes) > measured
