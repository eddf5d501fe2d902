"""Reads and writes of queued files (newsroom mode): our `ingest_job` rows beside Procrastinate's jobs.

Procrastinate owns `procrastinate_jobs` (status, attempts, locks); it sits in our database, so `transcripts
jobs` reads both in one query. Its columns are declared here only as far as we read them. Writes that
report a worker's progress take their own short transaction, so a slow transcription holds no lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String, Text, cast, column, select, table, update
from sqlalchemy.orm import Session

from transcripts.errors import NotFound
from transcripts.store.schema import IngestJob, utcnow

procrastinate_jobs = table(
    "procrastinate_jobs",
    column("id", BigInteger),
    column("status", String),
    column("attempts", Integer),
    column("queueing_lock", String),
    column("queue_name", String),
)
# An enum of Procrastinate's (procrastinate_job_status): compared as text.
_status = cast(procrastinate_jobs.c.status, Text)

# Procrastinate's states, as `transcripts jobs` names them.
STATUS_NAMES = {"todo": "queued", "doing": "running", "succeeded": "done", "failed": "failed",
                "cancelled": "cancelled", "aborting": "running", "aborted": "cancelled"}
STATUSES = ("queued", "running", "done", "failed", "cancelled")


@dataclass(frozen=True)
class JobView:
    """A line of `transcripts jobs`; `as_json` is its documented shape."""

    id: int
    status: str
    path: str
    queue: str
    worker: str | None
    attempts: int
    progress: float  # seconds of audio transcribed
    audio: float  # seconds of audio in the file
    stalls: int
    outcome: str | None
    error: str | None
    transcript_id: int | None
    enqueued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def duration(self) -> float | None:
        """Seconds the job has run (so far, while it runs)."""
        if self.started_at is None:
            return None
        end = self.finished_at or utcnow()
        return max(0.0, (_aware(end) - _aware(self.started_at)).total_seconds())

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "path": self.path, "queue": self.queue,
                "worker": self.worker, "attempts": self.attempts, "stalls": self.stalls,
                "progress": round(min(1.0, self.progress / self.audio), 3) if self.audio else 0.0,
                "audio": round(self.audio, 3),
                "duration": None if self.duration is None else round(self.duration, 3),
                "outcome": self.outcome, "error": self.error, "transcript_id": self.transcript_id,
                "enqueued_at": _aware(self.enqueued_at).isoformat(),
                "started_at": None if self.started_at is None else _aware(self.started_at).isoformat(),
                "finished_at": None if self.finished_at is None else _aware(self.finished_at).isoformat()}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=utcnow().tzinfo)


def add_job(session: Session, job_id: int, media_id: int, path: str, queue: str, audio: float) -> None:
    session.add(IngestJob(job_id=job_id, media_id=media_id, path=path, queue=queue, duration=audio,
                          progress=0.0, stalls=0, enqueued_at=utcnow()))


def waiting_job(session: Session, lock: str) -> int | None:
    """A job for the same content and settings that is queued or running, if any."""
    return session.scalar(select(procrastinate_jobs.c.id).where(
        procrastinate_jobs.c.queueing_lock == lock, _status.in_(("todo", "doing")))
        .order_by(procrastinate_jobs.c.id).limit(1))


def started(session: Session, job_id: int, worker: str) -> None:
    session.execute(update(IngestJob).where(IngestJob.job_id == job_id).values(
        worker=worker, started_at=utcnow(), finished_at=None, progress=0.0, outcome=None, error=None))


def progressed(session: Session, job_id: int, seconds: float) -> None:
    session.execute(update(IngestJob).where(IngestJob.job_id == job_id).values(progress=seconds))


def finished(session: Session, job_id: int, outcome: str, transcript_id: int | None = None,
             error: str | None = None) -> None:
    values: dict[str, Any] = {"outcome": outcome, "error": error, "finished_at": utcnow()}
    if transcript_id is not None:
        values["transcript_id"] = transcript_id
    if outcome in ("ingested", "skipped"):
        values["progress"] = IngestJob.duration
    session.execute(update(IngestJob).where(IngestJob.job_id == job_id).values(**values))


def stalled(session: Session, job_id: int) -> int:
    """Count one more death of a worker under this job; returns how many so far."""
    session.execute(update(IngestJob).where(IngestJob.job_id == job_id).values(stalls=IngestJob.stalls + 1))
    return int(session.scalar(select(IngestJob.stalls).where(IngestJob.job_id == job_id)) or 0)


def reset(session: Session, job_id: int) -> None:
    """A job queued again by hand starts afresh: no error, no progress, no deaths counted."""
    session.execute(update(IngestJob).where(IngestJob.job_id == job_id).values(
        stalls=0, progress=0.0, outcome=None, error=None, started_at=None, finished_at=None))


def _select() -> Any:
    jobs = procrastinate_jobs
    return (select(IngestJob, _status, jobs.c.attempts)
            .join(jobs, jobs.c.id == IngestJob.job_id).order_by(IngestJob.job_id))


def _view(row: IngestJob, status: str, attempts: int) -> JobView:
    return JobView(row.job_id, STATUS_NAMES.get(status, status), row.path, row.queue, row.worker, attempts,
                   row.progress, row.duration, row.stalls, row.outcome, row.error, row.transcript_id,
                   row.enqueued_at, row.started_at, row.finished_at)


def list_jobs(session: Session, statuses: Sequence[str] = ()) -> list[JobView]:
    """Queued files, oldest first; `statuses` (queued, running…) narrows them."""
    wanted = [raw for raw, name in STATUS_NAMES.items() if name in statuses]
    query = _select()
    if statuses:
        query = query.where(_status.in_(wanted))
    return [_view(row, status, attempts) for row, status, attempts in session.execute(query)]


def get_job(session: Session, job_id: int) -> JobView:
    found = session.execute(_select().where(IngestJob.job_id == job_id)).first()
    if found is None:
        raise NotFound(f"job {job_id}: no such job (see `transcripts jobs`)")
    return _view(*found)
