"""Opening the store and bringing its schema up to date.

SQLite by default, a file in ``data_dir`` created on first start, in WAL mode (readers never wait for the
writer; several processes share it); PostgreSQL (or any SQLAlchemy URL) when ``database_url`` is set. The
schema is upgraded on start with Alembic, under a lock (a PostgreSQL advisory lock, or a file lock beside the
SQLite file), so that several processes starting at once do not race. A database whose schema is newer than
this code is refused with a sentence that says so: an older nnplay must not write into it.
"""

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from app.core.config import Settings

SQLITE_FILE = "nnplay.sqlite3"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
ADVISORY_LOCK_KEY = 7_406_231  # any fixed number: the one lock every nnplay process takes to upgrade
BUSY_TIMEOUT_MS = 10_000  # SQLite: how long a writer waits for another process's write to end
CONNECT_TIMEOUT_SECONDS = 5  # PostgreSQL (psycopg's connect_timeout)


class SchemaTooNew(RuntimeError):
    """The database was written by a newer nnplay."""


def url_of(settings: Settings) -> str:
    """The store's SQLAlchemy URL: ``database_url``, or the SQLite file in ``data_dir``."""
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{Path(settings.data_dir).resolve() / SQLITE_FILE}"


def describe(url: str) -> str:
    """The URL without its password, for logs and /api/health."""
    return make_url(url).render_as_string(hide_password=True)


def connect(settings: Settings) -> Engine:
    """An engine for the store (it connects on first use); the schema is not touched."""
    url = url_of(settings)
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # A database that does not answer must not hold a thread for minutes: connecting gives up after
    # CONNECT_TIMEOUT_SECONDS (the writer retries, requests answer 503).
    timeout = {"connect_timeout": CONNECT_TIMEOUT_SECONDS} if make_url(url).get_backend_name() == "postgresql" else {}
    return create_engine(url, pool_pre_ping=True, connect_args=timeout, pool_size=settings.database_pool_size,
                         max_overflow=settings.database_max_overflow)


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers and one writer at once, across processes
    cursor.execute("PRAGMA synchronous=NORMAL")  # with WAL: a crash of nnplay loses nothing committed
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _alembic(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@contextlib.contextmanager
def _upgrade_lock(engine: Engine) -> Iterator[None]:
    """One process at a time upgrades: a file lock beside a SQLite file (the advisory lock is taken inside the
    migration's transaction for PostgreSQL)."""
    database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.upgrade-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def head_revision() -> str:
    """The newest schema this code knows."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def upgrade(engine: Engine) -> str:
    """Bring the schema to this code's newest revision (creating it in an empty database); returns it.
    SchemaTooNew if the database's revision is one this code does not know."""
    known = {script.revision for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}
    database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)  # the data folder, on first start
    with _upgrade_lock(engine), engine.begin() as connection:
        if engine.url.get_backend_name() == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        current = MigrationContext.configure(connection).get_current_revision()
        if current is not None and current not in known:
            raise SchemaTooNew(
                f"the database {describe(str(engine.url))} has schema revision {current}, which this version of "
                f"nnplay does not know (its newest is {head_revision()}): it was written by a newer nnplay. Run "
                f"that version, or point NNPLAY_DATABASE_URL / NNPLAY_DATA_DIR at another database.")
        command.upgrade(_alembic(connection), "head")
    return head_revision()
