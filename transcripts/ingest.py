"""Ingest: media file -> probe/hash -> decode -> transcribe -> store, one transaction per file.

The CLI, the queue worker and the web upload all call this module, never the steps themselves. Nothing is
written until a file's transcription is complete: the media copy is staged under a temporary name and moved
into place just before the single commit, so a crash, a kill -9 or Ctrl-C leaves no partial transcript and
no orphan copy, and the next run simply does that file again. A bad file fails alone; the batch goes on.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from transcripts.config import Settings
from transcripts.errors import AlreadyTranscribed, InvalidEdit, MediaError, TranscriptsError
from transcripts.pipeline import media, sentences, vad
from transcripts.pipeline.asr import DecodeOptions, Segment, Transcriber, Transcription
from transcripts.pipeline.diarize import (
    ENROLLED_MATCH,
    SAME_VOICE,
    Diarization,
    Diarizer,
    SentenceRule,
    SpanEmbeddings,
    SpeakerHints,
    assign_speakers,
    one_speaker_per_sentence,
    refine_speakers,
    renumber,
)
from transcripts.pipeline.embed import Embedder
from transcripts.pipeline.models import resolve_model
from transcripts.pipeline.sound import band_shares
from transcripts.pipeline.speakers import SpeakerProfile, identify
from transcripts.pipeline.speakers import profiles as speaker_profiles
from transcripts.pipeline.speakers_ahead import UtterancesAhead
from transcripts.pipeline.timing import Timings, thread_clock, yield_to_other_threads
from transcripts.pipeline.topics import Topic, segment_topics
from transcripts.store import repository, topic_repository
from transcripts.store.db import Store
from transcripts.store.media_files import MediaFiles, StagedCopy, open_media

log = logging.getLogger(__name__)

NO_SPEECH = "no speech found"
# How a transcript's segments were cut (its settings' "diarization.segments"): whole sentences, or
# whisper's own segments split at speaker changes (transcripts stored before issue 12).
SENTENCES = "sentences"
WHISPER_SEGMENTS = "whisper"


@dataclass
class IngestOptions:
    title: str | None = None
    language: str | None = None
    vocabulary: tuple[str, ...] = ()
    copy_media: bool = True
    hints: SpeakerHints = field(default_factory=SpeakerHints)
    interviewer: str | None = None  # the name of whoever asks
    people: tuple[str, ...] = ()  # names of the others, by talk time
    # Segments cut at sentence ends with one voice per sentence; False keeps whisper's segments and the
    # 0.7 s sentence rule of before (the baseline `bench/diarization.py` compares against).
    whole_sentences: bool = True

    def decode_options(self) -> DecodeOptions:
        return DecodeOptions(language=self.language, vocabulary=self.vocabulary)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON, so a queued job carries the reporter's choices to whichever worker runs it."""
        return {"title": self.title, "language": self.language, "vocabulary": list(self.vocabulary),
                "copy_media": self.copy_media, "hints": self.hints.as_dict(), "interviewer": self.interviewer,
                "people": list(self.people)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IngestOptions:
        hints = data.get("hints") or {}
        return cls(title=data.get("title"), language=data.get("language"),
                   vocabulary=tuple(data.get("vocabulary") or ()), copy_media=data.get("copy_media", True),
                   hints=SpeakerHints(hints.get("speakers"), hints.get("min_speakers"), hints.get("max_speakers")),
                   interviewer=data.get("interviewer"), people=tuple(data.get("people") or ()))


@dataclass
class IngestResult:
    """The outcome for one file; `as_json` is the documented `ingest --json` shape."""

    path: str
    status: str  # "ingested" | "skipped" | "failed"
    id: int | None = None
    error: str | None = None
    duration: float | None = None
    language: str | None = None
    model: str | None = None
    recovered: list[tuple[float, float]] = field(default_factory=list)
    timings: dict[str, dict[str, float]] = field(default_factory=dict)  # step -> wall and CPU seconds
    transient: bool = False  # failed for a reason that may pass (the database gone, out of memory): retry

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "path": self.path, "status": self.status, "error": self.error,
                "duration": None if self.duration is None else round(self.duration, 3),
                "language": self.language, "model": self.model}


@dataclass
class Analysis:
    """Everything ingest computes for one file before it writes anything."""

    transcription: Transcription
    profiles: list[SpeakerProfile]
    diarization: dict[str, Any]
    vectors: np.ndarray
    topics: list[Topic]
    timings: Timings


@dataclass
class Batch:
    """The files of one `ingest` call: media to ingest, and files in folders that are not media."""

    files: list[Path] = field(default_factory=list)
    passed_over: list[Path] = field(default_factory=list)


class Progress(Protocol):
    """What ingest reports while it works (the CLI draws a bar from it; the worker and the web app may too).

    Positions are audio seconds: `start` gets the batch's total, `advance` the position within the current
    file, which never goes back and moves through every step (`STEPS`), each given its measured share of
    the file, so that the pace (audio seconds per second of work) stays even to the end.
    """

    def start(self, total_seconds: float) -> None: ...
    def file(self, path: Path, duration: float) -> None: ...
    def advance(self, seconds_in_file: float, step: str) -> None: ...
    def done_file(self) -> None: ...


# The steps of one file and their shares of its progress: CPU time per step on the 40-minute recording
# (bench/ingest.py, docs/benchmarks.md), so that the bar's pace is the same in every step.
STEPS: tuple[tuple[str, float], ...] = (
    ("voice activity", 0.02), ("transcribe", 0.80), ("recover", 0.06), ("speakers", 0.05), ("topics", 0.04),
    ("store", 0.03),
)


class FileProgress:
    """One file's steps mapped onto its audio seconds: `step(name)(fraction)` moves the position forward."""

    def __init__(self, duration: float, report: Callable[[float, str], None] | None) -> None:
        self.duration = duration
        self.report = report
        self.position = 0.0
        self._starts: dict[str, tuple[float, float]] = {}
        offset = 0.0
        for name, share in STEPS:
            self._starts[name] = (offset, share)
            offset += share

    def step(self, name: str) -> Callable[[float], None]:
        start, share = self._starts[name]

        def advance(fraction: float) -> None:
            seconds = self.duration * (start + share * min(max(fraction, 0.0), 1.0))
            if seconds >= self.position and self.report:
                self.position = seconds
                self.report(seconds, name)

        advance(0.0)
        return advance


class Eta:
    """Seconds left, from the pace so far (progress per second of work since `start`).

    It never goes back up: an estimate above the last one less the time since is held at that, so a slower
    stretch stops the countdown instead of throwing the end further away. None until there is a pace.
    """

    def __init__(self, total: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.total = total
        self.clock = clock
        self.started = clock()
        self._last: tuple[float, float] | None = None  # (estimate, when)

    def __call__(self, done: float) -> float | None:
        now = self.clock()
        elapsed = now - self.started
        if done <= 0 or elapsed <= 0:
            return None
        estimate = max(0.0, elapsed * (self.total - done) / done)
        if self._last is not None:
            estimate = min(estimate, max(0.0, self._last[0] - (now - self._last[1])))
        self._last = (estimate, now)
        return estimate


def collect(paths: Iterable[Path]) -> Batch:
    """Expand folders recursively (media by extension; others passed over); named files are kept as given."""
    batch = Batch()
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                target = batch.files if media.is_media_path(child) and not child.name.startswith(".") \
                    else batch.passed_over
                if child.resolve() not in seen:
                    seen.add(child.resolve())
                    target.append(child)
        elif path.resolve() not in seen:
            seen.add(path.resolve())
            batch.files.append(path)
    return batch


class Ingestor:
    """Ingests files into one store, loading the Whisper model once, on the first file that needs it."""

    def __init__(self, store: Store, settings: Settings, model: str | None = None,
                 transcriber: Transcriber | None = None, diarizer: Diarizer | None = None,
                 embedder: Embedder | None = None) -> None:
        self.store = store
        self.settings = settings
        self.model_name = model or settings.model
        self._transcriber = transcriber
        self.diarizer = diarizer or Diarizer(models_dir=settings.models_dir)
        self.embedder = embedder or Embedder(settings.models_dir)
        self.media_files = open_media(settings)

    @property
    def transcriber(self) -> Transcriber:
        if self._transcriber is None:
            resolved = resolve_model(self.model_name, self.settings.models_dir)
            self._transcriber = Transcriber(resolved, device=self.settings.device,
                                            compute_type=self.settings.compute_type)
        return self._transcriber

    def load_models(self) -> str:
        """Load every model now (whisper, speakers, sentences), not on the first file; returns whisper's name.
        Whisper first: a model that is not there fails at once."""
        name = self.transcriber.name
        self.diarizer.load()
        self.embedder.load()
        return name

    def ingest(self, paths: Sequence[Path], options: IngestOptions, progress: Progress | None = None
               ) -> list[IngestResult]:
        """Ingest every file; returns one result per file, in order. Only Ctrl-C stops the batch."""
        self.media_files.sweep()
        probed: list[media.MediaInfo | IngestResult] = []
        for path in paths:
            try:
                probed.append(media.probe(path))
            except MediaError as error:
                probed.append(IngestResult(path=str(path), status="failed", error=str(error)))
        if any(isinstance(p, media.MediaInfo) for p in probed):
            _ = self.transcriber  # a model that cannot load fails the command once, not every file
        if progress:
            progress.start(sum(p.duration for p in probed if isinstance(p, media.MediaInfo)))
        results = []
        for item in probed:
            if isinstance(item, IngestResult):
                results.append(item)
                continue
            if progress:
                progress.file(item.path, item.duration)
            results.append(self.ingest_one(item, options, progress.advance if progress else None))
            if progress:
                progress.done_file()
        return results

    def ingest_one(self, info: media.MediaInfo, options: IngestOptions,
                   on_progress: Callable[[float, str], None] | None = None) -> IngestResult:
        """Ingest one probed file; `on_progress(seconds_in_file, step)` as `Progress.advance`."""
        shown = str(info.path)
        try:
            with self.store.session() as session:
                existing = repository.transcript_for_sha(session, info.sha256)
            if existing is not None:
                return self._skipped(shown, existing)
            steps = FileProgress(info.duration, on_progress)
            analysis = self._analyse(info, options, steps)
            with analysis.timings.step("store"):
                transcript_id = self._save(info, options, analysis, steps.step("store"))
            transcription = analysis.transcription
        except IntegrityError:
            with self.store.session() as session:
                existing = repository.transcript_for_sha(session, info.sha256)
            if existing is None:
                raise
            return self._skipped(shown, existing)
        except AlreadyTranscribed as error:
            return self._skipped(shown, error.transcript_id)
        except TranscriptsError as error:
            return IngestResult(path=shown, status="failed", error=str(error), duration=info.duration)
        except Exception as error:  # one broken file must not stop the batch
            log.exception("ingest of %s failed", shown)
            return IngestResult(path=shown, status="failed", duration=info.duration, transient=is_transient(error),
                                error=f"{shown}: unexpected error ({type(error).__name__}: {_first_line(error)})")
        return IngestResult(path=shown, status="ingested", id=transcript_id, duration=transcription.duration,
                            language=transcription.language, model=self.transcriber.name,
                            recovered=transcription.recovered, timings=analysis.timings.as_dict())

    def _skipped(self, shown: str, existing: int) -> IngestResult:
        with self.store.session() as session:
            transcript = repository.get_transcript(session, existing)
            return IngestResult(path=shown, status="skipped", id=existing, duration=transcript.duration,
                                language=transcript.language, model=transcript.model,
                                error=f"already ingested as transcript {existing}")

    def _analyse(self, info: media.MediaInfo, options: IngestOptions, steps: FileProgress) -> Analysis:
        """Find the speech once, transcribe and diarize at once (the encoder in a thread, whisper here), name
        the speakers, then embed the segments and find the topics."""
        timings = Timings()
        with timings.step("decode"):
            audio = media.decode(info, channels=min(info.channels, 2))
            mono = media.samples(audio)
            stereo = media.channel_samples(audio) if audio.channels == 2 else None
            del audio  # the decoded bytes are not needed once the samples are made (77 MB an hour)
        with timings.step("voice activity"):
            activity = vad.detect(mono, steps.step("voice activity"))
        decode_options = options.decode_options()
        diarizer_done = [0.0]  # the encoder's fraction done, written by its thread, read while waiting
        diarizer_clock: list[int] = []
        started = threading.Event()

        def diarize() -> Diarization:
            yield_to_other_threads()
            diarizer_clock.append(thread_clock())
            started.set()
            return self.diarizer.diarize(mono, stereo, options.hints, activity,
                                         lambda fraction: diarizer_done.__setitem__(0, fraction), timings)

        # The speakers step's encoder work, done in the diarizer's thread after the diarization: the short
        # utterances of whisper's segments as they come, then the whole main pass while whisper recovers
        # skipped speech. Only `span_embeddings` keeps anything; an error there is the speakers step's own
        # and is raised when that step runs.
        span_embeddings = SpanEmbeddings(self.diarizer, mono)
        ahead = UtterancesAhead(span_embeddings, sentence_rule(options.whole_sentences))

        def embed_ahead() -> None:
            with timings.step("speakers, beside whisper"):
                ahead.run(diarizing.result())

        def prepare_speakers(main_pass: Transcription) -> None:
            with timings.step("speakers, beside recovery"):
                self._attribute(main_pass, diarizing.result(), span_embeddings, options.whole_sentences)

        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="diarize")
        try:
            diarizing = pool.submit(diarize)
            embedding_ahead = pool.submit(embed_ahead)
            started.wait(timeout=5)
            try:
                with timings.process_step("main pass", diarizer_clock):
                    transcription = self.transcriber.main_pass(mono, decode_options, activity,
                                                               steps.step("transcribe"), ahead.heard)
            finally:
                ahead.finish()
            if not transcription.words:
                raise MediaError(str(info.path), NO_SPEECH)
            main_pass = replace(transcription, segments=[replace(s) for s in transcription.segments])
            preparing = pool.submit(prepare_speakers, main_pass)  # recovery changes the segments, not this copy
            with timings.process_step("recovery", diarizer_clock):
                self.transcriber.recover_skipped(mono, transcription, decode_options, activity,
                                                 steps.step("recover"))
            speakers = steps.step("speakers")
            with timings.step("waiting for speakers"):
                pending: list[Future[Any]] = [diarizing, embedding_ahead, preparing]
                while wait_for(pending, timeout=0.5).not_done:
                    speakers(0.8 * diarizer_done[0])
                diarization = diarizing.result()
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        speakers(0.8)
        with timings.step("speakers"):
            segments, voiceprints = self._attribute(transcription, diarization, span_embeddings,
                                                    options.whole_sentences)
            with self.store.session() as session:
                enrolled = repository.enrolled_voices(session)
            transcription.segments, profiles = identify(segments, voiceprints, enrolled, options.interviewer,
                                                        options.people)
        speakers(1.0)
        settings = {"method": diarization.method, **options.hints.as_dict(), "encoder": "CAM++ (onnxruntime)",
                    "same_voice": SAME_VOICE, "enrolled_match": ENROLLED_MATCH,
                    "interviewer": options.interviewer, "people": list(options.people),
                    "segments": SENTENCES if options.whole_sentences else WHISPER_SEGMENTS}
        topics = steps.step("topics")
        with timings.step("topics"):
            vectors = self.embedder.encode([s.text for s in transcription.segments],
                                           on_progress=lambda fraction: topics(0.9 * fraction))
            asker = next((p.label for p in profiles if p.is_interviewer), None)
            sound = band_shares(mono, [(s.start, s.end) for s in transcription.segments])
            found = segment_topics(transcription.segments, vectors, transcription.language, asker, sound)
        topics(1.0)
        return Analysis(transcription, profiles, settings, vectors, found, timings)

    def _attribute(self, transcription: Transcription, diarization: Diarization, span_embeddings: SpanEmbeddings,
                   whole: bool) -> tuple[list[Segment], dict[str, np.ndarray]]:
        """Each word to its speaker; then, when `whole`, one voice per sentence (the encoder decides short
        pieces) and segments re-cut into whole sentences. Returns the segments and the voiceprints by label."""
        rule = sentence_rule(whole)
        segments, labels = assign_speakers(transcription.segments, diarization.turns, rule)
        voiceprints = {labels[k]: v for k, v in diarization.voiceprints.items() if k in labels}
        clustered = diarization.method == "clustering"
        if clustered:
            segments = refine_speakers(span_embeddings, segments, voiceprints, diarization.windows,
                                       diarization.window_embeddings, rule, diarization.regions)
        if whole:
            segments = sentences.settle(segments, span_embeddings if clustered else None, voiceprints,
                                        transcription.duration)
        if clustered or whole:
            segments, voiceprints = renumber(segments, voiceprints)
        return segments, voiceprints

    def _save(self, info: media.MediaInfo, options: IngestOptions, analysis: Analysis,
              on_progress: Callable[[float], None]) -> int:
        transcription = analysis.transcription
        staged: StagedCopy | None = None
        try:
            if options.copy_media:
                media_path = self.media_files.key_for(info.sha256, info.path.suffix)
                staged = self.media_files.stage(info.path, media_path)
            else:
                media_path = str(info.path.resolve())
            settings = {
                **options.decode_options().as_dict(),
                "device": self.transcriber.device, "compute_type": self.transcriber.compute_type,
                "recovered": [list(span) for span in transcription.recovered],
                "diarization": analysis.diarization,
            }
            with self.store.write_session() as session:
                transcript_id = repository.add_transcript(
                    session, info, media_path, options.copy_media, options.title or info.path.stem,
                    transcription, self.transcriber.name, settings, analysis.profiles, analysis.vectors,
                )
                topic_repository.store_topics(session, transcript_id, analysis.topics)
                on_progress(0.9)
                if staged is not None:
                    staged.commit()
                    staged = None
            on_progress(1.0)
            return transcript_id
        finally:
            if staged is not None:
                staged.discard()


def sentence_rule(whole: bool) -> SentenceRule | None:
    """How voices are settled within a sentence when words get speakers: with `whole` sentences,
    `sentences.settle` decides later; else the 0.7 s rule of `one_speaker_per_sentence`."""
    return None if whole else one_speaker_per_sentence


def is_transient(error: BaseException) -> bool:
    """Errors that say nothing about the file: the database went away, or memory ran out."""
    if isinstance(error, MemoryError | OperationalError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else ""


def delete(store: Store, media_files: MediaFiles, transcript_id: int) -> None:
    """Delete a transcript; its stored media copy goes too once nothing refers to it."""
    with store.session() as session:
        orphan = repository.delete_transcript(session, transcript_id)
    if orphan:
        media_files.delete(orphan)


def rebuild_topics(store: Store, media_files: MediaFiles, embedder: Embedder, transcript_id: int,
                   force: bool = False) -> int:
    """Recompute a stored transcript's topics (and its segment embeddings where missing); returns the count.

    The stored media, when still there, gives the sound of each segment, as at ingest.

    Transcripts stored before topics existed get theirs this way. Topics an editor changed are kept unless
    `force`: a rebuild must not silently undo an editor's work.
    """
    with store.session() as session:
        segments, vectors, language, interviewer = topic_repository.transcript_segments(session, transcript_id)
        if not force and topic_repository.has_edited_topics(session, transcript_id):
            raise InvalidEdit(f"transcript {transcript_id}: its topics were edited; "
                              "add --force to replace the edits with computed topics")
        mono = _stored_audio(media_files, repository.get_transcript(session, transcript_id).media.path)
    fresh = vectors is None
    if vectors is None:
        vectors = embedder.encode([s.text for s in segments])
    sound = None if mono is None else band_shares(mono, [(s.start, s.end) for s in segments])
    found = segment_topics(segments, vectors, language, interviewer, sound)
    with store.session() as session:
        topic_repository.replace_topics(session, transcript_id, found, vectors if fresh else None)
    return len(found)


def _stored_audio(media_files: MediaFiles, stored: str) -> np.ndarray | None:
    """A stored transcript's audio as 16 kHz mono samples, or None when its media file is gone."""
    media_path = media_files.local_path(stored)
    if not media_path.is_file():
        return None
    try:
        return media.samples(media.decode(media.probe(media_path)))
    except MediaError:
        return None


@dataclass(frozen=True)
class Resegmented:
    """The outcome of `resegment` for one transcript; `as_json` is the `resegment --json` shape."""

    transcript_id: int
    segments_before: int
    segments: int
    topics: int
    voices_checked: bool  # whether the audio was there for the encoder to check short pieces

    def as_json(self) -> dict[str, Any]:
        return {"transcript_id": self.transcript_id, "segments_before": self.segments_before,
                "segments": self.segments, "topics": self.topics, "voices_checked": self.voices_checked}


def resegment(store: Store, media_files: MediaFiles, embedder: Embedder, transcript_id: int, force: bool = False,
              diarizer: Diarizer | None = None) -> Resegmented:
    """Cut a stored transcript again into whole sentences with one voice each, and rebuild its topics.

    For transcripts stored before segments were sentences. Speakers keep their names and roles; the words
    and their times are untouched. Short pieces of a sentence are checked with the speaker encoder when
    the transcript's audio is still where the store put it (else they join their sentence). Topics an
    editor changed are kept unless `force`, as `rebuild_topics` does; nothing is written until the end.
    """
    with store.session() as session:
        stored = repository.stored_words(session, transcript_id)
        if not force and topic_repository.has_edited_topics(session, transcript_id):
            raise InvalidEdit(f"transcript {transcript_id}: its topics were edited; "
                              "add --force to replace the edits with computed topics")
    diarization = dict(stored.settings.get("diarization") or {})
    mono = _stored_audio(media_files, stored.media_path)
    embed = None
    if mono is not None and diarization.get("method", "clustering") == "clustering" and len(stored.voiceprints) > 1:
        embed = partial((diarizer or Diarizer()).embed, mono)
    segments = sentences.settle(stored.segments, embed, stored.voiceprints, stored.duration)
    vectors = embedder.encode([s.text for s in segments])
    sound = None if mono is None else band_shares(mono, [(s.start, s.end) for s in segments])
    found = segment_topics(segments, vectors, stored.language, stored.interviewer, sound)
    settings = {**stored.settings, "diarization": {**diarization, "segments": SENTENCES}}
    with store.session() as session:
        repository.replace_segments(session, transcript_id, segments, vectors,
                                    list(speaker_profiles(segments, {}).values()), settings)
        topic_repository.store_topics(session, transcript_id, found)
    return Resegmented(transcript_id, len(stored.segments), len(segments), len(found), embed is not None)
