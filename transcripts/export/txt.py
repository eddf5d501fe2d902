"""Plain text: `[HH:MM:SS] Speaker: text`, one segment a line (the same lines `show` prints)."""

from __future__ import annotations

from transcripts import timefmt
from transcripts.document import SegmentDoc, TranscriptDoc


def line(segment: SegmentDoc) -> str:
    speaker = f"{segment.speaker_display}: " if segment.speaker_display else ""
    return f"[{timefmt.hms(segment.start)}] {speaker}{segment.text}"


def render(doc: TranscriptDoc) -> str:
    return "".join(line(segment) + "\n" for segment in doc.segments)
