"""What the queue's tests share: a private PostgreSQL cluster the test may stop and start, worker processes
whose JSON event lines the test reads as they come, and distinct copies of a shared recording.
"""

from __future__ import annotations

import glob
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from helpers import ffmpeg

# A worker silent for 10 s is dead: ten heartbeats missed, which a loaded machine does not miss by chance.
WORKER_ENV = {"TRANSCRIPTS_HEARTBEAT": "1", "TRANSCRIPTS_STALLED_AFTER": "10"}


def _postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"{name} not found under /usr/lib/postgresql/*/bin")
    return found[-1]


def _as_postgres(*command: str) -> list[str]:
    """Run as the `postgres` user when we are root (initdb refuses root)."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateCluster:
    """A PostgreSQL cluster of this test alone: its own directory and port, removed by `destroy`."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="transcripts-pg-"))
        self.port = _free_port()
        self.data = self.dir / "data"
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        subprocess.run(_as_postgres(_postgres_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                                    "--no-sync", "-E", "UTF8"), check=True, capture_output=True)
        self.start()

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir} "
                   "-c fsync=off -c full_page_writes=off -c max_connections=60")
        subprocess.run(_as_postgres(_postgres_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-t", "60",
                                    "-l", str(self.dir / "log"), "start"), check=True, capture_output=True)

    def stop(self) -> None:
        """A fast shutdown: every connection is cut, as when the database server goes down."""
        subprocess.run(_as_postgres(_postgres_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"),
                       check=True, capture_output=True)

    def destroy(self) -> None:
        subprocess.run(_as_postgres(_postgres_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"),
                       check=False, capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


def variants(source: Path, folder: Path, count: int, prefix: str = "take") -> list[Path]:
    """`count` copies of a recording whose bytes differ (a metadata comment each), so each is its own media."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for index in range(count):
        target = folder / f"{prefix}_{index:02d}{source.suffix}"
        ffmpeg("-i", str(source), "-c", "copy", "-metadata", f"comment=take {index}", str(target))
        made.append(target)
    return made


class Workers:
    """`transcripts worker` in a subprocess; its JSON event lines are collected as they come."""

    def __init__(self, db_url: str, processes: int, *extra: str) -> None:
        env = {**os.environ, **WORKER_ENV}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "transcripts", "worker", "--processes", str(processes), "--model", "tiny.en",
             "--db", db_url, *extra], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
        self.events: list[dict[str, Any]] = []
        self.other: list[str] = []
        self._lines: queue.Queue[dict[str, Any]] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            try:
                event = json.loads(line)
            except ValueError:
                self.other.append(line)
                continue
            self.events.append(event)
            self._lines.put(event)

    def wait_for(self, wanted: Callable[[dict[str, Any]], bool], timeout: float,
                 on_event: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
        """The next event that satisfies `wanted` (every event also goes to `on_event`)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or self.process.poll() is not None and self._lines.empty():
                raise AssertionError(f"no such event within {timeout} s; events: {self.events[-15:]}; "
                                     f"other output: {''.join(self.other)[-2000:]}")
            try:
                event = self._lines.get(timeout=min(left, 0.5))
            except queue.Empty:
                continue
            if on_event is not None:
                on_event(event)
            if wanted(event):
                return event

    def named(self, name: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["event"] == name]

    def stop(self, timeout: float = 60) -> int:
        """SIGINT, as Ctrl-C: jobs in progress finish, then every process stops."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout)
        finally:
            self.kill()

    def kill(self) -> None:
        """Whatever is left (the supervisor and its workers), at once."""
        if self.process.poll() is None:
            for pid in _children(self.process.pid):
                _kill(pid)
            self.process.kill()
            self.process.wait(10)
        self._reader.join(5)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def kill_worker(pid: int) -> None:
    """kill -9, as the OOM killer or a crash in native code would end a worker."""
    _kill(pid)


@contextmanager
def workers(db_url: str, processes: int, *extra: str, log: Path | None = None) -> Iterator[Workers]:
    """Workers for the block; their events are kept in `log` (JSON lines) to read after a failure."""
    running = Workers(db_url, processes, *extra)
    try:
        yield running
    finally:
        running.kill()
        if log is not None:
            log.write_text("".join(json.dumps(e) + "\n" for e in running.events) + "".join(running.other))
