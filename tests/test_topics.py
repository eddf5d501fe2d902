"""Topics on real recordings: joined conversations, a known interview, and the editor's fixes."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from helpers import run_cli, run_json
from sqlalchemy import create_engine, text

from transcripts.pipeline.evaluate import distance_to_change, join_recordings, segmentation_scores
from transcripts.pipeline.topics import condense_question, key_phrases

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "media" / "sample_interview.mp3"
TOPIC_KEYS = {"id", "start", "end", "title", "keywords", "question"}


@pytest.mark.slow
def test_joined_conversations_get_a_topic_at_every_change_and_every_known_question(
        home: Path, data_dir: Path, tmp_path: Path) -> None:
    joined = join_recordings(data_dir, ["libri_interview_1688_1998.wav", "pyannote_sample.wav", "fw_jfk.flac"],
                             tmp_path / "joined.wav")
    [result] = run_json("ingest", str(joined.path))
    topics = run_json("topics", str(result["id"]))
    starts = [t["start"] for t in topics[1:]]
    assert all(distance_to_change(change, starts) <= 6.0 for change in joined.changes), (joined.changes, starts)
    assert all(min(abs(q - s) for s in starts) <= 2.0 for q in joined.questions), (joined.questions, starts)
    assert segmentation_scores(joined.boundaries, starts, joined.duration)["pk"] <= 0.15
    phone, speech = joined.changes
    assert not [s for s in starts if phone[1] + 6 < s < speech[0] - 6]  # one phone call, one topic


@pytest.fixture
def interview(db_url: str, home: Path) -> dict:
    [result] = run_json("ingest", str(SAMPLE), "--interviewer", "Joey Magidson", "--people", "Sean Baker",
                        "--vocab", "Sean Baker, Red Rocket, Simon Rex", "--db", db_url)
    return {"id": result["id"], "db": db_url}


def test_each_question_opens_a_topic_and_a_follow_up_does_not(interview: dict) -> None:
    topics = run_json("topics", str(interview["id"]), "--db", interview["db"])
    assert all(set(t) == TOPIC_KEYS for t in topics)
    questions = [t["question"] for t in topics]
    assert len(topics) == 3, questions
    assert "Red Rocket" in questions[0] and "Simon Rex" in questions[1] and "audience" in questions[2]
    assert topics[1]["title"].startswith("Why did you cast Simon Rex")
    shown = run_json("show", str(interview["id"]), "--db", interview["db"])
    follow_up = next(s for s in shown["segments"] if "other actors" in s["text"])
    assert follow_up["topic"] == topics[1]["id"]  # "And how did you find the other actors?" stays in casting
    assert topics[0]["start"] == shown["segments"][0]["start"]
    assert topics[-1]["end"] == shown["segments"][-1]["end"]
    assert all(a["end"] <= b["start"] for a, b in itertools.pairwise(topics))


def test_editors_retitle_split_and_merge_topics(interview: dict) -> None:
    db = interview["db"]
    casting = run_json("topics", str(interview["id"]), "--db", db)[1]
    retitled = run_json("topics", "retitle", str(casting["id"]), "Casting Simon Rex", "--db", db)
    assert retitled["title"] == "Casting Simon Rex"
    new = run_json("topics", "split", str(casting["id"]), "--at", "0:32", "--db", db)
    assert new["question"].startswith("And how did you find the other actors")
    topics = run_json("topics", str(interview["id"]), "--db", db)
    assert [t["title"] for t in topics][1:3] == ["Casting Simon Rex", new["title"]]
    assert topics[1]["end"] <= new["start"] <= 33
    merged = run_json("topics", "merge", str(casting["id"]), "--db", db)
    assert (merged["start"], merged["end"]) == (casting["start"], casting["end"])
    assert len(run_json("topics", str(interview["id"]), "--db", db)) == 3
    refused = run_cli("topics", "rebuild", str(interview["id"]), "--db", db)
    assert refused.exit_code == 1 and "--force" in refused.output  # edits are not silently undone
    for args, message in ((("retitle", "999999", "x"), "no such topic"),
                          (("split", str(casting["id"]), "--at", "0:01"), "no segment starts inside"),
                          (("merge", str(topics[-1]["id"])), "last topic")):
        failed = run_cli("topics", *args, "--db", db)
        assert failed.exit_code == 1 and message in failed.output and "Traceback" not in failed.output


def test_rebuild_gives_transcripts_without_topics_the_same_topics(interview: dict) -> None:
    db = interview["db"]
    before = run_json("topics", str(interview["id"]), "--db", db)
    engine = create_engine(db)
    with engine.begin() as conn:  # as a transcript stored before topics existed
        conn.execute(text("UPDATE segment SET topic_id = NULL, embedding = NULL"))
        conn.execute(text("DELETE FROM topic"))
    engine.dispose()
    assert run_json("topics", str(interview["id"]), "--db", db) == []
    assert run_json("topics", "rebuild", "--all", "--db", db) == [{"transcript_id": interview["id"], "topics": 3}]
    after = run_json("topics", str(interview["id"]), "--db", db)
    assert [{k: v for k, v in t.items() if k != "id"} for t in after] == \
        [{k: v for k, v in t.items() if k != "id"} for t in before]


def test_titles_condense_the_question_and_keywords_do_not_repeat() -> None:
    assert condense_question("Okay. So, can you tell me about the casting of Red Rocket?") == \
        "The casting of Red Rocket?"
    assert condense_question("Great answer. Why did you shoot it on 16 millimetre film in Texas City, of all places?") \
        == "Why did you shoot it on 16 millimetre film…"
    phrases = key_phrases("Sean Baker cast Simon Rex. Simon Rex sent a self tape. Baker loved the tape of Rex.")
    assert phrases and not any(set(a.lower().split()) <= set(b.lower().split())
                               for i, a in enumerate(phrases) for b in phrases[:i])
