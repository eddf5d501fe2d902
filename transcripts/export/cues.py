"""Subtitle cues from word timings: at most two lines of 42 characters, never across two speakers.

Broadcast subtitle guidelines (BBC, Netflix) cap a line near 42 characters and a cue at two lines; cutting
at word boundaries from the stored word timings keeps each cue in sync with the audio.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from transcripts.document import SegmentDoc
from transcripts.pipeline.asr import Word

MAX_LINE = 42
MAX_LINES = 2


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    speaker: str
    lines: list[str]


def _fits(words: list[Word]) -> bool:
    text = " ".join(w.text for w in words)
    return len(textwrap.wrap(text, MAX_LINE, break_long_words=False)) <= MAX_LINES


def cues(segments: list[SegmentDoc]) -> list[Cue]:
    out: list[Cue] = []
    for segment in segments:
        words = segment.words or [Word(segment.start, segment.end, segment.text, 1.0)]
        group: list[Word] = []
        for word in words:
            if group and not _fits([*group, word]):
                out.append(_cue(group, segment.speaker_display))
                group = []
            group.append(word)
        if group:
            out.append(_cue(group, segment.speaker_display))
    return out


def _cue(words: list[Word], speaker: str) -> Cue:
    text = " ".join(w.text for w in words)
    return Cue(words[0].start, max(words[-1].end, words[0].start + 0.001), speaker,
               textwrap.wrap(text, MAX_LINE, break_long_words=False) or [text])
