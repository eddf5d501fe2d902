"""Reads and writes of transcripts. Functions take an open `Session`, so the caller owns the transaction:
an ingest writes its media row, transcript, speakers, segments and words in one, or nothing at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from transcripts.document import SegmentDoc, SpeakerDoc, TopicDoc, TranscriptDoc
from transcripts.errors import AlreadyTranscribed, NotFound
from transcripts.pipeline import asr, embed
from transcripts.pipeline.diarize import blend
from transcripts.pipeline.media import MediaInfo
from transcripts.pipeline.speakers import EnrolledVoice, SpeakerProfile
from transcripts.store.schema import Media, Person, Segment, Speaker, Topic, Transcript, Word


@dataclass(frozen=True)
class TranscriptSummary:
    """A line of `transcripts list` (and of the web library)."""

    id: int
    title: str
    duration: float
    language: str | None
    model: str
    segments: int
    created_at: datetime
    path: str
    public: bool = False
    recorded_at: datetime | None = None
    speakers: list[str] = field(default_factory=list)  # names once set, else labels, in label order
    topics: int = 0

    @property
    def date(self) -> datetime:
        """When it was recorded, if known, else when it was stored: what a library sorts by."""
        return self.recorded_at or self.created_at

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "duration": round(self.duration, 3),
                "language": self.language, "model": self.model, "segments": self.segments,
                "created_at": self.created_at.isoformat(),
                "recorded_at": self.recorded_at.isoformat() if self.recorded_at else None,
                "speakers": list(self.speakers), "topics": self.topics, "public": self.public, "path": self.path}


@dataclass(frozen=True)
class MediaRef:
    """Where a transcript's recording is, for serving it: the stored copy, its hash and whether it is video."""

    transcript_id: int
    path: str
    sha256: str
    has_video: bool
    public: bool


def transcript_for_sha(session: Session, sha256: str) -> int | None:
    """The transcript of content already ingested, if any (re-ingesting it is a skip)."""
    return session.scalar(
        select(Transcript.id).join(Media).where(Media.sha256 == sha256).order_by(Transcript.id).limit(1)
    )


def add_transcript(session: Session, info: MediaInfo, media_path: str, copied: bool, title: str,
                   transcription: asr.Transcription, model: str, settings: dict[str, Any],
                   profiles: Sequence[SpeakerProfile] = (), vectors: np.ndarray | None = None) -> int:
    """Stage a whole transcript in `session` (committed by the caller) and return its id.

    Durations are the decoded length, not the container's claim (raw AAC only estimates it). `vectors`
    are the segments' sentence embeddings, one row per segment; the topics follow with
    `topic_repository.store_topics` in the same session.
    """
    media = media_row(session, info, media_path, copied, lock=True)
    if media.id is not None:  # stored before (queued): whoever holds its lock first transcribes it
        existing = session.scalar(select(Transcript.id).where(Transcript.media_id == media.id).limit(1))
        if existing is not None:
            raise AlreadyTranscribed(str(info.path), existing)
    media.duration = transcription.duration  # decoded, where a queued file's row has the declared length
    transcript = Transcript(media=media, title=title, language=transcription.language,
                            language_probability=round(transcription.language_probability, 4), model=model,
                            settings=settings, status="done", duration=transcription.duration)
    session.add(transcript)
    known = {p.label: p for p in profiles}
    labels = sorted({s.speaker for s in transcription.segments if s.speaker}, key=_label_order)
    people = {p.name: p for p in session.scalars(select(Person))}
    speakers = {label: _speaker_row(transcript, label, known.get(label), people) for label in labels}
    _add_segments(session, transcript, transcription.segments, speakers, vectors)
    return transcript.id


def _add_segments(session: Session, transcript: Transcript, segments: Sequence[asr.Segment],
                  speakers: dict[str, Speaker], vectors: np.ndarray | None) -> None:
    for seq, segment in enumerate(segments):
        row = Segment(transcript=transcript, speaker=speakers.get(segment.speaker or ""), seq=seq,
                      start=segment.start, end=segment.end, text=segment.text)
        row.words = [Word(seq=i, start=w.start, end=w.end, text=w.text, probability=w.probability)
                     for i, w in enumerate(segment.words)]
        if vectors is not None:
            row.embedding = embed.to_blob(vectors[seq])
        session.add(row)
    session.flush()


@dataclass(frozen=True)
class StoredWords:
    """A stored transcript as the pipeline reads it again (`resegment`): segments with their words and
    speaker labels, the voiceprints by label, and where its audio is."""

    segments: list[asr.Segment]
    voiceprints: dict[str, np.ndarray]
    media_path: str
    duration: float
    language: str | None
    interviewer: str | None
    settings: dict[str, Any]


def stored_words(session: Session, transcript_id: int) -> StoredWords:
    transcript = get_transcript(session, transcript_id)
    rows = session.scalars(select(Segment).where(Segment.transcript_id == transcript_id).order_by(Segment.seq)
                           .options(selectinload(Segment.words), selectinload(Segment.speaker)))
    segments = [asr.Segment(r.start, r.end, r.text, [asr.Word(w.start, w.end, w.text, w.probability) for w in r.words],
                            speaker=r.speaker.label if r.speaker else None) for r in rows]
    prints = {s.label: voiceprint_array(s.voiceprint) for s in transcript.speakers}
    return StoredWords(segments, {label: v for label, v in prints.items() if v is not None}, transcript.media.path,
                       transcript.duration, transcript.language,
                       next((s.label for s in transcript.speakers if s.is_interviewer), None),
                       dict(transcript.settings or {}))


def replace_segments(session: Session, transcript_id: int, segments: Sequence[asr.Segment], vectors: np.ndarray,
                     profiles: Sequence[SpeakerProfile], settings: dict[str, Any]) -> None:
    """Put new segments in place of a transcript's own (the search index follows through its triggers).

    Speaker rows stay, names and roles with them; their talk time and turns become the profiles'. Topics
    are stored afterwards by the caller (`topic_repository.store_topics`).
    """
    transcript = get_transcript(session, transcript_id)
    transcript.segments.clear()  # delete-orphan: the rows and their words go
    session.flush()
    speakers = {s.label: s for s in transcript.speakers}
    counted = {p.label: p for p in profiles}
    for label, speaker in speakers.items():
        speaker.talk_time = counted[label].talk_time if label in counted else 0.0
        speaker.turns = counted[label].turns if label in counted else 0
    transcript.settings = settings
    _add_segments(session, transcript, segments, speakers, vectors)


def media_row(session: Session, info: MediaInfo, media_path: str, copied: bool, lock: bool = False) -> Media:
    """The row of this content: the one stored already (queued, or ingested before), or a new one.

    `lock` holds the row until the commit (FOR UPDATE on PostgreSQL; a write session on SQLite holds the whole
    database): of two workers that finish one file at once, the second then sees the first one's transcript.
    A new row needs no lock: the unique sha256 makes the second insert fail.
    """
    query = select(Media).where(Media.sha256 == info.sha256)
    media = session.scalar(query.with_for_update() if lock else query)
    if media is None:
        media = Media(sha256=info.sha256, path=media_path, original_path=str(info.path.resolve()),
                      copied=copied, format=info.format, duration=info.duration, channels=info.channels,
                      sample_rate=info.sample_rate, size=info.size, has_video=info.has_video)
        session.add(media)
    return media


def _speaker_row(transcript: Transcript, label: str, profile: SpeakerProfile | None,
                 people: dict[str, Person]) -> Speaker:
    if profile is None:
        return Speaker(transcript=transcript, label=label)
    return Speaker(transcript=transcript, label=label, name=profile.name,
                   person=people.get(profile.person) if profile.person else None, similarity=profile.similarity,
                   is_interviewer=profile.is_interviewer, talk_time=profile.talk_time, turns=profile.turns,
                   voiceprint=voiceprint_bytes(profile.voiceprint))


def voiceprint_bytes(vector: np.ndarray | None) -> bytes | None:
    return None if vector is None else np.asarray(vector, dtype=np.float32).tobytes()


def voiceprint_array(blob: bytes | None) -> np.ndarray | None:
    return None if blob is None else np.frombuffer(blob, dtype=np.float32)


def _label_order(label: str) -> tuple[int, str]:
    digits = label.lstrip("S")
    return (int(digits) if digits.isdigit() else 1 << 30, label)


def list_transcripts(session: Session, public_only: bool = False) -> list[TranscriptSummary]:
    """Every transcript (or only the published ones) in id order, with speakers and topic counts; plain rows,
    no ORM objects (the web library lists a thousand of them)."""
    counts = (select(Segment.transcript_id, func.count().label("n")).group_by(Segment.transcript_id)
              .subquery())
    topic_counts = (select(Topic.transcript_id, func.count().label("n")).group_by(Topic.transcript_id)
                    .subquery())
    query = (select(Transcript.id, Transcript.title, Transcript.duration, Transcript.language, Transcript.model,
                    func.coalesce(counts.c.n, 0), Transcript.created_at, Media.original_path, Transcript.public,
                    Transcript.recorded_at, func.coalesce(topic_counts.c.n, 0))
             .join(Media).outerjoin(counts, counts.c.transcript_id == Transcript.id)
             .outerjoin(topic_counts, topic_counts.c.transcript_id == Transcript.id).order_by(Transcript.id))
    speaker_query = select(Speaker.transcript_id, Speaker.label, Speaker.name)
    if public_only:
        query = query.where(Transcript.public.is_(True))
        speaker_query = speaker_query.join(Transcript).where(Transcript.public.is_(True))
    speakers: dict[int, list[tuple[str, str]]] = {}
    for transcript_id, label, name in session.execute(speaker_query).all():
        speakers.setdefault(transcript_id, []).append((label, name or label))
    return [TranscriptSummary(id_, title, duration, language, model, segments, created_at, path, public,
                              recorded_at, [name for _, name in sorted(speakers.get(id_, []),
                                                                       key=lambda pair: _label_order(pair[0]))],
                              topics)
            for id_, title, duration, language, model, segments, created_at, path, public, recorded_at, topics
            in session.execute(query).all()]


def set_public(session: Session, transcript_id: int, public: bool) -> Transcript:
    """Publish a transcript (anonymous readers may open it, its media and its API) or take it back."""
    transcript = get_transcript(session, transcript_id)
    transcript.public = public
    return transcript


def media_ref(session: Session, transcript_id: int) -> MediaRef:
    """The recording behind a transcript, without loading its words."""
    row = session.execute(select(Transcript.public, Media.path, Media.sha256, Media.has_video).join(Media)
                          .where(Transcript.id == transcript_id)).first()
    if row is None:
        raise NotFound(f"transcript {transcript_id}: no such transcript (see `transcripts list`)")
    public, path, sha256, has_video = row
    return MediaRef(transcript_id, path, sha256, has_video, public)


def get_transcript(session: Session, transcript_id: int) -> Transcript:
    transcript = session.get(Transcript, transcript_id)
    if transcript is None:
        raise NotFound(f"transcript {transcript_id}: no such transcript (see `transcripts list`)")
    return transcript


def _head(transcript_id: int) -> Select[*tuple[Any, ...]]:
    return (select(Transcript.title, Transcript.duration, Transcript.language, Transcript.model,
                   Transcript.created_at, Transcript.settings, Transcript.recorded_at, Transcript.public, Media.path,
                   Media.original_path, Media.has_video).join(Media).where(Transcript.id == transcript_id))


def _speakers(transcript_id: int) -> Select[*tuple[Any, ...]]:
    return (select(Speaker.id, Speaker.label, Speaker.name, Speaker.is_interviewer, Speaker.talk_time,
                   Speaker.turns, Person.name.label("person"), Speaker.similarity)
            .outerjoin(Person, Person.id == Speaker.person_id).where(Speaker.transcript_id == transcript_id)
            .order_by(Speaker.id))


def _segments(transcript_id: int) -> Select[*tuple[Any, ...]]:
    return (select(Segment.id, Segment.start, Segment.end, Segment.speaker_id, Segment.text, Segment.topic_id)
            .where(Segment.transcript_id == transcript_id).order_by(Segment.seq))


def _topics(transcript_id: int) -> Select[*tuple[Any, ...]]:
    return (select(Topic.id, Topic.start, Topic.end, Topic.title, Topic.keywords, Topic.question, Topic.edited)
            .where(Topic.transcript_id == transcript_id).order_by(Topic.seq))


def load_document(session: Session, transcript_id: int) -> TranscriptDoc:
    """A whole transcript as plain data, in five row queries.

    Rows, not ORM objects: an hour holds some 9,000 words, which the ORM takes a second to build, and even a
    short transcript spent most of its time in the ORM's eager loading (the reader's page waits on this).
    """
    head = session.execute(_head(transcript_id)).first()
    if head is None:
        raise NotFound(f"transcript {transcript_id}: no such transcript (see `transcripts list`)")
    speakers = {
        row.id: SpeakerDoc(row.label, row.name, row.is_interviewer, row.talk_time, row.turns, row.person,
                           row.similarity)
        for row in session.execute(_speakers(transcript_id))
    }
    words: dict[int, list[asr.Word]] = {}
    rows = session.connection()  # Core rows: the ORM's result layer doubles the cost of 9,000 of them
    in_transcript = select(Segment.id).where(Segment.transcript_id == transcript_id)
    for segment_id, start, end, text, probability in rows.execute(  # in index order: no sort
            select(Word.segment_id, Word.start, Word.end, Word.text, Word.probability)
            .where(Word.segment_id.in_(in_transcript)).order_by(Word.segment_id, Word.seq)).all():
        words.setdefault(segment_id, []).append(asr.Word(start, end, text, probability))
    segments = [
        SegmentDoc(id=segment_id, start=start, end=end,
                   speaker=speakers.get(speaker_id) if speaker_id is not None else None, text=text,
                   words=words.get(segment_id, []), topic_id=topic_id)
        for segment_id, start, end, speaker_id, text, topic_id in rows.execute(_segments(transcript_id)).all()
    ]
    topic_docs = [
        TopicDoc(row.id, row.start, row.end, row.title, list(row.keywords or []), row.question, row.edited)
        for row in session.execute(_topics(transcript_id))
    ]
    return TranscriptDoc(
        id=transcript_id, title=head.title, duration=head.duration, language=head.language, model=head.model,
        created_at=head.created_at, media_path=head.path, original_path=head.original_path,
        settings=dict(head.settings or {}), speakers=sorted(speakers.values(), key=lambda s: _label_order(s.label)),
        segments=segments, topics=topic_docs, recorded_at=head.recorded_at, has_video=head.has_video,
        public=head.public,
    )


def document_version(session: Session, transcript_id: int) -> str | None:
    """A digest of what `load_document` would read, or None when there is no such transcript: caches of what
    is made from a document (the reader's page) stay valid exactly while this stays the same.

    It reads every row `load_document` reads except the words, which it sums in the database (count, last
    id, times, text lengths) instead of fetching: a fifth of the cost of loading an hour. Words are only
    ever stored with their segment (ingest, resegment: new rows, new ids), and a segment's text, read whole
    here, is its words joined, so a change of a word's text shows in its segment's.
    """
    head = session.execute(_head(transcript_id)).first()
    if head is None:
        return None
    rows = session.connection()
    in_transcript = select(Segment.id).where(Segment.transcript_id == transcript_id)
    words = rows.execute(select(func.count(), func.max(Word.id), func.sum(Word.start), func.sum(Word.end),
                                func.sum(func.length(Word.text)), func.sum(Word.probability))
                         .where(Word.segment_id.in_(in_transcript))).one()
    parts = [tuple(head), *map(tuple, rows.execute(_speakers(transcript_id)).all()),
             *map(tuple, rows.execute(_topics(transcript_id)).all()),
             *map(tuple, rows.execute(_segments(transcript_id)).all()), tuple(words)]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def topic_doc(topic: Topic) -> TopicDoc:
    return TopicDoc(topic.id, topic.start, topic.end, topic.title, list(topic.keywords or []), topic.question,
                    topic.edited)


def delete_transcript(session: Session, transcript_id: int) -> str | None:
    """Delete a transcript, and its media row once no transcript uses it.

    Returns the path of the stored media copy that is no longer referenced (the caller removes the file
    after the commit), or None.
    """
    transcript = get_transcript(session, transcript_id)
    media = transcript.media
    session.delete(transcript)
    session.flush()
    remaining = session.scalar(select(func.count()).select_from(Transcript).where(Transcript.media_id == media.id))
    if remaining:
        return None
    path = media.path if media.copied else None
    session.delete(media)
    return path


def get_speaker(session: Session, transcript_id: int, label: str) -> Speaker:
    get_transcript(session, transcript_id)
    speaker = session.scalar(select(Speaker).where(Speaker.transcript_id == transcript_id,
                                                   Speaker.label == label))
    if speaker is None:
        labels = ", ".join(sorted(session.scalars(select(Speaker.label).where(Speaker.transcript_id == transcript_id)),
                                  key=_label_order))
        raise NotFound(f"transcript {transcript_id}: no speaker {label!r} (speakers: {labels or 'none'})")
    return speaker


def rename_speaker(session: Session, transcript_id: int, label: str, name: str) -> Speaker:
    speaker = get_speaker(session, transcript_id, label)
    speaker.name = name.strip() or None
    return speaker


def merge_speakers(session: Session, transcript_id: int, keep: str, other: str) -> Speaker:
    """Fold speaker `other` into `keep`: its segments, talk time and turns (the fix for an over-split voice)."""
    kept = get_speaker(session, transcript_id, keep)
    gone = get_speaker(session, transcript_id, other)
    if kept.id == gone.id:
        raise NotFound(f"transcript {transcript_id}: cannot merge speaker {keep!r} into itself")
    for segment in session.scalars(select(Segment).where(Segment.speaker_id == gone.id)):
        segment.speaker = kept
    kept_print, gone_print = voiceprint_array(kept.voiceprint), voiceprint_array(gone.voiceprint)
    if kept_print is not None and gone_print is not None:
        kept.voiceprint = voiceprint_bytes(blend([(kept_print, kept.talk_time), (gone_print, gone.talk_time)]))
    kept.talk_time = round(kept.talk_time + gone.talk_time, 3)
    kept.turns = _count_turns(session, transcript_id, kept.id, gone.id)
    kept.is_interviewer = kept.is_interviewer or gone.is_interviewer
    session.delete(gone)
    session.flush()
    return kept


def _count_turns(session: Session, transcript_id: int, kept_id: int, gone_id: int) -> int:
    ids = session.scalars(select(Segment.speaker_id).where(Segment.transcript_id == transcript_id)
                          .order_by(Segment.seq))
    runs, previous = 0, None
    for speaker_id in ids:
        speaker_id = kept_id if speaker_id == gone_id else speaker_id
        if speaker_id == kept_id and previous != kept_id:
            runs += 1
        previous = speaker_id
    return runs


def enrolled_voices(session: Session) -> list[EnrolledVoice]:
    return [EnrolledVoice(p.name, np.frombuffer(p.voiceprint, dtype=np.float32))
            for p in session.scalars(select(Person).order_by(Person.id)) if p.voiceprint]


def enroll(session: Session, name: str, voiceprint: np.ndarray, source: str) -> Person:
    """Store (or replace) a person's voiceprint."""
    person = session.scalar(select(Person).where(Person.name == name))
    if person is None:
        person = Person(name=name)
        session.add(person)
    person.voiceprint = voiceprint_bytes(voiceprint)
    person.enrolled_from = source
    session.flush()
    return person


def list_people(session: Session) -> list[Person]:
    return list(session.scalars(select(Person).order_by(Person.name)))


def remove_person(session: Session, name: str) -> None:
    person = session.scalar(select(Person).where(Person.name == name))
    if person is None:
        raise NotFound(f"no enrolled voice named {name!r} (see `transcripts voices list`)")
    session.delete(person)
