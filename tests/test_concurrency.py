"""A laptop's store under several processes at once: SQLite in WAL mode with a busy timeout, migrations
taken in turn, and write transactions that wait for each other instead of failing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import count_rows, stored_media
from queue_helpers import variants
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from transcripts.store.db import Store
from transcripts.store.schema import Media, Person, Segment, Transcript


@pytest.mark.slow
def test_four_processes_ingesting_into_one_new_sqlite_store_at_once_lose_nothing(
        home: Path, tmp_path: Path, data_dir: Path, exported_models: None) -> None:
    files = variants(data_dir / "fw_jfk.flac", tmp_path / "takes", 4)
    db = f"sqlite:///{home / 'shared.db'}"  # new: the four also race to create its tables
    # one speaker: no diarization, whose model each process would load; the store is what is tested here
    processes = [subprocess.Popen([sys.executable, "-m", "transcripts", "ingest", str(path), "--model", "tiny.en",
                                   "--speakers", "1", "--db", db, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
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


def test_a_write_session_is_not_overtaken_by_another_process_s_commit(home: Path) -> None:
    db = f"sqlite:///{home / 'race.db'}"
    mine, theirs = Store(db), Store(db)  # two engines on one file: two processes, as far as SQLite can tell

    def count(session: Session) -> int:
        return int(session.scalar(select(func.count()).select_from(Person)) or 0)

    # What a write session prevents: read, another process commits, then write: SQLite refuses at once.
    with pytest.raises(OperationalError, match="database is locked"), mine.session() as session:
        count(session)
        with theirs.session() as other:
            other.add(Person(name="theirs"))
        session.add(Person(name="lost"))
        session.flush()

    # A write session holds the write lock from its start: the other process waits for it instead.
    with mine.write_session() as session:
        count(session)
        waiting = threading.Thread(target=_add_person, args=(theirs, "waited"))
        waiting.start()
        time.sleep(0.5)
        session.add(Person(name="mine"))
    waiting.join(10)
    with mine.session() as session:
        assert sorted(session.scalars(select(Person.name))) == ["mine", "theirs", "waited"]
    mine.close()
    theirs.close()


def _add_person(store: Store, name: str) -> None:
    with store.session() as session:
        session.add(Person(name=name))
