"""Media root: a stored copy's path becomes its key under the media root (`ab/abcdef….flac`).

Absolute paths tied a store to the machine that made it; a key is read under whatever directory the
machine at hand mounts as its media root (`TRANSCRIPTS_MEDIA`). Copies always lived at
`<media dir>/<first two hex digits>/<sha256><ext>`, so the key comes from the row alone, whatever the old
root was. `--no-copy` references stay absolute. Downgrading writes the paths under today's media root.

Revision ID: 0006_media_root
Revises: 0005_publish
Create Date: 2026-11-26
"""

from collections.abc import Sequence
from pathlib import Path, PurePath

import sqlalchemy as sa
from alembic import op

revision: str = "0006_media_root"
down_revision: str | None = "0005_publish"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_media = sa.table("media", sa.column("id", sa.Integer), sa.column("sha256", sa.String),
                  sa.column("path", sa.Text), sa.column("copied", sa.Boolean))


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(_media.c.id, _media.c.sha256, _media.c.path)
                              .where(_media.c.copied.is_(True))).all()
    for row_id, sha256, path in rows:
        if PurePath(path).is_absolute():
            key = f"{sha256[:2]}/{PurePath(path).name}"
            connection.execute(sa.update(_media).where(_media.c.id == row_id).values(path=key))


def downgrade() -> None:
    from transcripts.config import load_settings

    root = load_settings().media_dir
    connection = op.get_bind()
    rows = connection.execute(sa.select(_media.c.id, _media.c.path).where(_media.c.copied.is_(True))).all()
    for row_id, path in rows:
        if not PurePath(path).is_absolute():
            connection.execute(sa.update(_media).where(_media.c.id == row_id)
                               .values(path=str(Path(root, *PurePath(path).parts))))
