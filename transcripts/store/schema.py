"""The tables, as SQLAlchemy 2 typed ORM classes. Only the store package knows these; the pipeline passes
plain dataclasses and the readers get `transcripts.document` objects.

Indexes are the ones later queries need: a transcript's segments and topics in order (`transcript_id, seq`),
a speaker's or a topic's segments, a segment's words in order, media by content hash, transcripts by date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Media(Base):
    """One recording, by content: the same bytes ingested twice are one row."""

    __tablename__ = "media"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(Text)  # the stored copy, or the original with --no-copy
    original_path: Mapped[str] = mapped_column(Text)
    copied: Mapped[bool]
    format: Mapped[str] = mapped_column(String(64))
    duration: Mapped[float] = mapped_column(Float)
    channels: Mapped[int] = mapped_column(Integer)
    sample_rate: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(BigInteger)
    has_video: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    transcripts: Mapped[list[Transcript]] = relationship(back_populates="media")


class Transcript(Base):
    __tablename__ = "transcript"
    __table_args__ = (Index("ix_transcript_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    language_probability: Mapped[float | None] = mapped_column(Float)
    model: Mapped[str] = mapped_column(Text)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="done")
    duration: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Anonymous readers of the web app see only public transcripts (`transcripts publish`).
    public: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    media: Mapped[Media] = relationship(back_populates="transcripts")
    speakers: Mapped[list[Speaker]] = relationship(
        back_populates="transcript", cascade="all, delete-orphan", order_by="Speaker.label"
    )
    segments: Mapped[list[Segment]] = relationship(
        back_populates="transcript", cascade="all, delete-orphan", order_by="Segment.seq"
    )
    topics: Mapped[list[Topic]] = relationship(
        back_populates="transcript", cascade="all, delete-orphan", order_by="Topic.seq"
    )


article_transcript = Table(
    "article_transcript",
    Base.metadata,
    Column("article_id", ForeignKey("article.id", ondelete="CASCADE"), primary_key=True),
    Column("transcript_id", ForeignKey("transcript.id", ondelete="CASCADE"), primary_key=True, index=True),
    # which of the article's embeds shows this transcript's recording (null: the stored media), and the
    # seconds to add to the transcript's times to reach the same moment in it
    Column("embed", Integer, nullable=True),
    Column("offset", Float, nullable=False, server_default="0"),
)


class Article(Base):
    """A published (or draft) article that uses transcripts: its text is what `quotes check` verifies.

    `embeds` keeps every video/audio the page embeds ({"provider", "id", "url"}); the reader's page sits
    beside the first one.
    """

    __tablename__ = "article"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)  # the file or URL it was read from
    title: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[date | None] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text)
    embeds: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Who may read it on the web app (`transcripts article publish`), not the date it bears (`published_at`).
    public: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    transcripts: Mapped[list[Transcript]] = relationship(secondary=article_transcript, order_by="Transcript.id")


class Speaker(Base):
    __tablename__ = "speaker"
    __table_args__ = (UniqueConstraint("transcript_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcript.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(Text)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    similarity: Mapped[float | None] = mapped_column(Float)  # to the enrolled voice that named it
    is_interviewer: Mapped[bool] = mapped_column(Boolean, default=False)
    talk_time: Mapped[float] = mapped_column(Float, default=0.0)
    turns: Mapped[int] = mapped_column(Integer, default=0)
    voiceprint: Mapped[bytes | None] = mapped_column(LargeBinary)  # float32 mean embedding

    transcript: Mapped[Transcript] = relationship(back_populates="speakers")
    person: Mapped[Person | None] = relationship()


class Person(Base):
    """Someone whose voice is known across interviews (a reporter enrols their own once)."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    voiceprint: Mapped[bytes | None] = mapped_column(LargeBinary)  # float32, unit norm
    enrolled_from: Mapped[str | None] = mapped_column(Text)  # "transcript 3 S2" or a file path
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Topic(Base):
    """A part of a transcript about one thing: a question and its answer, or a stretch found by meaning.

    Segments point at their topic; `edited` marks titles and bounds an editor has changed, so a rebuild
    can tell what it would overwrite.
    """

    __tablename__ = "topic"
    __table_args__ = (Index("ix_topic_transcript_seq", "transcript_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcript.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    title: Mapped[str] = mapped_column(Text)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    question: Mapped[str | None] = mapped_column(Text)
    edited: Mapped[bool] = mapped_column(Boolean, default=False)

    transcript: Mapped[Transcript] = relationship(back_populates="topics")


class Segment(Base):
    __tablename__ = "segment"
    __table_args__ = (
        Index("ix_segment_transcript_seq", "transcript_id", "seq"),
        Index("ix_segment_transcript_start", "transcript_id", "start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcript.id", ondelete="CASCADE"))
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("speaker.id", ondelete="SET NULL"), index=True)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id", ondelete="SET NULL"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)  # float16 sentence vector (transcripts.pipeline.embed)

    transcript: Mapped[Transcript] = relationship(back_populates="segments")
    speaker: Mapped[Speaker | None] = relationship()
    topic: Mapped[Topic | None] = relationship()
    words: Mapped[list[Word]] = relationship(cascade="all, delete-orphan", order_by="Word.seq")


class Word(Base):
    __tablename__ = "word"
    __table_args__ = (Index("ix_word_segment_seq", "segment_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segment.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
    probability: Mapped[float] = mapped_column(Float)


class IngestJob(Base):
    """A file queued for transcription (newsroom mode): what `transcripts jobs` shows beside the queue's own
    state. `job_id` is the id of Procrastinate's job (its `procrastinate_jobs` row holds status and attempts);
    the worker writes who runs it, how far it got, how it ended and how often its worker died under it.
    """

    __tablename__ = "ingest_job"

    job_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    media_id: Mapped[int | None] = mapped_column(ForeignKey("media.id", ondelete="SET NULL"), index=True)
    path: Mapped[str] = mapped_column(Text)  # the file as the reporter named it
    queue: Mapped[str] = mapped_column(String(32))
    duration: Mapped[float] = mapped_column(Float)  # seconds of audio
    worker: Mapped[str | None] = mapped_column(Text)  # host:pid of the last worker to start it
    progress: Mapped[float] = mapped_column(Float, default=0.0)  # seconds of audio transcribed so far
    stalls: Mapped[int] = mapped_column(Integer, default=0)  # times its worker died under it
    outcome: Mapped[str | None] = mapped_column(String(16))  # ingested | skipped | failed
    error: Mapped[str | None] = mapped_column(Text)
    transcript_id: Mapped[int | None] = mapped_column(ForeignKey("transcript.id", ondelete="SET NULL"))
    enqueued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
