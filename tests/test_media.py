"""Media: every accepted container probes and decodes; every kind of bad file is refused by name."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest
from helpers import convert

from transcripts.errors import MediaError
from transcripts.pipeline import media

AUDIO_FORMATS = ["wav", "mp3", "m4a", "aac", "flac", "ogg", "opus"]
VIDEO_FORMATS = ["mp4", "mov", "webm", "mkv"]


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> dict[str, Path]:
    """pyannote_sample.wav (30 s) re-encoded into every accepted container."""
    folder = tmp_path_factory.mktemp("formats")
    source = data_dir / "pyannote_sample.wav"
    files = {fmt: convert(source, folder / f"sample.{fmt}") for fmt in AUDIO_FORMATS}
    files.update({fmt: convert(source, folder / f"sample.{fmt}", video=True) for fmt in VIDEO_FORMATS})
    return files


@pytest.mark.parametrize("fmt", AUDIO_FORMATS + VIDEO_FORMATS)
def test_every_accepted_format_probes_and_decodes_to_16_khz_mono(converted: dict[str, Path], fmt: str) -> None:
    info = media.probe(converted[fmt])
    if fmt != "aac":  # raw ADTS AAC only estimates its length from the bitrate
        assert info.duration == pytest.approx(30.0, abs=0.15)
    assert info.has_video == (fmt in VIDEO_FORMATS)
    audio = media.decode(info)
    assert (audio.frame_rate, audio.channels) == (16000, 1)
    assert audio.duration_seconds == pytest.approx(30.0, abs=0.15)
    assert media.is_media_path(converted[fmt])


def test_probe_reads_channels_rate_and_hash(data_dir: Path) -> None:
    path = data_dir / "fw_jfk.flac"
    info = media.probe(path)
    assert (info.channels, info.sample_rate, info.format) == (2, 44100, "flac")
    assert info.duration == pytest.approx(11.0, abs=0.1)
    assert info.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_stereo_decodes_with_both_channels_when_asked(data_dir: Path) -> None:
    audio = media.decode(media.probe(data_dir / "fw_stereo_diarization.wav"), channels=2)
    assert audio.channels == 2
    left, right = audio.split_to_mono()
    assert left.raw_data != right.raw_data


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match=r"nothere\.wav: file not found"):
        media.probe(tmp_path / "nothere.wav")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.mp3"
    path.touch()
    with pytest.raises(MediaError, match=r"empty\.mp3: empty file"):
        media.probe(path)


def test_text_file_named_wav(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_text("Interview notes: ask about casting.\n" * 20)
    with pytest.raises(MediaError, match=r"notes\.wav: not a readable audio or video file"):
        media.probe(path)


def test_random_bytes_named_m4a(tmp_path: Path) -> None:
    path = tmp_path / "noise.m4a"
    path.write_bytes(os.urandom(64 * 1024))
    with pytest.raises(MediaError, match=r"noise\.m4a: not a readable audio or video file"):
        media.probe(path)


def test_truncated_flac_is_refused_although_the_decoder_accepts_it(tmp_path: Path, data_dir: Path) -> None:
    whole = (data_dir / "fw_jfk.flac").read_bytes()
    path = tmp_path / "cut.flac"
    path.write_bytes(whole[: len(whole) // 2])
    info = media.probe(path)  # the header still declares the full length
    assert info.duration == pytest.approx(11.0, abs=0.1)
    assert info.duration_exact
    with pytest.raises(MediaError, match=r"cut\.flac: truncated: decoded [0-9.]+ s of the 11\.0 s"):
        media.decode(info)


def test_content_addressed_copy_is_staged_then_committed(tmp_path: Path, data_dir: Path) -> None:
    info = media.probe(data_dir / "fw_jfk.flac")
    final = media.stored_path(tmp_path, info.sha256, info.path.suffix)
    staged = media.stage_copy(info.path, final)
    assert staged.name.endswith(".partial") and not final.exists()
    media.commit_copy(staged, final)
    assert final == tmp_path / info.sha256[:2] / f"{info.sha256}.flac"
    assert final.read_bytes() == (data_dir / "fw_jfk.flac").read_bytes()


def test_partial_copies_of_dead_processes_are_swept(tmp_path: Path) -> None:
    folder = tmp_path / "ab"
    folder.mkdir()
    dead = folder / "abc.wav.999999999.partial"
    dead.write_bytes(b"x")
    assert media.sweep_partials(tmp_path) == 1
    assert not dead.exists()


def test_a_half_made_copy_by_another_machine_on_a_shared_media_root_is_left_for_a_day(tmp_path: Path) -> None:
    folder = tmp_path / "ab"
    folder.mkdir()
    fresh, stale = folder / "abc.wav.123-laptop_newsroom.partial", folder / "abd.wav.123-laptop_newsroom.partial"
    for partial in (fresh, stale):
        partial.write_bytes(b"x")
    long_ago = time.time() - media.FOREIGN_PARTIAL_TTL_S - 60
    os.utime(stale, (long_ago, long_ago))
    assert media.sweep_partials(tmp_path) == 1
    assert fresh.exists() and not stale.exists()
