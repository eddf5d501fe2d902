"""Exports read back by parsers nobody on this project wrote, and compared with the store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import srt
import webvtt
from helpers import run_cli, run_json

from transcripts.export.cues import MAX_LINE, MAX_LINES


@pytest.fixture
def stored(db_url: str, home: Path, data_dir: Path) -> dict:
    [result] = run_json("ingest", str(data_dir / "pyannote_sample.wav"), "--db", db_url)
    shown: dict = run_json("show", str(result["id"]), "--db", db_url)
    shown["db"] = db_url
    return shown


def export(stored: dict, fmt: str, tmp_path: Path) -> str:
    target = tmp_path / f"out.{fmt}"
    result = run_cli("export", str(stored["id"]), "--format", fmt, "-o", str(target), "--db", stored["db"])
    assert result.exit_code == 0, result.output
    return target.read_text(encoding="utf-8")


def stored_words(stored: dict) -> list[str]:
    return [w["word"] for s in stored["segments"] for w in s["words"]]


def test_srt_parses_and_carries_every_word_with_store_times(stored: dict, tmp_path: Path) -> None:
    subtitles = list(srt.parse(export(stored, "srt", tmp_path)))
    words = []
    for sub in subtitles:
        lines = sub.content.splitlines()
        assert len(lines) <= MAX_LINES
        speaker, lines[0] = lines[0].split(": ", 1)
        [segment] = [s for s in stored["segments"]  # never across two speakers: inside one segment
                     if s["start"] - 0.001 <= sub.start.total_seconds() and sub.end.total_seconds() <= s["end"] + 0.001]
        assert speaker == segment["speaker"]
        assert all(len(line) <= MAX_LINE for line in lines)
        words.extend(" ".join(lines).split())
    assert words == stored_words(stored)
    first = stored["segments"][0]["words"][0]
    assert subtitles[0].start.total_seconds() == pytest.approx(first["start"], abs=0.001)


def test_vtt_parses_with_voice_spans_and_every_word(stored: dict, tmp_path: Path) -> None:
    path = tmp_path / "check.vtt"
    path.write_text(export(stored, "vtt", tmp_path))
    captions = webvtt.read(str(path))
    assert [c.voice for c in captions if c.voice] == [c.voice for c in captions]
    assert {c.voice for c in captions} == {s["speaker"] for s in stored["segments"]} == {"S1", "S2"}
    words = " ".join(c.text.replace("\n", " ") for c in captions).split()
    assert words == stored_words(stored)
    last = stored["segments"][-1]["words"][-1]
    minutes, seconds = divmod(last["end"], 60)
    assert captions[-1].end == f"00:{int(minutes):02d}:{seconds:06.3f}"


def test_txt_has_a_line_per_segment_with_the_stored_words(stored: dict, tmp_path: Path) -> None:
    lines = export(stored, "txt", tmp_path).splitlines()
    assert len(lines) == len(stored["segments"])
    assert lines[0].startswith("[00:00:06] S1: ")
    assert [line.split("] ", 1)[1].split(": ")[0] for line in lines] == [s["speaker"] for s in stored["segments"]]
    body = " ".join(line.split(": ", 1)[1] for line in lines)
    assert body.split() == stored_words(stored)


def test_json_is_the_versioned_document_of_the_store(stored: dict, tmp_path: Path) -> None:
    exported = json.loads(export(stored, "json", tmp_path))
    assert exported["schema"] == "transcripts.transcript/1"
    assert exported["segments"] == stored["segments"]
    assert exported["media"]["original_path"].endswith("pyannote_sample.wav")


def test_export_to_standard_output(stored: dict) -> None:
    result = run_cli("export", str(stored["id"]), "--format", "txt", "--db", stored["db"])
    assert result.stdout.startswith("[00:00:06] S1: ")
