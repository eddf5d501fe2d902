"""A self-contained static page: styles inline, no script, every text escaped. Lines carry their times in
milliseconds (`data-m` start, `data-d` duration), the convention the interactive reader will build on."""

from __future__ import annotations

from html import escape

from transcripts import timefmt
from transcripts.document import TranscriptDoc
from transcripts.export.options import DEFAULT, ExportOptions
from transcripts.export.turns import sections

_STYLE = """
body{font:17px/1.55 Georgia,serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
nav ol{padding-left:1.2rem}h2{margin-top:2rem;font-family:system-ui,sans-serif;font-size:1.15rem}
p.turn{margin:.6rem 0}p.question{font-weight:bold}.time{color:#777;font:12px monospace;margin-right:.4rem}
.speaker{font-family:system-ui,sans-serif;font-weight:bold}.meta{color:#555}
""".strip()


def render(doc: TranscriptDoc, options: ExportOptions = DEFAULT) -> str:
    title = escape(doc.title)
    people = escape(", ".join(s.display for s in doc.speakers))
    parts = [f'<!DOCTYPE html>\n<html lang="{escape(doc.language or "en")}">\n<head>\n<meta charset="utf-8">',
             f"<title>{title}</title>", f"<style>{_STYLE}</style>", "</head>\n<body>",
             f"<h1>{title}</h1>", f'<p class="meta">{people} · {timefmt.hms(doc.duration)}</p>']
    if doc.topics:
        items = "".join(f'<li><a href="#topic-{t.id}">{escape(t.title)}</a> '
                        f'<span class="time">{timefmt.hms(t.start)}</span></li>' for t in doc.topics)
        parts.append(f'<nav><h2>Topics</h2><ol>{items}</ol></nav>')
    for topic, turns in sections(doc):
        parts.append(f'<section id="topic-{topic.id}">\n<h2>{escape(topic.title)}</h2>' if topic else "<section>")
        for turn in turns:
            kind = "turn question" if turn.is_question else "turn"
            spans = " ".join(f'<span data-m="{round(s.start * 1000)}" data-d="{round((s.end - s.start) * 1000)}">'
                             f"{escape(s.text.strip())}</span>" for s in turn.segments)
            parts.append(f'<p class="{kind}"><span class="time">{timefmt.hms(turn.start)}</span>'
                         f'<span class="speaker">{escape(turn.name)}</span>: {spans}</p>')
        parts.append("</section>")
    parts.append("</body>\n</html>\n")
    return "\n".join(parts)
