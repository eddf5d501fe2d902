"""Topics: the topic table, each segment's topic and its sentence embedding.

Transcripts stored before this revision have no topics until `transcripts topics rebuild` computes them.

Revision ID: 0003_topics
Revises: 0002_speakers
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_topics"
down_revision: str | None = "0002_speakers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "topic",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("transcript_id", sa.Integer(), sa.ForeignKey("transcript.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("start", sa.Float(), nullable=False),
        sa.Column("end", sa.Float(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("edited", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_topic_transcript_seq", "topic", ["transcript_id", "seq"])
    with op.batch_alter_table("segment") as batch:
        batch.add_column(sa.Column("topic_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("embedding", sa.LargeBinary(), nullable=True))
        batch.create_foreign_key("fk_segment_topic_id", "topic", ["topic_id"], ["id"], ondelete="SET NULL")
        batch.create_index("ix_segment_topic_id", ["topic_id"])


def downgrade() -> None:
    with op.batch_alter_table("segment") as batch:
        batch.drop_index("ix_segment_topic_id")
        batch.drop_constraint("fk_segment_topic_id", type_="foreignkey")
        batch.drop_column("embedding")
        batch.drop_column("topic_id")
    op.drop_index("ix_topic_transcript_seq", table_name="topic")
    op.drop_table("topic")
