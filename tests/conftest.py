"""Fixtures that build real things: the shared recordings, an isolated data dir, a real SQLite file or a
fresh PostgreSQL database, and one loaded Whisper model per session.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from transcripts.asr import Transcriber
from transcripts.evaluate import recordings_dir
from transcripts.models import resolve_model

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The real recordings: `../shared/data` or TRANSCRIPTS_TEST_DATA. Missing is a failure, not a skip."""
    path = recordings_dir()
    if not (path / "MANIFEST.md").exists():
        pytest.fail(f"test recordings not found in {path} (set TRANSCRIPTS_TEST_DATA)")
    return path


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One assembled `base` for the whole session (assembly itself is tested in test_models)."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture
def home(tmp_path: Path, models_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated data dir per test, as `llm` does with LLM_USER_PATH; models shared via a symlink."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "models").symlink_to(models_dir)
    for var in ("TRANSCRIPTS_DB", "TRANSCRIPTS_MODEL", "TRANSCRIPTS_CONFIG", "TRANSCRIPTS_LANGUAGE",
                "TRANSCRIPTS_DEVICE", "TRANSCRIPTS_COMPUTE_TYPE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TRANSCRIPTS_HOME", str(home))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return home


@pytest.fixture(scope="session")
def pg_server() -> str:
    return os.environ.get("TRANSCRIPTS_TEST_PG", DEFAULT_PG)


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"transcripts_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg_server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, home: Path) -> str:
    """Each test that takes this runs on both backends."""
    if request.param == "sqlite":
        return f"sqlite:///{home / 'test.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(scope="session")
def transcriber(models_dir: Path) -> Transcriber:
    """The default model, loaded once for every test that calls the Python API."""
    return Transcriber(resolve_model("base", models_dir))
