"""SubRip (.srt): numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`; the speaker leads the first line."""

from __future__ import annotations

from transcripts import timefmt
from transcripts.document import TranscriptDoc
from transcripts.export.cues import cues
from transcripts.export.options import DEFAULT, ExportOptions


def render(doc: TranscriptDoc, options: ExportOptions = DEFAULT) -> str:
    blocks = []
    for number, cue in enumerate(cues(doc.segments), start=1):
        lines = list(cue.lines)
        if cue.speaker:
            lines[0] = f"{cue.speaker}: {lines[0]}"
        blocks.append(f"{number}\n{timefmt.srt(cue.start)} --> {timefmt.srt(cue.end)}\n" + "\n".join(lines))
    return "\n\n".join(blocks) + "\n" if blocks else ""
