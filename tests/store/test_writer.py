"""The CheckpointWriter on SQLite and on a real PostgreSQL: newest checkpoint per session, deletes that overtake
saves, flush and close, and writes kept and retried while the database fails, with the failure reported.

The writer's thread is held at a known point with a gate (an Event) wherever a test needs checkpoints to queue
up behind a write: no test sleeps or depends on the machine's speed."""

import threading
import time

import pytest
import sqlalchemy
from sqlalchemy.exc import OperationalError

from app.store import database, writer
from app.store.sessions import Checkpoint, SessionStore, token_hash
from app.store.writer import CheckpointWriter
from tests import conftest
from tests.postgres_cluster import free_port

DEADLINE_SECONDS = 20


def wait_for(condition, what: str, seconds: float = DEADLINE_SECONDS):
    return conftest.wait_for(condition, what, seconds)


class Clock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def checkpoint(session_id: str, epoch: int) -> Checkpoint:
    return Checkpoint(session_id, session_id, "{}", epoch, "playing", b"state-%d" % epoch, b"history")


class Spy:
    """Wraps a SessionStore method: records its calls, can hold them at a gate, and can fail them."""

    def __init__(self, monkeypatch, store: SessionStore, name: str):
        self.real = getattr(store, name)
        self.calls: list[tuple] = []
        self.entered = threading.Event()  # a call is inside (held at the gate, if closed)
        self.gate = threading.Event()
        self.gate.set()
        self.failures_left = 0
        self.lock = threading.Lock()
        monkeypatch.setattr(store, name, self)

    def hold(self) -> None:
        self.entered.clear()
        self.gate.clear()

    def __call__(self, *args):
        with self.lock:
            self.calls.append(args)
        self.entered.set()
        assert self.gate.wait(DEADLINE_SECONDS), "the test never opened the gate"
        with self.lock:
            failing = self.failures_left > 0
            self.failures_left -= failing
        if failing:
            raise OperationalError("UPDATE sessions ...", {}, Exception("the database is away"))
        return self.real(*args)


@pytest.fixture
def store(engine) -> SessionStore:
    database.upgrade(engine)
    return SessionStore(engine, time.time)


@pytest.fixture
def quick_backoff(monkeypatch):
    monkeypatch.setattr(writer, "BACKOFF_SECONDS", (0.001, 0.002, 0.005))


@pytest.fixture
def make_writer():
    made: list[CheckpointWriter] = []

    def make(store: SessionStore, clock=time.monotonic) -> CheckpointWriter:
        made.append(CheckpointWriter(store, clock))
        return made[-1]

    yield make
    for each in made:
        if each._thread.is_alive():
            each.close(5)
        each._thread.join(5)
        assert not each._thread.is_alive()


def test_a_create_and_saves_are_written(store, make_writer):
    writes = make_writer(store)
    writes.create(checkpoint("a", 0), token_hash("secret"), "owner")
    assert writes.flush(DEADLINE_SECONDS)
    assert store.load("a") == checkpoint("a", 0)
    assert store.find("a").token_hash == token_hash("secret") and store.find("a").owner == "owner"
    writes.save(checkpoint("a", 5))
    assert writes.flush(DEADLINE_SECONDS)
    assert store.load("a") == checkpoint("a", 5)
    assert writes.status() == {"waiting": 0, "written": 2, "failing_seconds": None, "last_error": ""}


def test_only_the_newest_checkpoint_of_a_session_is_written(store, make_writer, monkeypatch):
    writes = make_writer(store)
    creates, saves = Spy(monkeypatch, store, "create"), Spy(monkeypatch, store, "save")
    writes.create(checkpoint("a", 0), token_hash("a"), "o")
    writes.create(checkpoint("b", 0), token_hash("b"), "o")
    assert writes.flush(DEADLINE_SECONDS)

    creates.hold()
    writes.create(checkpoint("blocker", 0), token_hash("x"), "o")  # the thread waits inside this write
    assert creates.entered.wait(DEADLINE_SECONDS)
    for epoch in range(1, 6):
        writes.save(checkpoint("a", epoch))
        writes.save(checkpoint("b", 10 * epoch))
    assert writes.status()["waiting"] == 3  # the one being written, and one per session
    assert not writes.flush(0.01)  # cannot be done while the write is held
    creates.gate.set()
    assert writes.flush(DEADLINE_SECONDS)

    assert [args[0].epoch for args in saves.calls] == [5, 50] or [args[0].epoch for args in saves.calls] == [50, 5]
    assert store.load("a").epoch == 5 and store.load("b").epoch == 50
    assert writes.status()["waiting"] == 0


def test_a_save_while_the_create_waits_creates_with_the_newer_state(store, make_writer, monkeypatch):
    writes = make_writer(store)
    creates, saves = Spy(monkeypatch, store, "create"), Spy(monkeypatch, store, "save")
    creates.hold()
    writes.create(checkpoint("blocker", 0), token_hash("x"), "o")
    assert creates.entered.wait(DEADLINE_SECONDS)
    writes.create(checkpoint("a", 0), token_hash("a-token"), "a-owner")
    writes.save(checkpoint("a", 7))  # before the create was written: one create, with epoch 7
    creates.gate.set()
    assert writes.flush(DEADLINE_SECONDS)
    assert [args[0].id for args in creates.calls] == ["blocker", "a"] and saves.calls == []
    assert store.load("a") == checkpoint("a", 7)
    assert store.find("a").token_hash == token_hash("a-token") and store.find("a").owner == "a-owner"


def test_a_delete_overtakes_a_waiting_save_and_later_saves_are_ignored(store, make_writer, monkeypatch):
    writes = make_writer(store)
    writes.create(checkpoint("a", 0), token_hash("a"), "o")
    assert writes.flush(DEADLINE_SECONDS)
    creates, saves, deletes = (Spy(monkeypatch, store, name) for name in ("create", "save", "delete"))

    creates.hold()
    writes.create(checkpoint("blocker", 0), token_hash("x"), "o")
    assert creates.entered.wait(DEADLINE_SECONDS)
    writes.save(checkpoint("a", 3))
    writes.delete("a")  # replaces the waiting save
    writes.save(checkpoint("a", 4))  # a checkpoint taken after the delete: ignored
    assert writes.status()["waiting"] == 2
    creates.gate.set()
    assert writes.flush(DEADLINE_SECONDS)
    assert saves.calls == [] and deletes.calls == [("a",)]
    assert store.find("a") is None and store.load("a") is None

    writes.save(checkpoint("a", 5))  # long after: still ignored, never reaches the database
    assert writes.status()["waiting"] == 0 and writes.flush(DEADLINE_SECONDS)
    assert saves.calls == [] and store.find("a") is None

    writes.create(checkpoint("a", 0), token_hash("new"), "o")  # nor is a create of it (one that came late)
    assert writes.status()["waiting"] == 0 and writes.flush(DEADLINE_SECONDS)
    assert creates.calls[-1][0].id == "blocker" and store.find("a") is None


def test_a_save_of_a_session_no_longer_stored_is_dropped_not_retried(store, make_writer, monkeypatch):
    writes = make_writer(store)
    saves = Spy(monkeypatch, store, "save")
    writes.save(checkpoint("gone", 3))  # deleted by another process, say: save returns False
    assert writes.flush(DEADLINE_SECONDS)
    assert len(saves.calls) == 1 and store.find("gone") is None
    assert writes.status()["failing_seconds"] is None


def test_flush_one_waits_for_that_session_only(store, make_writer, monkeypatch):
    writes = make_writer(store)
    creates = Spy(monkeypatch, store, "create")
    creates.hold()
    writes.create(checkpoint("blocker", 0), token_hash("x"), "o")
    assert creates.entered.wait(DEADLINE_SECONDS)
    writes.create(checkpoint("queued", 0), token_hash("y"), "o")
    assert writes.flush_one("other", 0.01) is True  # nothing asked for it
    assert writes.flush_one("blocker", 0.01) is False  # being written (held)
    assert writes.flush_one("queued", 0.01) is False  # waiting behind it
    creates.gate.set()
    assert writes.flush_one("queued", DEADLINE_SECONDS) is True
    assert store.load("queued") == checkpoint("queued", 0)


def test_close_writes_what_waits_then_stops(store, make_writer, monkeypatch):
    writes = make_writer(store)
    creates = Spy(monkeypatch, store, "create")
    creates.hold()
    for number in range(5):
        writes.create(checkpoint(f"s{number}", number), token_hash("t"), "o")
    assert creates.entered.wait(DEADLINE_SECONDS)
    done = []
    closing = threading.Thread(target=lambda: done.append(writes.close(DEADLINE_SECONDS)))
    closing.start()
    creates.gate.set()
    closing.join(DEADLINE_SECONDS)
    assert done == [True]
    writes._thread.join(DEADLINE_SECONDS)
    assert not writes._thread.is_alive()
    assert store.count()[0] == 5 and store.load("s4") == checkpoint("s4", 4)


def test_close_gives_up_after_its_timeout_while_writes_fail(store, make_writer, monkeypatch):
    monkeypatch.setattr(writer, "BACKOFF_SECONDS", (60.0,))  # the thread pauses long after the failure
    writes = make_writer(store)
    saves = Spy(monkeypatch, store, "save")
    saves.failures_left = 1
    writes.save(checkpoint("a", 1))
    wait_for(lambda: writes.status()["failing_seconds"] is not None, "the failure")
    assert writes.close(0.05) is False  # the checkpoint is still waiting for its retry
    writes._thread.join(DEADLINE_SECONDS)  # close ends the pause at once: the thread stops
    assert not writes._thread.is_alive()


def test_a_failing_write_is_kept_retried_and_reported(store, make_writer, monkeypatch, quick_backoff):
    clock = Clock(1000.0)
    writes = make_writer(store, clock)
    writes.create(checkpoint("a", 0), token_hash("a"), "o")
    assert writes.flush(DEADLINE_SECONDS)
    saves = Spy(monkeypatch, store, "save")
    saves.failures_left = 1_000_000  # until the test says the database is back
    writes.save(checkpoint("a", 1))
    wait_for(lambda: len(saves.calls) >= 2, "a retry")
    clock.now = 1007.5
    status = writes.status()
    assert status["failing_seconds"] == 7.5 and status["waiting"] == 1
    assert status["last_error"].startswith("OperationalError") and "the database is away" in status["last_error"]
    writes.save(checkpoint("a", 2))  # a newer checkpoint replaces the one that failed
    wait_for(lambda: saves.calls[-1][0].epoch == 2, "the newer checkpoint tried")
    assert store.load("a").epoch == 0  # nothing written while the database is away
    saves.failures_left = 0  # it is back
    assert writes.flush(DEADLINE_SECONDS)
    assert store.load("a").epoch == 2
    assert {args[0].epoch for args in saves.calls} == {1, 2} and saves.calls[-1][0].epoch == 2
    assert writes.status() == {"waiting": 0, "written": 2, "failing_seconds": None, "last_error": ""}


def test_each_session_failing_in_turn_loses_nothing(store, make_writer, monkeypatch, quick_backoff):
    writes = make_writer(store)
    creates = Spy(monkeypatch, store, "create")
    creates.failures_left = 7
    for number in range(4):
        writes.create(checkpoint(f"s{number}", number), token_hash("t"), "o")
    assert writes.flush(DEADLINE_SECONDS)
    assert store.count()[0] == 4
    assert all(store.load(f"s{number}") == checkpoint(f"s{number}", number) for number in range(4))
    assert len(creates.calls) == 4 + 7


def test_a_save_that_arrives_while_the_create_fails_still_creates(store, make_writer, monkeypatch, quick_backoff):
    """The create being written fails after a newer checkpoint arrived: the row is still created, newest state."""
    writes = make_writer(store)
    creates = Spy(monkeypatch, store, "create")
    creates.hold()
    creates.failures_left = 1
    writes.create(checkpoint("a", 0), token_hash("a"), "owner")
    assert creates.entered.wait(DEADLINE_SECONDS)  # the create is being written (and will fail)
    writes.save(checkpoint("a", 3))  # e.g. the first REST training call, a moment after the create
    creates.gate.set()
    assert writes.flush(DEADLINE_SECONDS)
    assert store.load("a") == checkpoint("a", 3)
    assert store.find("a").token_hash == token_hash("a")


def test_an_unreachable_database_is_retried_until_it_comes_back(database_url, backend, tmp_path, engines,
                                                                make_writer, quick_backoff):
    """A real failure, not a mock: a SQLite file in a folder that does not exist yet, or a PostgreSQL port that
    nothing listens on. The database then comes back (the folder is made, or the store is pointed at the
    running server), and what waited is written."""
    if backend == "sqlite":
        missing = tmp_path / "later" / database.SQLITE_FILE
        store = SessionStore(engines(f"sqlite:///{missing}"), time.time)
    else:
        away = sqlalchemy.engine.make_url(database_url).set(port=free_port()).render_as_string(hide_password=False)
        store = SessionStore(engines(away), time.time)
    clock = Clock(50.0)
    writes = make_writer(store, clock)
    writes.create(checkpoint("a", 0), token_hash("a"), "o")
    writes.save(checkpoint("a", 9))
    wait_for(lambda: writes.status()["failing_seconds"] is not None, "the failure reported")
    clock.now = 80.0
    status = writes.status()
    assert status["failing_seconds"] == 30.0 and status["waiting"] == 1
    assert status["last_error"].startswith("OperationalError")
    assert not writes.flush(0.01)

    if backend == "sqlite":
        database.upgrade(store.engine)  # makes the folder and the schema: the same URL now works
    else:
        running = engines(database_url)
        database.upgrade(running)
        store.engine = running  # the server is reachable again
    assert writes.flush(DEADLINE_SECONDS)
    assert store.load("a") == checkpoint("a", 9)
    assert writes.status() == {"waiting": 0, "written": 1, "failing_seconds": None, "last_error": ""}
