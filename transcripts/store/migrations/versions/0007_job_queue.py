"""Job queue (newsroom mode): Procrastinate's schema on PostgreSQL, and `ingest_job`, our side of each job.

Procrastinate keeps its jobs in our database (`procrastinate_jobs`, `_events`, `_workers`,
`_periodic_defers`, its types and functions); this revision applies the schema of the Procrastinate
version pinned in pyproject.toml (`procrastinate.schema.SchemaManager.get_schema`, what its own
`schema --apply` runs), so nobody applies it by hand. A later Procrastinate release that changes its schema
gets its own revision running the files of its `sql/migrations/` in between. SQLite stores have no queue:
they get only `ingest_job` (empty), so both backends share one ORM.

Revision ID: 0007_job_queue
Revises: 0006_media_root
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_job_queue"
down_revision: str | None = "0006_media_root"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DROP_PROCRASTINATE = """
DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs,
    procrastinate_workers CASCADE;
DO $$
DECLARE f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
             WHERE p.proname LIKE 'procrastinate\\_%' AND p.pronamespace = current_schema()::regnamespace LOOP
        EXECUTE 'DROP FUNCTION ' || f || ' CASCADE';
    END LOOP;
END $$;
DROP TYPE IF EXISTS procrastinate_job_to_defer_v1, procrastinate_job_event_type, procrastinate_job_status CASCADE;
"""


def _run_script(script: str) -> None:
    """Several statements at once, in the migration's transaction: given no parameters, psycopg sends the
    script as it is (its `%` are no placeholders), which SQLAlchemy's own execute would not."""
    connection = op.get_bind().connection.driver_connection
    assert connection is not None
    connection.execute(script)


def upgrade() -> None:
    op.create_table(
        "ingest_job",
        sa.Column("job_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("media_id", sa.Integer(), sa.ForeignKey("media.id", ondelete="SET NULL"), nullable=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("queue", sa.String(32), nullable=False),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("worker", sa.Text(), nullable=True),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("stalls", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("transcript_id", sa.Integer(), sa.ForeignKey("transcript.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("enqueued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_ingest_job_media_id", "ingest_job", ["media_id"])
    if op.get_bind().dialect.name == "postgresql":
        from procrastinate.schema import SchemaManager

        _run_script(SchemaManager.get_schema())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _run_script(_DROP_PROCRASTINATE)
    op.drop_index("ix_ingest_job_media_id", "ingest_job")
    op.drop_table("ingest_job")
