"""Quotes: the exact words said between two times, or found from a remembered wording, with attribution.

Finding a quote from text is a fuzzy alignment of word tokens: rapidfuzz's partial-ratio alignment finds
the stretch of the transcript most like the quote (tolerant of ASR slips such as "Sheila and Texas" for
"Sheila in Texas", and of an article's tidying), and a word-level Levenshtein alignment then names each
word that differs. Both read the words with their timestamps, so every quote comes back with exact times.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rapidfuzz import fuzz

from transcripts.document import SpeakerDoc, TranscriptDoc
from transcripts.pipeline.asr import Word, joined_text

FOUND_SIMILARITY = 0.6  # share of the quote's words found in order; below this the quote was not said
EDGE_SLACK = 4  # words on each side of the rough match that the word alignment may take or leave
_TOKEN = re.compile(r"[\w']+")


def tokens(text: str) -> list[str]:
    """Words as compared: lower case, curly apostrophes straightened, punctuation gone."""
    return _TOKEN.findall(text.lower().replace("’", "'").replace("‘", "'"))


@dataclass(frozen=True)
class SpokenWord:
    word: Word
    speaker: SpeakerDoc | None


@dataclass(frozen=True)
class Passage:
    """Words as said, in order, with who said them."""

    transcript: TranscriptDoc
    words: list[SpokenWord]

    @property
    def start(self) -> float:
        return self.words[0].word.start

    @property
    def end(self) -> float:
        return self.words[-1].word.end

    @property
    def text(self) -> str:
        return joined_text(w.word for w in self.words)

    @property
    def speaker(self) -> SpeakerDoc | None:
        """Who said most of it (by words); a quote that spans a turn belongs to its main speaker."""
        counts = Counter(w.speaker.label for w in self.words if w.speaker)
        if not counts:
            return None
        label = counts.most_common(1)[0][0]
        return next(w.speaker for w in self.words if w.speaker and w.speaker.label == label)

    @property
    def speakers(self) -> list[str]:
        return list(dict.fromkeys(w.speaker.display for w in self.words if w.speaker))

    def attribution(self) -> str:
        """`— Sean Baker, interviewed by Joey Magidson, 2021-12-10` (as much of it as is known)."""
        speaker = self.speaker
        parts = [speaker.display if speaker else "unknown speaker"]
        interviewer = self.transcript.interviewer
        if interviewer and (speaker is None or interviewer.label != speaker.label):
            parts.append(f"interviewed by {interviewer.display}")
        when: datetime = self.transcript.recorded_at or self.transcript.created_at
        parts.append(when.date().isoformat())
        return "— " + ", ".join(parts)

    def as_json(self) -> dict[str, Any]:
        speaker = self.speaker
        return {"transcript_id": self.transcript.id, "start": self.start, "end": self.end,
                "speaker": speaker.display if speaker else None, "speakers": self.speakers, "text": self.text,
                "attribution": self.attribution()}


def spoken_words(doc: TranscriptDoc) -> list[SpokenWord]:
    return [SpokenWord(word, segment.speaker) for segment in doc.segments for word in segment.words]


def passage_between(doc: TranscriptDoc, start: float, end: float) -> Passage | None:
    """The words whose middle falls in [start, end], or None when no word does."""
    chosen = [w for w in spoken_words(doc) if start <= (w.word.start + w.word.end) / 2 <= end]
    return Passage(doc, chosen) if chosen else None


@dataclass(frozen=True)
class Difference:
    quoted: str  # the article's words ("" where it left words out)
    said: str  # the words as said ("" where the article added words)
    start: float | None
    end: float | None
    confidence: float | None  # the ASR's lowest word probability over `said`: low means maybe an ASR slip

    def as_json(self) -> dict[str, Any]:
        return {"quoted": self.quoted, "said": self.said, "start": self.start, "end": self.end,
                "confidence": None if self.confidence is None else round(self.confidence, 3)}


@dataclass(frozen=True)
class Alignment:
    passage: Passage
    similarity: float  # share of the quote's words found, in order
    differences: list[Difference]

    @property
    def status(self) -> str:
        if self.similarity < FOUND_SIMILARITY:
            return "not_found"
        return "exact" if not self.differences else "altered"


def align(doc: TranscriptDoc, quote: str) -> Alignment | None:
    """The stretch of `doc` that best matches `quote`, with the word differences; None if nothing is close."""
    quoted = tokens(quote)
    words = spoken_words(doc)
    # One entry per token, as in the quote ("well-known" and "1,000" are two tokens each on both sides),
    # with the word each came from, for its times.
    pairs = [(token, index) for index, w in enumerate(words) for token in tokens(w.word.text)]
    if not quoted or not pairs:
        return None
    said, owner = [token for token, _ in pairs], [index for _, index in pairs]
    first, stop = _rough_window(quoted, said)
    slack = max(EDGE_SLACK, len(quoted) // 3)
    first, stop = max(0, first - slack), min(len(said), stop + slack)
    steps = _semi_global(quoted, said[first:stop])
    matched = sum(1 for tag, *_ in steps if tag == "equal")
    if not matched:
        return None
    aligned = [owner[first + s[3]] for s in steps if s[3] is not None]
    differences = [_difference(run, quoted, words, [owner[first + j] for j in range(stop - first)])
                   for run in _runs(steps)]
    return Alignment(Passage(doc, words[min(aligned):max(aligned) + 1]), matched / len(quoted), differences)


Step = tuple[str, int | None, None, int | None]  # (tag, quote index, unused, window index)


def _semi_global(quoted: list[str], window: list[str]) -> list[Step]:
    """Align every quoted word against a stretch of `window`, which may start and end anywhere for free.

    Scores: +1 a word that matches, -1 a word changed, left out or added. A global Levenshtein alignment
    would not do: it is indifferent to where in the window the quote lands, so it scatters the matches.
    """
    n, m = len(quoted), len(window)
    score = [[0] * (m + 1) for _ in range(n + 1)]
    move = [[""] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        score[i][0], move[i][0] = -i, "up"
        for j in range(1, m + 1):
            diagonal = score[i - 1][j - 1] + (1 if quoted[i - 1] == window[j - 1] else -1)
            up, left = score[i - 1][j] - 1, score[i][j - 1] - 1
            score[i][j], move[i][j] = max((diagonal, "diag"), (up, "up"), (left, "left"))
    j = max(range(m + 1), key=lambda col: score[n][col])
    steps: list[Step] = []
    i = n
    while i > 0:
        if move[i][j] == "diag":
            tag = "equal" if quoted[i - 1] == window[j - 1] else "replace"
            steps.append((tag, i - 1, None, j - 1))
            i, j = i - 1, j - 1
        elif move[i][j] == "up":
            steps.append(("delete", i - 1, None, None))  # a quoted word nobody said
            i -= 1
        else:
            steps.append(("insert", None, None, j - 1))  # a word said but left out of the quote
            j -= 1
    return steps[::-1]


def _runs(steps: list[Step]) -> list[list[Step]]:
    """Consecutive differing steps, grouped: one difference per changed stretch."""
    runs: list[list[Step]] = []
    previous_equal = True
    for step in steps:
        if step[0] == "equal":
            previous_equal = True
            continue
        if previous_equal:
            runs.append([])
        runs[-1].append(step)
        previous_equal = False
    return runs


def _rough_window(quoted: list[str], said: list[str]) -> tuple[int, int]:
    """Word indices [first, stop) of the transcript's best partial match of the quote (character level)."""
    haystack = " ".join(said)
    found = fuzz.partial_ratio_alignment(" ".join(quoted), haystack)
    offsets, position = [], 0
    for token in said:
        offsets.append(position)
        position += len(token) + 1
    if found is None:
        return 0, len(said)
    first = max(i for i, offset in enumerate(offsets) if offset <= found.dest_start)
    stop = max(i for i, offset in enumerate(offsets) if offset < max(found.dest_end, found.dest_start + 1)) + 1
    return first, stop


def _difference(run: list[Step], quoted: list[str], words: list[SpokenWord], owners: list[int]) -> Difference:
    said = [words[i] for i in dict.fromkeys(owners[j] for _, _, _, j in run if j is not None)]
    return Difference(
        quoted=" ".join(quoted[i] for _, i, _, _ in run if i is not None),
        said=joined_text(w.word for w in said),
        start=said[0].word.start if said else None,
        end=said[-1].word.end if said else None,
        confidence=min(w.word.probability for w in said) if said else None,
    )


def best_alignment(docs: list[TranscriptDoc], quote: str) -> Alignment | None:
    """The closest match over several transcripts (an article may quote more than one interview)."""
    found = [a for a in (align(doc, quote) for doc in docs) if a is not None]
    return max(found, key=lambda a: a.similarity, default=None)


_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame"}


def names_match(attributed: str, speaker: SpeakerDoc | None) -> bool | None:
    """Does the article's name ("Baker", "Sean Baker", "Mr. Baker") name this speaker? Every word of it
    must be in the speaker's name, so "Sean Smith" is not Sean Baker. None when the speaker has no name."""
    if speaker is None or not speaker.name:
        return None
    wanted = set(tokens(attributed)) - _HONORIFICS
    return bool(wanted) and wanted <= set(tokens(speaker.name))
