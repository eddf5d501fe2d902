"""Whole sentences: segments re-cut at sentence ends keeping every word's time, one voice per sentence
unless the encoder insists, on made-up words and on every shared recording."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLE_SPEAKERS
from helpers import run_json

from transcripts.pipeline.asr import Segment, Word
from transcripts.pipeline.evaluate import Line, Utterance, splits_inside_sentences, stm_utterances
from transcripts.pipeline.sentences import (
    Piece,
    ends_sentence,
    one_voice_per_sentence,
    sentence_spans,
    settle,
    short_pieces,
    whole_sentences,
)


def word(text: str, start: float, end: float) -> Word:
    return Word(start, end, text, 0.9)


def segment(speaker: str, *words: Word, recovered: bool = False) -> Segment:
    return Segment(words[0].start, words[-1].end, " ".join(w.text for w in words), list(words), recovered,
                   speaker)


def test_a_sentence_whisper_cut_in_two_is_one_segment_and_two_sentences_in_one_segment_are_two() -> None:
    segments = [
        segment("S1", word("to", 0.0, 0.2), word("make", 0.2, 0.4), word("some", 0.4, 0.6)),
        segment("S1", word("recommendations.", 0.7, 1.4), word("If", 1.6, 1.7), word("you're", 1.7, 1.9)),
        segment("S1", word("trying.", 2.0, 2.4)),
    ]
    cut = whole_sentences(segments)
    assert [s.text for s in cut] == ["to make some recommendations.", "If you're trying."]
    assert [(s.start, s.end) for s in cut] == [(0.0, 1.4), (1.6, 2.4)]
    assert [w for s in cut for w in s.words] == [w for s in segments for w in s.words]
    assert {s.speaker for s in cut} == {"S1"}


def test_a_segment_ends_inside_a_sentence_only_where_the_speaker_changes() -> None:
    segments = [segment("S1", word("Oh,", 0.0, 0.3), word("I'm", 0.4, 0.6)),
                segment("S2", word("originally", 0.6, 1.2), word("from", 1.2, 1.4), word("Texas.", 1.4, 1.9))]
    cut = whole_sentences(segments)
    assert [(s.speaker, s.text) for s in cut] == [("S1", "Oh, I'm"), ("S2", "originally from Texas.")]


def test_a_recovered_word_marks_its_new_segment_recovered() -> None:
    segments = [segment("S1", word("We", 0.0, 0.2), word("shot", 0.2, 0.5)),
                segment("S1", word("it.", 2.0, 2.3), word("Then", 2.5, 2.7), recovered=True),
                segment("S1", word("left.", 2.8, 3.0))]
    assert [(s.text, s.recovered) for s in whole_sentences(segments)] == [("We shot it.", True),
                                                                        ("Then left.", True)]


def test_abbreviations_and_initials_end_no_sentence_but_questions_and_full_stops_do() -> None:
    assert ends_sentence("there?") and ends_sentence("there.", "And") and ends_sentence("there!\"")
    assert not ends_sentence("Mr.", "Smith") and not ends_sentence("J.", "K.")
    assert ends_sentence("U.S.", "Then") and not ends_sentence("U.S.", "market")
    assert ends_sentence("so...", "Then") and not ends_sentence("so...", "then")
    assert not ends_sentence("Chicago")


def test_one_voice_without_full_stops_is_cut_at_its_longest_pause_past_thirty_seconds() -> None:
    words = [word(f"w{i}", i * 1.0, i * 1.0 + 0.5) for i in range(20)]
    words += [word(f"v{i}", 25.0 + i, 25.5 + i) for i in range(20)]
    assert sentence_spans(words) == [(0, 40)]
    assert [len(s.words) for s in whole_sentences([segment("S1", *words)])] == [20, 20]
    # A speaker change already cuts the line: two voices of 20 s each in one unpunctuated sentence stay whole.
    two = whole_sentences([segment("S1", *words[:20]), segment("S2", *words[20:])])
    assert [(s.speaker, len(s.words)) for s in two] == [("S1", 20), ("S2", 20)]


def test_a_one_or_two_word_piece_of_a_sentence_joins_the_sentence_voice() -> None:
    words = [word("like", 0.0, 0.3), word("blues", 0.3, 0.6), word("and", 0.6, 0.8), word("classical", 0.8, 1.3),
             word("music.", 1.3, 1.7)]
    speakers = ["S3", "S3", "S3", "S1", "S3"]
    assert short_pieces(words, speakers) == [Piece(3, 4, "S1", "S3")]
    assert one_voice_per_sentence(words, speakers) == ["S3"] * 5
    assert one_voice_per_sentence(words, speakers, {Piece(3, 4, "S1", "S3")}) == speakers


def test_a_piece_of_three_words_or_more_keeps_its_voice() -> None:
    words = [word("And", 0.0, 0.2), word("I'm", 0.2, 0.4), word("Sheila", 0.4, 0.9), word("in", 0.9, 1.0),
             word("Texas,", 1.0, 1.4), word("originally", 1.4, 2.0), word("from", 2.0, 2.2),
             word("Chicago.", 2.2, 2.8)]
    speakers = ["A", "A", "A", "A", "B", "B", "B", "B"]
    assert one_voice_per_sentence(words, speakers) == speakers


def test_the_encoder_keeps_a_short_piece_only_when_clearly_closer_to_its_own_voice() -> None:
    rng = np.random.default_rng(3)
    a, b = (v / np.linalg.norm(v) for v in (rng.normal(size=16), rng.normal(size=16)))
    prints = {"A": a, "B": b}
    segments = [segment("A", word("Hello", 0.0, 0.5)),
                segment("B", word("hello,", 1.0, 1.5), word("I", 1.6, 1.7), word("didn't", 1.7, 2.0),
                        word("know.", 2.0, 2.4))]

    def sounds_like(voice: np.ndarray) -> object:
        return lambda spans: np.stack([voice for _ in spans])

    kept = settle(segments, sounds_like(a), prints)  # the piece sounds like A: kept
    assert [(s.speaker, s.text) for s in kept] == [("A", "Hello"), ("B", "hello, I didn't know.")]
    blurred = settle(segments, sounds_like(a + b), prints)  # as close to both: joins its sentence
    assert [(s.speaker, s.text) for s in blurred] == [("B", "Hello hello, I didn't know.")]
    assert [(s.speaker, s.text) for s in settle(segments)] == [("B", "Hello hello, I didn't know.")]


def stored_lines(db: str, transcript_id: int) -> list[Line]:
    shown = run_json("show", str(transcript_id), "--db", db)
    return [(s["speaker"], s["text"], [Word(w["start"], w["end"], w["word"], w["probability"]) for w in s["words"]])
            for s in shown["segments"]]


@pytest.mark.slow
def test_no_line_of_any_shared_recording_stops_mid_sentence_with_the_same_speaker_going_on(
        every_recording: dict[str, tuple[str, int]]) -> None:
    for name, (db, transcript_id) in every_recording.items():
        lines = stored_lines(db, transcript_id)
        assert lines, name
        assert splits_inside_sentences(lines) == 0, name


def test_originally_from_chicago_finds_both_speakers_lines(conversation: str, data_dir: Path) -> None:
    said = [u for u in stm_utterances(data_dir / "pyannote_sample.stm") if "originally from Chicago" in u.text]
    assert len({u.speaker for u in said}) == 2
    hits = run_json("search", '"originally from Chicago"', "--mode", "words", "--db", conversation)
    assert {hit["speaker"] for hit in hits} == set(SAMPLE_SPEAKERS.values())


def test_the_short_turns_of_the_phone_call_keep_their_voices(conversation: str, data_dir: Path) -> None:
    lines = stored_lines(conversation, 1)
    words = [(w, speaker) for speaker, _, line_words in lines for w in line_words]
    reference = stm_utterances(data_dir / "pyannote_sample.stm")

    def inside(u: Utterance) -> list[str]:
        return [speaker for w, speaker in words if u.start - 0.1 <= (w.start + w.end) / 2 <= u.end + 0.1]

    heard: dict[str, Counter[str]] = {}  # reference speaker -> the stored speakers of their words
    for u in reference:
        heard.setdefault(u.speaker, Counter()).update(inside(u))
    voice = {speaker: counts.most_common(1)[0][0] for speaker, counts in heard.items()}
    short = [u for u in reference if len(u.text.split()) <= 3 and inside(u)]
    assert {"Hello?", "Oh, hello.", "Neither did I."} <= {u.text for u in short}
    assert {u.speaker for u in short if u.text == "Hello?"} == set(SAMPLE_SPEAKERS)
    for u in short:
        assert set(inside(u)) == {voice[u.speaker]}, u
