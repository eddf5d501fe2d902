"""`transcripts jobs` and `transcripts worker`: the job queue of newsroom mode (PostgreSQL)."""

from __future__ import annotations

import sys

import click

from transcripts import timefmt
from transcripts.cli.common import TranscriptsGroup, db_option, emit_json, json_option, with_store
from transcripts.jobs import control
from transcripts.jobs.app import DEFAULT_QUEUE, QUEUES
from transcripts.store.db import Store
from transcripts.store.job_repository import STATUSES, JobView


def _line(job: JobView) -> str:
    """`  12  running    40%  00:00:31  1 try  cpu  junket/talk.m4a  [host:pid]`, and the error below it."""
    progress = f"{job.as_json()['progress']:.0%}" if job.status == "running" else ""
    took = timefmt.hms(job.duration) if job.duration is not None else ""
    tries = f"{job.attempts} {'try' if job.attempts == 1 else 'tries'}"
    parts = [f"{job.id:>5}", f"{job.status:9}", f"{progress:>4}", f"{took:>8}", f"{tries:9}", f"{job.queue:3}",
             job.path]
    if job.worker:
        parts.append(f"[{job.worker}]")
    if job.transcript_id is not None:
        parts.append(f"-> transcript {job.transcript_id}")
    line = "  ".join(parts)
    if job.error and job.status != "done":
        line += f"\n{'':7}{job.error}"
    return line


@click.group(cls=TranscriptsGroup, invoke_without_command=True)
@click.option("--status", "statuses", multiple=True, type=click.Choice(STATUSES),
              help="Only jobs in this state (repeat for several).")
@db_option
@json_option
@click.pass_context
def jobs(ctx: click.Context, statuses: tuple[str, ...], db: str | None, as_json: bool) -> None:
    """Queued transcriptions (newsroom mode, PostgreSQL): queued, running, done, failed.

    \b
      transcripts jobs --status failed
      transcripts jobs retry 12        # a failed job, queued again
      transcripts jobs cancel 13       # a queued job, or a running one (nothing of it is stored)
    """
    if ctx.invoked_subcommand is not None:
        return
    _list(db=db, statuses=statuses, as_json=as_json)


@with_store
def _list(store: Store, statuses: tuple[str, ...], as_json: bool) -> None:
    found = control.list_jobs(store, statuses)
    if as_json:
        emit_json([j.as_json() for j in found])
        return
    for job in found:
        click.echo(_line(job))
    if not found:
        click.echo("no jobs", err=True)


def _show(job: JobView, as_json: bool) -> None:
    if as_json:
        emit_json(job.as_json())
    else:
        click.echo(_line(job))


@jobs.command()
@click.argument("job_id", type=int)
@db_option
@json_option
@with_store
def retry(store: Store, job_id: int, as_json: bool) -> None:
    """Queue failed job JOB_ID again."""
    job = control.retry(store, job_id)
    _show(job, as_json)


@jobs.command()
@click.argument("job_id", type=int)
@db_option
@json_option
@with_store
def cancel(store: Store, job_id: int, as_json: bool) -> None:
    """Cancel job JOB_ID: a queued job at once, a running one at its worker's next progress step."""
    job = control.cancel(store, job_id)
    _show(job, as_json)


@click.command()
@click.option("--processes", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes on this machine, one job at a time each (transcription is CPU-bound).")
@click.option("--queue", type=click.Choice(QUEUES), default=DEFAULT_QUEUE, show_default=True,
              help="Which jobs to take: cpu, or gpu (files queued with `ingest --queue gpu`).")
@click.option("--model", metavar="NAME|DIR", help="Whisper model of these workers (default: the setting).")
@click.option("--device", type=click.Choice(["cpu", "cuda", "auto"]), help="Where whisper runs.")
@db_option
def worker(processes: int, queue: str, model: str | None, device: str | None, db: str | None) -> None:
    """Transcribe queued files (newsroom mode, PostgreSQL) until stopped.

    Each process loads its models once and takes one job at a time; a process that dies is started again,
    and the job it was doing goes to another worker once its heartbeat has stopped (TRANSCRIPTS_STALLED_AFTER).
    Logs one JSON line per job event on stderr. Ctrl-C or SIGTERM: jobs in progress finish, then it stops;
    a second one stops at once.

    \b
      transcripts worker --processes 2
      transcripts worker --queue gpu --device cuda --model large-v3
    """
    from transcripts.jobs.supervisor import supervise

    sys.exit(supervise(db, processes, queue, model, device))
