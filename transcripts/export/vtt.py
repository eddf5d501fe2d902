"""WebVTT (.vtt) with `<v Speaker>` voice spans, so players can show and style who is speaking."""

from __future__ import annotations

import html

from transcripts import timefmt
from transcripts.document import TranscriptDoc
from transcripts.export.cues import cues
from transcripts.export.options import DEFAULT, ExportOptions


def render(doc: TranscriptDoc, options: ExportOptions = DEFAULT) -> str:
    blocks = ["WEBVTT"]
    for cue in cues(doc.segments):
        text = "\n".join(html.escape(line, quote=False) for line in cue.lines)
        if cue.speaker:
            voice = html.escape(cue.speaker, quote=False).replace(">", "")
            text = f"<v {voice}>{text}</v>"
        blocks.append(f"{timefmt.vtt(cue.start)} --> {timefmt.vtt(cue.end)}\n{text}")
    return "\n\n".join(blocks) + "\n"
