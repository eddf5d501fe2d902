"""Export formats: one module a format, each a pure `render(TranscriptDoc) -> str`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from transcripts.document import TranscriptDoc
from transcripts.export import json_format, rttm, srt, txt, vtt


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    render: Callable[[TranscriptDoc], str]


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("txt", ".txt", txt.render),
        Format("json", ".json", json_format.render),
        Format("srt", ".srt", srt.render),
        Format("vtt", ".vtt", vtt.render),
        Format("rttm", ".rttm", rttm.render),
    )
}
