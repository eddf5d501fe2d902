"""What every command shares: one-line errors, `--db` and `--json`, opening the store, printing JSON."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import click

from transcripts import timefmt
from transcripts.config import load_settings
from transcripts.errors import TranscriptsError
from transcripts.store.db import Store
from transcripts.store.media_files import MediaFiles, open_media

F = TypeVar("F", bound=Callable[..., Any])


class TranscriptsGroup(click.Group):
    """Turns our expected errors into one-line messages and exit code 1, everywhere."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TranscriptsError as error:
            raise click.ClickException(str(error)) from error


def db_option(command: F) -> F:
    return click.option("--db", "db", metavar="URL", envvar=None,
                        help="Database URL (default: TRANSCRIPTS_DB, the config file, or SQLite in the data dir).")(
        command)


def json_option(command: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON (stable shape, see README).")(command)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def with_store(command: Callable[..., Any]) -> Callable[..., Any]:
    """Open the store from `--db` and pass it on as `store`, closing it afterwards."""

    @functools.wraps(command)
    def wrapper(*args: Any, db: str | None, **kwargs: Any) -> Any:
        store = Store(load_settings(db=db).db_url)
        try:
            return command(*args, store=store, **kwargs)
        finally:
            store.close()

    return wrapper


def media_root() -> MediaFiles:
    """The stored recordings of the resolved settings (`TRANSCRIPTS_MEDIA`, else the data dir's media/)."""
    return open_media(load_settings())


class DefaultCommandGroup(TranscriptsGroup):
    """A group whose first argument may be an id instead of a subcommand: `speakers 3` = `speakers show 3`."""

    default_command = "show"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args.insert(0, self.default_command)
        return super().parse_args(ctx, args)


def aware(moment: datetime) -> datetime:
    """Naive times are UTC: what SQLite hands back for what was stored in UTC, and a bare `--since` date."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _since(_ctx: click.Context, _param: click.Parameter, value: datetime | None) -> datetime | None:
    return None if value is None else aware(value)


def since_option(help_text: str) -> Callable[[F], F]:
    """`--since DATE` (or DATE and time), as an aware datetime."""
    return click.option("--since", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]), callback=_since,
                        metavar="DATE", help=help_text)


def parse_time(_ctx: click.Context, _param: click.Parameter, value: str | None) -> float | None:
    """A click callback: `HH:MM:SS`, `MM:SS.s` or seconds into seconds, or a usage error naming the flag."""
    if value is None:
        return None
    try:
        return timefmt.parse(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from error
