"""`transcripts export`: one transcript to a file or standard output, or a whole junket to a folder."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from transcripts.cli.common import aware, db_option, emit_json, json_option, since_option, with_store
from transcripts.export import FORMATS, ExportOptions
from transcripts.export.files import safe_name, write_atomic
from transcripts.export.html import YOUTUBE_ID
from transcripts.store import repository
from transcripts.store.db import Store

_FORMAT_HELP = "\n".join(f"  {f.name:13} {f.summary}" for f in FORMATS.values())


@click.command(help=f"""Write a transcript (or, with --all, every transcript) in a format people use.

\b
  transcripts export 3 --format md -o baker.md
  transcripts export 3 --format vtt > baker.vtt
  transcripts export --all --format docx -o junket/ --since 2026-11-01
  transcripts export 3 --format html --media-url baker.mp3 -o baker.html

\b
Formats:
{_FORMAT_HELP}

Renamed speakers and edited topics appear in every format. With --all, -o is a folder (created if
needed) and each file is named after its transcript: 0003-sean-baker-interview.docx.""")
@click.argument("transcript_id", type=int, required=False)
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="txt", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="File to write (default: standard output); a folder with --all.")
@click.option("--all", "every", is_flag=True, help="Export every transcript (see --since, --transcript).")
@since_option("With --all: only transcripts stored on or after this date (YYYY-MM-DD).")
@click.option("--transcript", "only", type=int, multiple=True, metavar="ID",
              help="With --all: only these transcripts (repeat the option).")
@click.option("--timestamps", is_flag=True, help="Markdown: a timestamp before each turn and topic.")
@click.option("--media-url", metavar="URL", help="html: play this recording beside the words (a URL or a path "
              "relative to the page): click a word to play it, the spoken word lights up.")
@click.option("--youtube", metavar="ID", help="html: the same, beside this YouTube video (its id).")
@db_option
@json_option
@with_store
def export(store: Store, transcript_id: int | None, fmt: str, output: Path | None, every: bool,
           since: datetime | None, only: tuple[int, ...], timestamps: bool, media_url: str | None,
           youtube: str | None, as_json: bool) -> None:
    chosen = FORMATS[fmt]
    if (media_url or youtube) and fmt != "html":
        raise click.UsageError("--media-url and --youtube go with --format html")
    if media_url and youtube:
        raise click.UsageError("give --media-url or --youtube, not both")
    if youtube and not YOUTUBE_ID.fullmatch(youtube):
        raise click.UsageError(f"--youtube {youtube!r}: give the video's id (the v= of its address)")
    options = ExportOptions(timestamps=timestamps, media_url=media_url, youtube=youtube)
    if every or only:
        if media_url or youtube:  # every page would play the one recording given
            raise click.UsageError("--media-url and --youtube name one recording: export one transcript with them")
        if transcript_id is not None:
            raise click.UsageError("give a TRANSCRIPT_ID or --all, not both")
        if output is None:
            raise click.UsageError("--all writes one file per transcript: give a folder with -o")
        _export_all(store, fmt, output, since, only, options, as_json)
        return
    if transcript_id is None:
        raise click.UsageError("give a TRANSCRIPT_ID (or --all -o FOLDER)")
    with store.session() as session:
        doc = repository.load_document(session, transcript_id)
    data = chosen.render(doc, options)
    if output is None:
        if isinstance(data, bytes):
            if sys.stdout.isatty():
                raise click.UsageError(f"{fmt} is a binary format: give a file with -o")
            sys.stdout.buffer.write(data)
        else:
            click.echo(data, nl=False)
        return
    write_atomic(output, data)
    if as_json:
        emit_json([{"id": transcript_id, "path": str(output)}])
    else:
        click.echo(f"wrote {output}", err=True)


def _export_all(store: Store, fmt: str, folder: Path, since: datetime | None, only: tuple[int, ...],
                options: ExportOptions, as_json: bool) -> None:
    if folder.exists() and not folder.is_dir():
        raise click.UsageError(f"{folder}: not a folder (--all writes one file per transcript)")
    folder.mkdir(parents=True, exist_ok=True)
    chosen = FORMATS[fmt]
    with store.session() as session:
        rows = repository.list_transcripts(session)
    known = {row.id for row in rows}
    missing = [i for i in only if i not in known]
    if missing:
        raise click.UsageError(f"no such transcript: {', '.join(map(str, missing))} (see `transcripts list`)")
    selected = [row for row in rows if (not only or row.id in only)
                and (since is None or aware(row.created_at) >= since)]
    written = []
    for row in selected:
        with store.session() as session:
            doc = repository.load_document(session, row.id)
        path = folder / safe_name(row.id, row.title, chosen.extension)
        write_atomic(path, chosen.render(doc, options))
        written.append({"id": row.id, "path": str(path)})
        if not as_json:
            click.echo(str(path))
    if as_json:
        emit_json(written)
    elif not written:
        click.echo("no transcripts matched", err=True)

