"""The queue's tasks: transcribe one stored file, and give the jobs of dead workers to live ones.

`transcribe` calls `transcripts.ingest.Ingestor` (the API the CLI and the web use), never the pipeline
steps: a queued file is ingested exactly as `transcripts ingest` would, in one transaction, and skipped if
its content was transcribed meanwhile (the store's unique media row is the last guard against doing a
file twice). How a job ends:
- ingested or skipped: done.
- the file cannot be ingested (not media, no speech, cannot be read under the media root): failed at once
  with its one-line error, never retried by itself (`transcripts jobs retry ID` does).
- the database went away or memory ran out: retried with exponential backoff (2, 4, 8, 16 s), then failed.
- its worker died under it (kill -9, a crash in a native library): `retry_stalled` sees the worker's
  heartbeat stop and queues it again; after `MAX_STALLS` deaths it fails, so a file that kills its worker
  cannot take the workers down one after another forever.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import procrastinate
from procrastinate.exceptions import JobAborted, UniqueViolation
from procrastinate.job_context import JobContext
from procrastinate.jobs import Status
from sqlalchemy.exc import SQLAlchemyError

from transcripts.errors import MediaError
from transcripts.ingest import IngestOptions, Ingestor
from transcripts.jobs import events
from transcripts.jobs.app import DEFAULT_QUEUE, HOUSEKEEPING_QUEUE, app
from transcripts.store import job_repository
from transcripts.store.db import Store
from transcripts.store.media_files import MediaFiles

MAX_ATTEMPTS = 5  # tries of a job that meets transient errors
BACKOFF_BASE_S = 2  # waits 2, 4, 8, 16 s between them
MAX_STALLS = 3  # deaths of its worker after which a job fails
PROGRESS_EVERY_S = 2.0  # how often a worker writes a job's progress

class TransientFailure(Exception):
    """A try that failed for a reason that may pass: retried with backoff."""


class FileFailed(Exception):
    """A file that cannot be ingested: the job fails once with this one-line error."""


class Cancelled(BaseException):
    """Raised from inside ingest when an editor cancels a running job. A BaseException, like Ctrl-C's, so
    that ingest's per-file catch-all does not turn it into a failed file: nothing is stored."""


@dataclass
class Runtime:
    """What a worker process hands its transcription jobs: the store, the models (loaded once), its name."""

    store: Store
    ingestor: Ingestor
    media_files: MediaFiles
    name: str


@dataclass
class Housekeeping:
    """What the stalled-job retrier needs: the store, and after how long a silent worker is dead."""

    store: Store
    stalled_after: float


class JobProgress:
    """ingest's `Progress` for a job: writes how far it got now and then, and stops it when cancelled."""

    def __init__(self, store: Store, context: JobContext) -> None:
        self.store, self.context = store, context
        self.written = time.monotonic()

    def start(self, total_seconds: float) -> None:
        pass

    def file(self, path: Path, duration: float) -> None:
        pass

    def advance(self, seconds_in_file: float, step: str) -> None:
        if self.context.should_abort():
            raise Cancelled
        if time.monotonic() - self.written >= PROGRESS_EVERY_S:
            self.written = time.monotonic()
            try:
                with self.store.session() as session:
                    job_repository.progressed(session, _job_id(self.context), seconds_in_file)
            except SQLAlchemyError:
                pass  # progress is a courtesy: the database being away must not stop the transcription

    def done_file(self) -> None:
        pass


def _job_id(context: JobContext) -> int:
    assert context.job.id is not None
    return context.job.id


@app.task(name="transcripts.transcribe", pass_context=True, queue=DEFAULT_QUEUE,
          retry=procrastinate.RetryStrategy(max_attempts=MAX_ATTEMPTS - 1, exponential_wait=BACKOFF_BASE_S,
                                            retry_exceptions={TransientFailure}))
def transcribe(context: JobContext, media: str, path: str, options: dict[str, Any]) -> dict[str, Any]:
    """Ingest the stored file `media` (a key under the media root); `path` is the reporter's name for it."""
    runtime: Runtime = context.additional_context["runtime"]
    attempt = context.job.attempts + 1
    where = {"job_id": _job_id(context), "path": path, "worker": runtime.name, "attempt": attempt}
    events.emit("job_started", **where)
    try:
        return _transcribe(context, runtime, where, media, options)
    except TransientFailure as error:
        if attempt < MAX_ATTEMPTS:
            events.emit("job_retry", **where, error=str(error), retry_in=BACKOFF_BASE_S ** attempt)
            raise
        _fail(runtime.store, where, str(error))


def _transcribe(context: JobContext, runtime: Runtime, where: dict[str, Any], media: str,
                options: dict[str, Any]) -> dict[str, Any]:
    job_id, path = where["job_id"], where["path"]
    try:
        _record(runtime.store, job_repository.started, job_id, runtime.name)
        local = runtime.media_files.readable(media)
        [result] = runtime.ingestor.ingest([local], IngestOptions.from_dict(options),
                                           JobProgress(runtime.store, context))
    except MediaError as error:
        _fail(runtime.store, where, f"{path}: {error}")
    except Cancelled:
        _record(runtime.store, job_repository.finished, job_id, "cancelled", error="cancelled by an editor")
        events.emit("job_cancelled", **where)
        raise JobAborted from None
    # ingest names the file it read (the copy under the media root); the reporter knows it by `path`
    message = result.error.replace(str(local), path) if result.error else f"{path}: failed"
    if result.status in ("ingested", "skipped"):
        _record(runtime.store, job_repository.finished, job_id, result.status, transcript_id=result.id)
        events.emit("job_done", **where, outcome=result.status, transcript_id=result.id,
                    audio=result.duration)
        return {"outcome": result.status, "transcript_id": result.id}
    if result.transient:
        raise TransientFailure(message)
    _fail(runtime.store, where, message)


def _record(store: Store, write: Any, *args: Any, **kwargs: Any) -> None:
    """Write our side of the job; the database being away is a transient failure (the job is retried)."""
    try:
        with store.session() as session:
            write(session, *args, **kwargs)
    except SQLAlchemyError as error:
        raise TransientFailure(f"database unavailable ({type(error).__name__})") from error


def _fail(store: Store, where: dict[str, Any], error: str) -> NoReturn:
    """The job fails with this one-line error, now and for good (until `transcripts jobs retry`)."""
    events.emit("job_failed", **where, error=error)
    _record(store, job_repository.finished, where["job_id"], "failed", error=error)
    raise FileFailed(error)


@app.task(name="transcripts.retry_stalled", pass_context=True, queue=HOUSEKEEPING_QUEUE)
async def retry_stalled(context: JobContext, timestamp: int) -> int:
    """Queue again the jobs of workers whose heartbeat stopped; fail a job whose worker died `MAX_STALLS`
    times. Runs periodically, without `lock=` (a lock on this very task would let it stall itself for good,
    procrastinate#1408). Returns how many jobs it looked at."""
    keeper: Housekeeping = context.additional_context["housekeeping"]
    manager = context.app.job_manager
    stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=keeper.stalled_after))
    for job in stalled:
        assert job.id is not None
        if job.task_name != transcribe.name:  # a retrier whose supervisor died: the next tick does its work
            await manager.finish_job(job, Status.FAILED, delete_job=False)
            continue
        stalls = await asyncio.to_thread(_count_stall, keeper.store, job.id)
        where = {"job_id": job.id, "path": job.task_kwargs.get("path"), "stalls": stalls}
        if stalls >= MAX_STALLS:
            error = (f"{where['path']}: its worker died {stalls} times while transcribing it; not retried "
                     "(see the workers' logs; `transcripts jobs retry` queues it again)")
            await manager.finish_job(job, Status.FAILED, delete_job=False)
            await asyncio.to_thread(_finish, keeper.store, job.id, error)
            events.emit("job_failed", **where, error=error)
            continue
        try:
            await manager.retry_job(job)
        except UniqueViolation:  # the same file was queued again meanwhile: that job does it
            await manager.finish_job(job, Status.FAILED, delete_job=False)
            await asyncio.to_thread(_finish, keeper.store, job.id, "superseded by a newer job for the same file")
            continue
        events.emit("job_stalled", **where)
    return len(stalled)


def _count_stall(store: Store, job_id: int) -> int:
    with store.session() as session:
        return job_repository.stalled(session, job_id)


def _finish(store: Store, job_id: int, error: str) -> None:
    with store.session() as session:
        job_repository.finished(session, job_id, "failed", error=error)
