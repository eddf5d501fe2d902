"""Where the time of an ingest goes: wall and CPU seconds per step, for `bench/ingest.py` and the logs.

Steps run on two threads at once (the diarizer beside whisper) and whisper runs its own native threads,
so a step's CPU is measured in one of two ways: the CPU clock of the thread that runs it (the diarizer's
steps, voice activity, topics, store), or the whole process's CPU less the CPU the other named threads
spent meanwhile (whisper's passes, whose work happens in CTranslate2's threads).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Spent:
    wall: float = 0.0
    cpu: float = 0.0


def thread_clock() -> int:
    """The CPU clock of the calling thread, readable from any thread (`time.clock_gettime`)."""
    return time.pthread_getcpuclockid(threading.get_ident())


def yield_to_other_threads(niceness: int = 19) -> None:
    """Run the calling thread only when the process's other threads leave a core free.

    The speaker encoder runs beside whisper on two cores, and whisper's threads want both: at equal priority
    every CPU-second of the encoder is taken from whisper's. At nice 19 the encoder still runs whenever
    whisper waits (its decoder loop leaves a core idle much of the time), and whisper keeps the cores when
    it needs them. Linux applies the niceness to one thread (the id is the thread's); elsewhere this does
    nothing. Raising niceness needs no privilege, and it cannot be lowered again without one, so call it only
    on a thread made for the work (the ingest's own diarizer thread).
    """
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
    except (AttributeError, OSError):  # not Linux, or not allowed: the thread keeps its priority
        pass


class Timings:
    """Seconds per named step, added up when a step runs more than once; safe to use from two threads."""

    def __init__(self) -> None:
        self.steps: dict[str, Spent] = {}
        self._lock = threading.Lock()

    def add(self, name: str, wall: float, cpu: float) -> None:
        with self._lock:
            spent = self.steps.setdefault(name, Spent())
            spent.wall += wall
            spent.cpu += cpu

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time a step whose work happens on the calling thread."""
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - wall, time.thread_time() - cpu)

    @contextmanager
    def process_step(self, name: str, others: Sequence[int] = ()) -> Iterator[None]:
        """Time a step that runs native threads: the process's CPU less that of the threads in `others`."""
        last: dict[int, float] = {}

        def others_cpu() -> float:
            for clock in others:
                try:
                    last[clock] = time.clock_gettime(clock)
                except OSError:  # the thread has ended: its CPU stopped where it was last read
                    last.setdefault(clock, 0.0)
            return sum(last.values())

        wall, cpu, other = time.perf_counter(), time.process_time(), others_cpu()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - wall, time.process_time() - cpu - (others_cpu() - other))

    def as_dict(self) -> dict[str, dict[str, float]]:
        with self._lock:
            return {name: {"wall": round(s.wall, 3), "cpu": round(s.cpu, 3)} for name, s in self.steps.items()}
