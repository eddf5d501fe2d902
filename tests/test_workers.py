"""Workers on the queue, with faults: every queued file transcribed exactly once while workers are killed,
files kill their workers, and PostgreSQL goes away. The fault tests run a private PostgreSQL cluster of
their own (so stopping it disturbs nothing else), workers on `tiny.en`, and copies of `fw_jfk.flac` (11 s)
that differ in a metadata comment. Timeouts are generous: the machine is shared.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import count_rows, run_cli, run_json
from queue_helpers import PrivateCluster, kill_worker, variants, workers
from sqlalchemy import create_engine, func, select

from transcripts.jobs import control
from transcripts.store.db import Store
from transcripts.store.schema import Media, Transcript

RUN_TIMEOUT_S = 300


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    private = PrivateCluster()
    try:
        yield private
    finally:
        private.destroy()


def wait_until_settled(db_url: str, timeout: float = RUN_TIMEOUT_S) -> list[dict[str, Any]]:
    """Every job once no job is queued or running any more."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = run_json("jobs", "--db", db_url)
        if jobs and all(j["status"] not in ("queued", "running") for j in jobs):
            return jobs
        time.sleep(1)
    raise AssertionError(f"jobs still pending after {timeout} s: {run_json('jobs', '--db', db_url)}")


def transcripts_by_title(db_url: str) -> dict[str, int]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(Transcript.title, func.count()).group_by(Transcript.title))
            return {title: count for title, count in rows}
    finally:
        engine.dispose()


@pytest.mark.slow
def test_three_workers_transcribe_twelve_queued_files_each_exactly_once(
        home: Path, tmp_path: Path, pg_url: str, data_dir: Path, exported_models: None) -> None:
    files = variants(data_dir / "fw_jfk.flac", tmp_path / "junket", 12)
    queued = run_json("ingest", "--queue", str(tmp_path / "junket"), "--db", pg_url)
    assert [q["status"] for q in queued] == ["queued"] * 12
    with workers(pg_url, 3, log=tmp_path / "events.jsonl") as running:
        jobs = wait_until_settled(pg_url)
        assert running.stop() == 0
    assert [j["status"] for j in jobs] == ["done"] * 12
    assert transcripts_by_title(pg_url) == {f.stem: 1 for f in files}
    assert sorted(j["transcript_id"] for j in jobs) == list(range(1, 13))
    assert len({e["worker"] for e in running.named("job_done")}) == 3  # all three took their share
    assert all(e["attempt"] == 1 for e in running.named("job_started"))

    [again] = run_json("ingest", "--queue", str(files[0]), "--db", pg_url)
    assert again == {"id": jobs[0]["transcript_id"], "job_id": None, "path": str(files[0]), "status": "skipped",
                     "error": f"already ingested as transcript {jobs[0]['transcript_id']}"}


@pytest.mark.slow
def test_a_killed_worker_s_job_is_finished_by_another_and_a_file_that_kills_every_worker_fails_after_three(
        home: Path, tmp_path: Path, cluster: PrivateCluster, data_dir: Path, exported_models: None) -> None:
    """Also: a job whose media the root lost fails at once, and a running job can be cancelled."""
    killed, poison, plain, lost = variants(data_dir / "fw_jfk.flac", tmp_path / "junket", 4)
    [long] = variants(data_dir / "libri_interview_1688_1998.wav", tmp_path / "long", 1)  # 96 s: time to cancel it
    db = cluster.url
    queued = run_json("ingest", "--queue", str(tmp_path / "junket"), str(long), "--db", db)
    jobs = {Path(q["path"]).name: q["job_id"] for q in queued}
    engine = create_engine(db)
    with engine.connect() as connection:
        lost_key = connection.scalar(select(Media.path).where(Media.original_path == str(lost.resolve())))
    engine.dispose()
    (home / "media" / lost_key).unlink()  # the media root lost this one: its job must fail, clearly

    timers: list[threading.Timer] = []

    def crash(event: dict[str, Any]) -> None:
        """Kill the worker that starts the poison file, every time, and the one that first starts `killed`
        in the middle of its transcription (a second later); cancel the long one once it runs."""
        if event["event"] != "job_started":
            return
        if event["path"] == str(long):
            store = Store(db)
            assert control.cancel(store, event["job_id"]).status == "running"  # until its worker stops it
            store.close()
        elif event["path"] == str(poison):
            kill_worker(event["pid"])
        elif event["path"] == str(killed) and event["attempt"] == 1:
            timers.append(threading.Timer(1.0, kill_worker, [event["pid"]]))
            timers[-1].start()

    with workers(db, 2, log=tmp_path / "events.jsonl") as running:
        running.wait_for(lambda e: e["event"] == "job_failed" and e["job_id"] == jobs[poison.name],
                         RUN_TIMEOUT_S, on_event=crash)
        settled = {Path(j["path"]).name: j for j in wait_until_settled(db)}
        assert running.stop() == 0
    for timer in timers:
        timer.join()

    assert settled[killed.name]["status"] == "done" and settled[killed.name]["stalls"] == 1
    assert settled[plain.name]["status"] == "done" and settled[plain.name]["stalls"] == 0
    assert transcripts_by_title(db) == {killed.stem: 1, plain.stem: 1}
    starts = [e for e in running.named("job_started") if e["path"] == str(poison)]
    assert len(starts) == 3 and settled[poison.name]["status"] == "failed" and settled[poison.name]["stalls"] == 3
    assert settled[poison.name]["error"].startswith(f"{poison}: its worker died 3 times while transcribing it")
    assert (settled[long.name]["status"], settled[long.name]["outcome"]) == ("cancelled", "cancelled")
    assert [e["path"] for e in running.named("job_cancelled")] == [str(long)]
    assert settled[lost.name]["status"] == "failed" and settled[lost.name]["attempts"] == 1
    assert settled[lost.name]["error"] == (f"{lost}: {lost_key}: cannot read the stored media under the media root "
                                           f"{home / 'media'} (TRANSCRIPTS_MEDIA)")
    assert len(running.named("worker_exited")) == 4  # each kill -9 seen, and a worker started again

    retried = run_json("jobs", "retry", str(jobs[poison.name]), "--db", db)
    assert (retried["status"], retried["stalls"], retried["error"]) == ("queued", 0, None)


@pytest.mark.slow
def test_workers_outlive_ten_seconds_without_postgresql_and_transcribe_every_file_once(
        home: Path, tmp_path: Path, cluster: PrivateCluster, data_dir: Path, exported_models: None) -> None:
    """Ten seconds without the database while the workers transcribe, then five while they wait for work:
    each Procrastinate worker that stops is started again inside its worker process."""
    files = variants(data_dir / "fw_jfk.flac", tmp_path / "junket", 5)
    db = cluster.url
    run_json("ingest", "--queue", *map(str, files[:4]), "--db", db)
    with workers(db, 2, log=tmp_path / "events.jsonl") as running:
        running.wait_for(lambda e: e["event"] == "job_started", RUN_TIMEOUT_S)
        cluster.stop()
        time.sleep(10)
        cluster.start()
        assert [j["status"] for j in wait_until_settled(db)] == ["done"] * 4

        idle = {e["pid"] for e in running.named("worker_started")}
        assert len(idle) == 2
        cluster.stop()
        time.sleep(5)
        cluster.start()
        restarted: set[int] = set()
        while restarted != idle:
            restarted.add(running.wait_for(lambda e: e["event"] == "worker_restarting" and e["pid"] in idle,
                                           120)["pid"])
        run_json("ingest", "--queue", str(files[4]), "--db", db)
        jobs = wait_until_settled(db)
        assert running.stop() == 0
    assert [j["status"] for j in jobs] == ["done"] * 5
    assert transcripts_by_title(db) == {f.stem: 1 for f in files}
    assert not running.named("worker_exited")  # the worker processes lived through it all


def test_ingest_queue_with_the_database_down_says_so_in_one_line_and_stores_nothing(
        home: Path, cluster: PrivateCluster, data_dir: Path) -> None:
    Store(cluster.url).close()
    cluster.stop()
    result = run_cli("ingest", "--queue", str(data_dir / "fw_jfk.flac"), "--db", cluster.url)
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: database postgresql+psycopg://postgres@127.0.0.1:{cluster.port}/postgres: "
                           "cannot connect")
    assert not (home / "media").exists()
    cluster.start()
    assert count_rows(cluster.url, Media) == 0
    assert run_json("jobs", "--db", cluster.url) == []


def test_a_worker_that_cannot_start_stops_its_supervisor_with_the_reason(home: Path, pg_url: str) -> None:
    with workers(pg_url, 1, "--model", str(home / "no-such-model")) as running:
        event = running.wait_for(lambda e: e["event"] == "worker_cannot_start", 120)
        assert running.process.wait(60) == 1
    assert "no-such-model" in event["error"]
