"""`ingest --queue`: each file's media copied under the media root and its transcription queued, returning at
once. The media row, our `ingest_job` row and Procrastinate's job are written in one transaction (the job
is deferred on the session's own psycopg connection), so a file is stored and queued, or neither.

A job's `queueing_lock` and `lock` are the media's sha256 and the decoding settings: the same file queued
twice with the same settings is one job, and two workers never transcribe it at once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy.orm import Session

from transcripts.errors import MediaError
from transcripts.ingest import IngestOptions
from transcripts.jobs import tasks
from transcripts.jobs.app import DEFAULT_QUEUE, connected
from transcripts.pipeline import media
from transcripts.store import job_repository, repository
from transcripts.store.db import Store
from transcripts.store.media_files import MediaFiles, StagedCopy


@dataclass(frozen=True)
class Queued:
    """The outcome for one file; `as_json` is the documented `ingest --queue --json` shape."""

    path: str
    status: str  # "queued" | "skipped" | "failed"
    job_id: int | None = None
    id: int | None = None  # the transcript of content already transcribed
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "job_id": self.job_id, "path": self.path, "status": self.status,
                "error": self.error}


def job_lock(sha256: str, options: IngestOptions) -> str:
    """The key of a file's transcription: its content and the settings whisper decodes it with."""
    settings = json.dumps(options.decode_options().as_dict(), sort_keys=True)
    return f"transcribe:{sha256}:{hashlib.sha256(settings.encode()).hexdigest()[:16]}"


def enqueue(store: Store, media_files: MediaFiles, paths: Sequence[Path], options: IngestOptions,
            queue: str = DEFAULT_QUEUE) -> list[Queued]:
    """Queue every file; one result per file, in order. A file that is not media fails alone."""
    with connected(store.url):
        return [_enqueue_one(store, media_files, path, options, queue) for path in paths]


def _enqueue_one(store: Store, media_files: MediaFiles, path: Path, options: IngestOptions,
                 queue: str) -> Queued:
    try:
        info = media.probe(path)
    except MediaError as error:
        return Queued(str(path), "failed", error=str(error))
    lock = job_lock(info.sha256, options)
    with store.session() as session:
        existing = repository.transcript_for_sha(session, info.sha256)
        waiting = job_repository.waiting_job(session, lock)
    if existing is not None:
        return Queued(str(path), "skipped", id=existing, error=f"already ingested as transcript {existing}")
    if waiting is not None:
        return Queued(str(path), "queued", job_id=waiting)
    key = media_files.key_for(info.sha256, info.path.suffix)
    staged: StagedCopy | None = media_files.stage(info.path, key)
    try:
        with store.session() as session:
            row = repository.media_row(session, info, key, copied=True)
            if not row.copied:  # a reference to a reporter's own disk: workers read the copy instead
                row.path, row.copied = key, True
            session.flush()
            titled = replace(options, title=options.title or path.stem)  # the worker reads a copy named by hash
            job_id, fresh = _defer(session, lock, queue, key, str(path), titled)
            if fresh:
                job_repository.add_job(session, job_id, row.id, str(path), queue, info.duration)
            if staged is not None:
                staged.commit()
                staged = None
    finally:
        if staged is not None:
            staged.discard()
    return Queued(str(path), "queued", job_id=job_id)


def _defer(session: Session, lock: str, queue: str, key: str, path: str, options: IngestOptions
           ) -> tuple[int, bool]:
    """Defer the job on the session's connection, inside its transaction; a job queued for the same lock
    meanwhile (by another reporter) is that file's job. Returns the job's id, and whether it is new."""
    connection = session.connection().connection.driver_connection
    deferrer = tasks.transcribe.configure(queue=queue, lock=lock, queueing_lock=lock, connection=connection)
    try:
        with session.begin_nested():
            return deferrer.defer(media=key, path=path, options=options.as_dict()), True
    except AlreadyEnqueued:
        waiting = job_repository.waiting_job(session, lock)
        if waiting is None:
            raise
        return waiting, False
