"""`transcripts article …`: the articles that use transcripts, read from a file or a URL, and their links."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy.orm import Session

from transcripts.cli.common import DefaultCommandGroup, db_option, emit_json, json_option, with_store
from transcripts.editorial.articles import read_article
from transcripts.store import article_repository
from transcripts.store.db import Store
from transcripts.store.schema import Article


@click.group(cls=DefaultCommandGroup)
def article() -> None:
    """Articles: their text (for `quotes check` and `search --in articles`), embeds and linked transcripts.

    \b
      transcripts article add story.html --link 3      # a saved page, Markdown or text; or a URL
      transcripts article list
      transcripts article 1                            # show it, with its text (--no-body: without)
      transcripts article link 1 4 5                   # it also quotes transcripts 4 and 5
      transcripts article unlink 1 5
      transcripts article publish 1                    # anonymous web readers may see it (--unpublish)
      transcripts article delete 1
    """


def article_json(session: Session, row: Article, body: bool = False) -> dict[str, Any]:
    data = {"id": row.id, "title": row.title, "author": row.author,
            "published": row.published_at.isoformat() if row.published_at else None, "url": row.url,
            "source": row.source, "embeds": row.embeds, "transcripts": [t.id for t in row.transcripts],
            "links": [link.as_json() for link in article_repository.links(session, row.id)],
            "words": len(row.body.split()), "public": row.public}
    return data | {"body": row.body} if body else data


def _describe(session: Session, row: Article) -> str:
    lines = [f"{row.id:>5}  {row.title}{'  (public)' if row.public else ''}"]
    byline = ", ".join(x for x in (row.author, row.published_at.isoformat() if row.published_at else None) if x)
    if byline:
        lines.append(f"       {byline}")
    for embed in row.embeds:
        lines.append(f"       embeds {embed['provider']}: {embed['url']}")
    linked = ", ".join(_link_text(link) for link in article_repository.links(session, row.id)) \
        or "none (link with `transcripts article link`)"
    lines.append(f"       transcripts: {linked}")
    return "\n".join(lines)


def _link_text(link: article_repository.Link) -> str:
    played = f" (embed {link.embed}" if link.embed is not None else ""
    if played and link.offset:
        played += f", offset {link.offset:+g} s"
    return f"{link.transcript_id}{played + ')' if played else ''}"


@article.command(name="add")
@click.argument("source")
@click.option("--link", "links", type=int, multiple=True, metavar="ID",
              help="Link a transcript the article uses (repeat for several).")
@db_option
@json_option
@with_store
def add(store: Store, source: str, links: tuple[int, ...], as_json: bool) -> None:
    """Read an article (HTML, Markdown or text file, or an http(s) URL) and store it.

    Title, author, date, body (without navigation, related links or comments) and the embedded video or
    audio are extracted; a URL is fetched, and fails with a clear message when there is no network.
    """
    content = read_article(source)
    with store.session() as session:
        row = article_repository.add_article(session, content, links)
        shown = article_json(session, row) if as_json else _describe(session, row)
    if as_json:
        emit_json(shown)
    else:
        click.echo(f"added article\n{shown}")


@article.command(name="list")
@db_option
@json_option
@with_store
def list_articles(store: Store, as_json: bool) -> None:
    """Every article: id, title, author, embeds and linked transcripts."""
    with store.session() as session:
        rows = article_repository.list_articles(session)
        shown = [article_json(session, row) for row in rows] if as_json else [_describe(session, row) for row in rows]
    if as_json:
        emit_json(shown)
    elif not shown:
        click.echo("no articles yet: add one with `transcripts article add FILE|URL`", err=True)
    for line in shown if not as_json else []:
        click.echo(line)


@article.command(name="show")
@click.argument("article_id", type=int)
@click.option("--body/--no-body", default=True, show_default=True, help="Print the article's text too.")
@db_option
@json_option
@with_store
def show(store: Store, article_id: int, body: bool, as_json: bool) -> None:
    """One article, with its text."""
    with store.session() as session:
        row = article_repository.get_article(session, article_id)
        data, described = article_json(session, row, body=body), _describe(session, row)
    if as_json:
        emit_json(data)
        return
    click.echo(described)
    if body:
        click.echo("\n" + data["body"])


def _relink(store: Store, article_id: int, transcript_ids: tuple[int, ...], as_json: bool, linking: bool,
            embed: int | None = None, offset: float | None = None) -> None:
    with store.session() as session:
        if linking:
            row = article_repository.link(session, article_id, transcript_ids, embed, offset)
        else:
            row = article_repository.unlink(session, article_id, transcript_ids)
        session.flush()
        data = article_json(session, row)
    if as_json:
        emit_json(data)
    else:
        click.echo(f"article {article_id} uses transcripts: {', '.join(map(str, data['transcripts'])) or 'none'}")


@article.command(name="link")
@click.argument("article_id", type=int)
@click.argument("transcript_ids", type=int, nargs=-1, required=True)
@click.option("--embed", type=click.IntRange(min=0), metavar="N",
              help="Which of the article's embeds (0 the first, see `article show`) plays these transcripts' "
                   "recording on the article page (default: the stored media).")
@click.option("--offset", type=float, metavar="SECONDS",
              help="Seconds to add to a transcript time to reach the same moment in that embed (negative when "
                   "the published video starts later in the recording).")
@db_option
@json_option
@with_store
def link(store: Store, article_id: int, transcript_ids: tuple[int, ...], embed: int | None,
         offset: float | None, as_json: bool) -> None:
    """Record that the article uses these transcripts (its quotes are checked against them).

    \b
    transcripts article link 1 3 --embed 0 --offset -12.5
    """
    _relink(store, article_id, transcript_ids, as_json, linking=True, embed=embed, offset=offset)


@article.command(name="unlink")
@click.argument("article_id", type=int)
@click.argument("transcript_ids", type=int, nargs=-1, required=True)
@db_option
@json_option
@with_store
def unlink(store: Store, article_id: int, transcript_ids: tuple[int, ...], as_json: bool) -> None:
    """Remove links between the article and these transcripts (neither is deleted)."""
    _relink(store, article_id, transcript_ids, as_json, linking=False)


@article.command(name="publish")
@click.argument("article_id", type=int)
@click.option("--unpublish", is_flag=True, help="Take it back: anonymous readers no longer see it.")
@db_option
@json_option
@with_store
def publish(store: Store, article_id: int, unpublish: bool, as_json: bool) -> None:
    """Let anonymous readers of the web app see the article (its transcripts are published on their own)."""
    with store.session() as session:
        row = article_repository.set_public(session, article_id, not unpublish)
        data = article_json(session, row)
    if as_json:
        emit_json(data)
    else:
        click.echo(f"article {article_id} is {'public' if data['public'] else 'private'}: {data['title']}")


@article.command(name="delete")
@click.argument("article_id", type=int)
@db_option
@json_option
@with_store
def delete(store: Store, article_id: int, as_json: bool) -> None:
    """Delete the article and its links (the transcripts stay)."""
    with store.session() as session:
        title = article_repository.delete_article(session, article_id)
    if as_json:
        emit_json({"id": article_id, "title": title, "deleted": True})
    else:
        click.echo(f"deleted article {article_id}: {title}")
