"""`transcripts search …`: everything ever recorded (or every article), by words, by meaning, or both."""

from __future__ import annotations

from datetime import datetime

import click

from transcripts import timefmt
from transcripts.cli.common import db_option, emit_json, json_option, since_option, with_store
from transcripts.config import load_settings
from transcripts.pipeline.embed import Embedder
from transcripts.search import MODES, ArticleHit, Hit, Searcher
from transcripts.store import article_repository
from transcripts.store.db import Store
from transcripts.store.fts import Scope


@click.command()
@click.argument("query")
@click.option("--speaker", metavar="NAME", help="Only what this speaker said (a name, part of one, or S1).")
@click.option("--transcript", "transcript_ids", type=int, multiple=True, metavar="ID",
              help="Only in this transcript (repeat for several).")
@click.option("--article", "article_id", type=int, metavar="ID", help="Only in the transcripts this article uses.")
@since_option("Only transcripts recorded (or, when unknown, stored) on or after this date (YYYY-MM-DD).")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True, help="Hits to show.")
@click.option("--mode", type=click.Choice(MODES), default="both", show_default=True,
              help="words: the words said (ranked bm25); meaning: what was meant (sentence embeddings); "
                   "both: the two rankings fused.")
@click.option("--in", "target", type=click.Choice(["transcripts", "articles"]), default="transcripts",
              show_default=True, help="Search what was said, or the articles' text (by words).")
@db_option
@json_option
@with_store
def search(store: Store, query: str, speaker: str | None, transcript_ids: tuple[int, ...], article_id: int | None,
           since: datetime | None, limit: int, mode: str, target: str, as_json: bool) -> None:
    """Search every transcript: by words, by meaning, or both (the default).

    \b
    Words:  casting              a word, stemmed (finds cast, casts, casting)
            "Florida Project"    a phrase
            cast*                words starting with cast
            casting AND Texas    both (AND may be left out); OR: either; NOT: without
            (casting OR actors) Texas
    Meaning: a question in plain words finds answers that use other words:
      transcripts search "how did he choose the actors" --speaker Baker
      transcripts search Yankee --mode words --json
      transcripts search "Red Rocket" --in articles
    """
    searcher = Searcher(store, Embedder(load_settings().models_dir))
    if target == "articles":
        if speaker or transcript_ids or article_id is not None or since or mode != "both":
            raise click.UsageError("--in articles searches the articles' words: no --speaker, --transcript, "
                                   "--article, --since or --mode")
        _print_articles(searcher.search_articles(query, limit), as_json)
        return
    if article_id is not None:
        with store.session() as session:
            article_repository.get_article(session, article_id)  # NotFound names it
    scope = Scope(speaker=speaker, transcript_ids=transcript_ids, article_id=article_id, since=since)
    hits = searcher.search(query, scope, mode, limit)
    if as_json:
        emit_json([hit.as_json() for hit in hits])
    elif not hits:
        click.echo(f"nothing found for {query!r}", err=True)
    for hit in hits if not as_json else []:
        click.echo(_hit_text(hit))


def _hit_text(hit: Hit) -> str:
    where = f"{timefmt.hms(hit.start)}–{timefmt.hms(hit.end)}"
    topic = f"  [{hit.topic['title']}]" if hit.topic else ""
    who = f"  {hit.speaker}" if hit.speaker else ""
    moment = f"transcripts quote {hit.transcript_id} --start {hit.start:.2f} --end {hit.end:.2f}"
    return f"{hit.transcript_title} (#{hit.transcript_id})  {where}{who}{topic}\n  {hit.snippet}\n  → {moment}\n"


def _print_articles(hits: list[ArticleHit], as_json: bool) -> None:
    if as_json:
        emit_json([hit.as_json() for hit in hits])
        return
    if not hits:
        click.echo("no article matched", err=True)
    for hit in hits:
        click.echo(f"{hit.article_id:>5}  {hit.title}{'  ' + hit.url if hit.url else ''}\n  {hit.snippet}\n")
