"""Initial schema: media, transcript, speaker, segment, word.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "media",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("original_path", sa.Text(), nullable=False),
        sa.Column("copied", sa.Boolean(), nullable=False),
        sa.Column("format", sa.String(64), nullable=False),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("channels", sa.Integer(), nullable=False),
        sa.Column("sample_rate", sa.Integer(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("has_video", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "transcript",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("media_id", sa.Integer(), sa.ForeignKey("media.id", ondelete="CASCADE"), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("language_probability", sa.Float(), nullable=True),
        sa.Column("model", sa.Text(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_transcript_media_id", "transcript", ["media_id"])
    op.create_index("ix_transcript_created_at", "transcript", ["created_at"])
    op.create_table(
        "speaker",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("transcript_id", sa.Integer(), sa.ForeignKey("transcript.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("label", sa.String(32), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.UniqueConstraint("transcript_id", "label"),
    )
    op.create_table(
        "segment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("transcript_id", sa.Integer(), sa.ForeignKey("transcript.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("speaker_id", sa.Integer(), sa.ForeignKey("speaker.id", ondelete="SET NULL"), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("start", sa.Float(), nullable=False),
        sa.Column("end", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_index("ix_segment_transcript_seq", "segment", ["transcript_id", "seq"])
    op.create_index("ix_segment_transcript_start", "segment", ["transcript_id", "start"])
    op.create_index("ix_segment_speaker_id", "segment", ["speaker_id"])
    op.create_table(
        "word",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("segment_id", sa.Integer(), sa.ForeignKey("segment.id", ondelete="CASCADE"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("start", sa.Float(), nullable=False),
        sa.Column("end", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
    )
    op.create_index("ix_word_segment_seq", "word", ["segment_id", "seq"])


def downgrade() -> None:
    op.drop_table("word")
    op.drop_table("segment")
    op.drop_table("speaker")
    op.drop_table("transcript")
    op.drop_table("media")
