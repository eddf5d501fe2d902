"""The store itself: migrations that match the tables, and SQLite set up for several processes."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from transcripts.store.db import Store, _alembic_config, include_in_autogenerate
from transcripts.store.schema import Base


def test_migrations_create_exactly_the_tables_of_the_orm(db_url: str) -> None:
    store = Store(db_url)
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_in_autogenerate})
        diff = compare_metadata(context, Base.metadata)
    store.close()
    assert diff == []


def test_opening_twice_migrates_once(db_url: str) -> None:
    Store(db_url).close()
    store = Store(db_url)
    with store.engine.connect() as conn:
        head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == head
    store.close()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_and_foreign_keys(home: Path) -> None:
    store = Store(f"sqlite:///{home / 'wal.db'}")
    with store.engine.connect() as conn:
        assert conn.scalar(text("PRAGMA journal_mode")) == "wal"
        assert conn.scalar(text("PRAGMA busy_timeout")) == 30000
        assert conn.scalar(text("PRAGMA foreign_keys")) == 1
    store.close()
