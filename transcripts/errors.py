"""Errors a user can act on.

Expected failures (a bad file, a model that is not here, a database that does not answer) raise one of
these, carrying what failed and why; the CLI prints them as one line without a traceback. Anything else
is a bug and keeps its traceback.
"""

from __future__ import annotations


class TranscriptsError(Exception):
    """Base of every expected failure: `str(error)` is the one line shown to the user."""


class MediaError(TranscriptsError):
    """A media file that cannot be ingested: missing, empty, not media, truncated, or without speech."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class ModelNotFound(TranscriptsError):
    """A Whisper model that is neither bundled, nor a local directory, nor reachable on the hub."""


class ModelLoadError(TranscriptsError):
    """A model that exists but cannot run with the chosen device or compute type (no CUDA driver, say)."""


class StoreError(TranscriptsError):
    """The database cannot be opened or migrated."""


class NotFound(TranscriptsError):
    """A transcript (or other stored item) id that does not exist."""


class ConfigError(TranscriptsError):
    """A configuration file or setting that cannot be read."""


class InvalidEdit(TranscriptsError):
    """An editor's change that cannot apply (an empty title, a split outside the topic)."""


class InputError(TranscriptsError):
    """An input other than media that cannot be read: an article file or URL, a quote's text or times."""


class QuerySyntaxError(TranscriptsError):
    """A search query that is not valid search syntax (an unclosed quote, a dangling OR)."""


class QueueError(TranscriptsError):
    """The job queue cannot do what was asked: it needs PostgreSQL, or a job is not there or not in a state
    that allows it (retrying a job that is done)."""


class AlreadyTranscribed(TranscriptsError):
    """Content that another process transcribed meanwhile (two reporters, or two workers handed one job):
    the later one stores nothing and points at the first one's transcript."""

    def __init__(self, path: str, transcript_id: int) -> None:
        super().__init__(f"{path}: already ingested as transcript {transcript_id}")
        self.transcript_id = transcript_id
