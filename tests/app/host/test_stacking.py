"""Playing sessions of one shape train together in the host (app/host/stacking.py, app/host/trainer.py): each
exactly as it would alone, in groups that form, split and heal as sessions play, pause, change and diverge.
The tests take the trainer's turns themselves; viewers ask for frames as a page does."""

import statistics

import numpy as np
import pytest

from app.core.config import Settings
from app.host.fair_share import FairShare
from app.host.session import Session
from app.schemas.session import SessionConfig
from tests.app.host.test_host_work import lock_held_elsewhere, make_host

BASE = {"data": {"name": "spiral", "n_points": 80, "noise": 0.1}, "hidden_layers": [4, 4], "batch_size": 8}


def config(i: int, **changes) -> dict:
    """Session i's config: its own data and weights, and its own learning rate (not part of the group key)."""
    return {**BASE, "seed": i, "data": {**BASE["data"], "seed": i}, "learning_rate": 0.03 * (1 + i), **changes}


@pytest.fixture
def host(settings):
    host = make_host(settings, sessions=())
    yield host
    host._light.shutdown(wait=True)
    host._heavy.shutdown(wait=True)


def add(host, i: int, **changes) -> Session:
    """A session of principal ``p<i>``, watched by viewer i and playing."""
    session_id = f"s{i:011d}"
    session = Session(session_id, f"p{i}", SessionConfig.model_validate(config(i, **changes)), host.settings,
                      host.share)
    host.sessions[session_id] = session
    host._dispatch(("watch", i, session_id, False, None))
    session.play()
    return session


def turns(host, count: int, viewers) -> None:
    """``count`` turns of the trainer, every viewer asking for a frame every other turn."""
    for turn in range(count):
        if turn % 2 == 0:
            for viewer in viewers:
                host._dispatch(("want", viewer, 16, 4))
        host.trainer.take_turn()


def alone(i: int, epochs: int, **changes) -> Session:
    """Session i trained ``epochs`` epochs by itself, outside any host."""
    session = Session("x" * 12, "x", SessionConfig.model_validate(config(i, **changes)), Settings(workers=0))
    session.train_for(epochs)
    return session


def assert_same_run(session: Session, i: int, **changes) -> None:
    """``session``, brought to the end of its epoch, has the weights and history of session i trained alone."""
    session.pause()
    if session.model.epoch_in_progress is not None:
        session.step()  # finishes the epoch under way
    twin = alone(i, session.model.epoch, **changes)
    assert all(np.array_equal(a, b) for a, b in zip(session.model.get_weights(), twin.model.get_weights(), strict=True))
    assert session.history == twin.history


def test_sessions_of_one_shape_train_together_each_exactly_as_alone(host):
    sessions = [add(host, i) for i in range(4)]
    turns(host, 40, range(4))
    assert all(host.trainer.stacks.is_grouped(s) for s in sessions)
    (group,) = host.trainer.stacks._groups.values()
    assert group.built == 1  # stacked once, then kept from slice to slice
    assert min(s.model.epoch for s in sessions) >= 5
    # every viewer got frames, from the group's slices
    framed = {m[1] for m in host.connection.sent if m[0] == "frame"}
    assert framed == {0, 1, 2, 3}
    for i, session in enumerate(sessions):
        assert_same_run(session, i)


def test_two_shapes_train_in_two_groups(host):
    small = [add(host, i) for i in range(3)]
    wide = [add(host, i, hidden_layers=[6]) for i in range(3, 6)]
    turns(host, 40, range(6))
    assert len(host.trainer.stacks._groups) == 2
    assert all(host.trainer.stacks.is_grouped(s) for s in small + wide)
    assert_same_run(wide[1], 4, hidden_layers=[6])


def test_a_member_that_changes_shape_trains_alone_and_the_others_stay_together(host):
    sessions = [add(host, i) for i in range(3)]
    turns(host, 20, range(3))
    changed = sessions[0]
    changed.update({"hidden_layers": [5]})  # rebuilt from its seed: another shape
    changed.play()
    before = changed.model.epoch
    turns(host, 30, range(3))
    assert not host.trainer.stacks.is_grouped(changed) and changed.model.epoch > before
    assert all(host.trainer.stacks.is_grouped(s) for s in sessions[1:])
    assert_same_run(changed, 0, hidden_layers=[5])
    assert_same_run(sessions[2], 2)


def test_a_paused_member_stops_and_the_others_go_on(host):
    sessions = [add(host, i) for i in range(3)]
    turns(host, 20, range(3))
    sessions[1].pause()
    paused_at = sessions[1].model.epoch, sessions[1].model.epoch_in_progress is None
    others = [s.model.epoch for s in (sessions[0], sessions[2])]
    turns(host, 20, range(3))
    assert (sessions[1].model.epoch, sessions[1].model.epoch_in_progress is None) == paused_at
    assert sessions[0].model.epoch > others[0] and sessions[2].model.epoch > others[1]
    for i, session in enumerate(sessions):
        assert_same_run(session, i)


def test_a_session_that_joins_in_the_middle_of_its_epoch_ends_it_and_joins(host):
    sessions = [add(host, i) for i in range(2)]
    turns(host, 10, range(2))
    late = add(host, 2)
    late.pause()
    late.train_for(1, seconds=0.0, within_epoch=True)  # one mini-batch: paused in the middle of its first epoch
    assert late.model.epoch_in_progress is not None
    late.play()
    turns(host, 30, range(3))
    assert host.trainer.stacks.is_grouped(late) and late.model.epoch >= 2
    assert_same_run(late, 2)
    assert_same_run(sessions[0], 0)


def test_a_member_whose_lock_is_held_is_left_out_and_the_others_train(host):
    sessions = [add(host, i) for i in range(3)]
    turns(host, 10, range(3))
    busy = sessions[2]
    with lock_held_elsewhere(busy):
        busy_epoch, others = busy.model.epoch, [s.model.epoch for s in sessions[:2]]
        turns(host, 20, range(2))  # only the free ones' viewers: a due busy session would be skipped, then slept on
        assert busy.model.epoch == busy_epoch
        assert all(s.model.epoch > e for s, e in zip(sessions[:2], others, strict=True))
    for i, session in enumerate(sessions):
        assert_same_run(session, i)


def test_a_member_that_diverges_stops_alone_with_its_last_good_weights(host):
    regression = {"data": {"name": "plane", "n_points": 80, "noise": 0.2}, "activation": "relu"}
    sessions = [add(host, i, **regression) for i in range(2)] + [add(host, 2, **regression, learning_rate=50.0)]
    exploding = sessions[2]
    turns(host, 30, range(3))
    assert exploding.status == "diverged" and "diverged" in exploding.message
    assert all(np.isfinite(w).all() for w in exploding.model.get_weights())
    assert all(s.status == "playing" for s in sessions[:2]) and all(s.model.epoch > 5 for s in sessions[:2])
    assert_same_run(sessions[1], 1, **regression)
    twin = alone(2, 0, **regression, learning_rate=50.0)
    twin.train_for(1000)
    assert twin.status == "diverged" and exploding.history == twin.history


def test_a_group_and_a_session_alone_get_equal_shares_of_the_cpu_per_principal(settings):
    """A stacked slice is charged to all of its members' principals in equal parts: a learner whose network has
    a shape of its own gets as much CPU time as each member of a group of four, not a fifth of the whole."""
    host = make_host(settings, sessions=())
    host.share = FairShare()  # the real clock: the shares compared are of the same run's time
    group = [add(host, i) for i in range(4)]
    solo = add(host, 4, hidden_layers=[5])
    for session in group + [solo]:
        session.share = host.share
    turns(host, 300, range(5))
    group_use = [host.share.use(s.principal) for s in group]
    solo_use = host.share.use(solo.principal)
    assert all(host.trainer.stacks.is_grouped(s) for s in group) and not host.trainer.stacks.is_grouped(solo)
    assert 0.5 < solo_use / statistics.mean(group_use) < 2
    # each member trained more epochs than the session alone: the same CPU goes further stacked
    assert min(s.model.epoch for s in group) > solo.model.epoch
