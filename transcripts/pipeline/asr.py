"""Speech to text: faster-whisper with word timestamps, and no passage of speech left behind.

Settings and why (measured on these 2-core machines, see docs/benchmarks.md):
- beam 5, word timestamps, faster-whisper's bundled Silero VAD: the accuracy of the reference setup.
- `condition_on_previous_text=False` with `multilingual=True` (when no language is given and the model is
  multilingual): speech that changes language is written in each language instead of being translated into
  the first one, and one bad segment cannot derail the ones after it.
- Not the batched pipeline: it is 2x faster here but dropped whole passages (5-10% of the words).
- Names the reporter spells (`--vocab`) go to whisper as `hotwords`, which biases decoding towards them.

Whisper still sometimes returns nothing for a stretch that its own VAD calls speech. `recover_skipped`
finds every such stretch longer than `RECOVER_MIN_GAP_S` and transcribes it again on its own.

Voice activity is computed once per recording (`vad.detect`) and handed in: whisper's filter gets the
regions its own VAD would find (the same network, frames and state machine), and the check for skipped
speech derives its finer regions from the same frame probabilities instead of running the network again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Protocol

import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.transcribe import restore_speech_timestamps
from faster_whisper.vad import collect_chunks

from transcripts.errors import ModelLoadError
from transcripts.pipeline import vad
from transcripts.pipeline.media import SAMPLE_RATE
from transcripts.pipeline.models import ResolvedModel
from transcripts.pipeline.vad import VoiceActivity

# A gap between words that holds at least this much speech is transcribed again.
RECOVER_MIN_GAP_S = 1.5
# Context added on each side of a skipped stretch when it is transcribed again.
_RECOVER_CONTEXT_S = 0.3

ProgressCallback = Callable[[float], None]  # the fraction of a step done, 0 to 1


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str
    probability: float


@dataclass
class Segment:
    """A sentence-like run of words, as whisper cut it; `speaker` is a label (`S1`) set after diarization."""

    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    recovered: bool = False
    speaker: str | None = None


class HasText(Protocol):
    """A segment of the pipeline, of the store or of a document: all that joining text needs."""

    @property
    def text(self) -> str: ...


def joined_text(segments: Iterable[HasText]) -> str:
    """The words of consecutive segments as one passage (a turn, a question, a topic)."""
    return " ".join(s.text.strip() for s in segments)


@dataclass(frozen=True)
class DecodeOptions:
    """The settings a transcript was made with; stored with it so a result can be reproduced."""

    beam_size: int = 5
    language: str | None = None
    vocabulary: tuple[str, ...] = ()
    vad_filter: bool = True
    recover: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "vocabulary": list(self.vocabulary)}


@dataclass
class Transcription:
    language: str
    language_probability: float
    duration: float
    segments: list[Segment]
    recovered: list[tuple[float, float]] = field(default_factory=list)

    @property
    def words(self) -> list[Word]:
        return [word for segment in self.segments for word in segment.words]


class Transcriber:
    """One loaded Whisper model, reused for every file of a batch (loading takes seconds)."""

    def __init__(self, model: ResolvedModel, device: str = "cpu", compute_type: str = "int8",
                 cpu_threads: int = 0) -> None:
        self.model_info = model
        self.device = device
        self.compute_type = compute_type
        try:
            self.model = WhisperModel(str(model.path), device=device, compute_type=compute_type,
                                      cpu_threads=cpu_threads)
        except (ValueError, RuntimeError) as error:  # CTranslate2's errors for a bad device or type
            raise ModelLoadError(
                f"model '{model.name}' cannot run with device={device}, compute type={compute_type}: {error}"
            ) from error

    @property
    def name(self) -> str:
        return self.model_info.name

    def whisper_kwargs(self, options: DecodeOptions) -> dict[str, Any]:
        """The keyword arguments given to `WhisperModel.transcribe` (the bench's baseline uses them too)."""
        multilingual = options.language is None and self.model.model.is_multilingual
        return {
            "language": options.language,
            "beam_size": options.beam_size,
            "word_timestamps": True,
            "vad_filter": options.vad_filter,
            "condition_on_previous_text": False,
            "multilingual": multilingual,
            "hotwords": ", ".join(options.vocabulary) if options.vocabulary else None,
        }

    def transcribe(self, audio: np.ndarray, options: DecodeOptions, on_progress: ProgressCallback | None = None,
                   activity: VoiceActivity | None = None) -> Transcription:
        """Transcribe 16 kHz mono float samples, then recover skipped speech (when `options.recover`).

        `activity` is the recording's voice activity when the caller already has it (it is computed here
        otherwise); `on_progress(fraction)` follows the main pass.
        """
        if activity is None and (options.vad_filter or options.recover):
            activity = vad.detect(audio)
        result = self.main_pass(audio, options, activity, on_progress)
        if options.recover:
            assert activity is not None
            self.recover_skipped(audio, result, options, activity)
        return result

    def main_pass(self, audio: np.ndarray, options: DecodeOptions, activity: VoiceActivity | None,
                  on_progress: ProgressCallback | None = None,
                  on_segment: Callable[[Segment], None] | None = None) -> Transcription:
        """Whisper over the whole recording; with `options.vad_filter`, over the speech regions of `activity`
        (exactly what `WhisperModel.transcribe(audio, vad_filter=True)` does, without running the VAD).

        `on_segment` gets each segment as whisper finishes it, for work that can start before the end (its
        word times may still move by a few hundredths of a second when the pass ends: `_make_monotonic`).
        """
        kwargs = self.whisper_kwargs(options)
        duration = len(audio) / SAMPLE_RATE
        if options.vad_filter:
            if activity is None:
                activity = vad.detect(audio)
            chunks = activity.chunks(vad.WHISPER)
            raw, info = self.model.transcribe(_speech_only(audio, chunks), **{**kwargs, "vad_filter": False})
            if chunks:
                raw = restore_speech_timestamps(raw, chunks, SAMPLE_RATE)
        else:
            raw, info = self.model.transcribe(audio, **kwargs)
        report = (lambda seconds: on_progress(min(1.0, seconds / duration))) if on_progress and duration else None
        segments = []
        for segment in _collect(raw, offset=0.0, on_progress=report):
            segments.append(segment)
            if on_segment:
                on_segment(replace(segment))
        _make_monotonic(segments)
        if on_progress:
            on_progress(1.0)
        return Transcription(info.language, info.language_probability, duration, segments)

    def recover_skipped(self, audio: np.ndarray, result: Transcription, options: DecodeOptions,
                        activity: VoiceActivity, on_progress: ProgressCallback | None = None) -> None:
        """Transcribe again, alone, every stretch of speech that whisper left without words.

        `on_progress(fraction)` counts the seconds of skipped speech done.
        """
        language = options.language or result.language
        kwargs = {**self.whisper_kwargs(options), "vad_filter": False, "language": language,
                  "multilingual": False}
        passages = skipped_speech(audio, result.words, activity=activity)
        total = sum(end - start for start, end in passages)
        done = 0.0
        for start, end in passages:
            lo = max(0.0, start - _RECOVER_CONTEXT_S)
            hi = min(result.duration, end + _RECOVER_CONTEXT_S)
            clip = audio[int(lo * SAMPLE_RATE):int(hi * SAMPLE_RATE)]
            raw, _ = self.model.transcribe(clip, **kwargs)
            found = []
            for segment in _collect(raw, offset=lo):
                words = [w for w in segment.words if start - 0.2 <= (w.start + w.end) / 2 <= end + 0.2]
                if words:
                    found.append(_segment_from_words(words, recovered=True))
            if found:
                result.segments.extend(found)
                result.recovered.append((start, end))
            done += end - start
            if on_progress:
                on_progress(done / total)
        result.segments.sort(key=lambda s: s.start)
        _make_monotonic(result.segments)
        if on_progress:
            on_progress(1.0)


def _speech_only(audio: np.ndarray, chunks: list[vad.Chunk]) -> np.ndarray:
    """The speech of `chunks` end to end, as whisper's VAD filter joins it, held once: faster-whisper's
    `collect_chunks` gives the joined speech in a list, and keeping that list alive beside the array made
    from it would hold the speech twice while whisper runs (120 MB on a 40-minute interview)."""
    pieces, _ = collect_chunks(audio, chunks)
    return pieces[0] if len(pieces) == 1 else np.concatenate(pieces)


def _collect(raw: Iterable[Any], offset: float, on_progress: ProgressCallback | None = None
             ) -> Iterable[Segment]:
    for segment in raw:
        words = [Word(round(w.start + offset, 3), round(w.end + offset, 3), w.word.strip(), round(w.probability, 4))
                 for w in (segment.words or []) if w.word.strip()]
        if words:
            yield Segment(round(segment.start + offset, 3), round(segment.end + offset, 3),
                             segment.text.strip(), words)
        if on_progress:
            on_progress(segment.end + offset)


def _make_monotonic(segments: list[Segment]) -> None:
    """Word starts never go back in time and each word ends after it starts.

    Whisper's word alignment can put a word a few hundredths of a second before the previous one; players
    and the reader's highlighting need times that only move forward.
    """
    previous = 0.0
    for segment in segments:
        fixed = []
        for word in segment.words:
            start = max(word.start, previous)
            fixed.append(Word(start, max(word.end, start), word.text, word.probability))
            previous = start
        segment.words = fixed
        if fixed:
            segment.start = min(segment.start, fixed[0].start)
            segment.end = max(segment.end, fixed[-1].end)


def _segment_from_words(words: Sequence[Word], recovered: bool = False) -> Segment:
    return Segment(words[0].start, words[-1].end, " ".join(w.text for w in words), list(words), recovered)


def speech_regions(audio: np.ndarray, activity: VoiceActivity | None = None) -> list[tuple[float, float]]:
    """Stretches of speech (seconds) with short pauses kept as gaps (finer than whisper's own filter)."""
    return (activity or vad.detect(audio)).regions(vad.GAPS)


def word_gaps(words: Sequence[Word], duration: float) -> list[tuple[float, float]]:
    """The silences between words: before the first, between each pair, after the last."""
    edges = [0.0]
    for word in sorted(words, key=lambda w: w.start):
        edges.extend((word.start, word.end))
    edges.append(duration)
    return [(edges[i], edges[i + 1]) for i in range(0, len(edges), 2) if edges[i + 1] > edges[i]]


def speech_without_words(regions: Sequence[tuple[float, float]], words: Sequence[Word], duration: float,
                         min_speech: float) -> list[tuple[float, float]]:
    """Gaps between words that hold at least `min_speech` seconds of speech, trimmed to that speech."""
    found = []
    for gap_start, gap_end in word_gaps(words, duration):
        inside = [(max(s, gap_start), min(e, gap_end)) for s, e in regions if e > gap_start and s < gap_end]
        if sum(e - s for s, e in inside) >= min_speech:
            found.append((round(inside[0][0], 3), round(inside[-1][1], 3)))
    return found


def skipped_speech(audio: np.ndarray, words: Sequence[Word], min_speech: float = RECOVER_MIN_GAP_S,
                   activity: VoiceActivity | None = None) -> list[tuple[float, float]]:
    """Passages with at least `min_speech` seconds of speech that got no words."""
    return speech_without_words(speech_regions(audio, activity), words, len(audio) / SAMPLE_RATE, min_speech)
