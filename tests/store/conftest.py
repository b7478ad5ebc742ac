"""Fixtures of the store's tests: every test runs on SQLite and on a real PostgreSQL.

``database_url`` is parametrized over both backends: SQLite is a file in the test's own tmp dir; PostgreSQL is a
database of its own (a unique name per test) on ONE throwaway cluster (tests/postgres_cluster.py), started
lazily the first time a postgresql test runs and stopped (and deleted) at the end of the run.
"""

import itertools
import os

import pytest
from sqlalchemy import Engine

from app.core.config import Settings
from app.store import database
from tests.postgres_cluster import fresh_database, throwaway_cluster

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_cluster():
    """The URL of the run's one throwaway PostgreSQL cluster (started on first use only)."""
    with throwaway_cluster() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """An empty store: a SQLite file in the test's tmp dir, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / database.SQLITE_FILE}"
    cluster = request.getfixturevalue("postgres_cluster")
    return fresh_database(cluster, f"store_{os.getpid()}_{next(_numbers)}")


@pytest.fixture
def backend(database_url) -> str:
    """"sqlite" or "postgresql"."""
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


@pytest.fixture
def store_settings(database_url) -> Settings:
    """Settings of an in-process server on the test's store (a host thread, no process)."""
    return Settings(database_url=database_url, workers=0, allowed_hosts=["testserver"])


@pytest.fixture
def engines():
    """Makes engines on a database URL (database.connect) and disposes of them after the test."""
    made: list[Engine] = []

    def make(url: str) -> Engine:
        engine = database.connect(Settings(database_url=url, workers=0))
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.dispose()


@pytest.fixture
def engine(database_url, engines) -> Engine:
    """An engine on the test's (empty) store; the schema is not created."""
    return engines(database_url)
