"""Queue workers against plain ingest, on the same files, in the same run, and the queue's own cost per job.

- plain: one process, `Ingestor.ingest(files)` with its models loaded first (the baseline: what
  `transcripts ingest` does once its models are loaded).
- queue, 1 and 2 worker processes: `transcripts worker --processes P`, warm (every worker has loaded its
  models), then the files queued (`jobs.enqueue`, what `ingest --queue` calls); timed until every job is done.
  Throughput is audio hours per wall hour (= audio seconds per wall second).
- queue cost per job: one warm, idle worker; short files queued one at a time. `enqueue_to_start`: from the
  job's row written to the worker starting it (`ingest_job.started_at - enqueued_at`); `commit_to_done`: from
  the transcript being visible in the store to the job showing `done` (polled every 10 ms).

Each scenario gets a fresh PostgreSQL database (TRANSCRIPTS_TEST_PG's server) and media root. Prints JSON.

    .venv/bin/python bench/workers.py [--recording pyannote_sample.wav] [--copies 6] [--model base] [--repeat 3]
                                      [--latency 5]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import imageio_ffmpeg
from sqlalchemy import create_engine, text

from transcripts.config import load_settings
from transcripts.ingest import IngestOptions, Ingestor
from transcripts.jobs.enqueue import enqueue
from transcripts.pipeline import media
from transcripts.pipeline.evaluate import recordings_dir
from transcripts.store.db import Store
from transcripts.store.media_files import open_media

DATA = recordings_dir()
PG_SERVER = os.environ.get("TRANSCRIPTS_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
MODELS = load_settings().models_dir  # shared by every scenario's data dir, so nothing is exported twice


def copies(source: Path, folder: Path, count: int) -> list[Path]:
    """`count` copies whose bytes differ (a metadata comment), so each is its own media."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for index in range(count):
        target = folder / f"{source.stem}_{index:02d}{source.suffix}"
        subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-y", "-i", str(source),
                        "-c", "copy", "-metadata", f"comment=copy {index}", str(target)], check=True)
        made.append(target)
    return made


@contextmanager
def scenario(folder: Path) -> Iterator[str]:
    """A fresh database and data dir (its models shared) for one scenario; yields the database URL."""
    name = f"transcripts_bench_{uuid.uuid4().hex[:10]}"
    home = folder / name
    home.mkdir()
    (home / "models").symlink_to(MODELS)
    os.environ["TRANSCRIPTS_HOME"] = str(home)
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_SERVER.rsplit("/", 1)[0] + f"/{name}"
    try:
        Store(url).close()  # migrations are set-up, not work: done before any clock starts
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def plain(files: list[Path], folder: Path, model: str) -> float:
    """Seconds for one process to ingest every file, its models loaded beforehand."""
    with scenario(folder) as url:
        store = Store(url)
        ingestor = Ingestor(store, load_settings(db=url), model=model)
        ingestor.load_models()
        started = time.perf_counter()
        results = ingestor.ingest(files, IngestOptions())
        elapsed = time.perf_counter() - started
        store.close()
    assert all(r.status == "ingested" for r in results), [r.error for r in results]
    return elapsed


class Workers:
    """`transcripts worker --processes P` in a subprocess, and the events it prints."""

    def __init__(self, url: str, processes: int, model: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "transcripts", "worker", "--processes", str(processes), "--model", model,
             "--db", url], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
        self.started = threading.Semaphore(0)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        for _ in range(processes):
            if not self.started.acquire(timeout=600):
                raise RuntimeError("the workers did not start")

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            try:
                if json.loads(line)["event"] == "worker_started":
                    self.started.release()
            except (ValueError, KeyError):
                pass

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        self.process.wait(300)


def statuses(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [row[0] for row in conn.execute(text(
                "SELECT j.status::text FROM ingest_job i JOIN procrastinate_jobs j ON j.id = i.job_id"))]
    finally:
        engine.dispose()


def queued(files: list[Path], folder: Path, model: str, processes: int) -> float:
    """Seconds from queueing every file to every job done, with `processes` warm workers."""
    with scenario(folder) as url:
        workers = Workers(url, processes, model)
        try:
            store = Store(url)
            started = time.perf_counter()
            results = enqueue(store, open_media(load_settings()), files, IngestOptions())
            assert all(r.status == "queued" for r in results), results
            while (found := statuses(url)) and any(s in ("todo", "doing") for s in found):
                time.sleep(0.2)
            elapsed = time.perf_counter() - started
            store.close()
            assert found == ["succeeded"] * len(files), found
        finally:
            workers.stop()
    return elapsed


def queue_cost(files: list[Path], folder: Path, model: str) -> dict[str, Any]:
    """Per job, with one warm idle worker: enqueue -> start, and transcript visible -> job done."""
    to_start: list[float] = []
    to_done: list[float] = []
    with scenario(folder) as url:
        workers = Workers(url, 1, model)
        engine = create_engine(url)
        try:
            store = Store(url)
            for path in files:
                [result] = enqueue(store, open_media(load_settings()), [path], IngestOptions())
                visible = done = None
                while done is None:
                    with engine.connect() as conn:
                        row = conn.execute(text(
                            "SELECT EXISTS (SELECT 1 FROM transcript t WHERE t.media_id = i.media_id), j.status::text, "
                            "extract(epoch FROM i.started_at - i.enqueued_at) FROM ingest_job i "
                            "JOIN procrastinate_jobs j ON j.id = i.job_id WHERE i.job_id = :id"),
                            {"id": result.job_id}).one()
                    now = time.perf_counter()
                    if row[0] and visible is None:
                        visible = now
                    if row[1] == "succeeded":
                        done = now
                        to_start.append(float(row[2]))
                    time.sleep(0.01)
                assert visible is not None
                to_done.append(done - visible)
            store.close()
        finally:
            engine.dispose()
            workers.stop()
    return {"jobs": len(files), "enqueue_to_start_s": summary(to_start), "commit_to_done_s": summary(to_done)}


def summary(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 3), "max": round(max(values), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recording", default="pyannote_sample.wav")
    parser.add_argument("--copies", type=int, default=6)
    parser.add_argument("--model", default="base")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the three scenarios, interleaved")
    parser.add_argument("--latency", type=int, default=5, help="jobs queued one at a time for the queue's cost")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = copies(DATA / args.recording, folder / "files", args.copies)
        audio = sum(media.probe(path).duration for path in files)
        scenarios = {"plain_ingest": lambda: plain(files, folder, args.model),
                     "queue_1_worker": lambda: queued(files, folder, args.model, 1),
                     "queue_2_workers": lambda: queued(files, folder, args.model, 2)}
        runs: dict[str, list[float]] = {name: [] for name in scenarios}
        for round_number in range(args.repeat):  # one of each per round: background load hits all alike
            for name, run in scenarios.items():
                runs[name].append(run())
                print(f"round {round_number + 1}, {name}: {runs[name][-1]:.1f} s", file=sys.stderr)
        cost = queue_cost(copies(DATA / "fw_jfk.flac", folder / "short", args.latency), folder, args.model)
    print(json.dumps({
        "bench": "workers", "model": args.model, "cpu_count": os.cpu_count(), "repeat": args.repeat,
        "load_average_1_5_15": [round(x, 1) for x in os.getloadavg()],  # other work on the machine meanwhile
        "recording": args.recording,
        "files": len(files), "audio_seconds": round(audio, 1),
        "wall_seconds": {name: min_median(seconds) for name, seconds in runs.items()},
        "audio_hours_per_wall_hour": {name: min_median([audio / s for s in seconds], best=max)
                                      for name, seconds in runs.items()},
        "speed_to_plain_by_median": {name: round(statistics.median(runs["plain_ingest"]) / statistics.median(seconds), 2)
                                     for name, seconds in runs.items()},
        "queue_cost_per_job": cost,
    }, indent=2))


def min_median(values: list[float], best: Any = min) -> dict[str, float]:
    """The best of the repetitions (least disturbed by other work) and their median."""
    return {"best": round(best(values), 2), "median": round(statistics.median(values), 2)}


if __name__ == "__main__":
    main()
