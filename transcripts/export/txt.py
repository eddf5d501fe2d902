"""Plain text: `[HH:MM:SS] Speaker: text`, one segment a line (the lines `show` prints), under `## Topic`
headings."""

from __future__ import annotations

from transcripts import timefmt
from transcripts.document import SegmentDoc, TranscriptDoc
from transcripts.export.options import DEFAULT, ExportOptions

HEADING = "## "


def line(segment: SegmentDoc) -> str:
    speaker = f"{segment.speaker_display}: " if segment.speaker_display else ""
    return f"[{timefmt.hms(segment.start)}] {speaker}{segment.text}"


def render(doc: TranscriptDoc, options: ExportOptions = DEFAULT) -> str:
    blocks = []
    for topic, segments in doc.topic_segments():
        heading = [f"{HEADING}{topic.title}"] if topic else []
        blocks.append("\n".join([*heading, *(line(s) for s in segments)]))
    return "\n\n".join(blocks) + "\n" if blocks else ""
