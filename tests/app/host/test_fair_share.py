"""A host's CPU in fair turns: one holder at a time, the least-used principal next, work that stops when it is
cancelled or past its deadline. Time is a fake clock moved by the tests; threads are waited on by condition."""

import sys
import threading
import time

import pytest

from app.host import fair_share
from app.host.fair_share import Cancelled, FairShare, PastDeadline, Work

DEADLINE_SECONDS = 10


class FakeClock:
    """Seconds that pass only when a test says so."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"not within {DEADLINE_SECONDS} s: {what}"
        time.sleep(0.001)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def share(clock) -> FairShare:
    return FairShare(half_life=2.0, clock=clock)


def waiter(share: FairShare, work: Work, order: list, name: str) -> threading.Thread:
    """A thread that waits for a turn of ``work``, then notes ``name`` (or the exception's name) in ``order``."""

    def run():
        try:
            with share.turn(work):
                order.append(name)
        except (Cancelled, PastDeadline) as exc:
            order.append(type(exc).__name__)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def hold(share: FairShare, clock: FakeClock, principal: str, seconds: float) -> None:
    """``principal`` holds the CPU for ``seconds`` of the fake clock."""
    with share.turn(Work(principal)):
        clock.now += seconds


def test_use_is_the_time_held_and_halves_every_half_life(share, clock):
    hold(share, clock, "a", 4.0)
    assert share.use("a") == pytest.approx(4.0)
    assert share.use("b") == 0.0
    clock.now += 2.0
    assert share.use("a") == pytest.approx(2.0)
    clock.now += 4.0
    assert share.use("a") == pytest.approx(0.5)


def test_the_least_used_waiter_goes_first_whatever_the_order_of_arrival(share, clock):
    hold(share, clock, "light", 0.5)
    hold(share, clock, "heavy", 5.0)
    order: list[str] = []
    with share.turn(Work("holder")):
        threads = [waiter(share, Work("heavy"), order, "heavy")]
        wait_until(lambda: share.queued == 1, "the heavy principal waits")
        threads.append(waiter(share, Work("light"), order, "light"))
        wait_until(lambda: share.queued == 2, "both wait")
    for thread in threads:
        thread.join(DEADLINE_SECONDS)
    assert order == ["light", "heavy"]


def test_equals_are_served_in_order_of_arrival(share, clock):
    order: list[str] = []
    with share.turn(Work("holder")):
        threads = []
        for name in "abc":
            threads.append(waiter(share, Work(name), order, name))
            count = len(threads)
            wait_until(lambda n=count: share.queued == n, f"{name} waits")
    for thread in threads:
        thread.join(DEADLINE_SECONDS)
    assert order == ["a", "b", "c"]


def test_only_one_holds_the_cpu_at_a_time(share, clock):
    inside, most = [0], [0]
    lock = threading.Lock()

    def work(principal):
        for _ in range(20):
            with share.turn(Work(principal)):
                with lock:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                time.sleep(0)  # let the others try to get in
                with lock:
                    inside[0] -= 1

    threads = [threading.Thread(target=work, args=(name,)) for name in "abcd"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE_SECONDS)
    assert most[0] == 1 and not share.busy


def test_a_checkpoint_gives_way_to_a_principal_that_has_used_less(share, clock):
    order: list[str] = []
    with share.turn(Work("long")):
        clock.now += 3.0  # the long call has used 3 s so far
        thread = waiter(share, Work("short"), order, "short")
        wait_until(lambda: share.queued == 1, "the short call waits")
        fair_share.checkpoint()  # gives way, and returns once the short call is done
        order.append("long goes on")
    thread.join(DEADLINE_SECONDS)
    assert order == ["short", "long goes on"]


def test_a_checkpoint_keeps_the_cpu_when_the_waiter_has_used_more(share, clock):
    hold(share, clock, "long", 0.0)
    hold(share, clock, "busy", 10.0)
    order: list[str] = []
    with share.turn(Work("long")):
        clock.now += 1.0
        thread = waiter(share, Work("busy"), order, "busy")
        wait_until(lambda: share.queued == 1, "the busy one waits")
        fair_share.checkpoint()
        order.append("long goes on")
    thread.join(DEADLINE_SECONDS)
    assert order == ["long goes on", "busy"]


def test_a_checkpoint_lets_the_same_principals_other_work_in(share, clock):
    """A long call of one user does not starve that user's own stream frames."""
    order: list[str] = []
    with share.turn(Work("user")):
        clock.now += 1.0
        thread = waiter(share, Work("user"), order, "frame")
        wait_until(lambda: share.queued == 1, "the frame waits")
        fair_share.checkpoint()
        order.append("call goes on")
    thread.join(DEADLINE_SECONDS)
    assert order == ["frame", "call goes on"]


def test_work_that_holds_its_session_lock_gives_way_to_other_principals_only(share, clock):
    """Its own principal's other work may need that lock (a frame of the same session): it waits."""
    order: list[str] = []
    with share.turn(Work("user", holds_lock=lambda: True)):
        clock.now += 3.0
        thread = waiter(share, Work("user"), order, "own frame")
        wait_until(lambda: share.queued == 1, "the user's frame waits")
        fair_share.checkpoint()
        order.append("call goes on")
        other = waiter(share, Work("someone else"), order, "someone else")
        wait_until(lambda: share.queued == 2, "someone else waits too")
        clock.now += 1.0
        fair_share.yield_point()  # gives way to someone else, never to the waiting frame
        order.append("call goes on again")
    thread.join(DEADLINE_SECONDS)
    other.join(DEADLINE_SECONDS)
    assert order == ["call goes on", "someone else", "call goes on again", "own frame"]


def test_a_yield_point_is_not_stopped_by_the_deadline_but_by_cancellation(share, clock):
    """A mini-batch in the middle of an epoch gives way, then finishes its epoch even past its deadline; once
    its session is deleted it stops at once (nobody will see the epoch)."""
    cancelled = threading.Event()
    order: list[str] = []
    with share.turn(Work("long", deadline=clock.now + 1, is_cancelled=cancelled.is_set)):
        clock.now += 3.0  # past its deadline
        thread = waiter(share, Work("short"), order, "short")
        wait_until(lambda: share.queued == 1, "the short call waits")
        fair_share.yield_point()
        order.append("the epoch goes on")
        with pytest.raises(PastDeadline):
            fair_share.checkpoint()  # at the end of the epoch it stops
        cancelled.set()
        with pytest.raises(Cancelled):
            fair_share.yield_point()
    thread.join(DEADLINE_SECONDS)
    assert order == ["short", "the epoch goes on"] and not share.busy


def test_a_turn_shorter_than_the_yield_interval_keeps_the_cpu(share, clock):
    order: list[str] = []
    with share.turn(Work("long")):
        hold_before = share.use("long")
        thread = waiter(share, Work("short"), order, "short")
        wait_until(lambda: share.queued == 1, "the short call waits")
        clock.now += fair_share.YIELD_EVERY_SECONDS / 2
        fair_share.checkpoint()
        order.append("long goes on")
    thread.join(DEADLINE_SECONDS)
    assert order == ["long goes on", "short"] and hold_before == 0.0


def test_cancelled_work_stops_waiting_when_woken_and_at_its_checkpoint(share, clock):
    cancelled = threading.Event()
    order: list[str] = []
    with share.turn(Work("holder")):
        thread = waiter(share, Work("deleted", is_cancelled=cancelled.is_set), order, "ran")
        wait_until(lambda: share.queued == 1, "it waits")
        cancelled.set()
        share.wake()
        thread.join(DEADLINE_SECONDS)
        assert order == ["Cancelled"] and share.queued == 0
    later = threading.Event()
    with share.turn(Work("deleted later", is_cancelled=later.is_set)):
        fair_share.checkpoint()
        later.set()
        with pytest.raises(Cancelled):
            fair_share.checkpoint()
    assert not share.busy


def test_work_past_its_deadline_stops_waiting_and_at_its_checkpoint(share, clock):
    order: list[str] = []
    with share.turn(Work("holder")):
        thread = waiter(share, Work("late", deadline=clock.now + 5), order, "ran")
        wait_until(lambda: share.queued == 1, "it waits")
        clock.now += 5
        share.wake()
        thread.join(DEADLINE_SECONDS)
    assert order == ["PastDeadline"]
    with share.turn(Work("call", deadline=clock.now + 1)):
        fair_share.checkpoint()  # in time
        clock.now += 1
        with pytest.raises(PastDeadline):
            fair_share.checkpoint()


def test_giving_way_and_then_being_cancelled_leaves_the_cpu_to_the_others(share, clock):
    cancelled = threading.Event()
    order: list[str] = []
    second = threading.Event()

    def short():
        with share.turn(Work("short")):
            order.append("short")
            cancelled.set()  # the long call's session is deleted while it waits to go on
            share.wake()
        second.set()

    with pytest.raises(Cancelled):
        with share.turn(Work("long", is_cancelled=cancelled.is_set)):
            clock.now += 3.0
            threading.Thread(target=short, daemon=True).start()
            wait_until(lambda: share.queued == 1, "the short call waits")
            fair_share.checkpoint()
    second.wait(DEADLINE_SECONDS)
    assert order == ["short"] and not share.busy
    hold(share, clock, "next", 0.0)  # the CPU is free


def test_nested_turns_on_one_thread_run_inside_the_outer_one(share, clock):
    with share.turn(Work("a")):
        with share.turn(Work("a")):
            assert fair_share.current().principal == "a"
    assert fair_share.current() is None and not share.busy


def test_a_checkpoint_outside_any_turn_does_nothing():
    fair_share.checkpoint()
    assert fair_share.current() is None


def test_least_used_picks_the_first_of_equals(share, clock):
    hold(share, clock, "a", 0.0)
    hold(share, clock, "b", 1.0)
    assert share.least_used(["b", "a", "c"]) == 1  # c is new: it starts level with a, the least used
    assert share.least_used(["c", "a"]) == 0


def test_newcomers_start_level_with_the_least_used_not_at_nothing(share, clock):
    """One user has had the CPU to itself; a crowd arriving together gets no head start over it."""
    hold(share, clock, "alone", 3.0)
    hold(share, clock, "gone", 0.0)  # known, but idle: not where newcomers start
    order: list[str] = []
    with share.turn(Work("alone")):
        threads = []
        for name in ("crowd 1", "crowd 2"):
            threads.append(waiter(share, Work(name), order, name))
            count = len(threads)
            wait_until(lambda n=count: share.queued == n, f"{name} waits")
        assert share.use("crowd 1") == pytest.approx(3.0) == share.use("crowd 2")
    for thread in threads:
        thread.join(DEADLINE_SECONDS)
    assert order == ["crowd 1", "crowd 2"]

def test_lock_holders_that_give_way_never_deadlock_with_their_principals_other_work():
    """A principal's work that holds its session's lock gives way to others in the middle of a step, while the
    same principal's other work waits for that lock: every piece still finishes (a stress run, bounded)."""
    ticking = FakeClock()

    def clock() -> float:
        ticking.now += 0.01  # every reading is later: every yield point gives way when someone waits
        return ticking.now

    share = FairShare(clock=clock)
    session_lock = threading.RLock()
    finished: list[str] = []

    def stepping():  # a training slice: holds the lock, gives way between mini-batches
        for _ in range(200):
            with share.turn(Work("p", holds_lock=session_lock._is_owned)), session_lock:
                for _ in range(3):
                    fair_share.yield_point()
        finished.append("stepping")

    def framing():  # the same principal's frames: need the lock
        for _ in range(200):
            with share.turn(Work("p", holds_lock=session_lock._is_owned)), session_lock:
                pass
        finished.append("framing")

    def others(name):
        for _ in range(200):
            with share.turn(Work(name)):
                fair_share.yield_point()
        finished.append(name)

    threads = [threading.Thread(target=stepping, daemon=True), threading.Thread(target=framing, daemon=True),
               threading.Thread(target=others, args=("q",), daemon=True),
               threading.Thread(target=others, args=("r",), daemon=True)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: every window between two steps shows
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(DEADLINE_SECONDS)
    finally:
        sys.setswitchinterval(interval)
    assert sorted(finished) == ["framing", "q", "r", "stepping"], "a deadlock: some work never finished"


def test_a_turn_for_the_least_used_is_granted_for_whichever_is_least_used_when_it_comes(share, clock):
    hold(share, clock, "b", 0.0)
    hold(share, clock, "a", 5.0)
    choices = ["a"]
    granted: list[str] = []

    def trainer():
        with share.turn_for_least_used(lambda: [(c, c, 1.0) for c in choices], lambda: False) as principal:
            granted.append(principal)

    with share.turn(Work("holder")):
        thread = threading.Thread(target=trainer, daemon=True)
        thread.start()
        wait_until(lambda: share.queued == 1, "the trainer waits")
        choices.append("b")  # b becomes due while it waits, and has used less
    thread.join(DEADLINE_SECONDS)
    assert granted == ["b"]
    assert share.use("b") >= 0.0 and not share.busy


def test_a_turn_for_the_least_used_waits_while_nothing_is_possible_and_goes_when_woken(share, clock):
    choices: list[str] = []
    granted: list[str] = []

    def trainer():
        with share.turn_for_least_used(lambda: [(c, c, 1.0) for c in choices], lambda: False) as principal:
            granted.append(principal)

    thread = threading.Thread(target=trainer, daemon=True)
    thread.start()
    wait_until(lambda: share.queued == 1, "the trainer waits though the CPU is free: nothing is due")
    choices.append("c")
    share.wake()
    thread.join(DEADLINE_SECONDS)
    assert granted == ["c"] and not share.busy


def test_work_chosen_among_principals_never_takes_a_turn_whose_locks_a_resuming_holder_has(share, clock):
    """A long call of principal p holds its session's lock and gives way to q in the middle of a step; the
    trainer, waiting to build p's frames (a key of its own, the same session's lock), must wait for p's call to
    resume and finish the step, not take the turn and then wait for the lock."""
    order: list[str] = []

    def trainer():
        with share.turn_for_least_used(lambda: [("frames:p", "p", 1.0)], lambda: False) as key:
            order.append(key)

    with share.turn(Work("p", holds_lock=lambda: True)):
        clock.now += 3.0
        other = waiter(share, Work("q"), order, "q")
        wait_until(lambda: share.queued == 1, "q waits")
        frames = threading.Thread(target=trainer, daemon=True)
        frames.start()
        wait_until(lambda: share.queued == 2, "the trainer waits")
        fair_share.yield_point()  # gives way to q; the frames of p may not go before p resumes
        order.append("p resumes")
    other.join(DEADLINE_SECONDS)
    frames.join(DEADLINE_SECONDS)
    assert order == ["q", "p resumes", "frames:p"]


def test_work_that_gave_way_past_its_deadline_waits_without_spinning(share, clock, monkeypatch):
    """A step that gave way after its deadline cannot stop (it must finish the step): it waits, not spins."""
    hold(share, clock, "long", 0.0)
    granted, release, resumed = threading.Event(), threading.Event(), threading.Event()

    def long_step():
        with share.turn(Work("long", deadline=clock.now + 1)):
            clock.now += 3.0  # its deadline has passed, in the middle of a step
            wait_until(lambda: share.queued == 1, "the short call waits")
            fair_share.yield_point()  # gives way to it, then waits to go on
            resumed.set()

    def short_call():
        with share.turn(Work("short")):
            granted.set()
            release.wait(DEADLINE_SECONDS)

    first = threading.Thread(target=long_step, daemon=True)
    first.start()
    wait_until(lambda: share.busy, "the long step holds the CPU")
    second = threading.Thread(target=short_call, daemon=True)
    second.start()
    assert granted.wait(DEADLINE_SECONDS)
    waits = [0]
    real_wait = threading.Condition.wait

    def counted(self, timeout=None):
        waits[0] += 1
        return real_wait(self, timeout)

    monkeypatch.setattr(threading.Condition, "wait", counted)
    release.wait(0.2)  # the long step waits meanwhile: a spinning one would wait thousands of times
    monkeypatch.undo()
    release.set()
    first.join(DEADLINE_SECONDS)
    second.join(DEADLINE_SECONDS)
    assert resumed.is_set() and waits[0] < 20


def test_weighted_work_counts_its_time_that_many_times(share, clock):
    with share.turn(Work("training", weight=4.0)):
        clock.now += 0.5
    hold(share, clock, "frames", 0.5)
    assert share.use("training") == pytest.approx(2.0 * 0.5 ** (0.5 / share.half_life))
    assert share.use("frames") == pytest.approx(0.5)


def test_time_charged_together_is_split_equally_and_only_while_it_lasts(share, clock):
    """A stacked slice trains three principals' sessions in one turn of the first: each is charged a third of
    it (weighted); before and after, the turn is its holder's alone."""
    for known in ("b", "c"):  # known, at 0 (a newcomer would start level with the least used)
        hold(share, clock, known, 0.0)
    work = Work("a")
    with share.turn(work):
        clock.now += 0.3  # a's own
        share.charge_together(work, ["a", "b", "c"], weight=2.0)
        clock.now += 0.6  # the slice: 1.2 weighted, 0.4 each
        share.charge_together(work, None)
        clock.now += 0.1  # a's own again
    decay = 0.5 ** (0.1 / share.half_life)  # b and c were last charged 0.1 s before the end
    assert share.use("a") == pytest.approx((0.3 * 0.5 ** (0.6 / share.half_life) + 0.4) * decay + 0.1)
    assert share.use("b") == pytest.approx(0.4 * decay)
    assert share.use("c") == pytest.approx(share.use("b"))


def test_charging_together_from_a_turn_not_held_changes_nothing(share, clock):
    for known in ("a", "c"):
        hold(share, clock, known, 0.0)
    other = Work("a")
    with share.turn(Work("b")):
        share.charge_together(other, ["a", "c"])
        clock.now += 1.0
    assert share.use("b") == pytest.approx(1.0) and share.use("a") == 0.0 and share.use("c") == 0.0
