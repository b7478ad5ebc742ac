"""The throwaway PostgreSQL cluster: a real server SQLAlchemy and psycopg talk to, gone without a trace afterwards."""

import contextlib
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.postgres_cluster import fresh_database, throwaway_cluster


@pytest.fixture(scope="module")
def cluster():
    with throwaway_cluster() as url:
        yield url


@pytest.fixture
def query():
    """Runs one statement on a database URL through a SQLAlchemy engine; its rows (disposes of its engines)."""
    engines = []

    def run(url: str, statement: str, **params):
        engine = create_engine(url)
        engines.append(engine)
        with engine.begin() as connection:
            result = connection.execute(text(statement), params)
            return result.all() if result.returns_rows else None

    yield run
    for engine in engines:
        engine.dispose()


def test_sqlalchemy_and_psycopg_round_trip_on_the_real_server(cluster, query):
    url = make_url(cluster)
    assert (url.drivername, url.username, url.host, url.database) == (
        "postgresql+psycopg",
        "postgres",
        "127.0.0.1",
        "nnplay_test",
    )
    assert url.port not in (None, 5432)  # its own port, never the package's default cluster
    assert query(cluster, "SELECT 1") == [(1,)]
    (version,) = query(cluster, "SHOW server_version")[0]
    assert int(version.split(".")[0]) >= 13
    assert query(cluster, "SHOW listen_addresses") == [("127.0.0.1",)]
    assert query(cluster, "SHOW server_encoding") == [("UTF8",)]

    query(cluster, "CREATE TABLE runs (id serial PRIMARY KEY, name text NOT NULL, loss double precision)")
    query(cluster, "INSERT INTO runs (name, loss) VALUES (:name, :loss)", name="xor ✓", loss=0.25)
    query(cluster, "INSERT INTO runs (name, loss) VALUES (:name, :loss)", name="spiral", loss=None)
    assert query(cluster, "SELECT id, name, loss FROM runs ORDER BY id") == [(1, "xor ✓", 0.25), (2, "spiral", None)]


def test_fresh_database_is_empty_and_distinct(cluster, query):
    query(cluster, "CREATE TABLE IF NOT EXISTS leftover (id int)")
    first = fresh_database(cluster, "fresh_one")
    second = fresh_database(first, "fresh_two")  # any database of the cluster will do as a way in

    assert make_url(first).database == "fresh_one" and make_url(second).database == "fresh_two"
    assert make_url(first).port == make_url(cluster).port == make_url(second).port
    assert query(first, "SELECT current_database()") == [("fresh_one",)]
    assert query(second, "SELECT current_database()") == [("fresh_two",)]
    tables = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
    assert query(first, tables) == [] and query(second, tables) == []

    query(first, "CREATE TABLE only_in_first (id int)")
    assert query(second, tables) == []
    assert ("leftover",) in query(cluster, tables) and ("only_in_first",) not in query(cluster, tables)


class Boom(Exception):
    pass


@pytest.mark.parametrize("exit_by", ["returning", "raising"])
def test_the_server_and_its_files_are_gone_after_the_block(exit_by):
    with pytest.raises(Boom) if exit_by == "raising" else contextlib.nullcontext():
        with throwaway_cluster() as url:
            engine = create_engine(url)
            with engine.connect() as connection:
                data = Path(connection.execute(text("SHOW data_directory")).scalar_one())
            engine.dispose()
            postmaster = int((data / "postmaster.pid").read_text().split("\n", 1)[0])
            assert data.is_dir() and alive(postmaster)
            if exit_by == "raising":
                raise Boom
    assert not alive(postmaster)
    assert not data.exists() and not data.parent.exists()  # the whole temp dir, socket and log included


def alive(pid: int) -> bool:
    """Whether the process runs; a zombie waiting for init to reap it counts as gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")
