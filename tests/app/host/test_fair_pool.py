"""A host's call queue: per principal, served in turn, so one user's flood of calls never waits in front of
another user's single call."""

import threading

from app.host.fair_pool import FairPool

DEADLINE_SECONDS = 10


def test_a_flood_of_one_principal_does_not_wait_in_front_of_another_principals_call():
    pool = FairPool(1, "test")
    started, release, done = threading.Event(), threading.Event(), threading.Event()
    order: list[str] = []

    def blocker():
        started.set()
        release.wait(DEADLINE_SECONDS)

    pool.submit("flood", blocker)
    assert started.wait(DEADLINE_SECONDS)  # the only worker is busy: everything below queues
    for i in range(10):
        pool.submit("flood", order.append, f"flood {i}")
    pool.submit("victim", order.append, "victim")
    pool.submit("flood", done.set)
    assert pool.queued == 12
    release.set()
    assert done.wait(DEADLINE_SECONDS)
    assert order.index("victim") <= 1  # behind at most one call of the other principal
    assert [name for name in order if name != "victim"] == [f"flood {i}" for i in range(10)]  # in order
    pool.shutdown(wait=True)


def test_a_failing_call_leaves_its_worker_serving():
    pool = FairPool(1, "test")
    done = threading.Event()
    pool.submit("a", lambda: 1 / 0)
    pool.submit("a", done.set)
    assert done.wait(DEADLINE_SECONDS)
    pool.shutdown(wait=True)


def test_shutdown_drops_what_is_queued():
    pool = FairPool(1, "test")
    started, release = threading.Event(), threading.Event()
    ran: list[int] = []
    pool.submit("a", lambda: (started.set(), release.wait(DEADLINE_SECONDS)))
    assert started.wait(DEADLINE_SECONDS)
    pool.submit("a", ran.append, 1)
    pool.shutdown()
    release.set()
    pool.shutdown(wait=True)
    pool.submit("a", ran.append, 2)  # after shutdown: ignored
    assert ran == [] and pool.queued == 0


def test_calls_submitted_back_to_back_get_workers_of_their_own():
    """Two calls queued at once while one worker idles: the second must not wait behind the first."""
    pool = FairPool(4, "test")
    warm = threading.Event()
    pool.submit("x", warm.set)
    assert warm.wait(DEADLINE_SECONDS)  # one worker now idles
    release, second_ran = threading.Event(), threading.Event()
    pool.submit("p", release.wait, DEADLINE_SECONDS)  # takes the idle worker and blocks
    pool.submit("q", second_ran.set)
    try:
        assert second_ran.wait(DEADLINE_SECONDS), "q waited behind p's blocked call"
    finally:
        release.set()
        pool.shutdown(wait=True)
