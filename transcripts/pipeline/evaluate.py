"""Scoring against ground truth: the shared recordings, their reference formats, word error rate, and
topic boundaries (recordings joined end to end, scored with Pk and WindowDiff).

Used by the tests and the `bench/` programs, which must score the same way. jiwer and nltk (dev extras)
are imported only when a score is asked for.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from transcripts.pipeline.asr import Word
from transcripts.pipeline.diarize import Turn
from transcripts.pipeline.sentences import sentence_spans

JFK_TEXT = ("And so my fellow Americans, ask not what your country can do for you, "
            "ask what you can do for your country.")


def recordings_dir() -> Path:
    """The real recordings: TRANSCRIPTS_TEST_DATA, else `../shared/data` beside the checkout."""
    env = os.environ.get("TRANSCRIPTS_TEST_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[3] / "shared" / "data"


def normalise(text: str) -> str:
    """Lower-case words without punctuation, hyphens split: how word error rates are counted here."""
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("-", " ")).split())


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    return float(jiwer.wer(normalise(reference), normalise(hypothesis)))


@dataclass(frozen=True)
class Utterance:
    """One line of a reference transcript: who said what, when."""

    start: float
    end: float
    speaker: str
    text: str


def stm_utterances(path: Path) -> list[Utterance]:
    """The lines of an STM file (`file channel speaker start end text`), in time order.

    Tests find what was said when from here, never from a literal of whisper's output: whisper's words
    differ between CPUs and settings, the reference does not.
    """
    rows = []
    for line in path.read_text().splitlines():
        parts = line.split(maxsplit=5)
        if len(parts) == 6 and not line.startswith(";;"):
            rows.append(Utterance(float(parts[3]), float(parts[4]), parts[2], parts[5]))
    return sorted(rows, key=lambda u: (u.start, u.text))


def stm_text(path: Path) -> str:
    """The reference words of an STM file, in time order."""
    return " ".join(u.text for u in stm_utterances(path))


def rttm_turns(path: Path) -> list[Turn]:
    """The `SPEAKER` lines of an RTTM file as turns (start, end, speaker)."""
    rows = [line.split() for line in path.read_text().splitlines() if line.startswith("SPEAKER")]
    return [Turn(float(r[3]), float(r[3]) + float(r[4]), r[7]) for r in rows]


# Who asks in the shared interview-like recordings (their MANIFEST): each of their turns is a known question.
ASKERS = {"libri_interview_1688_1998.wav": "spk1688", "libri_panel_2033_2414_3080.wav": "spk2033"}


@dataclass(frozen=True)
class JoinedRecording:
    """Several real recordings end to end, with the topic boundaries they are known to have."""

    path: Path
    duration: float
    changes: list[tuple[float, float]]  # per change of conversation: last speech before, first speech after
    questions: list[float]  # starts of the askers' turns (not those that open a part)

    @property
    def boundaries(self) -> list[float]:
        return sorted([after for _, after in self.changes] + self.questions)


def join_recordings(data_dir: Path, names: Sequence[str], target: Path, gap_s: float = 0.5) -> JoinedRecording:
    """Join recordings with `gap_s` of silence between them (as an edited file would) into `target` (wav).

    Speech extents come from the audio's own loudness (pydub's silence detector), not from our pipeline.
    """
    from pydub import AudioSegment
    from pydub.silence import detect_nonsilent

    from transcripts.pipeline import media

    joined = AudioSegment.silent(0, frame_rate=media.SAMPLE_RATE)
    spans: list[tuple[float, float]] = []
    questions: list[float] = []
    for name in names:
        part = media.decode(media.probe(data_dir / name))
        offset = len(joined) / 1000
        voiced = detect_nonsilent(part, min_silence_len=300, silence_thresh=part.dBFS - 16)
        spans.append((offset + voiced[0][0] / 1000, offset + voiced[-1][1] / 1000))
        if name in ASKERS:
            turns = rttm_turns((data_dir / name).with_suffix(".rttm"))
            questions += [offset + t.start for t in turns[1:] if t.speaker == ASKERS[name]]
        joined += part + AudioSegment.silent(round(gap_s * 1000), frame_rate=media.SAMPLE_RATE)
    joined.export(target, format="wav")
    changes = [(before[1], after[0]) for before, after in itertools.pairwise(spans)]
    return JoinedRecording(target, len(joined) / 1000, changes, questions)


# The shared recordings of every kind (interviews, a phone call, meetings, a junket panel, a speech, speech
# that changes language, a stereo pair, silence), in the order a long test recording repeats them.
LONG_RECORDING_PARTS = (
    "libri_interview_1688_1998.wav", "pyannote_sample.wav", "ami_dev00.wav", "libri_panel_2033_2414_3080.wav",
    "fw_jfk.flac", "fw_multilingual.mp3", "ami_dev01.wav", "fw_hotwords.mp3", "fw_stereo_diarization.wav",
    "ami_trn01.wav", "pyannote_empty.wav", "sample_interview.mp3",
)


@dataclass(frozen=True)
class LongRecording:
    """Recordings joined end to end, over and over, up to a length; turns known where the parts have RTTM."""

    path: Path
    duration: float
    reference: list[Turn]  # speakers named `<part>:<speaker>`, so a voice heard again keeps its name
    scored: list[tuple[float, float]]  # the stretches whose parts have a reference


def long_recording(parts: Sequence[Path], seconds: float, target: Path, gap_s: float = 0.5) -> LongRecording:
    """Join `parts` (mixed to mono) into `target` (wav), each pass starting one part later than the last,
    until the recording is `seconds` long (the last part is cut there). Hours of real, varied speech for
    measuring speed and memory where no long recording with a reference exists."""
    from pydub import AudioSegment

    from transcripts.pipeline import media

    decoded = [media.decode(media.probe(path)) for path in parts]
    silence = AudioSegment.silent(round(gap_s * 1000), frame_rate=media.SAMPLE_RATE)
    pieces: list[AudioSegment] = []
    reference: list[Turn] = []
    scored: list[tuple[float, float]] = []
    length_ms = 0
    for turn in itertools.count():
        index = turn % len(parts) + turn // len(parts)
        path, audio = parts[index % len(parts)], decoded[index % len(parts)]
        offset = length_ms / 1000
        if offset >= seconds:
            break
        rttm = path.with_suffix(".rttm")
        if rttm.exists():
            end = min(offset + len(audio) / 1000, seconds)
            scored.append((offset, end))
            reference += [Turn(offset + t.start, min(offset + t.end, end), f"{path.stem}:{t.speaker}")
                          for t in rttm_turns(rttm) if offset + t.start < end]
        pieces += [audio, silence]
        length_ms += len(audio) + len(silence)
    first = pieces[0]  # every part is decoded to the same rate, width and channels: join the bytes
    joined = first._spawn(b"".join(piece.raw_data for piece in pieces))[: round(seconds * 1000)]
    joined.export(target, format="wav")
    return LongRecording(target, len(joined) / 1000, reference, scored)


def boundary_string(boundaries: Sequence[float], duration: float, resolution_s: float = 0.5) -> str:
    """Boundaries as the strings `nltk.metrics.segmentation` scores: one character per `resolution_s`."""
    marks = ["0"] * (int(duration / resolution_s) + 1)
    for at in boundaries:
        marks[min(int(at / resolution_s), len(marks) - 1)] = "1"
    return "".join(marks)


def segmentation_scores(reference: Sequence[float], hypothesis: Sequence[float], duration: float
                        ) -> dict[str, float]:
    """Pk and WindowDiff (lower is better), k half the mean reference topic length, as Beeferman et al."""
    from nltk.metrics.segmentation import pk, windowdiff

    ref, hyp = boundary_string(reference, duration), boundary_string(hypothesis, duration)
    k = max(2, round(len(ref) / (2 * (ref.count("1") + 1))))
    return {"pk": round(pk(ref, hyp, k=k), 4), "windowdiff": round(windowdiff(ref, hyp, k), 4), "k_seconds": k / 2}


def distance_to_change(change: tuple[float, float], boundaries: Sequence[float]) -> float:
    """How far the nearest boundary lies from a change of conversation: 0 inside the silence between the two
    recordings, else the seconds to its nearer edge."""
    before, after = change
    return min((max(before - at, 0.0, at - after) for at in boundaries), default=float("inf"))


# Readability of a transcript: each line is (speaker, text, words), in order.
Line = tuple[str, str, Sequence[Word]]
_ENDS = (".", "?", "!", "…", "。", "？", "！")
_CLOSERS = "\"'”’»)]"


def ends_a_sentence(text: str) -> bool:
    """Whether a line's text ends a sentence: its last mark is a full stop, question or exclamation mark."""
    return text.rstrip().rstrip(_CLOSERS).endswith(_ENDS)


def splits_inside_sentences(lines: Sequence[Line]) -> int:
    """Pairs of consecutive lines of one speaker where the first does not end a sentence (target 0)."""
    return sum(a[0] == b[0] and not ends_a_sentence(a[1]) for a, b in itertools.pairwise(lines))


def reference_speaker(turns: Sequence[Turn], start: float, end: float) -> str | None:
    """The reference speaker who talks most between `start` and `end` (None when nobody does)."""
    overlap: dict[str, float] = {}
    for turn in turns:
        shared = min(turn.end, end) - max(turn.start, start)
        if shared > 0:
            overlap[turn.speaker] = overlap.get(turn.speaker, 0.0) + shared
    return max(overlap, key=lambda k: overlap[k]) if overlap else None


def confirms(reference: Sequence[Turn], words: Sequence[Word], piece: tuple[int, int],
             sentence: tuple[int, int]) -> bool:
    """Whether the reference gives words `piece` (first, stop) another speaker than the rest of the
    sentence (first, stop) they sit in."""
    said_by = reference_speaker(reference, words[piece[0]].start, words[piece[1] - 1].end)
    around = [reference_speaker(reference, words[i].start, words[i].end)
              for i in range(*sentence) if not piece[0] <= i < piece[1]]
    usual = max(set(around) - {None}, key=around.count, default=None)
    return said_by is not None and usual is not None and said_by != usual


def short_changes(lines: Sequence[Line], reference: Sequence[Turn] = ()) -> dict[str, int]:
    """Changes of speaker inside a sentence for one or two words: how many, and how many the reference
    confirms (the reference's speaker of those words differs from its speaker of the rest of the sentence).

    Sentences are read across lines from whisper's punctuation (`sentences.sentence_spans`).
    """
    words = [word for _, _, line_words in lines for word in line_words]
    speakers = [speaker for speaker, _, line_words in lines for _ in line_words]
    found = confirmed = 0
    for first, stop in sentence_spans(words):
        runs = [(k, len(list(group))) for k, group in itertools.groupby(speakers[first:stop])]
        if len(runs) < 2:
            continue
        spoken: dict[str, int] = {}
        for speaker, count in runs:
            spoken[speaker] = spoken.get(speaker, 0) + count
        main = max(spoken, key=lambda k: spoken[k])
        at = first
        for speaker, count in runs:
            if speaker != main and count <= 2:
                found += 1
                confirmed += confirms(reference, words, (at, at + count), (first, stop))
            at += count
    return {"changes": found, "confirmed_by_reference": confirmed}
