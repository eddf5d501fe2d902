"""The reader's costly part, made once per version of a transcript: its words as HTML.

An hour-long interview is some 9,000 words; loading them and making each an element took most of the
reader page's time, on every request, for a text that changes rarely. Each process keeps the documents and
their HTML it made last, keyed by the transcript's id and `repository.document_version` (a digest of every
row the page is made from), so an edit, a rename or a publish is seen on the next request, and the cache
never needs to be told. Bounded by the HTML's size, least recently used out first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace

from markupsafe import Markup
from sqlalchemy.orm import Session

from transcripts.document import TranscriptDoc
from transcripts.errors import NotFound
from transcripts.store import repository

MAX_BYTES = 64 * 1024 * 1024  # a thousand short interviews, or a hundred hours


@dataclass(frozen=True)
class Rendered:
    """`doc` is the document without its segments (`segments == []`): the page shows them only through
    `html`, and an hour's 9,000 words as objects would weigh more than their HTML."""

    doc: TranscriptDoc
    html: Markup  # the transcript's sections, paragraphs and words (`_transcript.html`)


class ReaderCache:
    """Thread-safe (sync routes run in a thread pool); two requests that miss at once both make the page."""

    def __init__(self, render: Callable[[TranscriptDoc], Markup], max_bytes: int = MAX_BYTES) -> None:
        self._render = render
        self._max_bytes = max_bytes
        self._bytes = 0
        self._entries: OrderedDict[int, tuple[str, Rendered]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session: Session, transcript_id: int) -> Rendered:
        """The document (without segments) and its HTML as stored now; NotFound when there is no such
        transcript."""
        version = repository.document_version(session, transcript_id)
        if version is None:
            raise NotFound(f"transcript {transcript_id}: no such transcript (see `transcripts list`)")
        with self._lock:
            entry = self._entries.get(transcript_id)
            if entry is not None and entry[0] == version:
                self._entries.move_to_end(transcript_id)
                return entry[1]
        doc = repository.load_document(session, transcript_id)
        rendered = Rendered(replace(doc, segments=[]), self._render(doc))
        if repository.document_version(session, transcript_id) == version:  # nothing changed while loading
            self._put(transcript_id, version, rendered)
        return rendered

    def _put(self, transcript_id: int, version: str, rendered: Rendered) -> None:
        size = len(rendered.html)
        if size > self._max_bytes:
            return
        with self._lock:
            old = self._entries.pop(transcript_id, None)
            if old is not None:
                self._bytes -= len(old[1].html)
            self._entries[transcript_id] = (version, rendered)
            self._bytes += size
            while self._bytes > self._max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= len(dropped.html)
