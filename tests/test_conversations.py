"""Changes of conversation in a file that joins several: the voices first, the sound as evidence."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from transcripts.pipeline import media
from transcripts.pipeline.asr import Segment, Word
from transcripts.pipeline.sound import band_shares, difference
from transcripts.pipeline.topics import SOUND_CHANGE, segment_topics


def sound_of(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The band shares of a recording's two halves."""
    mono = media.samples(media.decode(media.probe(path)))
    half = len(mono) / media.SAMPLE_RATE / 2
    return band_shares(mono, [(0.0, half)]), band_shares(mono, [(half, 2 * half)])


def test_a_phone_line_sounds_unlike_a_studio_microphone_and_a_recording_like_itself(data_dir: Path) -> None:
    phone = sound_of(data_dir / "pyannote_sample.wav")
    studio = sound_of(data_dir / "libri_interview_1688_1998.wav")
    one = np.ones(1)
    assert difference(phone[0], phone[1], one, one) < SOUND_CHANGE
    assert difference(studio[0], studio[1], one, one) < SOUND_CHANGE
    assert difference(studio[1], phone[0], one, one) >= SOUND_CHANGE


def line(speaker: str, start: float, seconds: float) -> Segment:
    words = [Word(start, start + seconds, "Yes.", 0.9)]
    return Segment(start, start + seconds, "Yes.", words, speaker=speaker)


def test_a_new_conversation_that_starts_small_is_found_when_the_sound_changes_too() -> None:
    segments = [line("S1" if i % 2 == 0 else "S2", i * 6.0, 5.5) for i in range(10)]  # a studio interview
    at = 61.0
    # A phone call: the encoder gave its first "Hello?" and two backchannels to voices of the interview.
    for speaker, seconds in (("S2", 0.5), ("S3", 0.6), ("S4", 4.0), ("S1", 0.4), ("S3", 8.0), ("S2", 0.5),
                             ("S4", 9.0), ("S3", 7.0)):
        segments.append(line(speaker, at, seconds))
        at += seconds + 0.3
    vectors = np.ones((len(segments), 4), dtype=np.float32) / 2.0
    studio, phone = np.array([0.2, 0.4, 0.2, 0.1, 0.05, 0.05]), np.array([0.2, 0.5, 0.2, 0.0999, 1e-6, 1e-7])
    sound = np.stack([studio if s.start < 61.0 else phone for s in segments])
    first_new = next(i for i, s in enumerate(segments) if s.speaker == "S3")
    assert first_new not in {t.first for t in segment_topics(segments, vectors, "en", "S1")}
    assert first_new in {t.first for t in segment_topics(segments, vectors, "en", "S1", sound)}
