"""Reads and writes of topics: storing those segmentation found, and the editor's retitle, merge and split.

Functions take an open `Session`; the caller owns the transaction (an ingest stores its topics in the one
that stores its transcript).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from transcripts.errors import InvalidEdit, NotFound
from transcripts.pipeline import asr, embed, titles, topics
from transcripts.store.repository import get_transcript
from transcripts.store.schema import Segment, Topic


def store_topics(session: Session, transcript_id: int, found: Sequence[topics.Topic]) -> None:
    """Replace a transcript's topics with `found` (segment indices refer to its segments in order)."""
    transcript = get_transcript(session, transcript_id)
    for old in list(transcript.topics):
        session.delete(old)
    session.flush()
    segments = list(session.scalars(select(Segment).where(Segment.transcript_id == transcript_id)
                                    .order_by(Segment.seq)))
    for seq, item in enumerate(found):
        row = Topic(transcript=transcript, seq=seq, start=item.start, end=item.end, title=item.title,
                    keywords=list(item.keywords), question=item.question, edited=False)
        session.add(row)
        for segment in segments[item.first:item.stop]:
            segment.topic = row
    session.flush()


def transcript_segments(session: Session, transcript_id: int) -> tuple[list[asr.Segment], np.ndarray | None,
                                                                          str | None, str | None]:
    """What topic segmentation reads: the segments (speaker labels), their stored embeddings (None if any is
    missing), the language and the interviewer's label."""
    transcript = get_transcript(session, transcript_id)
    rows = list(session.scalars(select(Segment).where(Segment.transcript_id == transcript_id)
                                .order_by(Segment.seq).options(selectinload(Segment.speaker))))
    segments = [asr.Segment(r.start, r.end, r.text, speaker=r.speaker.label if r.speaker else None) for r in rows]
    blobs = [r.embedding for r in rows if r.embedding is not None]
    vectors = np.stack([embed.from_blob(b) for b in blobs]) if blobs and len(blobs) == len(rows) else None
    interviewer = next((s.label for s in transcript.speakers if s.is_interviewer), None)
    return segments, vectors, transcript.language, interviewer


def replace_topics(session: Session, transcript_id: int, found: Sequence[topics.Topic],
                   vectors: np.ndarray | None = None) -> None:
    """Store freshly computed topics (and embeddings, when computed anew) for a stored transcript."""
    if vectors is not None:
        rows = session.scalars(select(Segment).where(Segment.transcript_id == transcript_id).order_by(Segment.seq))
        for row, vector in zip(rows, vectors, strict=True):
            row.embedding = embed.to_blob(vector)
    store_topics(session, transcript_id, found)


def has_edited_topics(session: Session, transcript_id: int) -> bool:
    return session.scalar(select(Topic.id).where(Topic.transcript_id == transcript_id, Topic.edited)
                          .limit(1)) is not None


def get_topic(session: Session, topic_id: int) -> Topic:
    topic = session.get(Topic, topic_id)
    if topic is None:
        raise NotFound(f"topic {topic_id}: no such topic (see `transcripts topics TRANSCRIPT_ID`)")
    return topic


def _topic_segments(session: Session, topic: Topic) -> list[Segment]:
    return list(session.scalars(select(Segment).where(Segment.topic_id == topic.id).order_by(Segment.seq)))


def _renumber_topics(session: Session, transcript_id: int) -> None:
    session.flush()
    ordered = session.scalars(select(Topic).where(Topic.transcript_id == transcript_id)
                              .order_by(Topic.start, Topic.id))
    for seq, topic in enumerate(ordered):
        topic.seq = seq


def retitle_topic(session: Session, topic_id: int, title: str) -> Topic:
    topic = get_topic(session, topic_id)
    if not title.strip():
        raise InvalidEdit(f"topic {topic_id}: a title cannot be empty")
    topic.title = title.strip()
    topic.edited = True
    return topic


def merge_topic(session: Session, topic_id: int) -> Topic:
    """Fold the next topic into this one (the fix for a follow-up taken for a new question)."""
    topic = get_topic(session, topic_id)
    following = session.scalar(select(Topic).where(Topic.transcript_id == topic.transcript_id,
                                                   Topic.seq > topic.seq).order_by(Topic.seq).limit(1))
    if following is None:
        raise InvalidEdit(f"topic {topic_id}: it is the last topic of transcript {topic.transcript_id}; "
                          "merge the one before it instead")
    for segment in _topic_segments(session, following):
        segment.topic = topic
    topic.end = max(topic.end, following.end)
    topic.keywords = list(dict.fromkeys([*topic.keywords, *following.keywords]))[:titles.KEYWORDS]
    topic.edited = True
    session.delete(following)
    _renumber_topics(session, topic.transcript_id)
    return topic


def split_topic(session: Session, topic_id: int, at: float) -> Topic:
    """Start a new topic at the first segment of this topic that begins at or after `at` seconds.

    The new topic is titled by its key phrases (or its question, when an interviewer asks one there).
    """
    topic = get_topic(session, topic_id)
    segments = _topic_segments(session, topic)
    later = [s for s in segments if s.start >= at - 1e-6]
    if not later or later[0] is segments[0]:
        raise InvalidEdit(f"topic {topic_id}: no segment starts inside it at or after {at:.2f} s "
                          f"(it runs {topic.start:.2f}–{topic.end:.2f} s)")
    first = later[0]
    question = None
    if first.speaker is not None and first.speaker.is_interviewer:
        asked = itertools.takewhile(lambda s: s.speaker_id == first.speaker_id, later)
        question = asr.joined_text(asked)
    text = asr.joined_text(later)
    language = get_transcript(session, topic.transcript_id).language
    keywords = titles.key_phrases(text, language)
    new = Topic(transcript_id=topic.transcript_id, seq=topic.seq + 1, start=first.start, end=topic.end,
                title=titles.title(question, text, language), keywords=keywords, question=question, edited=True)
    session.add(new)
    session.flush()
    for segment in later:
        segment.topic = new
    earlier = segments[:segments.index(first)]
    topic.end = earlier[-1].end
    topic.keywords = titles.key_phrases(asr.joined_text(earlier), language)
    topic.edited = True
    _renumber_topics(session, topic.transcript_id)
    return new
