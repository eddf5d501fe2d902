"""Turns (consecutive segments of one speaker) within topics: how a reader reads an interview."""

from __future__ import annotations

from dataclasses import dataclass

from transcripts.document import SegmentDoc, SpeakerDoc, TopicDoc, TranscriptDoc
from transcripts.pipeline.asr import joined_text
from transcripts.turns import speaker_runs


@dataclass(frozen=True)
class Turn:
    speaker: SpeakerDoc | None
    segments: list[SegmentDoc]

    @property
    def start(self) -> float:
        return self.segments[0].start

    @property
    def text(self) -> str:
        return joined_text(self.segments)

    @property
    def is_question(self) -> bool:
        return bool(self.speaker and self.speaker.is_interviewer)

    @property
    def name(self) -> str:
        return self.speaker.display if self.speaker else "Unknown speaker"


def turns(segments: list[SegmentDoc]) -> list[Turn]:
    return [Turn(run.speaker, run.items) for run in speaker_runs(segments, lambda segment: segment.speaker)]


def sections(doc: TranscriptDoc) -> list[tuple[TopicDoc | None, list[Turn]]]:
    """Each topic with its turns (a transcript without topics is one untitled section)."""
    return [(topic, turns(segments)) for topic, segments in doc.topic_segments()]
