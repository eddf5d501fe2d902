"""The media root: stored copies are keys under `TRANSCRIPTS_MEDIA`, so any machine that mounts it reads them;
existing stores are migrated from absolute paths to keys.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from helpers import run_cli, run_json
from sqlalchemy import create_engine, insert, select
from starlette.testclient import TestClient

from transcripts.config import load_settings
from transcripts.errors import MediaError
from transcripts.store.db import _alembic_config, migrate
from transcripts.store.media_files import LocalMediaFiles
from transcripts.store.schema import Media
from transcripts.web.app import create_app

SHA = "ab" + "0" * 62


def _media_row(row_id: int, path: str, copied: bool) -> dict[str, object]:
    return {"id": row_id, "sha256": f"{row_id:02d}" + SHA[2:], "path": path, "original_path": "/home/r/a.wav",
            "copied": copied, "format": "wav", "duration": 1.0, "channels": 1, "sample_rate": 16000, "size": 1,
            "has_video": False}


def test_migration_turns_absolute_copies_into_keys_and_keeps_references(db_url: str) -> None:
    engine = create_engine(db_url)
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005_publish")
        connection.execute(insert(Media), [
            _media_row(1, f"/old/laptop/media/01/01{SHA[2:]}.flac", True),
            _media_row(2, "/home/reporter/junket/raw.wav", False),
        ])
    migrate(engine)
    with engine.connect() as connection:
        paths = {row_id: path for row_id, path in connection.execute(select(Media.id, Media.path))}
    engine.dispose()
    assert paths == {1: f"01/01{SHA[2:]}.flac", 2: "/home/reporter/junket/raw.wav"}


def test_a_key_is_read_under_the_root_and_a_missing_file_names_the_root(tmp_path: Path) -> None:
    files = LocalMediaFiles(tmp_path / "root")
    key = files.key_for(SHA, ".FLAC")
    assert key == f"ab/{SHA}.flac"
    assert files.local_path(key) == tmp_path / "root" / "ab" / f"{SHA}.flac"
    assert files.local_path("/elsewhere/x.wav") == Path("/elsewhere/x.wav")
    with pytest.raises(MediaError, match=rf"ab/{SHA}\.flac: cannot read the stored media under the media root "):
        files.readable(key)
    with pytest.raises(MediaError, match="not a key under the media root"):
        files.local_path("../../etc/passwd")


def test_ingest_copies_into_transcripts_media_and_stores_the_key(home: Path, tmp_path: Path, data_dir: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "shared-media"
    monkeypatch.setenv("TRANSCRIPTS_MEDIA", str(root))
    config = run_json("config")
    assert config["media_dir"] == {"value": str(root), "source": "env TRANSCRIPTS_MEDIA"}

    [result] = run_json("ingest", str(data_dir / "fw_jfk.flac"), "--model", "tiny.en")
    engine = create_engine(f"sqlite:///{home / 'transcripts.db'}")
    with engine.connect() as connection:
        [stored] = connection.execute(select(Media.path)).scalars().all()
    engine.dispose()
    assert not Path(stored).is_absolute()
    assert (root / stored).read_bytes() == (data_dir / "fw_jfk.flac").read_bytes()
    assert not (home / "media").exists()

    clip = tmp_path / "clip.wav"
    quoted = run_json("quote", str(result["id"]), "--start", "0", "--end", "3", "--clip", str(clip))
    assert Path(quoted["clip"]).stat().st_size > 0
    run_json("publish", str(result["id"]))
    served = TestClient(create_app(load_settings())).get(f"/media/{result['id']}")
    assert served.status_code == 200 and served.content == (data_dir / "fw_jfk.flac").read_bytes()

    assert run_cli("delete", str(result["id"])).exit_code == 0
    assert not (root / stored).exists()
