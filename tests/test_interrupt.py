"""A kill -9 or Ctrl-C in the middle of a transcription leaves no partial transcript and no orphan media
copy, and running the same command again ingests the file.

Each signal runs on one backend (kill -9 on PostgreSQL, Ctrl-C on SQLite): both signals and both backends
are covered in two transcriptions of 96 s instead of four.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import count_rows, stored_media

from transcripts.store.schema import Media, Segment, Transcript

CPU_SECONDS_BEFORE_KILL = 6.0  # model load takes ~2 s of CPU; the whole transcription ~20 s


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ingest_command(path: Path, db_url: str) -> list[str]:
    return [sys.executable, "-m", "transcripts", "ingest", str(path), "--db", db_url, "--json"]


@pytest.mark.slow
@pytest.mark.parametrize(("db_url", "sig"), [("postgresql", signal.SIGKILL), ("sqlite", signal.SIGINT)],
                         ids=["postgresql-kill-9", "sqlite-ctrl-c"], indirect=["db_url"])
def test_interrupted_ingest_leaves_nothing_and_the_next_run_redoes_the_file(
        db_url: str, home: Path, data_dir: Path, sig: signal.Signals) -> None:
    recording = data_dir / "libri_interview_1688_1998.wav"
    process = subprocess.Popen(ingest_command(recording, db_url), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=os.environ.copy())
    deadline = time.monotonic() + 120
    while cpu_seconds(process.pid) < CPU_SECONDS_BEFORE_KILL:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.1)
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == (-9 if sig == signal.SIGKILL else 130), stderr
    if sig == signal.SIGINT:
        assert b"interrupted" in stderr and b"Traceback" not in stderr

    assert count_rows(db_url, Transcript) == count_rows(db_url, Segment) == count_rows(db_url, Media) == 0
    assert stored_media(home) == []

    again = subprocess.run(ingest_command(recording, db_url), capture_output=True, check=True,
                           env=os.environ.copy())
    assert json.loads(again.stdout)[0]["status"] == "ingested"
    assert count_rows(db_url, Transcript) == 1
    assert len(stored_media(home)) == 1
