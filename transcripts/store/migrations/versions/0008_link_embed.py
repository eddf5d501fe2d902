"""Which of an article's embeds plays a linked transcript, and the time offset between them.

A published video is often cut differently from the raw recording: `offset` is added to a transcript's
times to find the same moment in the embed (`embed` indexes the article's `embeds`; null: the stored media).

Revision ID: 0008_link_embed
Revises: 0007_job_queue
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_link_embed"
down_revision: str | None = "0007_job_queue"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("article_transcript") as batch:
        batch.add_column(sa.Column("embed", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("offset", sa.Float(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("article_transcript") as batch:
        batch.drop_column("offset")
        batch.drop_column("embed")
