"""Every segment's sentence embedding in memory, for meaning search by brute-force cosine in numpy.

pgvector is not packaged for our PostgreSQL and Python's sqlite3 here cannot load sqlite-vec, so vectors
live in `segment.embedding` as float16 blobs and are searched here: at 100,000 segments one query is a
(100000 x 384) matrix-vector product, about 10 ms. The matrix is loaded once per process and topped up
with the segments added since (one index lookup of the highest id per query; counting the rows instead
cost 5-13 ms at 100,000). Deleted segments are dropped when a search meets them (`discard`). An embedding
filled in later for an old segment (`topics rebuild` of a transcript stored before embeddings) is seen by
the next process, not by one already running. Each row also knows its transcript, so a search limited to
published transcripts masks by a few hundred transcript ids instead of listing every published segment.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transcripts.pipeline.embed import DIMENSIONS
from transcripts.store.schema import Segment

LOAD_BATCH = 20_000


class SegmentVectors:
    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.ids = np.empty(0, dtype=np.int64)
        self.transcripts = np.empty(0, dtype=np.int64)  # each row's transcript id
        self.matrix = np.empty((0, DIMENSIONS), dtype=np.float32)
        self._highest = 0  # the highest segment id seen, with or without an embedding

    def refresh(self, session: Session) -> None:
        highest = int(session.scalar(select(func.max(Segment.id))) or 0)
        if highest < self._highest:  # the newest rows were deleted; ids are not reused, start over
            self._reset()
        if highest != self._highest:
            self._load_between(session, self._highest, highest)
            self._highest = highest

    def discard(self, ids: list[int]) -> None:
        """Forget segments found deleted, so they stop taking places among the nearest."""
        if not ids:
            return  # the usual case: no copy of the matrix
        keep = ~np.isin(self.ids, ids)
        self.ids, self.transcripts, self.matrix = self.ids[keep], self.transcripts[keep], self.matrix[keep]

    def _load_between(self, session: Session, after: int, highest: int) -> None:
        ids: list[np.ndarray] = [self.ids]
        transcripts: list[np.ndarray] = [self.transcripts]
        blocks: list[np.ndarray] = [self.matrix]
        while True:
            rows = session.execute(
                select(Segment.id, Segment.embedding, Segment.transcript_id)
                .where(Segment.id > after, Segment.id <= highest, Segment.embedding.is_not(None))
                .order_by(Segment.id).limit(LOAD_BATCH)).all()
            if not rows:
                break
            ids.append(np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows)))
            transcripts.append(np.fromiter((row[2] for row in rows), dtype=np.int64, count=len(rows)))
            raw = np.frombuffer(b"".join(row[1] or b"" for row in rows), dtype=np.float16)
            blocks.append(raw.reshape(len(rows), DIMENSIONS).astype(np.float32))
            after = int(rows[-1][0])
        self.ids = np.concatenate(ids)
        self.transcripts = np.concatenate(transcripts)
        self.matrix = np.concatenate(blocks) if len(blocks) > 1 else self.matrix

    def nearest(self, query: np.ndarray, limit: int, allowed: np.ndarray | None = None,
                floor: float = -1.0, transcripts: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(segment id, cosine) of the `limit` closest segments at or above `floor`, closest first.

        `allowed` (segment ids) and `transcripts` (transcript ids) restrict the search to a scope; None
        searches everything.
        """
        if not len(self.ids):
            return []
        scores = self.matrix @ query.astype(np.float32)
        if allowed is not None:
            scores = np.where(np.isin(self.ids, allowed), scores, -np.inf)
        if transcripts is not None:  # a table of flags by transcript id: one gather instead of a sort
            flags = np.zeros(int(self.transcripts.max()) + 1, dtype=bool)
            flags[transcripts[transcripts < len(flags)]] = True
            scores = np.where(flags[self.transcripts], scores, -np.inf)
        limit = min(limit, len(scores))
        best = np.argpartition(-scores, limit - 1)[:limit]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(int(self.ids[i]), float(scores[i])) for i in best if scores[i] >= floor]
