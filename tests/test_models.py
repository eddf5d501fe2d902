"""Model resolution: bundled models offline, local directories, hub names, and clear failures."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from transcripts.errors import ModelNotFound
from transcripts.pipeline.models import BASE_SHA256, resolve_model


def test_base_is_assembled_from_its_two_packages_and_verified(tmp_path: Path) -> None:
    model = resolve_model("base", tmp_path)
    assert model.source == "bundled"
    digest = hashlib.sha256((model.path / "model.bin").read_bytes()).hexdigest()
    assert digest == BASE_SHA256
    assert {"config.json", "tokenizer.json", "vocabulary.txt"} <= {p.name for p in model.path.iterdir()}
    assert not list(model.path.glob("*.partial"))
    # Assembled once: the second resolution reuses the verified file.
    mtime = (model.path / "model.bin").stat().st_mtime_ns
    assert resolve_model("base", tmp_path).path == model.path
    assert (model.path / "model.bin").stat().st_mtime_ns == mtime


def test_tiny_en_is_used_in_place_from_its_package(tmp_path: Path) -> None:
    model = resolve_model("tiny.en", tmp_path)
    assert (model.path / "model.bin").exists()
    assert "site-packages" in str(model.path)


def test_a_local_ctranslate2_directory_is_used_as_it_is(tmp_path: Path) -> None:
    local = tmp_path / "my-model"
    shutil.copytree(resolve_model("tiny.en", tmp_path).path, local)
    assert resolve_model(str(local), tmp_path).path == local.resolve()


def test_a_directory_without_a_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFound, match="no CTranslate2 model.bin"):
        resolve_model(str(tmp_path), tmp_path)


def test_an_unknown_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFound, match="unknown model 'whisper-gigantic'"):
        resolve_model("whisper-gigantic", tmp_path)


def test_a_hub_name_fails_clearly_when_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with pytest.raises(ModelNotFound, match="'small' must be downloaded from the Hugging Face hub"):
        resolve_model("small", tmp_path)
