"""The speakers step's encoder work, done in the diarizer's thread while whisper still runs.

After the diarization, the speakers step embeds every utterance too short to be judged from the
clustering's windows (`diarize.refine_speakers`): 9 s of a 40-minute interview, 1 s of a 4-minute panel, all
after whisper. Most of it needs only whisper's words and the diarizer's turns, so it is done as whisper's
segments come in, at the diarizer thread's low priority (whisper leaves a core idle much of the time), and
kept in the recording's `SpanEmbeddings` for the speakers step to find.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from transcripts.pipeline.asr import Segment
from transcripts.pipeline.diarize import (
    MIN_WINDOWS,
    Diarization,
    SentenceRule,
    SpanEmbeddings,
    assign_speakers,
    one_speaker_per_sentence,
    utterance_spans,
    utterances,
    windows_inside,
)

_NEW_SEGMENTS = 8  # segments gathered before the encoder is called (fewer calls, batches of windows)
_OVERLAP = 3  # segments of the last stretch taken again, so the utterance cut at its end is whole
_POLL_S = 1.0


def embed_utterances_ahead(embed: SpanEmbeddings, segments: Sequence[Segment], diarization: Diarization,
                           sentence_rule: SentenceRule | None = one_speaker_per_sentence,
                           starts_recording: bool = True, ends_recording: bool = True) -> None:
    """Embed now the utterances of `segments` that `refine_speakers` will embed on their own later.

    Ingest calls this from the diarizer's thread on each new stretch of whisper's main pass (with a few
    segments of the last stretch again), so the encoder's work of the speakers step is done while whisper
    still runs, in the time whisper leaves a core idle. Speakers and utterances are local (a word's turn, a
    sentence, a pause), so an utterance inside the stretch gets the span it will get over the whole
    recording; the first and last may run past the stretch (unless it `starts_recording` or
    `ends_recording`) and are left to the call that holds them whole. Refinement itself is not run here:
    it weighs every utterance of the recording.
    """
    if diarization.method != "clustering" or diarization.windows is None or len(diarization.voiceprints) < 2:
        return
    assigned, _ = assign_speakers(segments, diarization.turns, sentence_rule)
    spans = utterance_spans(assigned, utterances(assigned), embed.duration)
    spans = spans[0 if starts_recording else 1:len(spans) if ends_recording else -1]
    inside = windows_inside(spans, diarization.windows)
    embed([span for span, held in zip(spans, inside, strict=True) if held.sum() < MIN_WINDOWS])


class UtterancesAhead:
    """Whisper's segments handed over as they come (`heard`, on whisper's thread) and embedded ahead
    (`run`, on the diarizer's thread) until the main pass ends (`finish`, which must be called on error
    too, or `run` waits for ever)."""

    def __init__(self, embed: SpanEmbeddings, sentence_rule: SentenceRule | None, every: int = _NEW_SEGMENTS
                 ) -> None:
        self.embed = embed
        self.sentence_rule = sentence_rule
        self.every = every
        self._segments: list[Segment] = []
        self._done = 0
        self._finished = threading.Event()

    def heard(self, segment: Segment) -> None:
        self._segments.append(segment)

    def finish(self) -> None:
        self._finished.set()

    def run(self, diarization: Diarization) -> None:
        while True:
            finished = self._finished.wait(timeout=_POLL_S)
            self.catch_up(diarization, finished)
            if finished:
                return

    def catch_up(self, diarization: Diarization, finished: bool) -> None:
        """Embed the utterances of the segments heard since the last call once `every` have come, or all of
        them when the main pass has `finished`."""
        count = len(self._segments)
        if count - self._done >= self.every or (finished and count > self._done):
            first = max(0, self._done - _OVERLAP)
            embed_utterances_ahead(self.embed, self._segments[first:count], diarization, self.sentence_rule,
                                   starts_recording=first == 0, ends_recording=finished)
            self._done = count
