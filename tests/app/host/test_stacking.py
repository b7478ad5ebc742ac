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
from engine.stacked import StackedTrainer
from tests.app.host.test_host_work import FakeClock, lock_held_elsewhere, make_host

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


def test_a_member_whose_lock_is_held_is_left_out_and_pays_nothing_and_the_others_train(host, monkeypatch):
    sessions = [add(host, i) for i in range(3)]
    turns(host, 10, range(3))
    busy = sessions[2]
    charged: list[list[str]] = []
    charge_together = host.share.charge_together
    monkeypatch.setattr(host.share, "charge_together",
                        lambda work, keys, *weight: (charged.append(keys), charge_together(work, keys, *weight)))
    with lock_held_elsewhere(busy):
        busy_epoch, others = busy.model.epoch, [s.model.epoch for s in sessions[:2]]
        turns(host, 20, range(2))  # only the free ones' viewers: a due busy session would be skipped, then slept on
        assert busy.model.epoch == busy_epoch
        assert all(s.model.epoch > e for s, e in zip(sessions[:2], others, strict=True))
    # the slices that left it out were charged to the two that trained
    paid = [keys for keys in charged if keys]
    assert paid and all(sorted(keys) == ["p0", "p1"] or sorted(keys) == ["frames:p0", "frames:p1"] for keys in paid)
    for i, session in enumerate(sessions):
        assert_same_run(session, i)


def test_a_session_changed_after_it_was_chosen_as_a_mate_is_left_out():
    """The trainer reads its mates without their locks: one whose shape or place in its epoch changed before
    its lock was taken does not go into the slice (stacking it would fail)."""
    settings = Settings(workers=0)
    host = make_host(settings, sessions=())
    sessions = [add(host, i) for i in range(3)]
    mates, _ = host.trainer.stacks.mates(sessions[0], sessions)
    assert mates == sessions
    sessions[1].update({"hidden_layers": [5]})
    sessions[1].play()
    sessions[2].train_for(1, seconds=0.0, within_epoch=True)  # one mini-batch: now in the middle of its epoch
    with host.trainer.stacks.locked(mates) as taken:
        assert taken == [sessions[0]]
    assert not any(s.holds_lock() for s in sessions)


def test_a_new_groups_first_slice_ends_on_time_whatever_an_epoch_costs(host, monkeypatch):
    """A group's first slice measures one stacked step before it plans the rest: with epochs of 400 mini-batches,
    a slice of about 17 ms ends in the middle of the first epoch (here every stacked step takes 1 ms of a clock
    that only the steps move)."""
    clock = FakeClock()
    train_batches = StackedTrainer.train_batches

    def one_ms_a_step(self, steps, *args, **kwargs):
        clock.now += 0.001 * steps
        return train_batches(self, steps, *args, **kwargs)

    monkeypatch.setattr(StackedTrainer, "train_batches", one_ms_a_step)
    host.trainer.stacks.clock = clock
    sessions = [add(host, i, data={"name": "xor", "n_points": 800}, batch_size=1) for i in range(3)]
    host._dispatch(("want", 0, 16, 4))
    host.trainer.take_turn()
    assert all(s.model.epoch == 0 and s.model.epoch_in_progress is not None for s in sessions)
    assert all(host.trainer.stacks.is_grouped(s) for s in sessions)
    assert 15 <= sessions[0].model.epoch_in_progress[1] <= 25  # mini-batches of one row: ~17 of 1 ms each


def test_deleting_a_member_lets_its_group_go(host):
    sessions = [add(host, i) for i in range(3)]
    turns(host, 10, range(3))
    assert host.trainer.stacks._groups
    host._dispatch(("delete", sessions[1].id))
    assert not any(sessions[1] in group.members for group in host.trainer.stacks._groups.values())


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
