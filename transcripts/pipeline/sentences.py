"""Whole sentences: whisper's segments re-cut at sentence ends, and one voice per sentence unless the audio
insists.

Whisper ends its segments wherever its 30 s decoding windows and timestamp tokens fall, so a line of a
transcript often stops mid-sentence and the same speaker goes on in the next one ("…to make some" /
"recommendations and settle some age-old debates."). A reader, the search index (a phrase across two
segments is not found), the sentence embeddings and the exports all want sentences. So after every word
has its speaker, the words are cut again: at each sentence end (whisper's own punctuation) and at each
change of speaker, and nowhere else. Every word keeps its time; nothing is transcribed again.

The speaker encoder sees 1.5 s windows, which blur a change of voice by a word or two either way: the last
word of a question lands in the answer, or a piece of one sentence in the middle of another voice's words
("S3: like blues and / S1: classical / S3: music."). A piece of a sentence of at most two words (or
`SHORT_PIECE_S` of speech) given to another voice therefore joins the voice of its sentence, unless the
encoder, asked about those words alone, is clearly more confident in the other voice (`INSIST_MARGIN`)
than in the sentence's: then it is a real short turn ("Hello?" "Hello.") run into one sentence by whisper.
Longer pieces are real changes that whisper ran into one sentence and keep their voice.

Plain data in, plain data out; the encoder comes in as a function, so this module needs no model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np

from transcripts.pipeline.asr import Segment, Word
from transcripts.pipeline.diarize import cosine

# Pieces of a sentence this short (words, or seconds of speech) follow their sentence's voice unless the
# encoder insists; the 0.7 s is the blur of the encoder's windows measured before (docs/benchmarks.md).
SHORT_PIECE_WORDS = 2
SHORT_PIECE_S = 0.7
# How much closer (cosine) a short piece must be to its own voice than to its sentence's voice to keep it.
# Calibrated by bench/diarization.py on the shared recordings: of the 5 short pieces met, the 4 that the
# reference confirms scored 0.055-0.355, the one it does not -0.034; 0.10 would have joined a real one.
INSIST_MARGIN = 0.05
# A pause this long ends a sentence for the voice rule even without a full stop (a turn whisper ran on).
SENTENCE_PAUSE_S = 0.8
# One speaker's part of a "sentence" longer than this (whisper wrote no full stop) is cut at its longest
# pause, so a transcript without punctuation does not become one line.
MAX_SENTENCE_S = 30.0
# Audio around a short piece when it is embedded, and the least audio the encoder is given.
_PAD_S = 0.1
_MIN_SPAN_S = 0.5

_ENDS = (".", "?", "!", "…", "。", "？", "！")
_CLOSERS = "\"'”’»)]"
# Abbreviations whose full stop ends no sentence ("Mr. Smith", "Dr. Ruth").
_TITLES = frozenset({"mr", "mrs", "ms", "dr", "prof", "st", "mt", "sen", "rep", "gov", "gen", "lt", "col", "sgt",
                     "capt", "rev", "hon", "fr", "vs", "no", "vol", "approx", "dept", "est", "inc", "co"})
_DOTTED = re.compile(r"^(?:\w\.){2,}$")  # "U.S.", "e.g.", "a.m."
_INITIAL = re.compile(r"^[A-Z]\.$")  # "J." of "J. K. Rowling"


def ends_sentence(word: str, following: str | None = None) -> bool:
    """Whether a sentence ends with this word (whisper's punctuation), given the word after it, if any.

    Question and exclamation marks always end one; a full stop does unless it marks an abbreviation or an
    initial; an ellipsis or a dotted abbreviation ("U.S.") does when the next word starts a sentence.
    """
    text = word.rstrip(_CLOSERS)
    if not text.endswith(_ENDS):
        return False
    if text.endswith(("?", "!", "？", "！", "。")):
        return True
    starts_new = following is None or following.lstrip(_CLOSERS + "¿¡")[:1].isupper()
    if text.endswith(("…", "..")) or _DOTTED.match(text):
        return starts_new
    bare = text[:-1].lower()
    return not (bare in _TITLES or _INITIAL.match(text))


def sentence_spans(words: Sequence[Word], pause_s: float | None = None) -> list[tuple[int, int]]:
    """The sentences of a run of words as (first, stop) index pairs, covering every word in order.

    With `pause_s`, a silence at least that long between two words ends a sentence too.
    """
    spans: list[tuple[int, int]] = []
    first = 0
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else None
        if (following is None or ends_sentence(word.text, following.text)
                or (pause_s is not None and following.start - word.end >= pause_s)):
            spans.append((first, index + 1))
            first = index + 1
    return spans


def _capped(words: Sequence[Word], first: int, stop: int) -> list[tuple[int, int]]:
    """One speaker's part of a sentence, cut at its longest pauses while longer than `MAX_SENTENCE_S`."""
    if stop - first < 2 or words[stop - 1].end - words[first].start <= MAX_SENTENCE_S:
        return [(first, stop)]
    cut = max(range(first + 1, stop), key=lambda i: words[i].start - words[i - 1].end)
    return _capped(words, first, cut) + _capped(words, cut, stop)


@dataclass(frozen=True)
class Piece:
    """Words `first`..`stop` of a sentence that carry another voice than the sentence around them."""

    first: int
    stop: int
    voice: str
    sentence_voice: str


def _runs(speakers: Sequence[str], first: int, stop: int) -> list[tuple[int, int, str]]:
    runs: list[tuple[int, int, str]] = []
    for index in range(first, stop):
        if runs and runs[-1][2] == speakers[index]:
            runs[-1] = (runs[-1][0], index + 1, speakers[index])
        else:
            runs.append((index, index + 1, speakers[index]))
    return runs


def short_pieces(words: Sequence[Word], speakers: Sequence[str]) -> list[Piece]:
    """Pieces of a sentence of at most `SHORT_PIECE_WORDS` words (or `SHORT_PIECE_S` of speech) whose
    voice differs from the voice that says most of the sentence."""
    found = []
    for first, stop in sentence_spans(words, SENTENCE_PAUSE_S):
        runs = _runs(speakers, first, stop)
        if len(runs) < 2:
            continue
        spoken: dict[str, float] = {}
        for run_first, run_stop, voice in runs:
            spoken[voice] = spoken.get(voice, 0.0) + sum(w.end - w.start for w in words[run_first:run_stop])
        main = max(spoken, key=lambda voice: spoken[voice])
        for run_first, run_stop, voice in runs:
            length = words[run_stop - 1].end - words[run_first].start
            if voice != main and (run_stop - run_first <= SHORT_PIECE_WORDS or length <= SHORT_PIECE_S):
                found.append(Piece(run_first, run_stop, voice, main))
    return found


def one_voice_per_sentence(words: Sequence[Word], speakers: Sequence[str], kept: Collection[Piece] = ()
                           ) -> list[str]:
    """Each word's speaker, with every short piece of a sentence given to the sentence's voice unless it is
    in `kept` (the pieces the encoder insists on, see `insisted`)."""
    settled = list(speakers)
    for piece in short_pieces(words, speakers):
        if piece not in kept:
            settled[piece.first:piece.stop] = [piece.sentence_voice] * (piece.stop - piece.first)
    return settled


Embed = Callable[[Sequence[tuple[float, float]]], np.ndarray]


def piece_span(words: Sequence[Word], piece: Piece, duration: float) -> tuple[float, float]:
    """The audio the encoder hears for a piece: its words, padded, at least `_MIN_SPAN_S` long."""
    start, end = words[piece.first].start - _PAD_S, words[piece.stop - 1].end + _PAD_S
    if end - start < _MIN_SPAN_S:
        middle = (start + end) / 2
        start, end = middle - _MIN_SPAN_S / 2, middle + _MIN_SPAN_S / 2
    return max(0.0, start), min(duration, end)


def piece_margins(words: Sequence[Word], pieces: Sequence[Piece], embed: Embed, voiceprints: dict[str, np.ndarray],
                  duration: float) -> list[float | None]:
    """For each piece, how much closer its audio is to its own voice than to its sentence's voice (cosine);
    None where either voice has no voiceprint."""
    if not pieces:
        return []
    vectors = embed([piece_span(words, piece, duration) for piece in pieces])
    margins: list[float | None] = []
    for piece, vector in zip(pieces, vectors, strict=True):
        own, other = voiceprints.get(piece.voice), voiceprints.get(piece.sentence_voice)
        margins.append(None if own is None or other is None else cosine(vector, own) - cosine(vector, other))
    return margins


def insisted(words: Sequence[Word], pieces: Sequence[Piece], embed: Embed, voiceprints: dict[str, np.ndarray],
             duration: float, margin: float = INSIST_MARGIN) -> set[Piece]:
    """The pieces the encoder is clearly more confident belong to their own voice."""
    margins = piece_margins(words, pieces, embed, voiceprints, duration)
    return {piece for piece, score in zip(pieces, margins, strict=True) if score is not None and score >= margin}


def words_and_speakers(segments: Sequence[Segment]) -> tuple[list[Word], list[str]]:
    """Every word of the segments in order, and the speaker label of each (its segment's)."""
    words = [word for segment in segments for word in segment.words]
    speakers = [segment.speaker or "" for segment in segments for _ in segment.words]
    return words, speakers


def whole_sentences(segments: Sequence[Segment], speakers: Sequence[str] | None = None) -> list[Segment]:
    """The words of `segments` cut again at sentence ends and changes of speaker, and nowhere else.

    `speakers` gives each word's speaker (by default its segment's). A new segment is `recovered` when any
    of its words came from whisper's second pass over skipped speech.
    """
    words, own = words_and_speakers(segments)
    labels = list(speakers) if speakers is not None else own
    recovered = [segment.recovered for segment in segments for _ in segment.words]
    out: list[Segment] = []
    for first, stop in sentence_spans(words):
        for run_first, run_stop, label in _runs(labels, first, stop):
            for part_first, part_stop in _capped(words, run_first, run_stop):
                part = words[part_first:part_stop]
                out.append(Segment(part[0].start, part[-1].end, " ".join(w.text for w in part), list(part),
                                   any(recovered[part_first:part_stop]), label or None))
    return out


def settle(segments: Sequence[Segment], embed: Embed | None = None, voiceprints: dict[str, np.ndarray] | None = None,
           duration: float = float("inf")) -> list[Segment]:
    """One voice per sentence (short pieces checked with the encoder when `embed` is given), then whole
    sentences: the step ingest and `resegment` run after speakers are assigned."""
    words, speakers = words_and_speakers(segments)
    pieces = short_pieces(words, speakers)
    kept: set[Piece] = set()
    if embed is not None and voiceprints and len(voiceprints) > 1:
        kept = insisted(words, pieces, embed, voiceprints, duration)
    return whole_sentences(segments, one_voice_per_sentence(words, speakers, kept))
