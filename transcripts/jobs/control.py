"""What `transcripts jobs` does: list queued files, retry a failed one, cancel a queued or running one."""

from __future__ import annotations

from collections.abc import Sequence

from procrastinate.exceptions import UniqueViolation

from transcripts.errors import QueueError
from transcripts.jobs.app import connected, require_postgresql
from transcripts.store import job_repository
from transcripts.store.db import Store
from transcripts.store.job_repository import JobView
from transcripts.store.schema import utcnow


def list_jobs(store: Store, statuses: Sequence[str] = ()) -> list[JobView]:
    require_postgresql(store.url)
    with store.session() as session:
        return job_repository.list_jobs(session, statuses)


def retry(store: Store, job_id: int) -> JobView:
    """Queue a failed job again (its worker deaths no longer counted); returns it, queued."""
    require_postgresql(store.url)
    with store.session() as session:
        job = job_repository.get_job(session, job_id)
    if job.status != "failed":
        raise QueueError(f"job {job_id} is {job.status}: only a failed job can be retried")
    with connected(store.url, max_connections=1) as app:
        app.open()
        try:
            app.job_manager.retry_job_by_id(job_id, retry_at=utcnow())
        except UniqueViolation as error:
            raise QueueError(f"job {job_id}: {job.path} is queued already (see `transcripts jobs`)") from error
        finally:
            app.close()
    with store.session() as session:
        job_repository.reset(session, job_id)
        return job_repository.get_job(session, job_id)


def cancel(store: Store, job_id: int) -> JobView:
    """Cancel a queued job, or ask the worker of a running one to stop it (nothing of it is stored)."""
    require_postgresql(store.url)
    with connected(store.url) as app, store.session() as session:
        job = job_repository.get_job(session, job_id)
        connection = session.connection().connection.driver_connection
        if not app.job_manager.cancel_job_by_id(job_id, abort=True, connection=connection):
            raise QueueError(f"job {job_id} is {job.status}: only a queued or running job can be cancelled")
        if job.status == "queued":
            job_repository.finished(session, job_id, "cancelled", error="cancelled by an editor")
    with store.session() as session:
        return job_repository.get_job(session, job_id)
