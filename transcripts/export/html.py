"""A self-contained web page: styles inline, every text escaped, every word an element carrying its times in
milliseconds (`data-m` start, `data-d` duration), as the web reader renders them.

Given a recording (`media_url`, or a YouTube video id), the page is the interactive reader in one file:
the web app's own players.js and reader.js are inlined (a file opened from disk can load nothing from our
site), so a click on a word plays from it and the spoken word lights up. Without one, no script at all.
The scripts are read from the web app's static folder as data, not imported: this module stays below web/.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from transcripts import timefmt
from transcripts.document import SegmentDoc, TranscriptDoc
from transcripts.export.options import DEFAULT, ExportOptions
from transcripts.export.turns import sections

SCRIPTS = Path(__file__).resolve().parent.parent / "web" / "static"
YOUTUBE_ID = re.compile(r"[\w-]{6,20}", re.ASCII)  # the v= of a video's address
_STYLE = """
body{font:17px/1.55 Georgia,serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
nav ol{padding-left:1.2rem}h2{margin-top:2rem;font-family:system-ui,sans-serif;font-size:1.15rem}
p.turn{margin:.6rem 0}p.question{font-weight:bold}.time{color:#777;font:12px monospace;margin-right:.4rem}
.speaker{font-family:system-ui,sans-serif;font-weight:bold}.meta{color:#555}
""".strip()
_PLAYER_STYLE = """
.deck{position:sticky;top:0;background:#fff;padding:.5rem 0;border-bottom:1px solid #ddd;z-index:2}
.deck audio,.deck video,.deck iframe{width:100%;display:block}.deck iframe{aspect-ratio:16/9;border:0}
.deck video{max-height:40vh;background:#000}.status{font:14px system-ui,sans-serif;color:#555;margin:.2rem 0}
[data-m]{cursor:pointer;border-radius:3px}[data-m]:hover{text-decoration:underline}
.now{background:#fde68a;box-shadow:0 0 0 2px #fde68a}.turn.speaking{background:#f6f6f2}
:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
""".strip()


def render(doc: TranscriptDoc, options: ExportOptions = DEFAULT) -> str:
    title = escape(doc.title)
    people = escape(", ".join(s.display for s in doc.speakers))
    player = _player(doc, options)
    style = _STYLE + ("\n" + _PLAYER_STYLE if player else "")
    parts = [f'<!DOCTYPE html>\n<html lang="{escape(doc.language or "en")}">\n<head>\n<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{title}</title>", f"<style>{style}</style>", "</head>\n<body>",
             f"<h1>{title}</h1>", f'<p class="meta">{people} · {timefmt.hms(doc.duration)}</p>']
    if doc.topics:
        items = "".join(f'<li><a href="#topic-{t.id}">{escape(t.title)}</a> '
                        f'<span class="time">{timefmt.hms(t.start)}</span></li>' for t in doc.topics)
        parts.append(f'<nav><h2>Topics</h2><ol>{items}</ol></nav>')
    if player:
        parts.append(f'<div data-reader data-id="{doc.id}">\n<div class="deck">{player}\n'
                     '<p class="status" data-part="status" role="status">Click any word to play from there.</p>'
                     '</div>\n<div data-part="transcript">')
    for topic, turns in sections(doc):
        parts.append(f'<section id="topic-{topic.id}">\n<h2>{escape(topic.title)}</h2>' if topic else "<section>")
        for turn in turns:
            kind = "turn question" if turn.is_question else "turn"
            spans = " ".join(word_spans(segment) for segment in turn.segments)
            parts.append(f'<p class="{kind}"><span class="time">{timefmt.hms(turn.start)}</span>'
                         f'<span class="speaker">{escape(turn.name)}</span>: {spans}</p>')
        parts.append("</section>")
    if player:
        parts.append("</div>\n</div>")
        parts.extend(f"<script>\n{_inline_script(name)}</script>" for name in ("players.js", "reader.js"))
    parts.append("</body>\n</html>\n")
    return "\n".join(parts)


def word_spans(segment: SegmentDoc) -> str:
    """Each word an element with its times (what the reader seeks and highlights by), in this file and in the
    web reader alike; a segment stored without word times reads as one word spanning it."""
    spans = [(w.start, w.end, w.text.strip()) for w in segment.words if w.text.strip()] or [
        (segment.start, segment.end, segment.text.strip())]
    return " ".join(f'<span data-m="{round(start * 1000)}" data-d="{max(0, round((end - start) * 1000))}">'
                    f"{escape(text, quote=True)}</span>" for start, end, text in spans if text)


def _player(doc: TranscriptDoc, options: ExportOptions) -> str | None:
    if options.youtube:
        if not YOUTUBE_ID.fullmatch(options.youtube):
            raise ValueError(f"{options.youtube!r} is not a YouTube video id")
        src = f"https://www.youtube.com/embed/{options.youtube}?enablejsapi=1&playsinline=1"
        return (f'<iframe data-player="youtube" src="{escape(src)}" title="Video: {escape(doc.title)}" '
                'allow="autoplay; fullscreen" allowfullscreen referrerpolicy="strict-origin-when-cross-origin"></iframe>')
    if options.media_url:
        tag = "video" if doc.has_video else "audio"
        return (f'<{tag} id="media" data-player="html5" controls preload="metadata" '
                f'src="{escape(options.media_url)}" aria-label="Recording"></{tag}>')
    return None


def _inline_script(name: str) -> str:
    """The script as text inside <script>: a `</script` in it would end the element early."""
    return re.sub(r"</(script)", r"<\\/\1", (SCRIPTS / name).read_text(encoding="utf-8"), flags=re.IGNORECASE)
