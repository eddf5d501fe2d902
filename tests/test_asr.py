"""Speech to text on real recordings: accuracy, word timings, languages, vocabulary."""

from __future__ import annotations

from pathlib import Path

import pytest

from transcripts.pipeline import media
from transcripts.pipeline.asr import DecodeOptions, Transcriber, Transcription, Word, speech_without_words
from transcripts.pipeline.evaluate import JFK_TEXT, normalise, stm_text, wer


def transcribe(transcriber: Transcriber, path: Path, **options: object) -> Transcription:
    audio = media.samples(media.decode(media.probe(path)))
    return transcriber.transcribe(audio, DecodeOptions(**options))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def sample(transcriber: Transcriber, data_dir: Path) -> Transcription:
    return transcribe(transcriber, data_dir / "pyannote_sample.wav")


def test_default_model_word_error_rate_on_phone_conversation_is_at_most_0_22(
        sample: Transcription, data_dir: Path) -> None:
    """Measured 0.19 when the project started and 0.21 on the current wheels (same versions pinned by
    nothing but the registry): the bound leaves one word of slack over 81, not more."""
    hypothesis = " ".join(s.text for s in sample.segments)
    assert wer(stm_text(data_dir / "pyannote_sample.stm"), hypothesis) <= 0.22


def test_jfk_is_transcribed_almost_exactly(transcriber: Transcriber, data_dir: Path) -> None:
    result = transcribe(transcriber, data_dir / "fw_jfk.flac")
    assert wer(JFK_TEXT, " ".join(s.text for s in result.segments)) <= 0.05
    assert result.language == "en"


def test_word_timestamps_fall_inside_their_segment_and_increase(sample: Transcription) -> None:
    previous = 0.0
    for segment in sample.segments:
        assert segment.words
        for word in segment.words:
            assert segment.start - 0.01 <= word.start <= word.end <= segment.end + 0.01
            assert word.start >= previous
            previous = word.start
    assert sample.segments[-1].end <= sample.duration + 0.01


def test_speech_that_changes_language_is_written_in_each_language(
        transcriber: Transcriber, data_dir: Path) -> None:
    result = transcribe(transcriber, data_dir / "fw_multilingual.mp3")
    words = set(normalise(" ".join(s.text for s in result.segments)).split())
    assert {"permission", "software", "granted"} <= words  # the English half
    assert {"der", "die", "und", "zu"} <= words  # the German half, not translated into English


def test_vocabulary_spells_a_name_that_the_bare_model_misspells(transcriber: Transcriber, data_dir: Path) -> None:
    bare = transcribe(transcriber, data_dir / "fw_hotwords.mp3")
    with_vocab = transcribe(transcriber, data_dir / "fw_hotwords.mp3", vocabulary=("ComfyUI",))
    assert "ComfyUI" not in " ".join(s.text for s in bare.segments)
    assert "ComfyUI" in [w.text.strip(".,") for w in with_vocab.words]


def test_speech_without_words_measures_the_speech_inside_each_gap_between_words() -> None:
    words = [Word(1.0, 1.5, "a", 1.0), Word(5.0, 5.5, "b", 1.0)]
    regions = [(0.8, 2.6), (3.0, 4.1), (5.0, 9.0)]
    # 1.1 s + 1.1 s of speech between the words; 3.5 s after the last one.
    assert speech_without_words(regions, words, 10.0, min_speech=1.5) == [(1.5, 4.1), (5.5, 9.0)]
    assert speech_without_words(regions, words, 10.0, min_speech=3.0) == [(5.5, 9.0)]
    assert speech_without_words(regions, [], 10.0, min_speech=1.5) == [(0.8, 9.0)]
