"""Publishing: `transcript.public` and `article.public`, false for everything stored so far.

Interviews hold what sources said off the record, so nothing becomes visible to anonymous readers of the
web app until an editor publishes it (`transcripts publish ID`, `transcripts article publish ID`). This is
not the article's `published_at` (the date printed on it), which says nothing about who may read it here.

Revision ID: 0005_publish
Revises: 0004_articles_search
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_publish"
down_revision: str | None = "0004_articles_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# A plain ALTER TABLE on both databases: SQLite adds a column with a constant default in place, where a batch
# (copy and rename) would break migration 0004's triggers, which name these tables.


def upgrade() -> None:
    for table in ("transcript", "article"):
        op.add_column(table, sa.Column("public", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    for table in ("transcript", "article"):
        op.execute(f"ALTER TABLE {table} DROP COLUMN public")
