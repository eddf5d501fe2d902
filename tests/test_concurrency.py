"""A laptop's store under several processes at once: SQLite in WAL mode with a busy timeout, migrations
taken in turn, and write transactions that wait for each other instead of failing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import count_rows, stored_media
from queue_helpers import variants

from transcripts.store.schema import Media, Segment, Transcript


@pytest.mark.slow
def test_four_processes_ingesting_into_one_new_sqlite_store_at_once_lose_nothing(
        home: Path, tmp_path: Path, data_dir: Path, sentence_model: None) -> None:
    files = variants(data_dir / "fw_jfk.flac", tmp_path / "takes", 4)
    db = f"sqlite:///{home / 'shared.db'}"  # new: the four also race to create its tables
    processes = [subprocess.Popen([sys.executable, "-m", "transcripts", "ingest", str(path), "--model", "tiny.en",
                                   "--db", db, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=os.environ.copy())
                 for path in files]
    outputs = [process.communicate(timeout=600) for process in processes]
    for process, (_, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr.decode()
        assert b"locked" not in stderr
    results = [json.loads(stdout)[0] for stdout, _ in outputs]
    assert [r["status"] for r in results] == ["ingested"] * 4
    assert sorted(r["id"] for r in results) == [1, 2, 3, 4]
    assert count_rows(db, Transcript) == count_rows(db, Media) == len(stored_media(home)) == 4
    assert count_rows(db, Segment) > 0
