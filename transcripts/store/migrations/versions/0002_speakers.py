"""Speakers: person (enrolled voices), and speaker roles, talk time, voiceprints.

Revision ID: 0002_speakers
Revises: 0001_initial
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_speakers"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False, unique=True),
        sa.Column("voiceprint", sa.LargeBinary(), nullable=True),
        sa.Column("enrolled_from", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("speaker") as batch:
        batch.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("similarity", sa.Float(), nullable=True))
        batch.add_column(sa.Column("is_interviewer", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("talk_time", sa.Float(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("turns", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("voiceprint", sa.LargeBinary(), nullable=True))
        batch.create_foreign_key("fk_speaker_person_id", "person", ["person_id"], ["id"], ondelete="SET NULL")
        batch.create_index("ix_speaker_person_id", ["person_id"])


def downgrade() -> None:
    with op.batch_alter_table("speaker") as batch:
        batch.drop_index("ix_speaker_person_id")
        batch.drop_constraint("fk_speaker_person_id", type_="foreignkey")
        for column in ("voiceprint", "turns", "talk_time", "is_interviewer", "similarity", "person_id"):
            batch.drop_column(column)
    op.drop_table("person")
