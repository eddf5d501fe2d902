"""The media root: where ingested recordings are kept, by key, so that any machine can read them.

A media row stores a key relative to the root (`ab/abcdef….flac`), never an absolute path: in a newsroom
the root (`TRANSCRIPTS_MEDIA`) is a directory every machine mounts, wherever it mounts it, and a worker on
another machine reads the file the reporter's `ingest --queue` put there. A row made with `--no-copy`
keeps the absolute path of the reporter's own file instead (readable only on that machine).

`MediaFiles` is the whole interface ingest, the queue and the readers use: a directory implements it here;
an object store (S3 and the like) can implement it later without touching them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from transcripts.config import Settings
from transcripts.errors import MediaError
from transcripts.pipeline import media


class StagedCopy(Protocol):
    """A copy made before the database commit: moved into place just before it, or thrown away."""

    def commit(self) -> None: ...
    def discard(self) -> None: ...


class MediaFiles(Protocol):
    """Stored recordings by key."""

    def key_for(self, sha256: str, suffix: str) -> str: ...
    def stage(self, source: Path, key: str) -> StagedCopy | None: ...
    def local_path(self, stored: str) -> Path: ...
    def readable(self, stored: str) -> Path: ...
    def delete(self, stored: str) -> None: ...
    def sweep(self) -> int: ...


def is_reference(stored: str) -> bool:
    """Whether a media row's path is an absolute reference (`--no-copy`) rather than a key under the root."""
    return Path(stored).is_absolute()


@dataclass
class _LocalStaged:
    staged: Path
    final: Path

    def commit(self) -> None:
        media.commit_copy(self.staged, self.final)

    def discard(self) -> None:
        self.staged.unlink(missing_ok=True)


class LocalMediaFiles:
    """The media root as a local (or mounted) directory: `root/ab/abcdef….ext`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def key_for(self, sha256: str, suffix: str) -> str:
        return media.stored_path(Path(), sha256, suffix).as_posix()

    def stage(self, source: Path, key: str) -> StagedCopy | None:
        """Copy `source` in under a temporary name; None when it already is the stored copy (a queued file
        that a worker ingests from the root)."""
        final = self.local_path(key)
        if source.resolve() == final.resolve():
            return None
        return _LocalStaged(media.stage_copy(source, final), final)

    def local_path(self, stored: str) -> Path:
        """A path this machine can read: the key under the root, or a `--no-copy` reference as it is."""
        if is_reference(stored):
            return Path(stored)
        key = PurePosixPath(stored)
        if ".." in key.parts:
            raise MediaError(stored, "not a key under the media root")
        return self.root.joinpath(*key.parts)

    def readable(self, stored: str) -> Path:
        """The local path of a stored recording, or a MediaError that says where it was looked for."""
        path = self.local_path(stored)
        if not path.is_file():
            where = "" if is_reference(stored) else f" under the media root {self.root} (TRANSCRIPTS_MEDIA)"
            raise MediaError(stored, f"cannot read the stored media{where}")
        return path

    def delete(self, stored: str) -> None:
        path = self.local_path(stored)
        path.unlink(missing_ok=True)
        try:
            path.parent.rmdir()
        except OSError:
            pass

    def sweep(self) -> int:
        return media.sweep_partials(self.root)


def open_media(settings: Settings) -> MediaFiles:
    """The media root of these settings (the one place that would pick an object store instead)."""
    return LocalMediaFiles(settings.media_dir)
