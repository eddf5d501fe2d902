"""Pages as the templates walk them. The reader's page: sections (topics) of paragraphs (speaker turns) of
words, each word an element with its times in the milliseconds the page carries (`data-m` start, `data-d`
duration).

A paragraph's words are made into HTML in Python (`export.html.word_spans`, which the interactive export
uses too), each word's text escaped (`html.escape`: the same five characters Jinja's autoescape escapes),
because an hour holds some 9,000 words and a template loop over them cost a tenth of a second; joining
strings costs a fraction of that.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from transcripts.document import TopicDoc, TranscriptDoc
from transcripts.editorial.articles import byline
from transcripts.export.html import word_spans
from transcripts.export.turns import sections
from transcripts.store.schema import Article
from transcripts.web.players import PlayerSpec, stored_player


@dataclass(frozen=True)
class Paragraph:
    speaker: str
    start: float
    question: bool
    words: Markup  # `<span data-m="…" data-d="…">word</span>` per word, separated by spaces


@dataclass(frozen=True)
class Section:
    topic: TopicDoc | None
    paragraphs: list[Paragraph]


def reader_sections(doc: TranscriptDoc) -> list[Section]:
    return [Section(topic, [Paragraph(turn.name, turn.start, turn.is_question,
                                      Markup(" ".join(word_spans(segment) for segment in turn.segments)))
                            for turn in turns])
            for topic, turns in sections(doc)]


@dataclass(frozen=True)
class ArticleCard:
    """An article in the library, with the interviews it uses that this visitor may open."""

    id: int
    title: str
    author: str | None
    published: date | None
    url: str | None
    public: bool
    body: str
    transcripts: list[tuple[int, str]]  # (id, title)

    @property
    def date(self) -> date:
        return self.published or date.min


def article_cards(articles: Iterable[Article], visible: set[int]) -> list[ArticleCard]:
    """Plain cards, newest first (by the date the article bears, then by id)."""
    cards = [ArticleCard(a.id, a.title, a.author, a.published_at, a.url, a.public, a.body,
                         [(t.id, t.title) for t in a.transcripts if t.id in visible]) for a in articles]
    return sorted(cards, key=lambda card: (card.date, card.id), reverse=True)


@dataclass(frozen=True)
class ReaderView:
    """One reader as a page shows it: the document (without its segments, see web/cache.py), its text as
    HTML (`_transcript.html` over `reader_sections`, made once per version), and the player beside it."""

    doc: TranscriptDoc
    html: Markup
    player: PlayerSpec

    @property
    def date(self) -> date:
        return (self.doc.recorded_at or self.doc.created_at).date()


def reader_view(doc: TranscriptDoc, html: Markup, player: PlayerSpec | None = None) -> ReaderView:
    return ReaderView(doc, html, player or stored_player(doc.id, doc.has_video))


@dataclass(frozen=True)
class ArticleView:
    """An article's page: its text as blocks ("p" or "quote", as the stored body marks them) and a reader
    for each linked interview this visitor may open."""

    id: int
    title: str
    author: str | None
    published: date | None
    url: str | None
    public: bool
    blocks: list[tuple[str, str]]
    readers: list[ReaderView]

    @property
    def published_only(self) -> bool:
        """The article and every interview shown with it are published."""
        return self.public and all(r.doc.public for r in self.readers)


def body_blocks(body: str, author: str | None = None) -> list[tuple[str, str]]:
    """The stored body (paragraphs separated by one blank line, quotation lines starting with "> "). A first
    paragraph that is the byline of `author` is left out: the page prints the byline above the text, and
    HTML articles read before the byline was taken out of the body still open with it."""
    blocks = []
    for block in body.split("\n\n"):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        quoted = all(line.startswith(">") for line in lines)
        text = " ".join(line.lstrip(">").strip() if quoted else line for line in lines)
        blocks.append(("quote" if quoted else "p", text))
    if author and len(blocks) > 1 and blocks[0][0] == "p" and byline(blocks[0][1]) == author:
        return blocks[1:]
    return blocks
