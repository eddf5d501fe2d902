"""Ingest through the CLI on real recordings, on SQLite and PostgreSQL: what is stored, what is skipped,
what fails, and that a failure or a kill leaves nothing half-written.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from helpers import SAMPLE_MAX_WER, count_rows, run_cli, run_json, stored_media

from transcripts.pipeline.evaluate import stm_text, wer
from transcripts.store.schema import Media, Segment, Transcript, Word
from transcripts.timefmt import hms


def test_ingest_stores_a_timestamped_transcript(db_url: str, home: Path, data_dir: Path) -> None:
    [result] = run_json("ingest", str(data_dir / "pyannote_sample.wav"), "--db", db_url)
    assert result["status"] == "ingested" and result["error"] is None
    assert (result["language"], result["model"]) == ("en", "base")
    assert abs(result["duration"] - 30.0) < 0.05

    shown = run_json("show", str(result["id"]), "--db", db_url)
    assert set(shown) == {"id", "title", "duration", "language", "model", "public", "speakers", "topics",
                           "segments"}
    assert shown["public"] is False  # nothing is public until published
    assert shown["title"] == "pyannote_sample"
    assert [(s["label"], s["name"]) for s in shown["speakers"]] == [("S1", None), ("S2", None)]
    segment = shown["segments"][0]
    assert set(segment) == {"id", "start", "end", "speaker", "topic", "text", "words"}
    assert segment["topic"] == shown["topics"][0]["id"]
    assert set(segment["words"][0]) == {"start", "end", "word", "probability"}
    text = " ".join(s["text"] for s in shown["segments"])
    assert wer(stm_text(data_dir / "pyannote_sample.stm"), text) <= SAMPLE_MAX_WER  # the whole call, stored

    readable = run_cli("show", str(result["id"]), "--db", db_url).stdout.splitlines()
    assert readable[2] == f"## {shown['topics'][0]['title']}"
    first = shown["segments"][0]
    assert readable[3].startswith(f"[{hms(first['start'])}] S1: {first['text']}")  # a paragraph per turn
    assert {line.split("] ", 1)[1].split(":")[0] for line in readable if line.startswith("[")} == {"S1", "S2"}

    [copy] = stored_media(home)
    assert copy.read_bytes() == (data_dir / "pyannote_sample.wav").read_bytes()


def test_reingesting_same_content_is_skipped_and_points_at_the_transcript(
        db_url: str, home: Path, data_dir: Path, tmp_path: Path) -> None:
    [first] = run_json("ingest", str(data_dir / "fw_jfk.flac"), "--db", db_url)
    renamed = shutil.copy(data_dir / "fw_jfk.flac", tmp_path / "jfk-again.flac")
    again = run_json("ingest", str(data_dir / "fw_jfk.flac"), str(renamed), "--db", db_url)
    assert [r["status"] for r in again] == ["skipped", "skipped"]
    assert {r["id"] for r in again} == {first["id"]}
    assert count_rows(db_url, Transcript) == 1


def test_a_junket_folder_is_ingested_recursively_passing_over_non_media(
        db_url: str, home: Path, data_dir: Path, tmp_path: Path) -> None:
    junket = tmp_path / "junket"
    (junket / "day2").mkdir(parents=True)
    shutil.copy(data_dir / "fw_jfk.flac", junket / "kennedy.flac")
    shutil.copy(data_dir / "fw_hotwords.mp3", junket / "day2" / "comfy.mp3")
    (junket / "notes.txt").write_text("ask about casting")
    (junket / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    result = run_cli("ingest", str(junket), "--db", db_url, "--json")
    assert result.exit_code == 0, result.output
    assert "passed over 2 file(s) that are not media" in result.stderr
    listed = run_json("list", "--db", db_url)
    assert sorted(t["title"] for t in listed) == ["comfy", "kennedy"]


def test_bad_files_fail_alone_with_one_line_each_and_nothing_stored(
        db_url: str, home: Path, data_dir: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp3"
    empty.touch()
    text_wav = tmp_path / "notes.wav"
    text_wav.write_text("not audio\n" * 50)
    noise = tmp_path / "noise.m4a"
    noise.write_bytes(os.urandom(32 * 1024))
    whole = (data_dir / "fw_jfk.flac").read_bytes()
    truncated = tmp_path / "cut.flac"
    truncated.write_bytes(whole[: len(whole) // 2])
    paths = [tmp_path / "missing.wav", empty, text_wav, noise, truncated, data_dir / "pyannote_empty.wav",
             data_dir / "fw_jfk.flac"]

    result = run_cli("ingest", *map(str, paths), "--db", db_url, "--json")
    assert result.exit_code == 1
    rows = {Path(r["path"]).name: r for r in json.loads(result.stdout)}
    expected = {
        "missing.wav": "file not found",
        "empty.mp3": "empty file",
        "notes.wav": "not a readable audio or video file",
        "noise.m4a": "not a readable audio or video file",
        "cut.flac": "truncated",
        "pyannote_empty.wav": "no speech found",
    }
    for name, problem in expected.items():
        assert rows[name]["status"] == "failed", name
        assert name in rows[name]["error"] and problem in rows[name]["error"], rows[name]
        assert "\n" not in rows[name]["error"]
        assert rows[name]["id"] is None
    assert rows["fw_jfk.flac"]["status"] == "ingested"
    assert count_rows(db_url, Transcript) == count_rows(db_url, Media) == 1
    assert [p.suffix for p in stored_media(home)] == [".flac"]

    plain = run_cli("ingest", str(empty), "--db", db_url)
    assert plain.exit_code == 1
    assert plain.stderr.strip() == f"failed: {empty}: empty file (0 bytes)"


def test_no_copy_keeps_a_reference_and_delete_removes_the_stored_copy(
        db_url: str, home: Path, data_dir: Path) -> None:
    [kept] = run_json("ingest", str(data_dir / "fw_jfk.flac"), "--no-copy", "--db", db_url)
    assert stored_media(home) == []
    assert run_json("delete", str(kept["id"]), "--db", db_url)["status"] == "deleted"
    assert (data_dir / "fw_jfk.flac").exists()

    [copied] = run_json("ingest", str(data_dir / "fw_jfk.flac"), "--db", db_url)
    assert len(stored_media(home)) == 1
    run_json("delete", str(copied["id"]), "--db", db_url)
    assert stored_media(home) == []
    assert count_rows(db_url, Segment) == count_rows(db_url, Word) == count_rows(db_url, Media) == 0
    missing = run_cli("show", str(copied["id"]), "--db", db_url)
    assert missing.exit_code == 1 and "no such transcript" in missing.stderr


def test_an_unreachable_database_is_one_line_naming_it(home: Path, data_dir: Path) -> None:
    url = "postgresql+psycopg://postgres:secret@127.0.0.1:9/newsroom"
    result = run_cli("ingest", str(data_dir / "fw_jfk.flac"), "--db", url)
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: database postgresql+psycopg://postgres:***@127.0.0.1:9/newsroom: cannot connect")
    assert "secret" not in result.output


def test_an_unknown_model_is_one_line_and_stores_nothing(db_url: str, home: Path, data_dir: Path) -> None:
    result = run_cli("ingest", str(data_dir / "fw_jfk.flac"), "--model", "whisper-gigantic", "--db", db_url)
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: unknown model 'whisper-gigantic': not a bundled model (base, tiny.en), a local CTranslate2 "
        "directory, or a Whisper model name on the Hugging Face hub")
    assert count_rows(db_url, Transcript) == 0


def test_a_compute_type_that_cannot_run_is_one_line(home: Path, data_dir: Path) -> None:
    result = run_cli("ingest", str(data_dir / "fw_jfk.flac"), "--compute-type", "int3")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: model 'base' cannot run with device=cpu, compute type=int3: Invalid compute type: int3")
