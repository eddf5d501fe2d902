"""`transcripts quote …` and `transcripts quotes suggest|check …`: exact quotes, shortlists, and fact-checks."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from transcripts import timefmt
from transcripts.cli.common import (
    TranscriptsGroup,
    db_option,
    emit_json,
    json_option,
    media_root,
    parse_time,
    with_store,
)
from transcripts.document import SpeakerDoc, TranscriptDoc
from transcripts.editorial.clips import cut_clip
from transcripts.editorial.quote_check import check_quotations
from transcripts.editorial.quote_suggest import suggest
from transcripts.editorial.quotes import Passage, align, names_match, passage_between
from transcripts.errors import InputError, NotFound
from transcripts.store import article_repository, repository
from transcripts.store.db import Store


def _difference_text(difference: dict[str, Any]) -> str:
    text = f"quoted {difference['quoted'] or '(nothing)'!r}, said {difference['said'] or '(nothing)'!r}"
    if difference.get("confidence") is not None:
        text += f" (ASR confidence {difference['confidence']:.2f})"
    return text + (f"\n      hear it: {difference['listen']}" if difference.get("listen") else "")


def _equivalent_text(equivalent: dict[str, Any]) -> str:
    return f"same words, another form: quoted {equivalent['quoted']!r}, said {equivalent['said']!r}"


def _show_passage(passage: Passage, extra: dict[str, Any], as_json: bool) -> None:
    if as_json:
        emit_json(passage.as_json() | extra)
        return
    where = f"{timefmt.hms(passage.start)}–{timefmt.hms(passage.end)}"
    click.echo(f"“{passage.text}”\n{passage.attribution()}\n[{where}, transcript {passage.transcript.id}]")
    if len(passage.speakers) > 1:
        click.echo(f"note: the passage has more than one voice ({', '.join(passage.speakers)})", err=True)
    for difference in extra.get("diff", []):
        click.echo(f"  {_difference_text(difference)}")
    for equivalent in extra.get("equivalent", []):
        click.echo(f"  {_equivalent_text(equivalent)}")
    if extra.get("clip"):
        click.echo(f"clip: {extra['clip']}")


@click.command()
@click.argument("transcript_id", type=int)
@click.option("--start", callback=parse_time, metavar="TIME", help="Start (HH:MM:SS, MM:SS.s or seconds).")
@click.option("--end", callback=parse_time, metavar="TIME", help="End, in the same forms.")
@click.option("--text", "wording", metavar="TEXT", help="Find the passage from its wording (fuzzy: ASR slips "
              "and an article's tidying are tolerated).")
@click.option("--clip", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="Also cut the audio (.mp3 .m4a .wav .flac .ogg) or video (.mp4 .mov .mkv .webm) to FILE.")
@db_option
@json_option
@with_store
def quote(store: Store, transcript_id: int, start: float | None, end: float | None, wording: str | None,
          clip: Path | None, as_json: bool) -> None:
    """The exact words said, with speaker, times and an attribution line (and the clip with --clip).

    With --text, a wording of fewer than five words is found only where said word for word; contractions,
    numbers, OK/okay and British spellings written either way count as the same words.

    \b
      transcripts quote 3 --start 12:03.4 --end 12:41
      transcripts quote 3 --text "we shot it in Texas City" --clip baker.m4a
    """
    timed = start is not None or end is not None
    if (wording is not None and timed) or (wording is None and (start is None or end is None)):
        raise click.UsageError("give either --start and --end, or --text")
    with store.session() as session:
        doc = repository.load_document(session, transcript_id)
    extra: dict[str, Any] = {}
    if wording is not None:
        alignment = align(doc, wording)
        if alignment is None or alignment.status == "not_found":
            raise InputError(f"transcript {transcript_id}: nothing like {wording!r} was said")
        passage = alignment.passage
        extra = {"status": alignment.status, "similarity": round(alignment.similarity, 3),
                 "diff": [d.as_json() for d in alignment.differences],
                 "equivalent": [e.as_json() for e in alignment.equivalents]}
    else:
        assert start is not None and end is not None
        if end <= start:
            raise click.BadParameter("must be after --start", param_hint="--end")
        found = passage_between(doc, start, end)
        if found is None:
            raise InputError(f"transcript {transcript_id}: no words between {timefmt.hms(start)} and "
                             f"{timefmt.hms(end)} (it lasts {timefmt.hms(doc.duration)})")
        passage = found
    if clip is not None:
        source = media_root().readable(doc.media_path)
        extra["clip"] = str(cut_clip(source, clip, passage.start, passage.end, doc.has_video))
    _show_passage(passage, extra, as_json)


@click.group(cls=TranscriptsGroup)
def quotes() -> None:
    """Quotes for editors: a shortlist of quotable passages, and an article's quotes checked.

    \b
      transcripts quotes suggest 3 --speaker Baker
      transcripts quotes check 1        # article 1's quotes against its linked transcripts
    """


def _find_speaker(doc: TranscriptDoc, wanted: str) -> SpeakerDoc:
    """A speaker by label (S2) or name, whole or in part ("Baker"); a name that fits two is an error."""
    found = [s for s in doc.speakers if wanted.lower() == s.label.lower() or names_match(wanted, s)]
    known = ", ".join(s.display for s in doc.speakers) or "none"
    if len(found) != 1:
        problem = "no speaker" if not found else "more than one speaker is"
        raise NotFound(f"transcript {doc.id}: {problem} {wanted!r} (speakers: {known})")
    return found[0]


@quotes.command(name="suggest")
@click.argument("transcript_id", type=int)
@click.option("--speaker", metavar="NAME", help="Whose passages (a name, part of one, or S1); default: everyone "
              "but the interviewer.")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@db_option
@json_option
@with_store
def suggest_command(store: Store, transcript_id: int, speaker: str | None, limit: int, as_json: bool) -> None:
    """Rank quotable passages: complete sentences, 8–60 words, self-contained, vivid, clearly heard."""
    with store.session() as session:
        doc = repository.load_document(session, transcript_id)
    chosen = suggest(doc, _find_speaker(doc, speaker) if speaker else None, limit)
    if as_json:
        emit_json([s.as_json() for s in chosen])
        return
    if not chosen:
        click.echo("no passage of 8–60 words in complete sentences", err=True)
    for rank, suggestion in enumerate(chosen, start=1):
        p = suggestion.passage
        click.echo(f"{rank:>2}. [{timefmt.hms(p.start)}] {p.speaker.display if p.speaker else ''} "
                   f"(score {suggestion.score:.2f})\n    “{p.text}”")


_MARKS = {"exact": "ok", "altered": "ALTERED", "not_found": "NOT FOUND", "set_aside": "set aside"}


def _check_text(data: dict[str, Any]) -> str:
    lines = [f"[{_MARKS[data['status']]}] “{data['quote']}”"]
    if data["start"] is not None:
        lines.append(f"    said by {data['speaker'] or 'unknown'} at {timefmt.hms(data['start'])} "
                     f"(transcript {data['transcript_id']})")
    if data["speaker_match"] is False:
        lines.append(f"    ATTRIBUTION: the article gives it to {data['attributed_to']}")
    lines.extend(f"    {_difference_text(difference)}" for difference in data["diff"])
    lines.extend(f"    {_equivalent_text(equivalent)}" for equivalent in data["equivalent"])
    return "\n".join(lines)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


@quotes.command(name="check")
@click.argument("article_id", type=int)
@click.option("--strict", is_flag=True, help="Exit 1 unless every quote is exact and rightly attributed.")
@click.option("--verbose", is_flag=True, help="Also list the scare quotes and titles set aside.")
@db_option
@json_option
@with_store
def check_command(store: Store, article_id: int, strict: bool, verbose: bool, as_json: bool) -> None:
    """Check every quotation in an article against the transcripts it is linked to.

    Each quote is exact, altered (with the words that differ, what was said, the ASR's confidence and the
    command to hear it) or not_found, with the transcript, speaker and times; the name the article gives is
    checked against who said it. Every attributed quotation is checked however short; short unattributed
    ones are scare quotes or titles, counted and (with --verbose) listed.
    """
    with store.session() as session:
        article = article_repository.get_article(session, article_id)
        body, transcript_ids = article.body, [t.id for t in article.transcripts]
        docs = [repository.load_document(session, i) for i in transcript_ids]
    if not docs:
        raise NotFound(f"article {article_id} is linked to no transcript: `transcripts article link "
                       f"{article_id} TRANSCRIPT_ID` first")
    found = check_quotations(body, docs)
    report = found.as_json(set_aside=verbose)
    if as_json:
        emit_json(report)
    else:
        for data in report:
            click.echo(_check_text(data))
    aside = _plural(len(found.set_aside), "scare quote or title", "scare quotes or titles")
    click.echo(f"article {article_id}: {_plural(len(found.checks), 'quotation', 'quotations')} checked, "
               f"{aside} set aside{'' if verbose or not found.set_aside else ' (--verbose lists them)'}", err=True)
    if strict and any(c.status != "exact" or c.speaker_match is False for c in found.checks):
        sys.exit(1)
