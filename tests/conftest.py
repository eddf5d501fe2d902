"""Fixtures that build real things: the shared recordings, an isolated data dir, a real SQLite file or a
fresh PostgreSQL database, and one loaded Whisper model per session.

`--second-pass` runs whisper at another compute type (SECOND_PASS_COMPUTE_TYPE), in the Python API's
transcriber and in every ingest (through TRANSCRIPTS_COMPUTE_TYPE, as a user would set it): `make test`
runs the speech-marked tests again that way, so none of them leans on one machine's exact words.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import SECOND_PASS_COMPUTE_TYPE
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from transcripts.pipeline.asr import Transcriber
from transcripts.pipeline.evaluate import recordings_dir
from transcripts.pipeline.models import resolve_model

pytest_plugins = ["browsing", "players_site"]  # fixtures of the browser tests and of the embedding tests

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--second-pass", action="store_true",
                     help=f"run whisper at {SECOND_PASS_COMPUTE_TYPE} instead of the default int8 (its words change)")


@pytest.fixture(scope="session")
def whisper_compute_type(request: pytest.FixtureRequest) -> str | None:
    """Whisper's compute type for this run: None (the default) or the second pass's."""
    return SECOND_PASS_COMPUTE_TYPE if request.config.getoption("--second-pass") else None


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
def home(tmp_path: Path, models_dir: Path, whisper_compute_type: str | None,
         monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated data dir per test, as `llm` does with LLM_USER_PATH; models shared via a symlink."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "models").symlink_to(models_dir)
    for var in ("TRANSCRIPTS_DB", "TRANSCRIPTS_MODEL", "TRANSCRIPTS_CONFIG", "TRANSCRIPTS_LANGUAGE",
                "TRANSCRIPTS_DEVICE", "TRANSCRIPTS_COMPUTE_TYPE", "TRANSCRIPTS_PUBLIC_URL", "TRANSCRIPTS_SECURE_COOKIES",
                "TRANSCRIPTS_SECRET_KEY", "TRANSCRIPTS_EDITOR_TOKEN", "TRANSCRIPTS_FRAME_ANCESTORS"):
        monkeypatch.delenv(var, raising=False)
    if whisper_compute_type:
        monkeypatch.setenv("TRANSCRIPTS_COMPUTE_TYPE", whisper_compute_type)
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
def transcriber(models_dir: Path, whisper_compute_type: str | None) -> Transcriber:
    """The default model, loaded once for every test that calls the Python API."""
    model = resolve_model("base", models_dir)
    return Transcriber(model, compute_type=whisper_compute_type) if whisper_compute_type else Transcriber(model)


SAMPLE_SPEAKERS = {"Diane": "Diane Miller", "Sheila": "Sheila Brown"}  # who speaks in pyannote_sample.wav


def reference_names(shown: dict, stm: Path) -> dict[str, str]:
    """Each stored speaker label -> the full name of the reference speaker it overlaps most.

    Which voice the clustering calls S1 depends on which short turn it hears first: names come from the
    reference (pyannote_sample.stm), never from the label's number.
    """
    from transcripts.pipeline.evaluate import stm_utterances

    lines = stm_utterances(stm)
    overlap: dict[tuple[str, str], float] = {}
    for segment in shown["segments"]:
        for line in lines:
            shared = min(segment["end"], line.end) - max(segment["start"], line.start)
            if shared > 0:
                key = (segment["speaker"], line.speaker)
                overlap[key] = overlap.get(key, 0.0) + shared
    names: dict[str, str] = {}
    for (label, speaker), _ in sorted(overlap.items(), key=lambda item: -item[1]):
        if label not in names and SAMPLE_SPEAKERS[speaker] not in names.values():
            names[label] = SAMPLE_SPEAKERS[speaker]
    return names


class StoreTemplates:
    """Ingests made once per session and backend, which tests copy instead of transcribing again.

    A SQLite template is a file (copied with its write-ahead log); a PostgreSQL one is a database that
    `CREATE DATABASE … TEMPLATE` copies. Templates ingest with `--no-copy`, so their copies share the
    media and a test that deletes its transcript takes nothing from the others.
    """

    def __init__(self, folders: pytest.TempPathFactory, models_dir: Path, pg_server: str,
                 compute_type: str | None) -> None:
        self.folders, self.models_dir, self.pg_server, self.compute_type = folders, models_dir, pg_server, compute_type
        self.urls: dict[tuple[str, str], str] = {}

    def get(self, backend: str, key: str, build: Callable[[str], None], base: str | None = None) -> str:
        """The template `key` on `backend`, built the first time by `build(url)`, starting from a copy of
        the template `base` when one is named (else from an empty store)."""
        if (backend, key) in self.urls:
            return self.urls[backend, key]
        home = self.folders.mktemp(key)
        (home / "models").symlink_to(self.models_dir)
        start = self.urls[backend, base] if base else None
        if backend == "sqlite":
            url = f"sqlite:///{home / 'template.db'}"
            if start:
                _copy_sqlite(start, home / "template.db")
        else:
            name = f"transcripts_template_{uuid.uuid4().hex[:12]}"
            copied = f' TEMPLATE "{make_url(start).database}"' if start else ""
            _admin(self.pg_server, f'CREATE DATABASE "{name}"{copied}')
            url = make_url(self.pg_server).set(database=name).render_as_string(hide_password=False)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("TRANSCRIPTS_HOME", str(home))
            patch.setenv("HF_HUB_OFFLINE", "1")
            patch.delenv("TRANSCRIPTS_COMPUTE_TYPE", raising=False)
            if self.compute_type:
                patch.setenv("TRANSCRIPTS_COMPUTE_TYPE", self.compute_type)
            build(url)
        self.urls[backend, key] = url
        return url

    def drop(self) -> None:
        for url in self.urls.values():
            if make_url(url).get_backend_name() == "postgresql":
                _admin(self.pg_server, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    @contextmanager
    def copy(self, template: str, home: Path) -> Iterator[str]:
        """A store of its own for one test: a copy of `template`, dropped afterwards."""
        if make_url(template).get_backend_name() == "sqlite":
            yield f"sqlite:///{_copy_sqlite(template, home / 'copy.db')}"
            return
        name = f"transcripts_test_{uuid.uuid4().hex[:12]}"
        _admin(self.pg_server, f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template).database}"')
        try:
            yield make_url(self.pg_server).set(database=name).render_as_string(hide_password=False)
        finally:
            _admin(self.pg_server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _copy_sqlite(url: str, target: Path) -> Path:
    source = make_url(url).database
    for suffix in ("", "-wal"):  # the write-ahead log too, should a checkpoint be pending
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
    return target


def _admin(server: str, statement: str) -> None:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(statement))
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def store_templates(tmp_path_factory: pytest.TempPathFactory, models_dir: Path, pg_server: str,
                    whisper_compute_type: str | None) -> Iterator[StoreTemplates]:
    templates = StoreTemplates(tmp_path_factory, models_dir, pg_server, whisper_compute_type)
    yield templates
    templates.drop()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """Each test that copies a template runs on both backends."""
    return str(request.param)


def _ingest_sample(data_dir: Path) -> Callable[[str], None]:
    def build(url: str) -> None:
        from helpers import run_json

        run_json("ingest", str(data_dir / "pyannote_sample.wav"), "--no-copy", "--db", url)
    return build


def _name_sample_speakers(data_dir: Path) -> Callable[[str], None]:
    def build(url: str) -> None:
        from helpers import run_json

        shown = run_json("show", "1", "--db", url)
        for label, name in reference_names(shown, data_dir / "pyannote_sample.stm").items():
            run_json("speakers", "rename", "1", label, name, "--db", url)
    return build


@pytest.fixture
def sample(store_templates: StoreTemplates, backend: str, home: Path, data_dir: Path) -> Iterator[str]:
    """A store of its own holding transcript 1: pyannote_sample as ingest left it (speakers S1, S2)."""
    template = store_templates.get(backend, "sample", _ingest_sample(data_dir))
    with store_templates.copy(template, home) as url:
        yield url


def _conversation_template(templates: StoreTemplates, backend: str, data_dir: Path) -> str:
    templates.get(backend, "sample", _ingest_sample(data_dir))
    return templates.get(backend, "conversation", _name_sample_speakers(data_dir), base="sample")


@pytest.fixture
def conversation(store_templates: StoreTemplates, backend: str, home: Path, data_dir: Path) -> Iterator[str]:
    """A store of its own holding transcript 1: pyannote_sample, its speakers named from the reference."""
    with store_templates.copy(_conversation_template(store_templates, backend, data_dir), home) as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_conversation(store_templates: StoreTemplates, data_dir: Path) -> str:
    """The conversation's SQLite template itself, for sites that serve a copy of it to a whole module."""
    return _conversation_template(store_templates, "sqlite", data_dir)


SAMPLE_INTERVIEW = Path(__file__).resolve().parent.parent / "media" / "sample_interview.mp3"


@pytest.fixture(scope="session")
def every_recording(tmp_path_factory: pytest.TempPathFactory, models_dir: Path, data_dir: Path
                    ) -> dict[str, tuple[str, int]]:
    """Every shared recording with speech, and the sample interview, ingested once into one SQLite store:
    file name -> (database URL, transcript id). A recording in which whisper finds no words at all (the
    sparse AMI excerpt `ami_trn01`) is left out."""
    from helpers import run_cli

    home = tmp_path_factory.mktemp("every")
    (home / "models").symlink_to(models_dir)
    url = f"sqlite:///{home / 'every.db'}"
    paths = [p for p in sorted(data_dir.iterdir()) if p.suffix in {".wav", ".flac", ".mp3"}
             and p.name != "pyannote_empty.wav"] + [SAMPLE_INTERVIEW]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRANSCRIPTS_HOME", str(home))
        patch.setenv("HF_HUB_OFFLINE", "1")
        results = json.loads(run_cli("ingest", *map(str, paths), "--no-copy", "--db", url, "--json").stdout)
    assert all(r["status"] == "ingested" or r["error"].endswith("no speech found") for r in results), results
    return {Path(r["path"]).name: (url, r["id"]) for r in results if r["status"] == "ingested"}


@pytest.fixture(scope="session")
def formats_store(tmp_path_factory: pytest.TempPathFactory, models_dir: Path, data_dir: Path) -> str:
    """`fw_jfk.flac` as WebM with a video track, MP3, Ogg and WMA (which no browser plays), ingested into one
    SQLite store and published: transcripts 1-4 in that order. Read-only for the tests that share it."""
    from helpers import convert, run_json

    home = tmp_path_factory.mktemp("formats")
    (home / "models").symlink_to(models_dir)
    sources = [convert(data_dir / "fw_jfk.flac", home / "jfk.webm", video=True)]
    sources += [convert(data_dir / "fw_jfk.flac", home / f"jfk{suffix}") for suffix in (".mp3", ".ogg", ".wma")]
    url = f"sqlite:///{home / 'formats.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRANSCRIPTS_HOME", str(home))
        patch.setenv("HF_HUB_OFFLINE", "1")
        results = run_json("ingest", *map(str, sources), "--no-copy", "--db", url)
        assert [r["status"] for r in results] == ["ingested"] * 4, results
        for result in results:
            run_json("publish", str(result["id"]), "--db", url)
    return url


@pytest.fixture
def exported_models(models_dir: Path) -> None:
    """The sentence and speaker models exported to ONNX once, here, before several worker or ingest
    processes would each export them at once."""
    from transcripts.pipeline.embed import Embedder
    from transcripts.pipeline.speaker_encoder import SpeakerEncoder

    Embedder(models_dir).load()
    SpeakerEncoder(models_dir).load()
