"""A publishable Q&A in Markdown: topic headings, the interviewer's questions in bold, each answer under
the speaker's name. Text is escaped, so a transcript never turns into markup it did not mean."""

from __future__ import annotations

import re

from transcripts import timefmt
from transcripts.document import TranscriptDoc
from transcripts.export.options import DEFAULT, ExportOptions
from transcripts.export.turns import sections

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")


def escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def render(doc: TranscriptDoc, options: ExportOptions = DEFAULT) -> str:
    lines = [f"# {escape(doc.title)}", ""]
    people = [s.display for s in doc.speakers]
    if people:
        lines += [escape(", ".join(people)) + f" · {timefmt.hms(doc.duration)}", ""]
    for topic, turns in sections(doc):
        if topic is not None:
            stamp = f" ({timefmt.hms(topic.start)})" if options.timestamps else ""
            lines += [f"## {escape(topic.title)}{stamp}", ""]
        for turn in turns:
            stamp = f"\\[{timefmt.hms(turn.start)}\\] " if options.timestamps else ""
            if turn.is_question:
                lines.append(f"{stamp}**{escape(turn.name)}: {escape(turn.text)}**")
            else:
                lines.append(f"{stamp}**{escape(turn.name)}:** {escape(turn.text)}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
