"""Articles in the store, and their links to the transcripts they quote (many to many)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from transcripts.editorial.articles import ArticleContent
from transcripts.errors import InputError, NotFound
from transcripts.store.schema import Article, Transcript, article_transcript

MAX_BODY_CHARS = 500_000  # ~80,000 words; PostgreSQL's tsvector of a body must stay under 1 MB


def add_article(session: Session, content: ArticleContent, transcript_ids: Sequence[int] = ()) -> Article:
    """Stage the article with its links; every transcript must exist, or nothing is added."""
    if len(content.body) > MAX_BODY_CHARS:
        raise InputError(f"{content.source}: {len(content.body):,} characters is more than an article "
                         f"(at most {MAX_BODY_CHARS:,})")
    article = Article(url=content.url, source=content.source, title=content.title, author=content.author,
                      published_at=content.published, body=content.body,
                      embeds=[embed.as_json() for embed in content.embeds])
    article.transcripts = [_transcript(session, i) for i in dict.fromkeys(transcript_ids)]
    session.add(article)
    session.flush()
    return article


def get_article(session: Session, article_id: int) -> Article:
    article = session.get(Article, article_id)
    if article is None:
        raise NotFound(f"article {article_id} does not exist (see `transcripts article list`)")
    return article


def list_articles(session: Session, public_only: bool = False) -> list[Article]:
    query = select(Article).order_by(Article.id)
    return list(session.scalars(query.where(Article.public.is_(True)) if public_only else query))


def set_public(session: Session, article_id: int, public: bool) -> Article:
    """Publish an article (anonymous readers of the web app may see it) or take it back."""
    article = get_article(session, article_id)
    article.public = public
    return article


@dataclass(frozen=True)
class Link:
    """A transcript an article uses, the embed that plays its recording (index into `embeds`) and the offset."""

    transcript_id: int
    embed: int | None
    offset: float

    def as_json(self) -> dict[str, Any]:
        return {"transcript_id": self.transcript_id, "embed": self.embed, "offset": self.offset}


def link(session: Session, article_id: int, transcript_ids: Sequence[int], embed: int | None = None,
         offset: float | None = None) -> Article:
    """Link transcripts; `embed` and `offset`, when given, are recorded for each of them (new or not)."""
    article = get_article(session, article_id)
    if embed is not None and not 0 <= embed < len(article.embeds):
        raise InputError(f"article {article_id} has {len(article.embeds)} embed(s): --embed takes 0 to "
                         f"{len(article.embeds) - 1} (see `transcripts article show {article_id}`)"
                         if article.embeds else f"article {article_id} embeds no video or audio")
    linked = {t.id for t in article.transcripts}
    article.transcripts.extend(_transcript(session, i) for i in dict.fromkeys(transcript_ids) if i not in linked)
    session.flush()
    values: dict[str, Any] = {}
    if embed is not None:
        values["embed"] = embed
    if offset is not None:
        values["offset"] = offset
    if values:
        session.execute(update(article_transcript)
                        .where(article_transcript.c.article_id == article_id,
                               article_transcript.c.transcript_id.in_(list(transcript_ids)))
                        .values(**values))
    return article


def links(session: Session, article_id: int) -> list[Link]:
    """The article's links with their embed and offset, in transcript order."""
    rows = session.execute(select(article_transcript.c.transcript_id, article_transcript.c.embed,
                                  article_transcript.c.offset)
                           .where(article_transcript.c.article_id == article_id)
                           .order_by(article_transcript.c.transcript_id))
    return [Link(int(t), e, float(o or 0.0)) for t, e, o in rows]


def unlink(session: Session, article_id: int, transcript_ids: Sequence[int]) -> Article:
    article = get_article(session, article_id)
    linked = {t.id for t in article.transcripts}
    missing = [i for i in transcript_ids if i not in linked]
    if missing:
        raise NotFound(f"article {article_id} is not linked to transcript {missing[0]}")
    article.transcripts = [t for t in article.transcripts if t.id not in transcript_ids]
    return article


def delete_article(session: Session, article_id: int) -> str:
    article = get_article(session, article_id)
    title = article.title
    session.delete(article)
    return title


def _transcript(session: Session, transcript_id: int) -> Transcript:
    transcript = session.get(Transcript, transcript_id)
    if transcript is None:
        raise NotFound(f"transcript {transcript_id} does not exist (see `transcripts list`)")
    return transcript
