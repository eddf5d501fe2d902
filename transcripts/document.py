"""A stored transcript as plain data: what `show`, the exports and later the reader and search read.

Readers never touch ORM objects, so a format module is a pure function of a `TranscriptDoc`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from transcripts.pipeline.asr import Word


@dataclass(frozen=True)
class SpeakerDoc:
    label: str
    name: str | None
    is_interviewer: bool = False
    talk_time: float = 0.0
    turns: int = 0
    person: str | None = None  # the enrolled voice that named this speaker
    similarity: float | None = None

    @property
    def display(self) -> str:
        """What a reader sees: the name once set, the label (`S1`) until then."""
        return self.name or self.label


@dataclass(frozen=True)
class TopicDoc:
    id: int
    start: float
    end: float
    title: str
    keywords: list[str] = field(default_factory=list)
    question: str | None = None
    edited: bool = False

    def as_json(self) -> dict[str, Any]:
        """The `topics --json` shape."""
        return {"id": self.id, "start": self.start, "end": self.end, "title": self.title,
                "keywords": list(self.keywords), "question": self.question}


@dataclass(frozen=True)
class SegmentDoc:
    id: int
    start: float
    end: float
    speaker: SpeakerDoc | None
    text: str
    words: list[Word] = field(default_factory=list)
    topic_id: int | None = None

    @property
    def speaker_display(self) -> str:
        return self.speaker.display if self.speaker else ""


@dataclass(frozen=True)
class TranscriptDoc:
    id: int
    title: str
    duration: float
    language: str | None
    model: str
    created_at: datetime
    media_path: str
    original_path: str
    settings: dict[str, Any]
    speakers: list[SpeakerDoc]
    segments: list[SegmentDoc]
    topics: list[TopicDoc] = field(default_factory=list)
    recorded_at: datetime | None = None  # when the recording was made, if known (else created_at stands in)
    has_video: bool = False
    public: bool = False  # published: anonymous readers of the web app may open it

    def topic_segments(self) -> list[tuple[TopicDoc | None, list[SegmentDoc]]]:
        """Segments grouped under their topics, in order (segments outside any topic under None)."""
        by_id = {t.id: t for t in self.topics}
        groups: list[tuple[TopicDoc | None, list[SegmentDoc]]] = []
        for segment in self.segments:
            topic = by_id.get(segment.topic_id) if segment.topic_id is not None else None
            if groups and groups[-1][0] is topic:
                groups[-1][1].append(segment)
            else:
                groups.append((topic, [segment]))
        return groups

    @property
    def interviewer(self) -> SpeakerDoc | None:
        return next((s for s in self.speakers if s.is_interviewer), None)

    def as_json(self) -> dict[str, Any]:
        """The stable `show --json` shape (documented in the README)."""
        return {
            "id": self.id,
            "title": self.title,
            "duration": round(self.duration, 3),
            "language": self.language,
            "model": self.model,
            "public": self.public,
            "speakers": [{"label": s.label, "name": s.name, "is_interviewer": s.is_interviewer}
                         for s in self.speakers],
            "topics": [topic.as_json() for topic in self.topics],
            "segments": [
                {
                    "id": seg.id,
                    "start": seg.start,
                    "end": seg.end,
                    "speaker": seg.speaker_display or None,
                    "topic": seg.topic_id,
                    "text": seg.text,
                    "words": [
                        {"start": w.start, "end": w.end, "word": w.text, "probability": w.probability}
                        for w in seg.words
                    ],
                }
                for seg in self.segments
            ],
        }
