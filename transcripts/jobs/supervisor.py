"""`transcripts worker --processes N`: N transcription worker processes, each started again when it dies, and
the queue's housekeeping.

Each worker is a process of its own (spawned, not forked: the models and their threads are loaded in the
child), so a file that crashes a native library takes one worker down, not the machine's. The supervisor
itself loads no model: it watches its workers, and runs a light Procrastinate worker on the housekeeping
queue whose periodic task retries the jobs of dead workers (`tasks.retry_stalled`). Every machine's
supervisor runs it; Procrastinate defers one run per tick for all of them.

Signals: SIGINT or SIGTERM asks every worker to finish its job and stop; a second one stops them at once.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import time
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

from transcripts.config import load_settings
from transcripts.errors import QueueError
from transcripts.jobs import events
from transcripts.jobs.app import HOUSEKEEPING_QUEUE, app, require_postgresql
from transcripts.jobs.tasks import Housekeeping, retry_stalled
from transcripts.jobs.worker import (
    EXIT_CANNOT_START,
    RESTART_MAX_S,
    RESTART_MIN_S,
    STABLE_AFTER_S,
    Stopper,
    WorkerConfig,
    keep_running,
    open_store,
    run_process,
)

WATCH_EVERY_S = 0.5


@dataclass
class Slot:
    """One of the N workers: its current process, and how long to wait before starting the next."""

    index: int
    process: BaseProcess | None = None
    started: float = 0.0
    delay: float = RESTART_MIN_S
    due: float = 0.0  # when to start it again


def supervise(db_url: str | None, processes: int, queue: str, model: str | None, device: str | None) -> int:
    """Run until SIGINT/SIGTERM; returns the exit code (1 when the workers cannot start)."""
    settings = load_settings(db=db_url, model=model, device=device)
    require_postgresql(settings.db_url)
    if settings.stalled_after < 3 * settings.heartbeat:
        raise QueueError(f"TRANSCRIPTS_STALLED_AFTER ({settings.stalled_after:g} s) must be at least three "
                         f"heartbeats (TRANSCRIPTS_HEARTBEAT, {settings.heartbeat:g} s): live workers would "
                         "be taken for dead")
    events.setup()
    name = events.worker_name()
    stop = Stopper()
    slots = [Slot(i) for i in range(processes)]

    def on_signal(signum: int, frame: Any) -> None:
        if stop.requested:  # the second: the workers' second SIGTERM stops them at once, and we go
            for slot in slots:
                if slot.process is not None:
                    _signal(slot.process, signal.SIGTERM)
        stop.on_signal(signum, frame)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    store = open_store(settings.db_url, name, stop)  # migrations run here, once, before the workers start
    if store is None:
        return 0
    _schedule_retrier(settings.stalled_after)
    config = WorkerConfig(settings.db_url, queue, model, device)
    housekeeping: dict[str, Any] = {
        "queues": [HOUSEKEEPING_QUEUE], "name": f"{name}/housekeeping", "concurrency": 1,
        "additional_context": {"housekeeping": Housekeeping(store, settings.stalled_after)},
        "update_heartbeat_interval": settings.heartbeat, "stalled_worker_timeout": settings.stalled_after,
    }
    events.emit("supervisor_started", worker=name, processes=processes, queue=queue)
    try:
        return asyncio.run(_run(settings.db_url, housekeeping, name, stop, config, slots))
    finally:
        store.close()
        events.emit("supervisor_stopped", worker=name)


def _schedule_retrier(stalled_after: float) -> None:
    """The retrier runs a few times per stall timeout, so a dead worker's job waits at most ~1.25 of it."""
    every = int(min(30, max(1, stalled_after // 4)))
    if not app.periodic_registry.periodic_tasks:
        app.periodic(cron=f"* * * * * */{every}", queueing_lock="transcripts.retry_stalled")(retry_stalled)


async def _run(db_url: str, housekeeping: dict[str, Any], name: str, stop: Stopper, config: WorkerConfig,
               slots: list[Slot]) -> int:
    keeper = asyncio.create_task(keep_running(db_url, housekeeping, name, stop))
    context = multiprocessing.get_context("spawn")
    code = 0
    while not stop.requested:
        for slot in slots:
            if slot.process is not None and not slot.process.is_alive() and _ended(slot) == EXIT_CANNOT_START:
                code = 1
                stop.request()
            if slot.process is None and time.monotonic() >= slot.due and not stop.requested:
                slot.process = context.Process(target=run_process, args=(config,), name=f"worker-{slot.index}")
                slot.process.start()
                slot.started = time.monotonic()
        await stop.sleep(WATCH_EVERY_S)
    await _stop_all(slots)
    await keeper
    return code


def _ended(slot: Slot) -> int | None:
    """Record a worker's end; the next one starts after a backoff that grows while workers die young."""
    assert slot.process is not None
    code, pid = slot.process.exitcode, slot.process.pid
    lived = time.monotonic() - slot.started
    slot.delay = RESTART_MIN_S if lived > STABLE_AFTER_S else min(slot.delay * 2, RESTART_MAX_S)
    slot.due = time.monotonic() + slot.delay
    slot.process = None
    events.emit("worker_exited", worker_pid=pid, exit_code=code, lived=round(lived, 1), restart_in=slot.delay)
    return code


async def _stop_all(slots: list[Slot]) -> None:
    """SIGTERM each worker (it finishes its job), and wait for all; a second signal to us kills them."""
    running = [s.process for s in slots if s.process is not None and s.process.is_alive()]
    for process in running:
        _signal(process, signal.SIGTERM)
    while any(p.is_alive() for p in running):
        await asyncio.sleep(WATCH_EVERY_S)


def _signal(process: BaseProcess, signum: int) -> None:
    if process.pid is not None:
        try:
            os.kill(process.pid, signum)
        except ProcessLookupError:
            pass
