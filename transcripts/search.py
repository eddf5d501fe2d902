"""Search everything ever recorded: by words (full-text, ranked), by meaning (sentence embeddings), or both.

Words find what was literally said, including names and rare terms embeddings blur; meaning finds the
answer about casting when the editor asks "how did he choose the actors". `both` (the default) fuses the
two rankings by reciprocal rank (RRF), which needs no calibration between bm25 and cosine scores.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from transcripts.editorial import search_syntax
from transcripts.errors import QuerySyntaxError
from transcripts.pipeline.embed import Embedder
from transcripts.store import fts
from transcripts.store.db import Store
from transcripts.store.fts import Scope
from transcripts.store.schema import Article, Segment, Speaker, Topic, Transcript
from transcripts.store.vectors import SegmentVectors

MODES = ("both", "words", "meaning")
RRF_K = 60  # the constant of Cormack et al.; larger flattens the head of each ranking
CANDIDATES = 50  # per ranking, before fusion
MIN_SIMILARITY = 0.25  # below this, MiniLM neighbours are unrelated text
QUERY_VECTORS = 256  # query embeddings kept (Searcher._query_vector)


@dataclass(frozen=True)
class Hit:
    transcript_id: int
    transcript_title: str
    segment_id: int
    start: float
    end: float
    speaker: str | None
    text: str
    snippet: str
    score: float
    topic: dict[str, Any] | None  # {"id", "title"} of the topic the segment falls in

    def as_json(self) -> dict[str, Any]:
        return {"transcript_id": self.transcript_id, "segment_id": self.segment_id, "start": self.start,
                "end": self.end, "speaker": self.speaker, "text": self.text, "snippet": self.snippet,
                "score": round(self.score, 6), "topic": self.topic}


@dataclass(frozen=True)
class ArticleHit:
    article_id: int
    title: str
    url: str | None
    snippet: str
    score: float

    def as_json(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "title": self.title, "url": self.url, "snippet": self.snippet,
                "score": round(self.score, 6)}


def fuse(rankings: list[list[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Reciprocal-rank fusion: each list adds 1/(k + rank) to its items; best first, ties by first seen."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])


def _shorten(text: str, words: int = fts.SNIPPET_WORDS) -> str:
    parts = text.split()
    return text if len(parts) <= words else " ".join(parts[:words]) + " …"


class Searcher:
    """Holds what is worth keeping between queries: the embedder and the in-memory segment vectors."""

    def __init__(self, store: Store, embedder: Embedder) -> None:
        self.store = store
        self.embedder = embedder
        self.vectors = SegmentVectors()
        self._query_vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    def search(self, query: str, scope: Scope | None = None, mode: str = "both", limit: int = 20) -> list[Hit]:
        """The best `limit` segments for `query`, best first; raises QuerySyntaxError for a bad query."""
        scope = scope or Scope()
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        if not query.strip():
            raise QuerySyntaxError("search query '': nothing to search for")
        node = search_syntax.parse(query) if mode != "meaning" else None
        candidates = max(limit, CANDIDATES) if mode == "both" else limit
        with self.store.session() as session:
            rankings: list[list[tuple[int, float]]] = []
            if node is not None:
                rankings.append(fts.match_segments(session, node, scope, candidates))
            if mode != "words":
                rankings.append(self._by_meaning(session, query, scope, candidates))
            if mode == "both":
                ranked = fuse([[item for item, _ in ranking] for ranking in rankings])[:limit]
            else:
                ranked = rankings[0][:limit]
            snippets = fts.highlight_segments(session, node, [i for i, _ in ranked]) if node else {}
            return self._hits(session, ranked, snippets)

    def _by_meaning(self, session: Session, query: str, scope: Scope, limit: int) -> list[tuple[int, float]]:
        self.vectors.refresh(session)
        ids = fts.segment_ids_in_scope(session, replace(scope, public_only=False))
        allowed = None if ids is None else np.fromiter(ids, dtype=np.int64, count=len(ids))
        published = None
        if scope.public_only:  # by transcript: listing every published segment costs more than the search
            public = fts.public_transcript_ids(session)
            published = np.fromiter(public, dtype=np.int64, count=len(public))
        return self.vectors.nearest(self._query_vector(query), limit, allowed, floor=MIN_SIMILARITY,
                                    transcripts=published)

    def _query_vector(self, query: str) -> np.ndarray:
        """The query's embedding; the last QUERY_VECTORS are kept, since the same searches come back (a
        reader pages through results, or changes the mode) and encoding one costs 5-9 ms."""
        sentence = _plain_words(query)
        vector = self._query_vectors.pop(sentence, None)
        if vector is None:
            [vector] = self.embedder.encode([sentence])
        self._query_vectors[sentence] = vector
        while len(self._query_vectors) > QUERY_VECTORS:
            self._query_vectors.popitem(last=False)
        return vector

    def _hits(self, session: Session, ranked: list[tuple[int, float]], snippets: dict[int, str]) -> list[Hit]:
        ids = [segment_id for segment_id, _ in ranked]
        rows = session.execute(
            select(Segment.id, Segment.transcript_id, Transcript.title, Segment.start, Segment.end, Segment.text,
                   Speaker.name, Speaker.label, Topic.id, Topic.title)
            .join(Transcript, Transcript.id == Segment.transcript_id)
            .outerjoin(Speaker, Speaker.id == Segment.speaker_id)
            .outerjoin(Topic, Topic.id == Segment.topic_id)
            .where(Segment.id.in_(ids))).all()
        by_id = {row[0]: row for row in rows}
        self.vectors.discard([i for i in ids if i not in by_id])
        hits = []
        for segment_id, score in ranked:
            row = by_id.get(segment_id)
            if row is None:  # deleted since the vectors were loaded, or between the two queries
                continue
            _, transcript_id, title, start, end, text, name, label, topic_id, topic_title = row
            hits.append(Hit(transcript_id=transcript_id, transcript_title=title, segment_id=segment_id,
                            start=start, end=end, speaker=name or label, text=text,
                            snippet=snippets.get(segment_id) or _shorten(text), score=score,
                            topic={"id": topic_id, "title": topic_title} if topic_id is not None else None))
        return hits

    def search_articles(self, query: str, limit: int = 20, public_only: bool = False) -> list[ArticleHit]:
        """Articles by words in their title and body (meaning search covers what was said, not articles)."""
        node = search_syntax.parse(query)
        with self.store.session() as session:
            matches = fts.match_articles(session, node, limit, public_only)
            articles = {a.id: a for a in session.scalars(select(Article).where(
                Article.id.in_([m[0] for m in matches])))}
            return [ArticleHit(article_id=i, title=articles[i].title, url=articles[i].url, snippet=snippet,
                               score=score) for i, score, snippet in matches if i in articles]


_OPERATOR = re.compile(r"\b(?:AND|OR|NOT)\b|[\"“”()*]")


def _plain_words(query: str) -> str:
    """The query as a sentence for the embedder: operators and quote marks mean nothing to it."""
    return " ".join(_OPERATOR.sub(" ", query).split()) or query
