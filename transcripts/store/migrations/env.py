"""Alembic environment: runs on the connection the store hands over, or on the ini file's URL."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from transcripts.store.schema import Base

config = context.config
target_metadata = Base.metadata


def include_object(obj, name, type_, reflected, compare_to):
    """Keep full-text index tables (SQLite FTS5 and its shadow tables) out of autogenerate."""
    return not (type_ == "table" and name is not None and "_fts" in name)


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.",
                                poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      include_object=include_object, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
