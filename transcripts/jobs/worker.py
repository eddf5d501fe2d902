"""One transcription worker process: its models loaded once, one job at a time (transcription is CPU-bound),
and a Procrastinate worker that is started again whenever it stops.

Procrastinate's worker stops when its database connection fails (a heartbeat, a fetch or its listener
errs). `keep_running` starts it again, with backoff, for as long as the process is asked to run; the
Ingestor and its models stay loaded across restarts. A job that was running meanwhile finishes (ingest's
own connection reconnects); if its end could not be recorded, the stalled-job retrier runs it again and
ingest skips it, its transcript being stored already.

Signals: the first SIGTERM lets the job in progress finish, then stops; a second stops at once (the job
goes back to the queue when its worker is seen dead). SIGINT is the supervisor's to handle.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from dataclasses import dataclass
from typing import Any

import psycopg
from procrastinate.exceptions import ConnectorException
from sqlalchemy.exc import OperationalError

from transcripts.config import load_settings
from transcripts.errors import StoreError, TranscriptsError
from transcripts.ingest import Ingestor
from transcripts.jobs import events
from transcripts.jobs.app import app, connected
from transcripts.jobs.tasks import Runtime
from transcripts.store.db import Store

EXIT_CANNOT_START = 3  # a worker that cannot start (no such model, bad settings): restarting will not help
RESTART_MIN_S = 1.0
RESTART_MAX_S = 30.0
STABLE_AFTER_S = 60.0  # a worker that ran this long before stopping restarts without waiting long


@dataclass(frozen=True)
class WorkerConfig:
    """What the supervisor hands each worker process (plain values: it crosses a process boundary)."""

    db_url: str
    queue: str
    model: str | None = None
    device: str | None = None


def run_process(config: WorkerConfig) -> None:
    """The body of a worker process, until SIGTERM; exits with EXIT_CANNOT_START when it cannot start."""
    events.setup()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    name = events.worker_name()
    stop = Stopper()
    signal.signal(signal.SIGTERM, stop.on_signal)
    try:
        settings = load_settings(db=config.db_url, model=config.model, device=config.device)
        store = open_store(settings.db_url, name, stop)
        if store is None:
            return
        ingestor = Ingestor(store, settings)
        model = ingestor.load_models()  # now, once, for every job of this process
    except TranscriptsError as error:
        events.emit("worker_cannot_start", worker=name, error=str(error))
        sys.exit(EXIT_CANNOT_START)
    runtime = Runtime(store, ingestor, ingestor.media_files, name)
    options: dict[str, Any] = {
        "queues": [config.queue], "name": name, "concurrency": 1, "additional_context": {"runtime": runtime},
        "update_heartbeat_interval": settings.heartbeat, "stalled_worker_timeout": settings.stalled_after,
    }
    events.emit("worker_started", worker=name, queue=config.queue, model=model, device=settings.device)
    asyncio.run(keep_running(settings.db_url, options, name, stop))
    store.close()
    events.emit("worker_stopped", worker=name)


class Stopper:
    """A stop request from a signal, seen by blocking code (`requested`) and by the event loop (`wait`)."""

    def __init__(self) -> None:
        self.requested = False
        self._event: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def on_signal(self, signum: int, _frame: Any) -> None:
        if self.requested:  # the second signal: stop now; the job goes back to the queue
            os._exit(128 + signum)
        self.request()

    def request(self) -> None:
        self.requested = True
        if self._loop is not None and self._event is not None:
            self._loop.call_soon_threadsafe(self._event.set)

    async def wait(self) -> None:
        if self._event is None:
            self._event, self._loop = asyncio.Event(), asyncio.get_running_loop()
        if self.requested:
            self._event.set()
        await self._event.wait()

    async def sleep(self, seconds: float) -> None:
        """Sleep, or less if a stop is requested."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wait(), seconds)


def open_store(db_url: str, name: str, stop: Stopper) -> Store | None:
    """The store, waiting (with backoff) while the database does not answer; None if stopped meanwhile."""
    delay = RESTART_MIN_S
    while not stop.requested:
        try:
            return Store(db_url)
        except StoreError as error:
            if not isinstance(error.__cause__, OperationalError):
                raise
            events.emit("worker_waiting_for_database", worker=name, error=str(error), retry_in=delay)
            time.sleep(delay)
            delay = min(delay * 2, RESTART_MAX_S)
    return None


async def keep_running(db_url: str, options: dict[str, Any], name: str, stop: Stopper) -> None:
    """Run a Procrastinate worker with `options` until a stop is requested, starting it again each time it
    stops by itself (its database connection failed), after 1, 2, 4… 30 s."""
    delay = RESTART_MIN_S
    # A heartbeat that cannot get a connection for two beats means the database is gone: stop, start again.
    wait = max(5.0, 2 * options.get("update_heartbeat_interval", 10.0))
    while not stop.requested:
        began = time.monotonic()
        error = await _run_once(db_url, options, wait, stop)
        if stop.requested:
            return
        if time.monotonic() - began > STABLE_AFTER_S:
            delay = RESTART_MIN_S
        events.emit("worker_restarting", worker=name, retry_in=delay,
                    error=error or "the queue's database connection was lost")
        await stop.sleep(delay)
        delay = min(delay * 2, RESTART_MAX_S)


async def _run_once(db_url: str, options: dict[str, Any], wait: float, stop: Stopper) -> str | None:
    """One life of a Procrastinate worker; returns why it ended, when it was an error."""
    try:
        with connected(db_url, wait=wait):
            async with app.open_async():
                running = asyncio.create_task(app.run_worker_async(install_signal_handlers=False, **options))
                stopping = asyncio.create_task(stop.wait())
                await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
                stopping.cancel()
                if not running.done():
                    running.cancel()  # Procrastinate lets the job in progress finish, then stops
                with contextlib.suppress(asyncio.CancelledError):
                    await running
    except (ConnectorException, psycopg.Error, OSError) as error:  # the database went away: start again
        cause = error.__cause__ or error
        return f"{type(cause).__name__}: {str(cause).strip().splitlines()[0] if str(cause).strip() else ''}"
    return None
