"""Topic titles that read like headlines: the interviewer's question condensed, or a phrase said in the
topic; never key words joined by commas, never a guest's opening words; questions open topics by their
form; a junket day's change of guest opens one."""

from __future__ import annotations

import re

import numpy as np
import pytest
from helpers import run_json

from transcripts.pipeline.asr import Segment, Word
from transcripts.pipeline.evaluate import normalise
from transcripts.pipeline.speakers import is_question
from transcripts.pipeline.titles import asks, condense_question, headline_phrase, title
from transcripts.pipeline.topics import segment_topics

JUNKET = ("So we wanted to dig into your collective love of the genre to make some recommendations and settle "
          "some age-old debates. If you're trying to convince somebody that 80s metal is worth it, where do you "
          "start? I'd start with Randy Rhodes and classical music. Randy Rhodes loved classical music, like "
          "blues and classical music.")


def is_comma_list(text: str) -> bool:
    """Single words (or pairs) joined by commas: "Loved Bernie, lot", "Hear, show"."""
    parts = [p.strip() for p in text.rstrip("…?.!").split(",")]
    return len(parts) > 1 and all(len(p.split()) <= 2 for p in parts)


def said_in(phrase: str, text: str) -> bool:
    return f" {normalise(phrase)} " in f" {normalise(text)} "


def test_a_question_is_known_by_its_form_not_only_its_question_mark() -> None:
    assert is_question("Kyle, what do you think is Jack's best celebrity impression")
    assert is_question("So did you ever meet him")
    assert is_question("Tell me about the casting.")
    assert not is_question("When I was a kid, I loved metal.")
    assert not is_question("Thank you so much, guys.")
    assert not is_question("Could be.")


def test_a_condensed_question_drops_the_name_it_is_put_to_and_never_ends_on_a_small_word() -> None:
    assert condense_question("Ha. Kyle, what do you think is Jack's best celebrity impression") == \
        "What do you think is Jack's best celebrity impression"
    assert condense_question("What would you say to someone who has never heard any of your records at all?") \
        == "What would you say to someone who has never…"


def test_a_topic_without_a_question_gets_a_phrase_said_in_it_not_key_words_joined_by_commas() -> None:
    phrase = headline_phrase(JUNKET)
    assert phrase == "Randy Rhodes and classical music"
    assert said_in(phrase, JUNKET) and not is_comma_list(phrase)
    thanks = title("Thank you so much, guys.", "Thank you so much, guys. We loved the hot wings challenge.")
    assert not asks("Thank you so much, guys.") and thanks != "Thank you so much, guys."
    assert said_in(thanks, "We loved the hot wings challenge.") and 2 <= len(thanks.split()) <= 7


def word(text: str, start: float, end: float) -> Word:
    return Word(start, end, text, 0.9)


def line(speaker: str, text: str, start: float, seconds: float) -> Segment:
    words = text.split()
    step = seconds / len(words)
    made = [word(w, start + i * step, start + (i + 1) * step - 0.05) for i, w in enumerate(words)]
    return Segment(made[0].start, made[-1].end, text, made, speaker=speaker)


def test_a_junket_day_with_one_interviewer_opens_a_topic_for_each_new_guest() -> None:
    talk = ("We talked about the record, the tour and the band for a long while that afternoon and it was "
            "a good talk.")
    segments, at = [], 0.0
    for guest in ("S2", "S3"):
        for turn in range(4):
            segments.append(line("S1", f"And what did you think about part {turn} of it?", at, 3.0))
            segments.append(line(guest, talk, at + 3.5, 9.0))
            at += 13.0
        segments.append(line("S1", "Thank you so much.", at, 1.5))
        at += 6.0  # the pause between two interviews of the day
    vectors = np.ones((len(segments), 4), dtype=np.float32) / 2.0
    topics = segment_topics(segments, vectors, "en", "S1")
    second = next(i for i, s in enumerate(segments) if s.speaker == "S3") - 1
    assert second in {t.first for t in topics}
    assert segments[second].text.startswith("And what did you think")


@pytest.mark.slow
def test_every_title_of_the_shared_recordings_reads_like_a_headline(
        every_recording: dict[str, tuple[str, int]]) -> None:
    for name, (db, transcript_id) in every_recording.items():
        shown = run_json("show", str(transcript_id), "--db", db)
        interviewer = next((s["name"] or s["label"] for s in shown["speakers"] if s["is_interviewer"]), None)
        for topic in shown["topics"]:
            lines = [s for s in shown["segments"] if s["topic"] == topic["id"]]
            text = " ".join(s["text"] for s in lines)
            headline = topic["title"]
            assert not is_comma_list(headline), (name, headline)
            if topic["question"] and asks(topic["question"]):
                assert headline == condense_question(topic["question"]), (name, headline)
                asker = next(s["speaker"] for s in lines if topic["question"].startswith(s["text"]))
                assert asker == interviewer, (name, headline, asker)
                opening = re.sub(r"[…?.!]+$", "", headline).lower()
                others = [s["text"].lower() for s in shown["segments"] if s["speaker"] != interviewer]
                assert not any(other.startswith(opening) for other in others), (name, headline)
            else:  # a phrase said in the topic (one word only where the topic holds no two key words together)
                assert 1 <= len(headline.split()) <= 7 and said_in(headline, text), (name, headline)
