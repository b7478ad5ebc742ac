"""engine/checkpoint.py: a run saved and restored into a new model goes on exactly as if it had never stopped;
bytes that are not a checkpoint of this model are refused and change nothing."""

import numpy as np
import pytest

from engine import Dense, Sequential, checkpoint


def xor_points(n=120, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    return X, (X[:, 0] * X[:, 1] >= 0).astype(np.int64)


def model(optimizer="adam", dtype="float32", hidden=6):
    net = Sequential([Dense(hidden, "tanh", input_dim=2), Dense(1, "sigmoid")], seed=3, dtype=dtype)
    net.compile(loss="binary_cross_entropy", optimizer=optimizer, learning_rate=0.05)
    return net


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_restored_run_goes_on_exactly_as_the_uninterrupted_one(optimizer, dtype):
    X, y = xor_points()
    whole = model(optimizer, dtype)
    whole.fit(X, y, epochs=7, batch_size=10)

    first = model(optimizer, dtype)
    first.fit(X, y, epochs=3, batch_size=10)
    saved = checkpoint.save(first)
    first.fit(X, y, epochs=50, batch_size=10)  # what happens to the old model afterwards does not matter

    second = model(optimizer, dtype)  # a new process would build it from the config, then restore
    checkpoint.restore(second, saved)
    assert second.epoch == 3
    second.fit(X, y, epochs=4, batch_size=10)
    assert second.epoch == 7
    np.testing.assert_array_equal(second.theta, whole.theta)


def test_an_epoch_paused_midway_is_continued_after_a_restore():
    X, y = xor_points()
    whole = model("momentum")
    whole.fit(X, y, epochs=2, batch_size=10)

    first = model("momentum")
    steps = iter(range(1_000))
    history = first.fit(X, y, epochs=2, batch_size=10, pause_when=lambda: next(steps) == 5)
    assert history.status == "paused" and first.epoch_in_progress is not None
    saved = checkpoint.save(first)

    second = model("momentum")
    checkpoint.restore(second, saved)
    assert second.epoch_in_progress[1] == first.epoch_in_progress[1]
    second.fit(X, y, epochs=2, batch_size=10)  # finishes the paused epoch, then one more
    np.testing.assert_array_equal(second.theta, whole.theta)


def test_the_optimizer_state_is_in_the_checkpoint():
    X, y = xor_points()
    net = model("adam")
    net.fit(X, y, epochs=2, batch_size=10)
    restored = model("adam")
    checkpoint.restore(restored, checkpoint.save(net))
    for key, value in net.optimizer.state().items():
        np.testing.assert_array_equal(restored.optimizer.state()[key], value)
    assert int(restored.optimizer.state()["t"]) == 24  # 2 epochs of 12 mini-batches


@pytest.mark.parametrize(("other", "why"), [
    (lambda: model(hidden=5), "another architecture"),
    (lambda: model(dtype="float64"), "another number type"),
    (lambda: model(optimizer="sgd"), "another optimizer"),
])
def test_a_checkpoint_of_another_model_is_refused_and_changes_nothing(other, why):
    X, y = xor_points()
    trained = model()
    trained.fit(X, y, epochs=2, batch_size=10)
    target = other()
    before = target.theta.copy()
    with pytest.raises(checkpoint.CheckpointError):
        checkpoint.restore(target, checkpoint.save(trained))
    np.testing.assert_array_equal(target.theta, before)
    assert target.epoch == 0, why


@pytest.mark.parametrize("data", [b"", b"not a zip", b"PK\x03\x04" + b"\x00" * 40])
def test_bytes_that_are_no_checkpoint_are_refused(data):
    target = model()
    before = target.theta.copy()
    with pytest.raises(checkpoint.CheckpointError):
        checkpoint.restore(target, data)
    np.testing.assert_array_equal(target.theta, before)


def test_a_checkpoint_with_non_finite_parameters_is_refused():
    net = model()
    net.theta[0] = np.nan
    with pytest.raises(checkpoint.CheckpointError):
        checkpoint.restore(model(), checkpoint.save(net))


def test_a_corrupt_optimizer_state_leaves_the_model_as_it_was():
    X, y = xor_points()
    net = model("adam")
    net.fit(X, y, epochs=1, batch_size=10)
    net.optimizer._v[0] = -1.0  # a second moment cannot be negative
    target = model("adam")
    target.fit(X, y, epochs=1, batch_size=60)
    state, before = target.optimizer.state(), target.theta.copy()
    with pytest.raises(checkpoint.CheckpointError):
        checkpoint.restore(target, checkpoint.save(net))
    np.testing.assert_array_equal(target.theta, before)
    np.testing.assert_array_equal(target.optimizer.state()["m"], state["m"])


def test_an_optimizer_state_of_another_number_type_is_refused():
    X, y = xor_points()
    net = model("adam", dtype="float64")
    net.fit(X, y, epochs=1, batch_size=10)
    net.optimizer._m = net.optimizer._m.astype(np.float32)  # a forged checkpoint: float32 moments, float64 model
    with pytest.raises(checkpoint.CheckpointError):
        checkpoint.restore(model("adam", dtype="float64"), checkpoint.save(net))
