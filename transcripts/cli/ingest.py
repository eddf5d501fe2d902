"""`transcripts ingest`: recordings in, stored transcripts out, with a progress bar on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from transcripts import ingest as ingest_api
from transcripts.cli.common import db_option, emit_json, json_option
from transcripts.config import Settings, load_settings, read_vocabulary
from transcripts.jobs.app import DEFAULT_QUEUE, QUEUES, require_postgresql
from transcripts.jobs.enqueue import enqueue
from transcripts.pipeline.diarize import MAX_SPEAKERS, SpeakerHints
from transcripts.store.db import Store
from transcripts.store.media_files import open_media


class TqdmProgress:
    """A bar in audio seconds over the whole batch, with the current file, its step and a time left that
    only counts down (`ingest.Eta`)."""

    def __init__(self) -> None:
        self.bar: tqdm[Any] | None = None
        self.eta: ingest_api.Eta | None = None
        self.file_start = 0.0
        self.file_duration = 0.0
        self.name = ""

    def start(self, total_seconds: float) -> None:
        self.bar = tqdm(total=round(total_seconds, 1), unit="s", unit_scale=False, dynamic_ncols=True,
                        bar_format="{desc} {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} s audio "
                                   "[{elapsed}<{postfix}]", file=sys.stderr)
        self.bar.set_postfix_str("?", refresh=False)
        self.eta = ingest_api.Eta(total_seconds)

    def file(self, path: Path, duration: float) -> None:
        assert self.bar is not None
        self.file_start = self.bar.n
        self.file_duration = duration
        self.name = path.name[:32]
        self.bar.set_description_str(self.name)

    def advance(self, seconds_in_file: float, step: str) -> None:
        assert self.bar is not None and self.eta is not None
        target = self.file_start + min(seconds_in_file, self.file_duration)
        self.bar.set_description_str(f"{self.name} ({step})", refresh=False)
        left = self.eta(target)
        self.bar.set_postfix_str("?" if left is None else tqdm.format_interval(left), refresh=False)
        self.bar.update(max(0.0, round(target - self.bar.n, 2)))

    def done_file(self) -> None:
        self.advance(self.file_duration, "done")

    def close(self, completed: bool = False) -> None:
        if self.bar is not None:
            if completed and self.bar.total:
                self.bar.n = self.bar.total
                self.bar.refresh()
            self.bar.close()


class QueueFlagCommand(click.Command):
    """`--queue` alone means the cpu queue, even right before a path: `ingest --queue talk.m4a`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        given: list[str] = []
        for index, arg in enumerate(args):
            if arg == "--":
                given.extend(args[index:])
                break
            given.append(arg)
            if arg == "--queue" and (index + 1 == len(args) or args[index + 1] not in QUEUES):
                given.append(DEFAULT_QUEUE)
        return super().parse_args(ctx, given)


@click.command(cls=QueueFlagCommand)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--title", help="Title of the transcript (default: the file name). One file only.")
@click.option("--language", metavar="CODE", help="Language code, e.g. en, fr (default: detected and stored).")
@click.option("--model", metavar="NAME|DIR",
              help="base (default, multilingual), tiny.en (fast draft), a CTranslate2 directory, "
                   "or a hub name such as small or large-v3 (needs the network once).")
@click.option("--vocab", metavar="NAMES",
              help='Names to spell right, comma separated: "Sean Baker, Red Rocket". Used with the names '
                   "in vocab.txt in the data dir (one per line, for names that recur).")
@click.option("--device", type=click.Choice(["cpu", "cuda", "auto"]),
              help="Where whisper runs (default: cpu; cuda needs an NVIDIA GPU with CUDA libraries).")
@click.option("--compute-type", metavar="TYPE",
              help="CTranslate2 precision: int8 (default on CPU), float16 (default on GPU), int8_float16, float32.")
@click.option("--speakers", "speaker_count", type=click.IntRange(1, MAX_SPEAKERS),
              help="How many people speak, when known (1 turns speaker separation off).")
@click.option("--min-speakers", type=click.IntRange(1, MAX_SPEAKERS), help="At least this many speakers.")
@click.option("--max-speakers", type=click.IntRange(1, MAX_SPEAKERS), help="At most this many speakers.")
@click.option("--interviewer", metavar="NAME", help="Name of the interviewer (recognised as the one who asks).")
@click.option("--people", metavar="NAMES", help='Names of the others, comma separated, most talkative first: '
                                                '"Sean Baker, Chris Bergoch".')
@click.option("--no-copy", is_flag=True, help="Keep a reference to the file instead of a copy in the data dir.")
@click.option("--queue", type=click.Choice(QUEUES),
              help="Newsroom mode (PostgreSQL): store each file and queue it for `transcripts worker`, returning "
                   "at once; --queue gpu for GPU workers (--queue alone: cpu).")
@db_option
@json_option
def ingest(paths: tuple[Path, ...], title: str | None, language: str | None, model: str | None,
           vocab: str | None, device: str | None, compute_type: str | None, speaker_count: int | None,
           min_speakers: int | None, max_speakers: int | None, interviewer: str | None, people: str | None,
           no_copy: bool, queue: str | None, db: str | None, as_json: bool) -> None:
    """Transcribe recordings (files or whole folders) into the store.

    Folders are searched recursively for audio and video files; other files (notes, .DS_Store) are passed
    over. A file already ingested (same content) is skipped. Each file is stored whole or not at all.
    Speakers are separated (S1, S2…), the interviewer recognised, and enrolled voices named.
    """
    settings = load_settings(db=db, model=model, language=language, device=device, compute_type=compute_type)
    batch = ingest_api.collect(paths)
    if title and len(batch.files) > 1:
        raise click.UsageError("--title names one transcript: give one file")
    if queue is not None:
        if model or device or compute_type:
            raise click.UsageError("--model, --device and --compute-type belong to the workers with --queue "
                                   "(transcripts worker --model …)")
        if no_copy:
            raise click.UsageError("--no-copy cannot be queued: a worker on another machine cannot read this "
                                   "machine's disk (the file is copied under the media root)")
        require_postgresql(settings.db_url)
    store = Store(settings.db_url)
    options = ingest_api.IngestOptions(title=title, language=settings.get("language"),
                                       vocabulary=tuple(read_vocabulary(settings, vocab)),
                                       copy_media=not no_copy,
                                       hints=SpeakerHints(speaker_count, min_speakers, max_speakers),
                                       interviewer=interviewer,
                                       people=tuple(n.strip() for n in (people or "").split(",") if n.strip()))
    if queue is not None:
        _queue(store, settings, batch, options, queue, as_json)
        return
    ingestor = ingest_api.Ingestor(store, settings)
    progress = TqdmProgress() if not as_json and sys.stderr.isatty() else None
    results = []
    try:
        results = ingestor.ingest(batch.files, options, progress)
    except KeyboardInterrupt:
        click.echo("interrupted: the file in progress was not stored; run the same command to redo it",
                   err=True)
        sys.exit(130)
    finally:
        if progress:
            progress.close(completed=bool(results))
        store.close()
    _report(batch, results, as_json, lambda result: (
        f"{result.status:8} {result.id:>5}  {result.path}  ({result.duration:.1f} s, "
        f"{result.language}, {result.model})"))


def _queue(store: Store, settings: Settings, batch: ingest_api.Batch, options: ingest_api.IngestOptions,
           queue: str, as_json: bool) -> None:
    """`ingest --queue`: one line (or JSON object) per file, queued, skipped or failed."""
    try:
        results = enqueue(store, open_media(settings), batch.files, options, queue)
    finally:
        store.close()
    _report(batch, results, as_json, lambda result: (
        f"skipped  {result.id:>5}  {result.path}  (already transcribed)" if result.status == "skipped"
        else f"queued   job {result.job_id:>5}  {result.path}  (see `transcripts jobs`)"))


def _report(batch: ingest_api.Batch, results: Sequence[Any], as_json: bool, describe: Callable[[Any], str]) -> None:
    """What every ingest prints: files passed over, then one line (or JSON object) per file, failures on
    stderr; exit 1 when any file failed. `describe` words a result that did not fail."""
    if batch.passed_over:
        click.echo(f"passed over {len(batch.passed_over)} file(s) that are not media", err=True)
    if as_json:
        emit_json([r.as_json() for r in results])
    else:
        for result in results:
            if result.status == "failed":
                click.echo(f"failed: {result.error}", err=True)
            else:
                click.echo(describe(result))
    if any(r.status == "failed" for r in results):
        sys.exit(1)
