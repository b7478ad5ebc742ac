"""Stacked training (engine/stacked.py) equals separate training, step for step and bit for bit.

Every comparison here is exact (``assert_array_equal``, ``==`` on the loss histories): the stacked trainer does,
per member, the same GEMMs, elementwise operations, reductions and scalar roundings as ``Sequential.fit``.
"""

import itertools

import numpy as np
import pytest

from engine import Dense, Sequential
from engine.stacked import StackedTrainer, group_key

N, BATCH = 45, 7  # 6 full batches and a short one of 3 rows


def make(seed=0, dtype="float32", optimizer="sgd", learning_rate=0.05, regularization=None, reg_rate=0.0,
         hidden=(5, 4), activation="tanh", outputs=1, loss=None, output=None, **settings):
    layers = [Dense(hidden[0], activation, input_dim=2)] + [Dense(units, activation) for units in hidden[1:]]
    output = output or ("sigmoid" if outputs == 1 else "softmax")
    model = Sequential(layers + [Dense(outputs, output)], seed=seed, dtype=dtype)
    model.compile(loss=loss, optimizer=optimizer, learning_rate=learning_rate, regularization=regularization,
                  reg_rate=reg_rate, **settings)
    return model


def points(seed, n=N, classes=2):
    rng = np.random.default_rng(seed + 100)
    X = rng.uniform(-2, 2, size=(n, 2))
    if classes == 0:  # regression targets
        return X, np.sin(X[:, :1]) * X[:, 1:]
    angle = np.arctan2(X[:, 1], X[:, 0]) + np.hypot(X[:, 0], X[:, 1])
    return X, (np.floor(angle / (2 * np.pi) * classes) % classes).astype(np.int64)


def members(count, dtype="float32", optimizer="sgd", regularization=None, **overrides):
    """``count`` (model, twin, data, validation): the same network twice, with its own seed, rates and data."""
    out = []
    for i in range(count):
        settings = {"seed": i, "dtype": dtype, "optimizer": optimizer, "learning_rate": [0.05, 0.2, 0.01, 0.1][i % 4],
                    "regularization": regularization,
                    "reg_rate": [0.003, 0.0, 0.03, 0.001][i % 4] if regularization else 0.0} | overrides
        if optimizer == "adam":
            settings["learning_rate"] /= 5
        if optimizer == "momentum":
            settings["momentum"] = [0.9, 0.5][i % 2]
        model, twin = make(**settings), make(**settings)
        validation = None if i == 3 else points(i + 50, n=20 + i % 2)  # sizes 20, 21, 20, none: two groups
        out.append((model, twin, points(i), validation))
    return out


def stack(group, batch=BATCH, validation=True):
    return StackedTrainer.from_models([m for m, _, _, _ in group], [d for _, _, d, _ in group], batch,
                                      validation=[v for _, _, _, v in group] if validation else None)


def assert_same_state(model, twin):
    np.testing.assert_array_equal(model.theta, twin.theta)
    state, twin_state = model.optimizer.state(), twin.optimizer.state()
    assert state.keys() == twin_state.keys()
    for key in state:
        np.testing.assert_array_equal(state[key], twin_state[key])
    assert model.epoch == twin.epoch
    assert model.shuffle_rng.bit_generator.state == twin.shuffle_rng.bit_generator.state
    assert (model.epoch_in_progress is None) == (twin.epoch_in_progress is None)
    if model.epoch_in_progress is not None:
        order, row, start = model.epoch_in_progress
        twin_order, twin_row, twin_start = twin.epoch_in_progress
        np.testing.assert_array_equal(order, twin_order)
        assert row == twin_row
        np.testing.assert_array_equal(start, twin_start)


def assert_same_history(history, alone):
    assert history.to_dict() == alone.to_dict()


def assert_stacked_equals_alone(group, epochs):
    """Train ``group`` stacked for ``epochs``, write back, and assert each member equals its twin trained alone
    (history and state); the stacked histories."""
    trainer = stack(group)
    histories = trainer.train_epochs(epochs)
    trainer.write_back()
    for (model, twin, (X, y), validation), history in zip(group, histories, strict=True):
        assert_same_history(history, twin.fit(X, y, epochs=epochs, batch_size=BATCH, validation_data=validation))
        assert_same_state(model, twin)
    return histories


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("regularization", [None, "l1", "l2"])
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_stacked_training_equals_separate_training_epoch_by_epoch(optimizer, regularization, dtype):
    group = members(4, dtype, optimizer, regularization)
    trainer = stack(group)
    for _ in range(3):
        histories = trainer.train_epochs(1)
        trainer.write_back()
        for (model, twin, (X, y), validation), history in zip(group, histories, strict=True):
            alone = twin.fit(X, y, epochs=1, batch_size=BATCH, validation_data=validation)
            assert_same_history(history, alone)
            assert_same_state(model, twin)
    assert trainer.epochs == [3] * 4


@pytest.mark.parametrize("kind", ["softmax", "regression", "relu_sigmoid_mse"])
def test_other_losses_and_activations(kind):
    if kind == "softmax":
        settings, classes = {"outputs": 3}, 3
    elif kind == "regression":
        settings, classes = {"output": "linear"}, 0
    else:
        settings, classes = {"activation": "relu", "loss": "squared_error"}, 2
    group = []
    for i in range(3):
        model, twin = (make(seed=i, learning_rate=0.05 * (i + 1), optimizer="momentum", **settings) for _ in "ab")
        group.append((model, twin, points(i, classes=classes), points(i + 9, n=30, classes=classes)))
    assert_stacked_equals_alone(group, 4)


@pytest.mark.parametrize("batch", [None, N, 1000, 1, BATCH])
def test_full_batch_one_sample_batches_and_no_shuffle(batch):
    group = members(3, "float64", "adam", "l2")
    trainer = StackedTrainer.from_models([m for m, _, _, _ in group], [d for _, _, d, _ in group], batch,
                                         shuffle=batch != BATCH)
    histories = trainer.train_epochs(3)
    trainer.write_back()
    for (model, twin, (X, y), _), history in zip(group, histories, strict=True):
        alone = twin.fit(X, y, epochs=3, batch_size=batch, shuffle=batch != BATCH)
        assert_same_history(history, alone)
        assert_same_state(model, twin)


def test_write_back_then_training_alone_equals_never_having_been_stacked():
    group = members(3, optimizer="adam", regularization="l1")
    trainer = stack(group)
    trainer.train_epochs(2)
    trainer.write_back()
    for model, twin, (X, y), validation in group:
        twin.fit(X, y, epochs=2, batch_size=BATCH)
        for _ in range(2):  # alone now: both go on the same way
            assert_same_history(model.fit(X, y, epochs=2, batch_size=BATCH, validation_data=validation),
                                twin.fit(X, y, epochs=2, batch_size=BATCH, validation_data=validation))
            assert_same_state(model, twin)


def test_paused_in_the_middle_of_an_epoch_and_regrouped_there():
    group = members(4, optimizer="momentum", regularization="l2")
    trainer = stack(group)
    histories = trainer.train_batches(10)  # one epoch (7 steps) and 3 steps of the next
    trainer.write_back()
    for (_, twin, (X, y), validation), history in zip(group, histories, strict=True):
        asked = itertools.count(1)  # pause_when is asked before every step but an epoch's first: 6 + 3 times
        alone = twin.fit(X, y, epochs=2, batch_size=BATCH, validation_data=validation,
                         pause_when=lambda asked=asked: next(asked) == 9)
        assert alone.status == "paused"
        assert_same_history(history, alone)
    for model, twin, _, _ in group:
        assert_same_state(model, twin)
    # regroup: two members go on stacked, one alone, one leaves
    stay, alone = group[:2], group[2]
    assert_stacked_equals_alone(stay, 2)
    model, twin, (X, y), _ = alone
    assert_same_history(model.fit(X, y, epochs=1, batch_size=BATCH), twin.fit(X, y, epochs=1, batch_size=BATCH))
    assert_same_state(model, twin)


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_members_joining_with_optimizer_state_of_different_ages(optimizer):
    group = members(4, optimizer=optimizer)
    for index, (model, twin, (X, y), _) in enumerate(group):  # 0, 1, 2 and 0 epochs alone first
        for net in (model, twin):
            net.fit(X, y, epochs=index % 3, batch_size=BATCH)
    assert_stacked_equals_alone(group, 2)


def test_changing_a_members_rates_between_epochs():
    group = members(3, optimizer="adam", regularization="l2")
    trainer = stack(group)
    trainer.train_epochs(1)
    trainer.set_learning_rate(1, 0.002)
    trainer.set_reg_rate(2, 0.1)
    trainer.train_epochs(1)
    trainer.write_back()
    for index, (model, twin, (X, y), _) in enumerate(group):
        twin.fit(X, y, epochs=1, batch_size=BATCH)
        if index == 1:
            twin.set_learning_rate(0.002)
        if index == 2:
            twin.set_regularization("l2", 0.1)
        twin.fit(X, y, epochs=1, batch_size=BATCH)
        assert_same_state(model, twin)
        assert model.optimizer.learning_rate == twin.optimizer.learning_rate and model.reg_rate == twin.reg_rate


def test_a_diverging_member_stops_as_alone_and_the_others_go_on():
    group = members(3, optimizer="sgd")
    for net in group[1][:2]:
        net.set_learning_rate(1e38)  # its first steps overflow float32
    histories = assert_stacked_equals_alone(group, 3)
    assert [h.status for h in histories] == ["completed", "diverged", "completed"]
    assert np.isfinite(group[1][0].theta).all()


def test_goals_and_callbacks_stop_single_members():
    def callback(s, epoch, logs):
        return not (s == 0 and epoch == 2)

    def stop_when(s, logs):
        return s == 2 and logs["epoch"] == 3

    group = members(3)
    trainer = stack(group)
    histories = trainer.train_epochs(4, callback=callback, stop_when=stop_when)
    trainer.write_back()
    assert [h.status for h in histories] == ["stopped", "completed", "reached_goal"]
    assert [len(h.epochs) for h in histories] == [2, 4, 3]
    for s, ((model, twin, (X, y), validation), history) in enumerate(zip(group, histories, strict=True)):
        alone = twin.fit(X, y, epochs=4, batch_size=BATCH, validation_data=validation,
                         callback=lambda epoch, logs, s=s: callback(s, epoch, logs),
                         stop_when=lambda logs, s=s: stop_when(s, logs))
        assert_same_history(history, alone)
        assert_same_state(model, twin)


def test_the_group_key_separates_models_that_differ_in_any_part_of_it():
    base = dict(hidden=(5, 4), activation="tanh", optimizer="sgd", regularization="l2", reg_rate=0.01,
                dtype="float32")
    key = group_key(make(**base), BATCH, N)
    same = [make(**base, seed=7, learning_rate=0.3), make(**(base | {"reg_rate": 0.0})),
            make(**(base | {"optimizer": "sgd", "learning_rate": 1.0}))]
    assert all(group_key(model, BATCH, N) == key for model in same)
    assert group_key(make(**base), 1000, N) == group_key(make(**base), None, N)  # both full batch
    different = [make(**(base | {"hidden": (5, 5)})), make(**(base | {"hidden": (5, 4, 4)})),
                 make(**(base | {"activation": "relu"})), make(**base, output="tanh", loss="squared_error"),
                 make(**base, loss="squared_error"), make(**(base | {"optimizer": "adam"})),
                 make(**(base | {"regularization": "l1"})), make(**(base | {"regularization": None})),
                 make(**(base | {"dtype": "float64"}))]
    keys = [group_key(model, BATCH, N) for model in different]
    keys += [group_key(make(**base), BATCH + 1, N), group_key(make(**base), BATCH, N + 1)]
    assert len(set(keys)) == len(keys) and key not in keys
    for model in different:
        with pytest.raises(ValueError, match="group keys"):
            StackedTrainer.from_models([make(**base), model], [points(0), points(1)], BATCH)
    with pytest.raises(ValueError, match="group keys"):
        StackedTrainer.from_models([make(**base), make(**base)], [points(0), points(1, n=N + 1)], BATCH)


def test_refuses_members_at_different_points_of_their_epochs():
    group = members(2)
    model, _, (X, y), _ = group[0]
    calls = itertools.count()
    model.fit(X, y, epochs=1, batch_size=BATCH, pause_when=lambda: next(calls) >= 2)
    with pytest.raises(ValueError, match="different points"):
        stack(group)


def test_the_playground_spiral_shape_one_matmul_per_layer():
    group = members(5, hidden=(8,) * 6)
    trainer = stack(group, batch=10)
    assert [w.shape for w in trainer.W] == [(5, 8, 2)] + [(5, 8, 8)] * 5 + [(5, 1, 8)]
    histories = trainer.train_epochs(2)
    trainer.write_back()
    for (model, twin, (X, y), validation), history in zip(group, histories, strict=True):
        assert_same_history(history, twin.fit(X, y, epochs=2, batch_size=10, validation_data=validation))
        assert_same_state(model, twin)


def test_bad_groups_are_refused():
    model, other = make(), make(seed=1)
    with pytest.raises(ValueError, match="no models"):
        StackedTrainer.from_models([], [], BATCH)
    with pytest.raises(ValueError, match="once"):
        StackedTrainer.from_models([model, model], [points(0), points(1)], BATCH)
    with pytest.raises(ValueError, match="per model"):
        StackedTrainer.from_models([model, other], [points(0)], BATCH)
    with pytest.raises(ValueError, match="batch_size"):
        StackedTrainer.from_models([model, other], [points(0), points(1)], 0)
    with pytest.raises(RuntimeError, match="compile"):
        StackedTrainer.from_models([Sequential([Dense(1, input_dim=2)])], [points(0)], BATCH)
    with pytest.raises(ValueError, match="epochs"):
        StackedTrainer.from_models([model, other], [points(0), points(1)], BATCH).train_epochs(-1)


def test_where_the_members_stand_in_their_epoch():
    """45 rows in batches of 7: 7 steps an epoch; the count goes down step by step and starts again."""
    trainer = stack(members(2))
    assert trainer.at_epoch_start and trainer.steps_to_epoch_end == 7
    trainer.train_batches(3)
    assert not trainer.at_epoch_start and trainer.steps_to_epoch_end == 4
    trainer.train_batches(4)
    assert trainer.at_epoch_start and trainer.steps_to_epoch_end == 7 and trainer.epochs == [1, 1]
    full = stack(members(2), batch=None)
    assert full.steps_to_epoch_end == 1 and full.at_epoch_start
