"""`transcripts list`, `show`, `delete` and `resegment`: what the store holds, one transcript at a time."""

from __future__ import annotations

import click

from transcripts import ingest as ingest_api
from transcripts import timefmt
from transcripts.cli.common import db_option, emit_json, json_option, media_root, with_store
from transcripts.config import load_settings
from transcripts.errors import TranscriptsError
from transcripts.export import txt
from transcripts.pipeline.diarize import Diarizer
from transcripts.pipeline.embed import Embedder
from transcripts.store import repository
from transcripts.store.db import Store


@click.command(name="list")
@db_option
@json_option
@with_store
def list_command(store: Store, as_json: bool) -> None:
    """List stored transcripts."""
    with store.session() as session:
        rows = repository.list_transcripts(session)
    if as_json:
        emit_json([r.as_json() for r in rows])
        return
    for row in rows:
        click.echo(f"{row.id:>5}  {timefmt.hms(row.duration)}  {row.language or '--':3} {row.model:8} "
                   f"{row.created_at:%Y-%m-%d}  {row.title}{'  (public)' if row.public else ''}")


@click.command()
@click.argument("transcript_id", type=int)
@db_option
@json_option
@with_store
def show(store: Store, transcript_id: int, as_json: bool) -> None:
    """Print a transcript: a paragraph per speaker turn, `[HH:MM:SS] Speaker: text`, under `## Topic` headings."""
    with store.session() as session:
        doc = repository.load_document(session, transcript_id)
    if as_json:
        emit_json(doc.as_json())
        return
    click.echo(f"# {doc.title}  ({timefmt.hms(doc.duration)}, {doc.language}, {doc.model})\n")
    click.echo(txt.paragraphs(doc), nl=False)


@click.command()
@click.argument("transcript_id", type=int)
@db_option
@json_option
@with_store
def delete(store: Store, transcript_id: int, as_json: bool) -> None:
    """Delete a transcript (and its stored media copy when nothing else uses it)."""
    ingest_api.delete(store, media_root(), transcript_id)
    if as_json:
        emit_json({"id": transcript_id, "status": "deleted"})
    else:
        click.echo(f"deleted transcript {transcript_id}")


@click.command()
@click.argument("transcript_ids", nargs=-1, type=int)
@click.option("--all", "every", is_flag=True, help="Every stored transcript.")
@click.option("--force", is_flag=True, help="Replace topics an editor has changed, too.")
@db_option
@json_option
@with_store
def resegment(store: Store, transcript_ids: tuple[int, ...], every: bool, force: bool, as_json: bool) -> None:
    """Cut stored transcripts again into whole sentences, one voice each, and rebuild their topics.

    For transcripts stored before segments were sentences. Names and roles stay; a transcript whose topics
    an editor changed is left alone unless --force.
    """
    if every:
        with store.session() as session:
            transcript_ids = tuple(t.id for t in repository.list_transcripts(session))
    elif not transcript_ids:
        raise click.UsageError("give TRANSCRIPT_IDS or --all")
    embedder, diarizer = Embedder(load_settings().models_dir), Diarizer()
    results: list[dict] = []
    for transcript_id in transcript_ids:
        try:
            done = ingest_api.resegment(store, media_root(), embedder, transcript_id, force, diarizer)
        except TranscriptsError as error:
            results.append({"transcript_id": transcript_id, "error": str(error)})
            if not as_json:
                click.echo(str(error), err=True)
            continue
        results.append(done.as_json())
        if not as_json:
            click.echo(f"transcript {transcript_id}: {done.segments_before} segments → {done.segments} sentences, "
                       f"{done.topics} topics")
    if as_json:
        emit_json(results)
    if any("error" in result for result in results):
        raise SystemExit(1)


@click.command()
@click.argument("transcript_id", type=int)
@click.option("--unpublish", is_flag=True, help="Take it back: anonymous readers get 404 again.")
@db_option
@json_option
@with_store
def publish(store: Store, transcript_id: int, unpublish: bool, as_json: bool) -> None:
    """Let anonymous readers of the web app open a transcript, its recording and its API (nothing is public
    until published)."""
    with store.session() as session:
        row = repository.set_public(session, transcript_id, not unpublish)
        shown = {"id": row.id, "title": row.title, "public": row.public}
    if as_json:
        emit_json(shown)
    else:
        click.echo(f"transcript {transcript_id} is {'public' if shown['public'] else 'private'}: {shown['title']}")
