"""Engine, sessions and migrations: the only place that knows which database it talks to.

SQLite (a laptop) gets WAL mode, so readers never block the one writer, a busy timeout, so two processes
wait for each other instead of failing, and enforced foreign keys. PostgreSQL (a newsroom) needs nothing
special. Alembic migrations are applied automatically on first use, so a fresh install has no setup step.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from transcripts.errors import StoreError
from transcripts.store import fts

_MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
MIGRATION_LOCK = 0x7472616E73  # the advisory lock key migrations take on PostgreSQL ("trans")


def redact(url: str) -> str:
    """The URL as shown in messages: never the password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite opens transactions itself, only before INSERT/UPDATE/DELETE, so DDL commits on the spot and a
    # migration stopped halfway (a backfill interrupted at a million segments) would leave tables behind with
    # the revision unchanged. We turn that off and emit BEGIN ourselves (`_begin`): SQLAlchemy's recipe.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin(connection: Any) -> None:
    # `sqlite_begin="IMMEDIATE"` (write sessions, migrations) takes the write lock at once, waiting out the busy
    # timeout. A plain BEGIN that reads and then writes fails at once with "database is locked" when another
    # process committed in between (WAL keeps its snapshot), and no busy timeout helps.
    mode = connection.get_execution_options().get("sqlite_begin", "")
    connection.exec_driver_sql(f"BEGIN {mode}".rstrip())


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise StoreError(f"database URL {url!r} is not valid ({error})") from error
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin)
        return engine
    if parsed.get_backend_name() == "postgresql":
        # prepare_threshold=None: no server-side prepared statements. After five runs psycopg would prepare
        # the search query and PostgreSQL would switch to a generic plan that, not seeing the tsquery, walks
        # the index table by id instead of using GIN: 582 ms instead of 0.7 ms at a million segments.
        return create_engine(parsed, pool_pre_ping=True,
                             connect_args={"connect_timeout": 10, "prepare_threshold": None})
    try:
        return create_engine(parsed)
    except SQLAlchemyError as error:
        raise StoreError(f"database {redact(url)}: {error}") from error


def include_in_autogenerate(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic's `include_object`: leave out what is not the ORM's, the word indexes (see `fts`) and the job
    queue's own tables (Procrastinate's, applied by migration 0007_job_queue)."""
    if type_ in ("table", "index") and name is not None and name.startswith("procrastinate_"):
        return False
    return fts.include_in_autogenerate(obj, name, type_, reflected, compare_to)


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is there already).

    Processes that start at once (four `ingest`s on a new laptop store, a newsroom's workers) take turns: the
    first migrates under a lock (SQLite's write lock, a PostgreSQL advisory lock) and the others, once they
    get it, find the schema current and do nothing.
    """
    config = _alembic_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as connection:
        if MigrationContext.configure(connection).get_current_revision() == head:
            return
    with engine.connect() as connection:
        connection.execution_options(sqlite_begin="IMMEDIATE")
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            config.attributes["connection"] = connection
            command.upgrade(config, "head")  # reads the revision again, under the lock


class Store:
    """An open, migrated database. `session()` gives a transaction: committed at the end, or rolled back."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        try:
            migrate(self.engine)
        except OperationalError as error:
            cause = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise StoreError(f"database {redact(url)}: cannot connect ({cause})") from error
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(self.engine.execution_options(sqlite_begin="IMMEDIATE"),
                                            expire_on_commit=False)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A transaction that reads, then writes (an ingest's save): on SQLite it holds the write lock from its
        start, so another process's commit cannot make it fail halfway; the same as `session` elsewhere."""
        with self._write_sessions.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
