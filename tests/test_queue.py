"""Newsroom mode without workers: `ingest --queue` stores and queues in one go, `jobs` shows and steers the
queue, and what the queue cannot do is refused in one line. (Workers: test_workers.py.)
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic import command
from helpers import count_rows, run_cli, run_json
from queue_helpers import variants
from sqlalchemy import create_engine, select, text

from transcripts.config import load_settings
from transcripts.errors import AlreadyTranscribed
from transcripts.pipeline import media
from transcripts.pipeline.asr import Transcription
from transcripts.store import repository
from transcripts.store.db import Store, _alembic_config
from transcripts.store.media_files import open_media
from transcripts.store.schema import IngestJob, Media, Transcript

NEEDS_POSTGRESQL = ("Error: the job queue needs PostgreSQL (--db postgresql+psycopg://…, or TRANSCRIPTS_DB); "
                    "this store is sqlite")


def test_the_queue_needs_postgresql_and_says_so_in_one_line(home: Path, data_dir: Path) -> None:
    sqlite = f"sqlite:///{home / 'laptop.db'}"
    for args in (["ingest", "--queue", str(data_dir / "fw_jfk.flac")], ["jobs"], ["jobs", "retry", "1"],
                 ["worker", "--processes", "2"]):
        result = run_cli(*args, "--db", sqlite)
        assert result.exit_code == 1, result.output
        assert result.stderr.strip().splitlines() == [NEEDS_POSTGRESQL]
    assert count_rows(sqlite, Media) == 0
    assert not (home / "media").exists()


def test_what_a_queued_file_cannot_take_is_refused(home: Path, pg_url: str, data_dir: Path) -> None:
    recording = str(data_dir / "fw_jfk.flac")
    result = run_cli("ingest", "--queue", recording, "--no-copy", "--db", pg_url)
    assert result.exit_code == 2
    assert "--no-copy cannot be queued: a worker on another machine cannot read this machine's disk" in result.stderr
    result = run_cli("ingest", "--queue", recording, "--model", "tiny.en", "--db", pg_url)
    assert result.exit_code == 2
    assert "--model, --device and --compute-type belong to the workers with --queue" in result.stderr
    assert not (home / "media").exists()


def test_workers_refuse_a_stall_timeout_shorter_than_three_heartbeats(
        home: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSCRIPTS_HEARTBEAT", "10")
    monkeypatch.setenv("TRANSCRIPTS_STALLED_AFTER", "20")
    result = run_cli("worker", "--db", pg_url)
    assert result.exit_code == 1
    assert result.stderr.strip() == ("Error: TRANSCRIPTS_STALLED_AFTER (20 s) must be at least three heartbeats "
                                     "(TRANSCRIPTS_HEARTBEAT, 10 s): live workers would be taken for dead")


def test_ingest_queue_stores_each_file_and_queues_one_job_for_it_at_once(
        home: Path, tmp_path: Path, pg_url: str, data_dir: Path) -> None:
    first, second = variants(data_dir / "fw_jfk.flac", tmp_path / "junket", 2)
    notes = tmp_path / "junket" / "notes.txt"
    notes.write_text("who said what")

    queued = run_cli("ingest", "--queue", str(first), str(notes), "--db", pg_url, "--json")
    assert queued.exit_code == 1  # the notes failed, alone
    one, bad = json.loads(queued.stdout)
    assert one == {"id": None, "job_id": one["job_id"], "path": str(first), "status": "queued", "error": None}
    assert bad["status"] == "failed" and bad["job_id"] is None
    assert bad["error"].startswith(f"{notes}: not a readable audio or video file")

    again, other = run_json("ingest", str(first), "--queue", "gpu", str(second), "--db", pg_url)
    assert again["job_id"] == one["job_id"]  # same content, same settings: the job that waits already
    assert other["status"] == "queued" and other["job_id"] != one["job_id"]

    engine = create_engine(pg_url)
    with engine.connect() as connection:
        rows = {row.path: row for row in connection.execute(select(Media))}
        jobs = {row.job_id: row for row in connection.execute(select(IngestJob))}
        queues = dict(connection.execute(text("SELECT id, queue_name FROM procrastinate_jobs")).all())
    engine.dispose()
    assert len(rows) == 2 and all(not Path(key).is_absolute() for key in rows)
    for key, row in rows.items():
        assert (home / "media" / key).read_bytes() == Path(row.original_path).read_bytes()
    assert queues == {one["job_id"]: "cpu", other["job_id"]: "gpu"}
    assert jobs[one["job_id"]].path == str(first) and jobs[one["job_id"]].duration == pytest.approx(11.0, abs=0.1)

    listed = run_json("jobs", "--db", pg_url)
    assert [(j["id"], j["status"], j["path"], j["queue"], j["attempts"]) for j in listed] == [
        (one["job_id"], "queued", str(first), "cpu", 0), (other["job_id"], "queued", str(second), "gpu", 0)]
    assert set(listed[0]) == {"id", "status", "path", "queue", "worker", "attempts", "stalls", "progress", "audio",
                              "duration", "outcome", "error", "transcript_id", "enqueued_at", "started_at",
                              "finished_at"}

    cancelled = run_json("jobs", "cancel", str(other["job_id"]), "--db", pg_url)
    assert (cancelled["status"], cancelled["outcome"]) == ("cancelled", "cancelled")
    assert [j["id"] for j in run_json("jobs", "--status", "queued", "--db", pg_url)] == [one["job_id"]]
    refused = {("retry", one["job_id"]): " is queued: only a failed job can be retried",
               ("cancel", other["job_id"]): " is cancelled: only a queued or running job can be cancelled",
               ("retry", 999): ": no such job (see `transcripts jobs`)"}
    for (verb, job_id), message in refused.items():
        result = run_cli("jobs", verb, str(job_id), "--db", pg_url)
        assert (result.exit_code, result.stderr.strip()) == (1, f"Error: job {job_id}{message}")


def test_the_queue_schema_comes_and_goes_with_our_migrations(pg_url: str) -> None:
    Store(pg_url).close()
    engine = create_engine(pg_url)
    config = _alembic_config()

    def procrastinate_objects() -> int:
        with engine.connect() as connection:
            return int(connection.scalar(text(
                "SELECT (SELECT count(*) FROM pg_class WHERE relname LIKE 'procrastinate%') + "
                "(SELECT count(*) FROM pg_proc WHERE proname LIKE 'procrastinate%') + "
                "(SELECT count(*) FROM pg_type WHERE typname LIKE 'procrastinate%')")) or 0)

    assert procrastinate_objects() > 20
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0006_media_root")
    assert procrastinate_objects() == 0
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    assert procrastinate_objects() > 20
    engine.dispose()


def test_two_workers_saving_one_queued_file_at_once_store_one_transcript(db_url: str, data_dir: Path) -> None:
    """A worker whose heartbeat was late may find its job handed to another: the second save waits for the
    first one's lock on the media row, then stores nothing."""
    info = media.probe(data_dir / "fw_jfk.flac")
    store = Store(db_url)
    key = open_media(load_settings()).key_for(info.sha256, info.path.suffix)
    with store.session() as session:  # queued: the media row is there before any transcript
        repository.media_row(session, info, key, copied=True)
    transcription = Transcription(language="en", language_probability=1.0, duration=11.0, segments=[])

    def save(title: str) -> int:
        with store.write_session() as session:
            return repository.add_transcript(session, info, key, True, title, transcription, "tiny.en", {})

    with ThreadPoolExecutor(1) as pool, store.write_session() as session:
        first = repository.add_transcript(session, info, key, True, "first", transcription, "tiny.en", {})
        second = pool.submit(save, "second")
        time.sleep(1.0)
        assert not second.done()  # it waits for the first one's commit
    with pytest.raises(AlreadyTranscribed, match=f"already ingested as transcript {first}"):
        second.result(30)
    store.close()
    assert count_rows(db_url, Transcript) == 1
