"""A Word document (python-docx), what reporters hand to editors: topic headings, each turn with the
speaker's name in bold and its timestamp."""

from __future__ import annotations

import io

from docx import Document

from transcripts import timefmt
from transcripts.document import TranscriptDoc
from transcripts.export.options import DEFAULT, ExportOptions
from transcripts.export.turns import sections


def render(doc: TranscriptDoc, options: ExportOptions = DEFAULT) -> bytes:
    document = Document()
    document.core_properties.title = doc.title
    document.add_heading(doc.title, level=1)
    people = ", ".join(s.display for s in doc.speakers)
    document.add_paragraph(f"{people} · {timefmt.hms(doc.duration)} · {doc.created_at:%Y-%m-%d}")
    for topic, turns in sections(doc):
        if topic is not None:
            document.add_heading(topic.title, level=2)
        for turn in turns:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"[{timefmt.hms(turn.start)}] ")
            paragraph.add_run(turn.name).bold = True
            paragraph.add_run(": ")
            body = paragraph.add_run(turn.text)
            body.bold = turn.is_question
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
