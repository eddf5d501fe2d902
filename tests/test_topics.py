"""Topics on real recordings: joined conversations, a known interview, and the editor's fixes."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import StoreTemplates
from helpers import run_cli, run_json
from sqlalchemy import create_engine, text

from transcripts.pipeline.diarize import Turn
from transcripts.pipeline.evaluate import (
    distance_to_change,
    join_recordings,
    normalise,
    rttm_turns,
    segmentation_scores,
)
from transcripts.pipeline.topics import condense_question, key_phrases

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "media" / "sample_interview.mp3"
TOPIC_KEYS = {"id", "start", "end", "title", "keywords", "question"}
# The interviewer's turns of the sample interview (its RTTM): a greeting, three questions and a follow-up.
GREETING, FILM, CASTING, OTHER_ACTORS, AUDIENCE = (t for t in rttm_turns(SAMPLE.with_suffix(".rttm"))
                                                  if t.speaker == "interviewer")


def asked_in(segments: list[dict], turn: Turn) -> list[dict]:
    """The interviewer's stored segments said in a reference turn (their middle within half a second of it:
    whisper may cut a first word off at the turn's edge; the turns around are the talent's)."""
    inside = [s for s in segments if s["speaker"] == "Joey Magidson"
              and turn.start - 0.5 <= (s["start"] + s["end"]) / 2 <= turn.end + 0.5]
    assert inside, f"no segment of the interviewer in {turn}"
    return inside


def said_in(segments: list[dict], turn: Turn) -> str:
    return " ".join(s["text"] for s in asked_in(segments, turn))


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


def _ingest_interview(url: str) -> None:
    run_json("ingest", str(SAMPLE), "--interviewer", "Joey Magidson", "--people", "Sean Baker",
             "--vocab", "Sean Baker, Red Rocket, Simon Rex", "--no-copy", "--db", url)


@pytest.fixture
def interview(store_templates: StoreTemplates, backend: str, home: Path) -> Iterator[dict]:
    """The sample interview with its people named, ingested once per backend; each test edits a copy."""
    template = store_templates.get(backend, "interview", _ingest_interview)
    with store_templates.copy(template, home) as url:
        yield {"id": 1, "db": url}


@pytest.mark.speech
def test_each_question_opens_a_topic_and_a_follow_up_does_not(interview: dict) -> None:
    topics = run_json("topics", str(interview["id"]), "--db", interview["db"])
    assert all(set(t) == TOPIC_KEYS for t in topics)
    questions = [t["question"] for t in topics]
    assert len(topics) == 3, questions
    shown = run_json("show", str(interview["id"]), "--db", interview["db"])
    assert questions == [said_in(shown["segments"], turn) for turn in (FILM, CASTING, AUDIENCE)]
    for topic in topics:  # the question condensed: its own words, from where it asks
        assert topic["title"] == condense_question(topic["question"])
        assert normalise(topic["title"].rstrip("…")) in normalise(topic["question"])
    assert len(topics[1]["title"].split()) >= 4
    follow_up = asked_in(shown["segments"], OTHER_ACTORS)  # "And how did you find the other actors?"
    assert {s["topic"] for s in follow_up} == {topics[1]["id"]}  # stays in casting
    assert topics[0]["start"] == shown["segments"][0]["start"]
    assert topics[-1]["end"] == shown["segments"][-1]["end"]
    assert all(a["end"] <= b["start"] for a, b in itertools.pairwise(topics))


def test_editors_retitle_split_and_merge_topics(interview: dict) -> None:
    db = interview["db"]
    casting = run_json("topics", str(interview["id"]), "--db", db)[1]
    retitled = run_json("topics", "retitle", str(casting["id"]), "Casting Simon Rex", "--db", db)
    assert retitled["title"] == "Casting Simon Rex"
    new = run_json("topics", "split", str(casting["id"]), "--at", "0:32", "--db", db)
    assert new["question"] == said_in(run_json("show", str(interview["id"]), "--db", db)["segments"], OTHER_ACTORS)
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
