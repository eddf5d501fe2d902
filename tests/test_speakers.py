"""Speakers through the CLI, on SQLite and PostgreSQL: listing, renaming, merging, RTTM, and voices
enrolled in one recording and named in another.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_cli, run_json

from transcripts.pipeline import media
from transcripts.pipeline.diarize import ENROLLED_MATCH
from transcripts.pipeline.evaluate import rttm_turns


@pytest.fixture
def stored(sample: str) -> dict:
    """pyannote_sample as ingest left it (a copy of one ingest per backend)."""
    return {"id": "1", "db": sample}


def test_speakers_lists_talk_time_turns_role_and_sample_lines(stored: dict) -> None:
    rows = run_json("speakers", stored["id"], "--db", stored["db"])
    assert [r["label"] for r in rows] == ["S1", "S2"]
    assert set(rows[0]) == {"label", "name", "is_interviewer", "talk_time", "turns", "person", "similarity",
                            "samples"}
    assert sum(r["is_interviewer"] for r in rows) == 1
    assert all(r["talk_time"] > 5 and r["turns"] >= 2 and r["samples"] for r in rows)
    shown = run_json("show", stored["id"], "--db", stored["db"])
    assert [s["is_interviewer"] for s in shown["speakers"]] == [r["is_interviewer"] for r in rows]


def test_rename_shows_in_show_export_and_speakers(stored: dict, tmp_path: Path) -> None:
    renamed = run_cli("speakers", "rename", stored["id"], "S2", "Sheila Smith", "--db", stored["db"])
    assert renamed.exit_code == 0, renamed.output
    assert "Sheila Smith" in {r["name"] for r in run_json("speakers", stored["id"], "--db", stored["db"])}
    assert any(line.split("] ", 1)[1].startswith("Sheila Smith: ")
               for line in run_cli("show", stored["id"], "--db", stored["db"]).stdout.splitlines()
               if line.startswith("["))
    rttm = run_cli("export", stored["id"], "--format", "rttm", "--db", stored["db"]).stdout
    assert "Sheila_Smith" in {line.split()[7] for line in rttm.splitlines()}
    vtt = run_cli("export", stored["id"], "--format", "vtt", "--db", stored["db"]).stdout
    assert "<v Sheila Smith>" in vtt
    missing = run_cli("speakers", "rename", stored["id"], "S9", "Nobody", "--db", stored["db"])
    assert missing.exit_code == 1 and "no speaker 'S9' (speakers: S1, S2)" in missing.stderr


def test_merge_folds_one_speaker_into_another(stored: dict) -> None:
    before = run_json("speakers", stored["id"], "--db", stored["db"])
    merged = run_json("speakers", "merge", stored["id"], "S1", "S2", "--db", stored["db"])
    assert merged["talk_time"] == pytest.approx(sum(r["talk_time"] for r in before), abs=0.01)
    after = run_json("speakers", stored["id"], "--db", stored["db"])
    assert [r["label"] for r in after] == ["S1"]
    assert {s["speaker"] for s in run_json("show", stored["id"], "--db", stored["db"])["segments"]} == {"S1"}
    rttm = run_cli("export", stored["id"], "--format", "rttm", "--db", stored["db"]).stdout
    assert {line.split()[7] for line in rttm.splitlines()} == {"S1"}


def test_rttm_lines_are_standard(stored: dict) -> None:
    rttm = run_cli("export", stored["id"], "--format", "rttm", "--db", stored["db"]).stdout
    for line in rttm.splitlines():
        fields = line.split(" ")
        assert len(fields) == 10 and fields[0] == "SPEAKER" and fields[2] == "1"
        assert float(fields[3]) >= 0 and float(fields[4]) > 0


def halves(data_dir: Path, folder: Path) -> tuple[Path, Path]:
    """libri_interview cut in two at the turn boundary nearest its middle: the same two voices in each."""
    source = data_dir / "libri_interview_1688_1998.wav"
    turns = rttm_turns(data_dir / "libri_interview_1688_1998.rttm")
    middle = media.probe(source).duration / 2
    cut = min((t.end for t in turns), key=lambda end: abs(end - middle)) + 0.2
    audio = media.decode(media.probe(source))
    first, second = folder / "interview_part1.wav", folder / "interview_part2.wav"
    audio[: int(cut * 1000)].export(first, format="wav")
    audio[int(cut * 1000):].export(second, format="wav")
    return first, second


def label_of(db_url: str, transcript_id: int, truth: list, voice: str, offset: float = 0.0) -> str:
    """The speaker (as `show` displays it) whose segments overlap the reference turns of `voice` the most."""
    shown = run_json("show", str(transcript_id), "--db", db_url)
    overlap: dict[str, float] = {}
    for segment in shown["segments"]:
        for turn in (t for t in truth if t.speaker == voice):
            shared = min(segment["end"] + offset, turn.end) - max(segment["start"] + offset, turn.start)
            overlap[segment["speaker"]] = overlap.get(segment["speaker"], 0.0) + max(0.0, shared)
    return max(overlap, key=lambda k: overlap[k])


@pytest.mark.slow
def test_an_enrolled_voice_is_named_in_another_recording_and_nowhere_else(
        db_url: str, home: Path, data_dir: Path, tmp_path: Path) -> None:
    first, second = halves(data_dir, tmp_path)
    truth = rttm_turns(data_dir / "libri_interview_1688_1998.rttm")
    [part1] = run_json("ingest", str(first), "--db", db_url)
    label = label_of(db_url, part1["id"], truth, "spk1998")
    enrolled = run_json("voices", "enroll", "Jane Reader", str(part1["id"]), label, "--db", db_url)
    assert enrolled["enrolled_from"] == f"transcript {part1['id']} {label}"
    assert [v["name"] for v in run_json("voices", "list", "--db", db_url)] == ["Jane Reader"]

    [part2] = run_json("ingest", str(second), "--db", db_url)
    speakers = run_json("speakers", str(part2["id"]), "--db", db_url)
    named = [s for s in speakers if s["name"] == "Jane Reader"]
    assert len(named) == 1 and named[0]["person"] == "Jane Reader" and named[0]["similarity"] >= ENROLLED_MATCH
    offset = media.probe(first).duration
    assert label_of(db_url, part2["id"], truth, "spk1998", offset) == "Jane Reader"  # the right voice

    [other] = run_json("ingest", str(data_dir / "pyannote_sample.wav"), "--db", db_url)
    assert all(s["name"] is None for s in run_json("speakers", str(other["id"]), "--db", db_url))

    assert run_json("voices", "remove", "Jane Reader", "--db", db_url)["status"] == "removed"
    assert run_json("voices", "list", "--db", db_url) == []


def test_enrolling_from_a_clip_of_one_voice(db_url: str, home: Path, data_dir: Path) -> None:
    voice = run_json("voices", "enroll", "John Kennedy", "--from", str(data_dir / "fw_jfk.flac"), "--db", db_url)
    assert voice["name"] == "John Kennedy" and voice["enrolled_from"].endswith("fw_jfk.flac")
    silent = run_cli("voices", "enroll", "Nobody", "--from", str(data_dir / "pyannote_empty.wav"), "--db", db_url)
    assert silent.exit_code == 1 and "pyannote_empty.wav: no speech found" in silent.stderr
