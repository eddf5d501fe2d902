"""Plain text: `[HH:MM:SS] Speaker: text`, one segment (a sentence) a line, under `## Topic` headings; and
the paragraphs `show` prints, one per speaker turn with the turn's start time."""

from __future__ import annotations

from transcripts import timefmt
from transcripts.document import SegmentDoc, TranscriptDoc
from transcripts.export.options import DEFAULT, ExportOptions
from transcripts.export.turns import Turn, sections

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


def paragraph(turn: Turn) -> str:
    speaker = f"{turn.speaker.display}: " if turn.speaker else ""
    return f"[{timefmt.hms(turn.start)}] {speaker}{turn.text}"


def paragraphs(doc: TranscriptDoc) -> str:
    """A paragraph per speaker turn, as a reader reads an interview (`show`): turns within topics."""
    blocks = []
    for topic, turns in sections(doc):
        heading = f"{HEADING}{topic.title}\n" if topic else ""
        blocks.append(heading + "\n\n".join(paragraph(turn) for turn in turns))
    return "\n\n".join(blocks) + "\n" if blocks else ""
