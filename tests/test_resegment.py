"""`transcripts resegment`: a transcript stored before segments were sentences is cut again into whole
sentences, its names and the editor's topic edits kept; and `show` prints a paragraph per speaker turn."""

from __future__ import annotations

import itertools
from pathlib import Path

from helpers import run_cli, run_json

from transcripts import timefmt
from transcripts.config import load_settings
from transcripts.ingest import IngestOptions, Ingestor
from transcripts.pipeline import media
from transcripts.pipeline.asr import Transcriber
from transcripts.pipeline.evaluate import splits_inside_sentences
from transcripts.store.db import Store


def ingest_as_before(db_url: str, transcriber: Transcriber, path: Path) -> int:
    """Ingest as transcripts were stored before issue 12: whisper's own segments, cut at speaker changes."""
    store = Store(db_url)
    try:
        ingestor = Ingestor(store, load_settings(db=db_url), transcriber=transcriber)
        result = ingestor.ingest_one(media.probe(path), IngestOptions(whole_sentences=False))
        assert result.id is not None, result.error
        return result.id
    finally:
        store.close()


def words_of(shown: dict) -> list[tuple[float, float, str]]:
    return [(w["start"], w["end"], w["word"]) for s in shown["segments"] for w in s["words"]]


def lines_of(shown: dict) -> list:
    return [(s["speaker"], s["text"], s["words"]) for s in shown["segments"]]


def test_resegment_makes_whole_sentences_keeps_names_and_refuses_to_undo_topic_edits(
        db_url: str, transcriber: Transcriber, data_dir: Path) -> None:
    transcript = str(ingest_as_before(db_url, transcriber, data_dir / "pyannote_sample.wav"))
    run_json("speakers", "rename", transcript, "S1", "Diane Miller", "--db", db_url)
    before = run_json("show", transcript, "--db", db_url)
    topic = before["topics"][0]
    run_json("topics", "retitle", str(topic["id"]), "The phone call", "--db", db_url)

    refused = run_cli("resegment", transcript, "--db", db_url)
    assert refused.exit_code == 1 and "--force" in refused.stderr and "Traceback" not in refused.output
    assert run_json("show", transcript, "--db", db_url)["segments"] == before["segments"]

    [done] = run_json("resegment", "--all", "--force", "--db", db_url)
    assert done["transcript_id"] == int(transcript) and done["segments_before"] == len(before["segments"])
    assert done["voices_checked"] is True  # the stored media copy was there for the encoder
    after = run_json("show", transcript, "--db", db_url)
    assert words_of(after) == words_of(before)  # every word, with its time
    assert splits_inside_sentences(lines_of(after)) == 0
    assert "Diane Miller" in {s["speaker"] for s in after["segments"]}
    assert [(s["label"], s["name"]) for s in after["speakers"]] == [(s["label"], s["name"])
                                                                   for s in before["speakers"]]
    assert len(after["topics"]) == done["topics"] >= 1
    assert {s["topic"] for s in after["segments"]} == {t["id"] for t in after["topics"]}
    speakers = run_json("speakers", transcript, "--db", db_url)
    assert abs(sum(s["talk_time"] for s in speakers)
               - sum(s["end"] - s["start"] for s in after["segments"])) < 0.01
    hits = run_json("search", "Yankee", "--mode", "words", "--db", db_url)
    assert hits and {h["segment_id"] for h in hits} <= {s["id"] for s in after["segments"]}

    again = run_json("resegment", transcript, "--db", db_url)  # nothing edited since: no --force needed
    assert again[0]["segments"] == len(after["segments"])
    missing = run_cli("resegment", "999", "--db", db_url)
    assert missing.exit_code == 1 and "no such transcript" in missing.stderr


def test_show_prints_a_paragraph_per_speaker_turn_with_its_start_time(conversation: str) -> None:
    shown = run_json("show", "1", "--db", conversation)
    printed = run_cli("show", "1", "--db", conversation).stdout.splitlines()
    paragraphs = [line for line in printed if line.startswith("[")]
    turns = []
    for topic in shown["topics"]:
        lines = [s for s in shown["segments"] if s["topic"] == topic["id"]]
        turns += [list(group) for _, group in itertools.groupby(lines, key=lambda s: s["speaker"])]
    assert len(paragraphs) == len(turns) < len(shown["segments"])
    for paragraph, turn in zip(paragraphs, turns, strict=True):
        assert paragraph.startswith(f"[{timefmt.hms(turn[0]['start'])}] {turn[0]['speaker']}: ")
        assert paragraph.endswith(" ".join(s["text"] for s in turn))
