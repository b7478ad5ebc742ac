"""fit(): batches, stopping rules, divergence, learning-rate changes, chunked training, metrics."""

import numpy as np
import pytest

from engine import Dense, Sequential


def xor_points(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    return X, (X[:, 0] * X[:, 1] >= 0).astype(np.int64)


def small_model(seed=0, dtype="float32", **compile_args):
    model = Sequential([Dense(6, "tanh", input_dim=2), Dense(1, "sigmoid")], seed=seed, dtype=dtype)
    model.compile(**{"loss": "binary_cross_entropy", "optimizer": "adam", "learning_rate": 0.05, **compile_args})
    return model


def test_history_has_one_entry_per_epoch_and_the_loss_falls():
    X, y = xor_points()
    model = small_model()
    history = model.fit(X, y, epochs=60, batch_size=10, validation_data=xor_points(100, seed=1))
    assert history.status == "completed"
    assert history.epochs == list(range(1, 61))
    assert len(history.loss) == len(history.accuracy) == len(history.val_loss) == len(history.val_accuracy) == 60
    assert history.loss[-1] < 0.5 * history.loss[0]
    assert history.loss[-1] == pytest.approx(model.compute_loss(X, y), rel=1e-5)  # J after the last epoch
    assert history.accuracy[-1] > 0.9 and history.val_accuracy[-1] > 0.85


@pytest.mark.parametrize("batch_size", [None, 1, 7, 200, 10_000])
def test_batch_sizes_from_one_sample_to_full_batch(batch_size):
    X, y = xor_points(50)
    model = small_model(optimizer="sgd", learning_rate=0.1)
    before = model.get_weights()[0].copy()
    history = model.fit(X, y, epochs=2, batch_size=batch_size)
    assert len(history.loss) == 2
    assert not np.array_equal(model.get_weights()[0], before)


def test_full_batch_epoch_is_exactly_one_gradient_step():
    X, y = xor_points(40)
    a, b = small_model(dtype="float64", optimizer="sgd"), small_model(dtype="float64", optimizer="sgd")
    a.fit(X, y, epochs=3)
    for _ in range(3):
        b.train_on_batch(X, y)
    np.testing.assert_allclose(a.theta, b.theta, rtol=1e-12)


def test_training_in_chunks_equals_one_long_run():
    X, y = xor_points()
    long, chunked = small_model(), small_model()
    long.fit(X, y, epochs=6, batch_size=16, seed=5)
    chunked.fit(X, y, epochs=2, batch_size=16, seed=5)
    for _ in range(2):
        chunked.fit(X, y, epochs=2, batch_size=16)  # seed=None continues the sample order
    np.testing.assert_array_equal(long.theta, chunked.theta)
    assert chunked.epoch == 6


def test_same_seed_same_run():
    X, y = xor_points()
    runs = [small_model(seed=2).fit(X, y, epochs=5, batch_size=10, seed=9).loss for _ in range(2)]
    assert runs[0] == runs[1]


def test_learning_rate_changes_between_epochs_without_reset():
    X, y = xor_points()
    model = small_model(optimizer="momentum", learning_rate=0.05)
    model.fit(X, y, epochs=3, batch_size=20)
    velocity = model.optimizer._velocity.copy()
    model.set_learning_rate(0.01)
    assert model.optimizer.learning_rate == 0.01
    assert model.epoch == 3
    np.testing.assert_array_equal(model.optimizer._velocity, velocity)  # momentum kept
    history = model.fit(X, y, epochs=1, batch_size=20)
    assert history.epochs == [4]


def test_stop_at_loss_threshold():
    X, y = xor_points()
    model = small_model()
    history = model.fit(X, y, epochs=500, batch_size=10, stop_at_loss=0.3)
    assert history.status == "reached_loss"
    assert history.loss[-1] <= 0.3 and all(loss > 0.3 for loss in history.loss[:-1])
    assert len(history.loss) < 500


def test_callback_sees_every_epoch_and_can_stop():
    X, y = xor_points()
    seen = []

    def callback(epoch, logs):
        seen.append((epoch, logs["loss"], logs["accuracy"]))
        return epoch < 4

    history = small_model().fit(X, y, epochs=10, batch_size=10, callback=callback)
    assert history.status == "stopped" and [e for e, _, _ in seen] == [1, 2, 3, 4]
    assert history.loss == [loss for _, loss, _ in seen]


def test_stop_when_ends_at_the_first_epoch_where_the_goal_holds_and_wins_over_the_callback():
    X, y = xor_points()
    val = xor_points(100, seed=1)
    asked, seen = [], []

    def goal(logs):
        asked.append(logs)
        return logs["accuracy"] >= 0.9 and logs["val_accuracy"] >= 0.85

    history = small_model().fit(X, y, epochs=500, batch_size=10, validation_data=val, stop_when=goal,
                                callback=lambda epoch, logs: seen.append(epoch) or False)
    assert history.status == "stopped" and len(history.epochs) == 1  # the callback alone stops after one epoch
    history = small_model().fit(X, y, epochs=500, batch_size=10, validation_data=val, stop_when=goal,
                                callback=lambda epoch, logs: seen.append(epoch))
    n = len(history.epochs)
    assert history.status == "reached_goal" and str(n) in history.message and 1 < n < 500
    assert history.accuracy[-1] >= 0.9 and history.val_accuracy[-1] >= 0.85
    earlier = zip(history.accuracy[:-1], history.val_accuracy[:-1], strict=True)
    assert not any(a >= 0.9 and v >= 0.85 for a, v in earlier)
    assert seen[-1] == n and [logs["loss"] for logs in asked[-n:]] == history.loss  # same logs, once per epoch
    both = small_model().fit(X, y, epochs=5, batch_size=10, stop_when=lambda logs: True,
                             callback=lambda epoch, logs: False)
    assert both.status == "reached_goal" and both.epochs == [1]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_divergence_stops_with_a_status_and_no_nan_leaves_the_engine(dtype):
    rng = np.random.default_rng(0)
    X = rng.uniform(-5, 5, size=(100, 2))
    y = X @ np.array([3.0, -2.0]) * 100
    model = Sequential([Dense(8, "relu", input_dim=2), Dense(1, "linear")], dtype=dtype)
    model.compile(loss="squared_error", optimizer="sgd", learning_rate=5.0)
    history = model.fit(X, y, epochs=200, batch_size=10)
    assert history.status == "diverged"
    assert "diverged" in history.message and "learning rate" in history.message
    assert all(np.isfinite(history.loss))
    assert all(np.isfinite(w).all() for w in model.get_weights())
    assert np.isfinite(model.predict(X)).all()
    assert model.epoch == len(history.loss)


def test_regression_metrics_and_classification_metrics():
    X, y = xor_points()
    model = small_model()
    model.fit(X, y, epochs=40, batch_size=10)
    report = model.evaluate(X, y)
    matrix = np.array(report["confusion_matrix"])
    assert matrix.sum() == len(y) and matrix.trace() / len(y) == pytest.approx(report["accuracy"])
    assert report["loss"] == pytest.approx(model.compute_loss(X, y))
    reg = Sequential([Dense(1, "linear", input_dim=2)], dtype="float64")
    reg.set_weights([[[2.0, -1.0]], [0.5]])
    reg.compile(loss="squared_error")
    targets = X @ np.array([2.0, -1.0]) + 0.5
    report = reg.evaluate(X, targets)
    assert report["rmse"] == pytest.approx(0, abs=1e-12) and report["r2"] == pytest.approx(1)
    report = reg.evaluate(X, targets + 1)
    assert report["rmse"] == pytest.approx(1) and report["r2"] < 1


@pytest.mark.parametrize("kwargs, message", [
    ({"epochs": -1}, "epochs must be a whole number"),
    ({"epochs": 2.5}, "epochs must be a whole number"),
    ({"batch_size": 0}, "batch_size must be a whole number"),
    ({"stop_at_loss": float("nan")}, "stop_at_loss must be a finite number"),
])
def test_bad_fit_arguments_are_refused_clearly(kwargs, message):
    X, y = xor_points(20)
    with pytest.raises(ValueError, match=message):
        small_model().fit(X, y, **{"epochs": 1, **kwargs})


def test_mismatched_rows_are_refused():
    X, y = xor_points(20)
    with pytest.raises(ValueError, match="20 rows but y has 19"):
        small_model().fit(X, y[:-1])


@pytest.mark.parametrize("regularization", ["l1", "l2"])
def test_regularization_shrinks_weights(regularization):
    X, y = xor_points()
    plain, penalised = small_model(), small_model(regularization=regularization, reg_rate=0.05)
    plain.fit(X, y, epochs=30, batch_size=10)
    penalised.fit(X, y, epochs=30, batch_size=10)
    size = lambda m: np.abs(m.theta[: m.n_weights]).sum()  # noqa: E731
    assert size(penalised) < 0.8 * size(plain)
    with_penalty = penalised.compute_loss(X, y)
    penalised.set_regularization(None, 0.0)  # changes J without touching the weights
    assert penalised.compute_loss(X, y) < with_penalty


def test_between_steps_is_called_between_the_mini_batches_of_an_epoch_and_changes_nothing():
    X, y = xor_points(n=200)
    calls = []
    watched, plain = small_model(seed=3), small_model(seed=3)
    watched.fit(X, y, epochs=4, batch_size=50, between_steps=lambda: calls.append(watched.epoch))
    plain.fit(X, y, epochs=4, batch_size=50)
    assert calls == [0] * 3 + [1] * 3 + [2] * 3 + [3] * 3  # 4 batches an epoch: 3 gaps, none after the last
    for ours, theirs in zip(watched.get_weights(), plain.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)
    full = small_model(seed=3)
    full.fit(X, y, epochs=2, between_steps=lambda: calls.append("full batch"))
    assert "full batch" not in calls  # one step an epoch: no gap inside it


def test_an_epoch_paused_between_mini_batches_goes_on_in_the_next_call_as_one_long_run():
    X, y = xor_points(n=200)
    whole, sliced = small_model(seed=5), small_model(seed=5)
    expected = whole.fit(X, y, epochs=3, batch_size=10)
    steps = [0]

    def every_seventh_step() -> bool:
        steps[0] += 1
        return steps[0] % 7 == 0

    losses, calls = [], 0
    while sliced.epoch < 3:
        history = sliced.fit(X, y, epochs=3 - sliced.epoch, batch_size=10, pause_when=every_seventh_step)
        losses += history.loss
        calls += 1
        assert history.status in ("paused", "completed")
    assert calls > 3  # 20 steps an epoch, paused every 7th: epochs were cut in the middle
    assert losses == expected.loss
    for ours, theirs in zip(sliced.get_weights(), whole.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)
    assert sliced.epoch_in_progress is None


def test_a_paused_epoch_is_dropped_by_a_reset_and_by_other_data():
    X, y = xor_points(n=200)
    model = small_model(seed=5)
    history = model.fit(X, y, epochs=1, batch_size=10, pause_when=lambda: True)
    assert history.status == "paused" and history.epochs == [] and model.epoch_in_progress is not None
    model.initialize()
    assert model.epoch_in_progress is None
    model.fit(X, y, epochs=1, batch_size=10, pause_when=lambda: True)
    X2, y2 = xor_points(n=100, seed=3)
    assert model.fit(X2, y2, epochs=1, batch_size=10).epochs == [1]  # a whole new epoch on the new data


def test_divergence_in_a_continued_epoch_restores_the_weights_from_before_that_epoch():
    X, labels = xor_points(n=200)
    y = labels.astype(np.float64) * 100.0
    model = Sequential([Dense(6, "relu", input_dim=2), Dense(1, "linear")], seed=2, dtype="float64")
    model.compile(loss="squared_error", optimizer="sgd", learning_rate=10.0)
    before = [w.copy() for w in model.get_weights()]
    steps = iter(range(10 ** 6))
    for _ in range(2000):
        history = model.fit(X, y, epochs=1, batch_size=1, pause_when=lambda: next(steps) % 2 == 1)
        if history.status == "diverged":
            break
    assert history.status == "diverged"
    assert all(np.isfinite(w).all() for w in model.get_weights())  # not the blown-up weights of mid-epoch
    assert model.epoch == 0
    for ours, start in zip(model.get_weights(), before, strict=True):  # it diverged in the first epoch
        np.testing.assert_array_equal(ours, start)
