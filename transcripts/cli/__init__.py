"""The `transcripts` command: the group, `config`, and one module per command group beside it.

Each command parses its flags, calls one core function and prints text or `--json`. Exit codes: 0 success,
1 when any item failed, 2 for usage errors, 130 on Ctrl-C. Expected errors are one line on stderr.
"""

from __future__ import annotations

import click

from transcripts.cli.articles import article
from transcripts.cli.common import TranscriptsGroup, db_option, emit_json, json_option
from transcripts.cli.export import export
from transcripts.cli.ingest import ingest
from transcripts.cli.jobs import jobs, worker
from transcripts.cli.library import delete, list_command, publish, resegment, show
from transcripts.cli.quotes import quote, quotes
from transcripts.cli.search import search
from transcripts.cli.serve import serve
from transcripts.cli.speakers import speakers, voices_group
from transcripts.cli.topics import topics
from transcripts.config import load_settings


@click.group(cls=TranscriptsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="transcripts")
def cli() -> None:
    """Interview transcripts, made and kept on this machine.

    \b
    Start with:
      transcripts ingest ~/junket/              # every recording in a folder
      transcripts list
      transcripts show 1
      transcripts speakers rename 1 S2 "Sean Baker"
      transcripts topics 1
      transcripts export 1 --format md -o interview.md
      transcripts export --all --format docx -o junket/
      transcripts search "how did he choose the actors" --speaker Baker
      transcripts quote 1 --text "we shot it in Texas City" --clip quote.m4a
      transcripts article add story.html --link 1 && transcripts quotes check 1
      transcripts publish 1 && transcripts serve  # the reader at http://127.0.0.1:8000/

    Data lives in TRANSCRIPTS_HOME (see `transcripts config`); nothing leaves this machine.
    """


@cli.command()
@db_option
@json_option
def config(db: str | None, as_json: bool) -> None:
    """Show the resolved settings and where each came from (flag, env, config file, default)."""
    described = load_settings(db=db).describe()
    if as_json:
        emit_json(described)
        return
    for name, item in described.items():
        click.echo(f"{name:13} {item['value']}  ({item['source']})")


cli.add_command(ingest)
cli.add_command(list_command)
cli.add_command(show)
cli.add_command(delete)
cli.add_command(resegment)
cli.add_command(publish)
cli.add_command(speakers)
cli.add_command(topics)
cli.add_command(export)
cli.add_command(voices_group, name="voices")
cli.add_command(search)
cli.add_command(article)
cli.add_command(quote)
cli.add_command(quotes)
cli.add_command(serve)
cli.add_command(jobs)
cli.add_command(worker)


def main() -> None:
    cli(prog_name="transcripts")
