"""The store on SQLite and on a real PostgreSQL: the schema's upgrade (idempotent, safe when several processes
start at once, refusing a newer schema) and SessionStore's reads and writes, with an injected wall clock."""

import concurrent.futures
import hashlib
import multiprocessing
import threading
from pathlib import Path

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url

from app.core.config import Settings
from app.main import create_app
from app.store import database
from app.store.sessions import Checkpoint, SessionRow, SessionStore, token_hash
from app.store.tables import metadata, sessions

XOR = {"data": {"name": "xor", "n_points": 60, "noise": 0.0}, "hidden_layers": [4]}


class Clock:
    """A wall clock that moves only when the test says so."""

    def __init__(self, now: float = 1_700_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def checkpoint(session_id: str, epoch: int = 0, principal: str = "", state: bytes = b"state") -> Checkpoint:
    return Checkpoint(id=session_id, principal=principal or session_id, config='{"hidden_layers": [4]}',
                      epoch=epoch, status="idle", state=state + bytes([epoch % 256]) * epoch,
                      history=b"history\x00\xff")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(engine, clock) -> SessionStore:
    database.upgrade(engine)
    return SessionStore(engine, clock)


def _upgrade_in_a_new_process(url: str) -> str:
    """Run in a spawned process: open the store and upgrade it, as a starting nnplay process does."""
    engine = database.connect(Settings(database_url=url, workers=0))
    try:
        return database.upgrade(engine)
    finally:
        engine.dispose()


# ----- the schema ----------------------------------------------------------------------------------------
def test_upgrade_creates_the_schema_and_is_idempotent(engine, store, clock):
    head = database.head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {*metadata.tables, "alembic_version"} <= tables
    for table in metadata.tables.values():  # the migrations make what app/store/tables.py describes
        columns = {column["name"] for column in inspect(engine).get_columns(table.name)}
        assert columns == {column.name for column in table.columns}, table.name
    indexes = {index["name"] for index in inspect(engine).get_indexes("sessions")}
    assert {"ix_sessions_used_at", "ix_sessions_owner"} <= indexes
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head]

    store.create(checkpoint("kept"), token_hash("t"), "owner")
    for _ in range(2):  # again and again: nothing changes, nothing is lost
        assert database.upgrade(engine) == head
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head]
    assert store.load("kept") == checkpoint("kept")


def test_upgrade_makes_the_sqlite_data_folder(tmp_path, engines):
    folder = tmp_path / "not" / "yet"
    engine = engines(f"sqlite:///{folder / database.SQLITE_FILE}")
    assert database.upgrade(engine) == database.head_revision()
    assert (folder / database.SQLITE_FILE).is_file()
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_threads_upgrading_at_once_do_not_fail(database_url, engines):
    count = 6
    barrier = threading.Barrier(count)
    own = [engines(database_url) for _ in range(count)]  # each its own engine, as each process has

    def upgrade(engine):
        barrier.wait(timeout=20)
        return database.upgrade(engine)

    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        results = list(pool.map(upgrade, own, timeout=60))
    assert results == [database.head_revision()] * count
    with own[0].connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
            database.head_revision()]


def test_processes_upgrading_at_once_do_not_fail(database_url, engines):
    count = 3
    context = multiprocessing.get_context("spawn")  # as the server starts its hosts
    with concurrent.futures.ProcessPoolExecutor(count, mp_context=context) as pool:
        results = list(pool.map(_upgrade_in_a_new_process, [database_url] * count, timeout=60))
    assert results == [database.head_revision()] * count
    store = SessionStore(engines(database_url), Clock())
    store.create(checkpoint("after"), token_hash("t"), "owner")
    assert store.count() == (1, checkpoint("after").size_bytes)


def test_a_schema_newer_than_the_code_is_refused(engine, store):
    store.create(checkpoint("theirs"), token_hash("t"), "owner")
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'zzzz'"))
    with pytest.raises(database.SchemaTooNew) as refused:
        database.upgrade(engine)
    message = str(refused.value)
    assert "zzzz" in message and database.head_revision() in message and "newer nnplay" in message
    assert "NNPLAY_DATABASE_URL" in message
    with engine.connect() as connection:  # nothing was touched
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == ["zzzz"]
    assert store.load("theirs") == checkpoint("theirs")


def test_an_unknown_revision_in_an_otherwise_empty_database_is_refused(engine):
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
        connection.execute(text("INSERT INTO alembic_version (version_num) VALUES ('zzzz')"))
    with pytest.raises(database.SchemaTooNew, match="zzzz"):
        database.upgrade(engine)
    assert "sessions" not in inspect(engine).get_table_names()  # no half-made schema


def test_the_url_is_described_without_its_password():
    described = database.describe("postgresql+psycopg://nnplay:s3cret@db.example:5432/nnplay")
    assert "s3cret" not in described and described.endswith("@db.example:5432/nnplay")


def test_the_default_store_is_a_sqlite_file_in_the_data_dir(tmp_path):
    url = database.url_of(Settings(data_dir=tmp_path / "data", database_url=None, workers=0))
    assert make_url(url).get_backend_name() == "sqlite"
    assert Path(make_url(url).database) == (tmp_path / "data" / database.SQLITE_FILE).resolve()
    assert database.url_of(Settings(database_url="postgresql+psycopg://u@h/d", workers=0)) == "postgresql+psycopg://u@h/d"


# ----- SessionStore --------------------------------------------------------------------------------------
def test_create_find_load_save_delete(store, clock):
    first = checkpoint("s1", epoch=0, principal="p1")
    store.create(first, token_hash("token-1"), "10.0.0.1")
    assert store.find("s1") == SessionRow("s1", token_hash("token-1"), "10.0.0.1", "p1", 0, clock.now)
    assert store.load("s1") == first
    assert store.find("nope") is None and store.load("nope") is None

    clock.now += 60
    later = checkpoint("s1", epoch=42, principal="p1", state=b"other")
    assert store.save(later) is True
    assert store.load("s1") == later
    row = store.find("s1")
    assert (row.epoch, row.used_at, row.token_hash, row.owner) == (42, clock.now, token_hash("token-1"), "10.0.0.1")

    assert store.save(checkpoint("missing", epoch=3)) is False  # never stored (or deleted): nothing is made
    assert store.find("missing") is None

    assert store.delete("s1") is True
    assert store.find("s1") is None and store.load("s1") is None
    assert store.delete("s1") is False
    assert store.save(later) is False  # a checkpoint that arrives after the delete stays deleted


def test_a_create_tried_again_replaces_the_row(store, clock):
    store.create(checkpoint("s1", epoch=1), token_hash("a"), "owner-a")
    clock.now += 5
    store.create(checkpoint("s1", epoch=2), token_hash("b"), "owner-b")
    assert store.find("s1") == SessionRow("s1", token_hash("b"), "owner-b", "s1", 2, clock.now)
    assert store.count() == (1, checkpoint("s1", epoch=2).size_bytes)


def test_binary_state_round_trips_exactly(store):
    every_byte = bytes(range(256)) * 40 + b"\x00" * 100
    stored = Checkpoint("bin", "p", '{"ü": "✓"}', 7, "diverged", every_byte, every_byte[::-1])
    store.create(stored, token_hash("t"), "o")
    assert store.load("bin") == stored
    assert isinstance(store.load("bin").state, bytes)


def test_count_in_all_and_by_owner(store):
    assert store.count() == (0, 0) and store.count("a") == (0, 0)
    made = {"s1": "a", "s2": "a", "s3": "b"}
    for number, (session_id, owner) in enumerate(made.items(), start=1):
        store.create(checkpoint(session_id, epoch=number), token_hash(session_id), owner)
    size = {sid: checkpoint(sid, epoch=n).size_bytes for n, sid in enumerate(made, start=1)}
    assert store.count() == (3, sum(size.values()))
    assert store.count("a") == (2, size["s1"] + size["s2"])
    assert store.count("b") == (1, size["s3"])
    assert store.count("nobody") == (0, 0)
    store.save(checkpoint("s3", epoch=100))  # a bigger state counts at its new size
    assert store.count("b") == (1, checkpoint("s3", epoch=100).size_bytes)


def test_purge_removes_only_what_was_unused_since_the_cutoff(store, clock):
    start = clock.now
    store.create(checkpoint("old"), token_hash("1"), "o")  # used at start
    clock.now = start + 100
    store.create(checkpoint("saved"), token_hash("2"), "o")
    store.create(checkpoint("touched"), token_hash("3"), "o")
    clock.now = start + 200
    store.save(checkpoint("saved", epoch=5))  # a save counts as a use
    store.touch("touched")  # and so does a touch
    store.create(checkpoint("edge"), token_hash("4"), "o")  # used exactly at the cutoff: kept

    assert store.purge_unused_since(start + 200) == 1  # only "old" (start); the others were used at start + 200
    assert {sid for sid in ("old", "saved", "touched", "edge") if store.find(sid)} == {"saved", "touched", "edge"}
    assert store.find("touched").used_at == start + 200
    assert store.purge_unused_since(start + 200) == 0
    assert store.purge_unused_since(start + 201) == 3
    assert store.count() == (0, 0)


def _values(engine):
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(sessions)).all()]


def test_the_token_is_stored_only_as_its_sha256(store_settings, engine, backend, tmp_path):
    """Through the real server code (an in-process host): the store never sees the token itself."""
    with TestClient(create_app(store_settings)) as client:
        created = client.post("/api/sessions", json=XOR)
        assert created.status_code == 201, created.text
        sid, token = created.json()["id"], created.json()["token"]
        assert client.post(f"/api/sessions/{sid}/train", json={"epochs": 3},
                           headers={"Authorization": f"Bearer {token}"}).status_code == 200
    rows = _values(engine)
    assert len(rows) == 1
    for value in rows[0]:
        if isinstance(value, str):
            assert token not in value
        elif isinstance(value, bytes | memoryview):
            assert token.encode() not in bytes(value)
    with engine.connect() as connection:
        stored = connection.execute(select(sessions.c.token_hash).where(sessions.c.id == sid)).scalar_one()
    assert stored == hashlib.sha256(token.encode()).hexdigest() == token_hash(token)
    if backend == "sqlite":  # nor anywhere in the database's files (the WAL included)
        engine.dispose()
        for path in tmp_path.glob(f"{database.SQLITE_FILE}*"):
            assert token.encode() not in path.read_bytes(), path.name

    # The token still lets its owner back in after a restart; another token does not, nor none.
    with TestClient(create_app(store_settings)) as client:
        assert client.get(f"/api/sessions/{sid}", headers={"Authorization": "Bearer " + "x" * len(token)}
                          ).status_code == 403
        assert client.get(f"/api/sessions/{sid}").status_code == 401
        again = client.get(f"/api/sessions/{sid}", headers={"Authorization": f"Bearer {token}"})
        assert again.status_code == 200 and again.json()["metrics"]["epoch"] == 3


@pytest.mark.parametrize("hosts", [1, 2])
def test_a_deleted_session_is_not_restored_while_its_delete_is_being_written(store_settings, monkeypatch, hosts):
    """DELETE answers before the host's writer has removed the row: a request in that moment must not bring the
    deleted session back from the row, on its own host nor on another."""
    held = threading.Event()
    held.set()
    real_delete = SessionStore.delete

    def slow_delete(self, session_id):  # the database takes a moment (a busy PostgreSQL, a SQLite lock)
        assert held.wait(20)
        return real_delete(self, session_id)

    monkeypatch.setattr(SessionStore, "delete", slow_delete)
    app = create_app(store_settings)
    manager = app.state.sessions
    while len(manager.hosts) < hosts:  # more host threads, as the processes of workers=N
        manager.hosts.append(manager._new_host())
    try:
        with TestClient(app) as client:
            made = []
            for _ in range(2 * hosts):  # the least loaded host takes each: as many on each
                created = client.post("/api/sessions", json=XOR).json()
                made.append((created["id"], {"Authorization": f"Bearer {created['token']}"}))
            first, victim = made[0], made[-1]
            if hosts > 1:  # one fewer on the first host: the victim's restore would go there
                assert client.delete(f"/api/sessions/{first[0]}", headers=first[1]).status_code == 204
                assert manager.records[victim[0]].host is not manager.hosts[0]
            held.clear()
            sid, auth = victim
            assert client.delete(f"/api/sessions/{sid}", headers=auth).status_code == 204
            after = client.get(f"/api/sessions/{sid}", headers=auth)
            held.set()
            assert after.status_code == 404, after.text
            trained = client.post(f"/api/sessions/{sid}/train", json={"epochs": 1}, headers=auth)
            assert trained.status_code == 404, trained.text
    finally:
        held.set()


def test_a_store_of_the_first_schema_is_upgraded_with_its_sessions_kept(engine):
    """A server of the next version starts on an older store: its sessions are still there."""
    with engine.begin() as connection:
        config = database._alembic(connection)
        command.upgrade(config, "0001")
        connection.execute(text(
            "INSERT INTO sessions (id, token_hash, owner, principal, config, epoch, status, state, history, "
            "size_bytes, created_at, saved_at, used_at) VALUES ('older', 'h', 'o', 'older', '{}', 7, 'idle', :b, :b, "
            "2, 1, 1, 1)"), {"b": b"x"})
    assert database.upgrade(engine) == database.head_revision()
    row = SessionStore(engine, lambda: 0.0).find("older")
    assert row is not None and row.epoch == 7 and row.class_id is None
