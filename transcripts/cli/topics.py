"""`transcripts topics …`: list a transcript's topics, and the editor's fixes (retitle, merge, split)."""

from __future__ import annotations

import click

from transcripts import timefmt
from transcripts.cli.common import (
    DefaultCommandGroup,
    db_option,
    emit_json,
    json_option,
    media_root,
    parse_time,
    with_store,
)
from transcripts.config import load_settings
from transcripts.document import TopicDoc
from transcripts.ingest import rebuild_topics
from transcripts.pipeline.embed import Embedder
from transcripts.store import repository, topic_repository
from transcripts.store.db import Store


@click.group(cls=DefaultCommandGroup)
def topics() -> None:
    """The topics of a transcript: each question with its answer, titled, with keywords.

    \b
      transcripts topics 3                          # list them (ids, times, titles)
      transcripts topics retitle 12 "Casting Simon Rex"
      transcripts topics merge 12                   # 12 and the topic after it become one
      transcripts topics split 12 --at 4:05         # a new topic from 4:05 on
      transcripts topics rebuild 3                  # compute them again
    """


def _line(topic: TopicDoc) -> str:
    keywords = f"  [{', '.join(topic.keywords)}]" if topic.keywords else ""
    return f"{topic.id:>5}  {timefmt.hms(topic.start)}–{timefmt.hms(topic.end)}  {topic.title}{keywords}"


@topics.command(name="show")
@click.argument("transcript_id", type=int)
@db_option
@json_option
@with_store
def show_topics(store: Store, transcript_id: int, as_json: bool) -> None:
    """List the topics: id, start–end, title and keywords."""
    with store.session() as session:
        doc = repository.load_document(session, transcript_id)
    if as_json:
        emit_json([topic.as_json() for topic in doc.topics])
        return
    if not doc.topics:
        click.echo(f"transcript {transcript_id} has no topics yet: run `transcripts topics rebuild "
                   f"{transcript_id}`", err=True)
    for topic in doc.topics:
        click.echo(_line(topic))


def _emit_topic(store: Store, topic_id: int, as_json: bool, message: str) -> None:
    with store.session() as session:
        row = topic_repository.get_topic(session, topic_id)
        transcript_id, topic = row.transcript_id, repository.topic_doc(row)
    if as_json:
        emit_json({"transcript_id": transcript_id, **topic.as_json()})
    else:
        click.echo(f"{message}\n{_line(topic)}")


@topics.command()
@click.argument("topic_id", type=int)
@click.argument("title")
@db_option
@json_option
@with_store
def retitle(store: Store, topic_id: int, title: str, as_json: bool) -> None:
    """Give topic TOPIC_ID a new TITLE (shown in every export)."""
    with store.session() as session:
        topic_repository.retitle_topic(session, topic_id, title)
    _emit_topic(store, topic_id, as_json, f"topic {topic_id} retitled")


@topics.command()
@click.argument("topic_id", type=int)
@db_option
@json_option
@with_store
def merge(store: Store, topic_id: int, as_json: bool) -> None:
    """Join topic TOPIC_ID and the topic after it (a follow-up taken for a new question)."""
    with store.session() as session:
        topic_repository.merge_topic(session, topic_id)
    _emit_topic(store, topic_id, as_json, f"topic {topic_id} now includes the topic after it")


@topics.command()
@click.argument("topic_id", type=int)
@click.option("--at", "at", required=True, callback=parse_time, metavar="TIME",
              help="Where the new topic starts: seconds, MM:SS.s or HH:MM:SS (the first segment from there).")
@db_option
@json_option
@with_store
def split(store: Store, topic_id: int, at: float, as_json: bool) -> None:
    """Cut topic TOPIC_ID in two at a time: the second part becomes a new topic."""
    with store.session() as session:
        new_id = topic_repository.split_topic(session, topic_id, at).id
    _emit_topic(store, new_id, as_json, f"topic {topic_id} split: new topic {new_id}")


@topics.command()
@click.argument("transcript_ids", nargs=-1, type=int)
@click.option("--all", "every", is_flag=True, help="Every stored transcript.")
@click.option("--force", is_flag=True, help="Replace topics an editor has changed, too.")
@db_option
@json_option
@with_store
def rebuild(store: Store, transcript_ids: tuple[int, ...], every: bool, force: bool, as_json: bool) -> None:
    """Compute the topics again (transcripts stored before topics existed get theirs this way)."""
    if every:
        with store.session() as session:
            transcript_ids = tuple(t.id for t in repository.list_transcripts(session))
    elif not transcript_ids:
        raise click.UsageError("give TRANSCRIPT_IDS or --all")
    embedder = Embedder(load_settings().models_dir)
    counts = {transcript_id: rebuild_topics(store, media_root(), embedder, transcript_id, force)
              for transcript_id in transcript_ids}
    if as_json:
        emit_json([{"transcript_id": k, "topics": v} for k, v in counts.items()])
    else:
        for transcript_id, count in counts.items():
            click.echo(f"transcript {transcript_id}: {count} topics")
