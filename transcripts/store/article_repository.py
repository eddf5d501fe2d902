"""Articles in the store, and their links to the transcripts they quote (many to many)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from transcripts.editorial.articles import ArticleContent
from transcripts.errors import InputError, NotFound
from transcripts.store.schema import Article, Transcript

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


def link(session: Session, article_id: int, transcript_ids: Sequence[int]) -> Article:
    article = get_article(session, article_id)
    linked = {t.id for t in article.transcripts}
    article.transcripts.extend(_transcript(session, i) for i in dict.fromkeys(transcript_ids) if i not in linked)
    return article


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
