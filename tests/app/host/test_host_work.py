"""What a host guarantees about its work: light calls never wait for heavy ones, heavy calls take fair turns
within their deadline, deleting a session stops all of its work at once, background jobs are capped, and the
trainer serves the least-used principal first. A host here is not serving: each test sends it messages and
takes the trainer's turns itself; a fake clock stands for time."""

import threading
import time
from contextlib import contextmanager

import pytest

from app.core.host_api import Op
from app.host import snapshot
from app.host.fair_share import FairShare, Work
from app.host.frames import decode
from app.host.host import SessionHost
from app.host.session import Session
from app.host.trainer import FRAMES
from app.schemas.session import SessionConfig
from app.schemas.status import JobStatus

SMALL = {"data": {"name": "xor", "n_points": 40, "noise": 0.0}, "hidden_layers": [3], "batch_size": 40}
DEADLINE_SECONDS = 20


class Connection:
    """The web process's end as the host sees it: records what the host sends."""

    def __init__(self):
        self.sent: list[tuple] = []

    def send(self, message: tuple) -> None:
        self.sent.append(message)

    def result(self, request_id: int) -> tuple | None:
        """(ok, value) of a call's answer, or None while there is none."""
        return next(((m[2], m[3]) for m in self.sent if m[0] == "result" and m[1] == request_id), None)


class FakeClock:
    """Seconds that pass when a test says so, or by ``tick`` at every reading."""

    def __init__(self, tick: float = 0.0):
        self.now, self.tick = 1000.0, tick

    def __call__(self) -> float:
        self.now += self.tick
        return self.now


def wait_for(condition, what: str):
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not (value := condition()):
        assert time.monotonic() < deadline, f"not within {DEADLINE_SECONDS} s: {what}"
        time.sleep(0.002)
    return value


def make_host(settings, clock: FakeClock | None = None, sessions: tuple[str, ...] = ("a" * 12,)) -> SessionHost:
    host = SessionHost(settings, Connection(), FairShare(clock=clock or FakeClock()))
    for session_id in sessions:
        host.sessions[session_id] = Session(session_id, session_id, SessionConfig.model_validate(SMALL), settings,
                                            host.share)
    return host


def call(host: SessionHost, request_id: int, session_id: str, op: Op, *args) -> None:
    host._dispatch(("call", request_id, session_id, str(op), args))


def answer(host: SessionHost, request_id: int) -> tuple:
    return wait_for(lambda: host.connection.result(request_id), f"the answer to call {request_id}")


@contextmanager
def lock_held_elsewhere(session: Session):
    """``session``'s lock held by another thread (a call in the middle of its work) while the block runs."""
    held, release = threading.Event(), threading.Event()

    def holder():
        with session.lock:
            held.set()
            release.wait(DEADLINE_SECONDS)

    thread = threading.Thread(target=holder, daemon=True)
    thread.start()
    try:
        assert held.wait(DEADLINE_SECONDS)
        yield
    finally:
        release.set()
        thread.join(DEADLINE_SECONDS)


@pytest.fixture
def host(settings):
    host = make_host(settings)
    yield host
    host._light.shutdown(wait=True)
    host._heavy.shutdown(wait=True)


def test_light_calls_are_answered_while_the_cpu_is_held_and_heavy_ones_wait(host):
    sid = "a" * 12
    host.sessions[sid].metrics()  # measured once per change, in a turn: this version's are known
    with host.share.turn(Work("somebody else")):
        call(host, 1, sid, Op.step)  # heavy: waits for a turn
        wait_for(lambda: host.share.queued == 1, "the step waits for its turn")
        call(host, 2, sid, Op.describe)  # light: answered at once
        ok, described = answer(host, 2)
        assert ok and described["id"] == sid
        assert host.connection.result(1) is None
    ok, stepped = answer(host, 1)
    assert ok and stepped["epochs_run"] == 1


def test_deleting_a_session_cancels_its_waiting_heavy_calls(host):
    sid = "a" * 12
    with host.share.turn(Work("somebody else")):
        call(host, 1, sid, Op.sweep, [4, 8], 2000)
        wait_for(lambda: host.share.queued == 1, "the sweep waits")
        host._dispatch(("delete", sid))
        ok, error = answer(host, 1)
    assert not ok and error[:2] == ("SessionNotFound", "session.not_found")
    assert not host.share.busy


def test_deleting_a_session_stops_its_running_sweep_at_the_next_epoch(settings):
    sid = "a" * 12
    host = make_host(settings)
    started = threading.Event()
    session = host.sessions[sid]
    original = session.settings

    class Noting:  # the sweep reads max_units from its session's settings when it starts
        def __getattr__(self, name):
            started.set()
            return getattr(original, name)

    session.settings = Noting()
    call(host, 1, sid, Op.sweep, [8] * 8, 2000)  # far more epochs than run before the delete
    started.wait(DEADLINE_SECONDS)
    host._dispatch(("delete", sid))
    ok, error = answer(host, 1)
    assert not ok and error[1] == "session.not_found"
    wait_for(lambda: not host.share.busy, "the CPU is free again")


def test_a_heavy_call_that_waits_past_its_deadline_is_refused_with_the_time_limit(settings):
    clock = FakeClock()
    host = make_host(settings, clock)
    sid = "a" * 12
    with host.share.turn(Work("somebody else")):
        call(host, 1, sid, Op.grid, 20)
        wait_for(lambda: host.share.queued == 1, "the grid waits")
        clock.now += settings.max_seconds_per_call
        host.share.wake()
        ok, error = answer(host, 1)
    assert not ok and error[:3] == ("TimeLimit", "call.time_limit", {"seconds": settings.max_seconds_per_call})


def test_a_running_sweep_stops_at_its_deadline(settings):
    host = make_host(settings, FakeClock(tick=0.5))  # every reading of the clock is half a second later
    call(host, 1, "a" * 12, Op.sweep, [8] * 8, 2000)
    ok, error = answer(host, 1)
    assert not ok and error[1] == "call.time_limit"


def test_rest_training_stops_at_its_deadline_with_time_limit(settings):
    host = make_host(settings, FakeClock(tick=1.0))  # every reading of the clock is a second later
    slow = {**SMALL, "data": {"name": "xor", "n_points": 1000}, "batch_size": 1}  # 2000 epochs: a million steps
    host.sessions["a" * 12].update(slow)
    call(host, 1, "a" * 12, Op.train, 2000)
    ok, result = answer(host, 1)
    assert ok and result["status"] == "time_limit" and 0 < result["epochs_run"] < 2000
    assert len(result["history"]["epoch"]) == result["epochs_run"]


def test_deleting_a_session_cancels_its_experiment(host):
    sid = "a" * 12
    with host.share.turn(Work("somebody else")):
        call(host, 1, sid, Op.experiment_start, 4, [1, 2], 1000)
        ok, report = answer(host, 1)
        assert ok and report["status"] == JobStatus.running
        experiment = host.sessions[sid].experiment
        host._dispatch(("delete", sid))
        experiment.thread.join(DEADLINE_SECONDS)
    assert experiment.status == JobStatus.cancelled and experiment.message == "its session was deleted"
    assert not host.share.busy


def test_an_experiment_stops_at_the_time_per_job(settings):
    host = make_host(settings, FakeClock(tick=1.0))
    sid = "a" * 12
    call(host, 1, sid, Op.experiment_start, 4, [1, 2, 3], 1000)
    assert answer(host, 1)[0]
    experiment = host.sessions[sid].experiment
    experiment.thread.join(DEADLINE_SECONDS)
    assert experiment.status == JobStatus.time_limit and "time limit" in experiment.message


def test_background_jobs_are_capped_per_host(settings):
    settings = settings.model_copy(update={"max_jobs": 1})
    host = make_host(settings, sessions=("a" * 12, "b" * 12))
    with host.share.turn(Work("somebody else")):  # the first job waits for its turn: it still runs
        call(host, 1, "a" * 12, Op.experiment_start, 4, [1], 1000)
        assert answer(host, 1)[0]
        call(host, 2, "b" * 12, Op.experiment_start, 4, [1], 1000)
        ok, error = answer(host, 2)
        assert not ok and error[:3] == ("LimitReached", "limit.jobs", {"most": 1})
        call(host, 3, "a" * 12, Op.experiment_cancel)
        assert answer(host, 3)[1]["status"] == JobStatus.cancelled
    call(host, 4, "b" * 12, Op.experiment_start, 4, [1], 5)  # room again
    assert answer(host, 4)[0]


def served_first(settings, used: dict[str, float]) -> list[int]:
    """Which viewer (1 on session a, 2 on session b, both waiting) the trainer serves first, after each key in
    ``used`` has held the CPU for that many (fake) seconds."""
    clock = FakeClock()
    host = make_host(settings, clock, sessions=("a" * 12, "b" * 12))
    for key, seconds in used.items():
        with host.share.turn(Work(key)):
            clock.now += seconds
    for viewer_id, session_id in ((1, "a" * 12), (2, "b" * 12)):
        host._dispatch(("watch", viewer_id, session_id, False, None))
        host._dispatch(("want", viewer_id, 32, 8))
    served = []
    while host.trainer.take_turn():
        served += [m[1] for m in host.connection.sent if m[0] == "frame" and m[1] not in served]
    return served


def test_the_trainer_serves_the_frames_of_the_principal_whose_frames_used_least_first(settings):
    assert served_first(settings, {FRAMES + "b" * 12: 0.0, FRAMES + "a" * 12: 5.0}) == [2, 1]
    assert served_first(settings, {FRAMES + "a" * 12: 0.0, FRAMES + "b" * 12: 5.0}) == [1, 2]


def test_frames_are_budgeted_apart_from_the_principals_other_work(settings):
    """A learner whose training and calls used a lot still gets its frames before another's costly frames."""
    used = {FRAMES + "a" * 12: 0.0, "a" * 12: 50.0, FRAMES + "b" * 12: 5.0, "b" * 12: 0.0}
    assert served_first(settings, used) == [1, 2]


def test_a_large_view_of_a_large_network_is_built_smaller_to_fit_the_frame_budget(settings):
    host = make_host(settings)
    session = host.sessions["a" * 12]
    assert snapshot.fitted_view(session, 64, 20, settings.max_frame_values) == (64, 20)  # small: as asked
    session.update({"hidden_layers": [32] * 8, "features": ["x1", "x2", "x1^2", "x2^2", "x1*x2"]})
    units = 5 + 8 * 32 + 1
    output, neuron = snapshot.fitted_view(session, 200, 64, 500_000)
    assert (output ** 2 + neuron ** 2) * units <= 500_000
    assert output > neuron and output >= 30  # scaled alike, not dropped to nothing
    assert snapshot.fitted_view(session, 200, 64, 10 ** 9) == (200, 64)


def test_a_frame_is_built_at_the_fitted_view(settings):
    settings = settings.model_copy(update={"max_frame_values": 10_000})
    host = make_host(settings)
    host._dispatch(("watch", 1, "a" * 12, False, None))
    host._dispatch(("want", 1, 200, 64))
    while host.trainer.take_turn():
        pass
    header, _, _ = decode(next(m[2] for m in host.connection.sent if m[0] == "frame"))
    output = header["shapes"]["output"][0]
    assert output < 200 and (output ** 2 + header["shapes"]["neuron"][0] ** 2) * (2 + 3 + 1) <= 10_000


def test_the_trainers_slices_end_in_the_middle_of_a_long_epoch_and_others_get_their_frames(settings):
    """A session whose epoch is thousands of mini-batches trains in short slices; a small session watched
    next to it gets a frame every turn it is due, not once per long epoch."""
    host = make_host(settings, sessions=("big" + "a" * 9, "small" + "b" * 7))
    big, small = host.sessions["big" + "a" * 9], host.sessions["small" + "b" * 7]
    big.update({"data": {"name": "xor", "n_points": 1000}, "batch_size": 1, "hidden_layers": [8, 8]})
    for viewer_id, session in ((1, big), (2, small)):
        host._dispatch(("watch", viewer_id, session.id, False, None))
        session.play()
    frames_for_small = 0
    for _ in range(40):
        host._dispatch(("want", 2, 16, 8))
        host.trainer.take_turn()
        host.trainer.take_turn()
        frames_for_small = sum(1 for m in host.connection.sent if m[0] == "frame" and m[1] == 2)
    assert frames_for_small >= 30
    # About 40 turns of its own, each a few ms of its 1000-step epochs: they ended in the middle of epochs.
    assert big.model.epoch < 40 and (big.model.epoch_in_progress is not None or big.model.epoch > 0)


def test_deleting_a_session_never_waits_for_its_lock(host):
    """The host's message loop deletes sessions: work that holds a session's lock while it waits for a turn
    must not hold up every other message of the host."""
    sid = "a" * 12
    session = host.sessions[sid]
    with lock_held_elsewhere(session):
        deleting = threading.Thread(target=host._dispatch, args=(("delete", sid),), daemon=True)
        deleting.start()
        deleting.join(DEADLINE_SECONDS)
        assert not deleting.is_alive() and session.closed and sid not in host.sessions


def test_a_teacher_looking_on_gets_frames_but_does_not_make_a_session_train(settings):
    """A passive viewer (the class dashboard) is sent a frame when the session changes; a playing session that
    only a teacher watches (its student closed the tab) does not train. Its student's viewer makes it train."""
    host = make_host(settings)
    session = host.sessions["a" * 12]
    session.play()
    host._dispatch(("watch", 1, session.id, True, 2000.0))
    host._dispatch(("want", 1, 16, 2))
    while host.trainer.take_turn():
        pass
    assert [m[1] for m in host.connection.sent if m[0] == "frame"] == [1]  # its first frame
    assert session.model.epoch == 0
    host._dispatch(("want", 1, 16, 2))
    assert not host.trainer.take_turn()  # nothing changed, nothing to train: not due
    host._dispatch(("watch", 2, session.id, False, None))  # the student's page
    host._dispatch(("want", 2, 64, 20))
    for _ in range(5):
        host.trainer.take_turn()
    assert session.model.epoch > 0
    assert sum(1 for m in host.connection.sent if m[0] == "frame" and m[1] == 1) == 2  # it changed: one more
