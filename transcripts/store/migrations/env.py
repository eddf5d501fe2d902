"""Alembic environment: runs on the connection the store hands over, or on the ini file's URL."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from transcripts.store.db import include_in_autogenerate
from transcripts.store.schema import Base

config = context.config
target_metadata = Base.metadata


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
                      include_object=include_in_autogenerate, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
