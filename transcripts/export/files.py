"""Writing exports to disk: safe file names for a whole junket, and writes that never leave half a file."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

MAX_STEM = 60


def safe_name(transcript_id: int, title: str, extension: str) -> str:
    """`0007-sean-baker-on-red-rocket.md`: ASCII, no separators or dots to escape the folder, unique by id.

    The id leads so that two transcripts with the same title never overwrite each other.
    """
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:MAX_STEM].rstrip("-")
    return f"{transcript_id:04d}-{slug or 'transcript'}{extension}"


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write beside the target, then rename over it: readers see the old file or the new one, never half."""
    staged = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        if isinstance(data, bytes):
            staged.write_bytes(data)
        else:
            staged.write_text(data, encoding="utf-8")
        staged.replace(path)
    finally:
        staged.unlink(missing_ok=True)
