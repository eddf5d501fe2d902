"""`transcripts list`, `show` and `delete`: what the store holds, one transcript at a time."""

from __future__ import annotations

import click

from transcripts import ingest as ingest_api
from transcripts import timefmt
from transcripts.cli.common import db_option, emit_json, json_option, with_store
from transcripts.export import txt
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
    """Print a transcript: `[HH:MM:SS] Speaker: text` per line, under `## Topic` headings."""
    with store.session() as session:
        doc = repository.load_document(session, transcript_id)
    if as_json:
        emit_json(doc.as_json())
        return
    click.echo(f"# {doc.title}  ({timefmt.hms(doc.duration)}, {doc.language}, {doc.model})\n")
    click.echo(txt.render(doc), nl=False)


@click.command()
@click.argument("transcript_id", type=int)
@db_option
@json_option
@with_store
def delete(store: Store, transcript_id: int, as_json: bool) -> None:
    """Delete a transcript (and its stored media copy when nothing else uses it)."""
    ingest_api.delete(store, transcript_id)
    if as_json:
        emit_json({"id": transcript_id, "status": "deleted"})
    else:
        click.echo(f"deleted transcript {transcript_id}")


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
