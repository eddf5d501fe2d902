"""Export formats: one module a format, each a pure `render(TranscriptDoc, ExportOptions) -> str | bytes`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from transcripts.document import TranscriptDoc
from transcripts.export import chapters, docx, html, json_format, markdown, podcast_json, rttm, srt, txt, vtt
from transcripts.export.options import ExportOptions

__all__ = ["FORMATS", "ExportOptions", "Format"]


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    render: Callable[[TranscriptDoc, ExportOptions], str | bytes]
    summary: str


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("txt", ".txt", txt.render, "plain text, a line per segment under topic headings"),
        Format("md", ".md", markdown.render, "publishable Q&A in Markdown: topic headings, bold questions"),
        Format("docx", ".docx", docx.render, "Word document for editors: bold names, timestamps"),
        Format("html", ".html", html.render, "a self-contained web page (playing along with --media-url/--youtube)"),
        Format("json", ".json", json_format.render, "everything, in our versioned schema"),
        Format("srt", ".srt", srt.render, "SubRip subtitles"),
        Format("vtt", ".vtt", vtt.render, "WebVTT captions with <v Speaker> voice spans"),
        Format("rttm", ".rttm", rttm.render, "who spoke when, for diarization tools"),
        Format("podcast-json", ".json", podcast_json.render, "Podcasting 2.0 JSON transcript"),
        Format("chapters", ".chapters.json", chapters.render, "Podcasting 2.0 chapters, one per topic"),
    )
}
