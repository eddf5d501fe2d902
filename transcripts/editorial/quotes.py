"""Quotes: the exact words said between two times, or found from a remembered wording, with attribution.

Finding a quote from text is a fuzzy alignment of words as `normalise` compares them (so "there's" and
"there is", "10%" and "ten percent" are the same words, reported as equivalents, not differences):
rapidfuzz's partial-ratio alignment finds the stretch of the transcript most like the quote (tolerant of
ASR slips such as "Sheila and Texas" for "Sheila in Texas", and of an article's tidying), and a
word-level Levenshtein alignment then names each word that differs. A quote of fewer than five words is
only found where said word for word: at the 0.6 similarity that finds longer quotes, two of three words
anywhere would do. Both read the words with their timestamps, so every quote comes back with exact times.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rapidfuzz import fuzz

from transcripts.document import SpeakerDoc, TranscriptDoc
from transcripts.editorial.normalise import Term, Token, terms, tokenize
from transcripts.pipeline.asr import Word, joined_text

FOUND_SIMILARITY = 0.6  # share of the quote's words found in order; below this the quote was not said
EXACT_BELOW = 5  # a quote of fewer words counts only where said word for word (after normalisation)
EDGE_SLACK = 4  # words on each side of the rough match that the word alignment may take or leave


def tokens(text: str) -> list[str]:
    """Words as printed, for counting and names: lower case, apostrophes straightened, punctuation gone."""
    return [token.text for token in tokenize(text)]


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


def listen_command(transcript_id: int, start: float, end: float) -> str:
    """The command that plays (and with --clip cuts) a moment of a transcript."""
    return f"transcripts quote {transcript_id} --start {start:.2f} --end {end:.2f}"


@dataclass(frozen=True)
class Difference:
    quoted: str  # the article's words ("" where it left words out)
    said: str  # the words as said ("" where the article added words)
    start: float | None
    end: float | None
    confidence: float | None  # the ASR's lowest word probability over `said`: low means maybe an ASR slip
    listen: str | None = None  # the command to hear it, a word either side included

    def as_json(self) -> dict[str, Any]:
        return {"quoted": self.quoted, "said": self.said, "start": self.start, "end": self.end,
                "confidence": None if self.confidence is None else round(self.confidence, 3),
                "listen": self.listen}


@dataclass(frozen=True)
class Equivalence:
    """Words printed in another form of what was said: "there's" for "there is", "10%" for "ten percent"."""

    quoted: str  # as the article prints them
    said: str  # as the transcript writes them

    def as_json(self) -> dict[str, Any]:
        return {"quoted": self.quoted, "said": self.said}


@dataclass(frozen=True)
class Alignment:
    passage: Passage
    similarity: float  # share of the quote's words found, in order
    differences: list[Difference]
    equivalents: list[Equivalence] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.similarity < FOUND_SIMILARITY:
            return "not_found"
        return "exact" if not self.differences else "altered"


@dataclass(frozen=True)
class Spoken:
    """A transcript's words as compared (`normalise.terms`), each term with the words it came from."""

    doc: TranscriptDoc
    words: list[SpokenWord]
    terms: list[str]
    owners: list[tuple[int, int]]  # per term, the first and last word it came from

    @classmethod
    def of(cls, doc: TranscriptDoc) -> Spoken:
        words = spoken_words(doc)
        # The tokens of all the words in one run, so that "two" "thousand" said as two words are one number.
        said = [(token.text, index) for index, w in enumerate(words) for token in tokenize(w.word.text)]
        found = terms([text for text, _ in said])
        return cls(doc, words, [t.text for t in found], [(said[t.first][1], said[t.last][1]) for t in found])

    def tokens(self, word: int) -> list[Token]:
        return tokenize(self.words[word].word.text)

    def speakers_terms(self, name: str) -> list[bool] | None:
        """Which terms the person the article names said; None when they said none."""
        named = {s.label for s in self.doc.speakers if names_match(name, s) is True}
        said = [(speaker := self.words[first].speaker) is not None and speaker.label in named
                for first, _ in self.owners]
        return said if any(said) else None


@dataclass(frozen=True)
class _Quote:
    """A quotation's words: its tokens (as printed, with places) and its terms (as compared)."""

    text: str
    tokens: list[Token]
    terms: list[Term]

    @classmethod
    def of(cls, text: str) -> _Quote:
        found = tokenize(text)
        return cls(text, found, terms([t.text for t in found]))

    def span(self, term: int) -> tuple[int, int]:
        """The first and last token term `term` came from."""
        return self.terms[term].first, self.terms[term].last


def align(doc: TranscriptDoc, quote: str, speaker: str | None = None) -> Alignment | None:
    """The stretch of `doc` that best matches `quote`, with the word differences; None if nothing is close.

    A quote of fewer than EXACT_BELOW words matches only where said word for word (after normalisation):
    a near match of so few words is chance. Where `speaker` (the name an article gives) said it, their
    occurrence is preferred; see `best_alignment`.
    """
    return best_alignment([Spoken.of(doc)], quote, speaker)


def best_alignment(spoken: list[Spoken], quote: str, speaker: str | None = None) -> Alignment | None:
    """The closest match over several transcripts (an article may quote more than one interview).

    Among the places a quote was said, exact beats altered, then the person the article names (`speaker`)
    beats anyone else, then the closer match, then the earlier (transcripts in the order given): so a
    quote both people said is credited to the one named, and the wrong speaker is reported only when the
    one named never said it. (An exact match by someone else beats the named person's near match: the
    words printed were said, by the other.)
    """
    words = _Quote.of(quote)
    found = [a for s in spoken for a in _candidates(s, words, speaker)]

    def rank(a: Alignment) -> tuple[bool, bool, bool, float]:
        named = speaker is not None and names_match(speaker, a.passage.speaker) is True
        return a.status == "exact", a.status != "not_found", named, a.similarity

    return max(found, key=rank, default=None)


def _candidates(spoken: Spoken, quote: _Quote, speaker: str | None) -> list[Alignment]:
    """Where the quote may have been said, earliest first: every exact occurrence; for a quote of
    EXACT_BELOW words or more, also the best match overall and the best among the named speaker's words."""
    quoted = [t.text for t in quote.terms]
    if not quoted or not spoken.terms:
        return []
    n = len(quoted)
    exact = [_alignment(spoken, quote, [("equal", i, at + i) for i in range(n)])
             for at in range(len(spoken.terms) - n + 1)
             if spoken.terms[at] == quoted[0] and spoken.terms[at:at + n] == quoted]
    if len(quote.tokens) < EXACT_BELOW:
        return exact
    found = [_fuzzy(spoken, quote, None)]
    if speaker and (mask := spoken.speakers_terms(speaker)) is not None:
        found.append(_fuzzy(spoken, quote, mask))
    return exact + [a for a in found if a is not None]


def _fuzzy(spoken: Spoken, quote: _Quote, mask: list[bool] | None) -> Alignment | None:
    """The best match of the quote, among the terms `mask` allows (all by default)."""
    quoted = [t.text for t in quote.terms]
    said = spoken.terms if mask is None else [t if ok else "\0" for t, ok in zip(spoken.terms, mask, strict=True)]
    first, stop = _rough_window(quoted, said)
    slack = max(EDGE_SLACK, len(quoted) // 3)
    first, stop = max(0, first - slack), min(len(said), stop + slack)
    steps = [(tag, i, None if j is None else first + j) for tag, i, j in _semi_global(quoted, said[first:stop])]
    if not any(tag == "equal" for tag, _, _ in steps):
        return None
    return _alignment(spoken, quote, steps)


Step = tuple[str, int | None, int | None]  # (tag, quote term index, said term index)


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
            steps.append(("equal" if quoted[i - 1] == window[j - 1] else "replace", i - 1, j - 1))
            i, j = i - 1, j - 1
        elif move[i][j] == "up":
            steps.append(("delete", i - 1, None))  # a quoted word nobody said
            i -= 1
        else:
            steps.append(("insert", None, j - 1))  # a word said but left out of the quote
            j -= 1
    return steps[::-1]


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


def _alignment(spoken: Spoken, quote: _Quote, steps: list[Step]) -> Alignment:
    words = sorted({w for _, _, j in steps if j is not None for w in _range(spoken.owners[j])})
    differences: list[Difference] = []
    equivalents: list[Equivalence] = []
    for start, stop in _groups(steps, quote, spoken):
        group = steps[start:stop]
        printed = sorted({k for _, i, _ in group if i is not None for k in _range(quote.span(i))})
        said = sorted({w for _, _, j in group if j is not None for w in _range(spoken.owners[j])})
        if any(tag != "equal" for tag, _, _ in group):
            differences.append(_difference(spoken, [quote.tokens[k].text for k in printed], said,
                                           _around(spoken, steps, start, stop)))
        elif [quote.tokens[k].text for k in printed] != [t.text for w in said for t in spoken.tokens(w)]:
            shown = quote.text[quote.tokens[printed[0]].start:quote.tokens[printed[-1]].end]
            said_text = joined_text(spoken.words[w].word for w in said).strip(_EDGE_PUNCTUATION)
            equivalents.append(Equivalence(shown, said_text))
    matched = sum(1 for tag, _, _ in steps if tag == "equal")
    return Alignment(Passage(spoken.doc, spoken.words[words[0]:words[-1] + 1]), matched / len(quote.terms),
                     differences, equivalents)


_EDGE_PUNCTUATION = " .,;:!?\"“”'‘’()-—–"


def _range(span: tuple[int, int]) -> range:
    return range(span[0], span[1] + 1)


def _groups(steps: list[Step], quote: _Quote, spoken: Spoken) -> list[tuple[int, int]]:
    """The steps, as [start, stop) runs that belong together: differences side by side, and steps that share
    a printed token or a said word (the two terms of "there's", the word "color-blind") with all between."""
    reach = list(range(len(steps)))  # the last step each step is joined to
    last_use: dict[tuple[str, int], int] = {}
    for k, (tag, i, j) in enumerate(steps):
        keys = [("printed", t) for t in (_range(quote.span(i)) if i is not None else ())]
        keys += [("said", w) for w in (_range(spoken.owners[j]) if j is not None else ())]
        for key in keys:
            if key in last_use:
                reach[last_use[key]] = max(reach[last_use[key]], k)
            last_use[key] = k
        if k and tag != "equal" and steps[k - 1][0] != "equal":
            reach[k - 1] = max(reach[k - 1], k)
    runs: list[tuple[int, int]] = []
    start, end = 0, -1
    for k in range(len(steps)):
        if k > end and k > start:
            runs.append((start, k))
            start = k
        end = max(end, reach[k])
    return [*runs, (start, len(steps))]


def _around(spoken: Spoken, steps: list[Step], start: int, stop: int) -> tuple[int, int] | None:
    """The words to play for steps[start:stop]: theirs with a word either side, or, for words only
    printed, the said words on either side of where they would be."""
    said = [w for _, _, j in steps[start:stop] if j is not None for w in _range(spoken.owners[j])]
    if said:
        return max(0, min(said) - 1), min(len(spoken.words) - 1, max(said) + 1)
    before = [spoken.owners[j][1] for _, _, j in steps[:start] if j is not None]
    after = [spoken.owners[j][0] for _, _, j in steps[stop:] if j is not None]
    if not before and not after:
        return None
    return (before or after)[-1 if before else 0], (after or before)[0 if after else -1]


def _difference(spoken: Spoken, printed: list[str], said: list[int], around: tuple[int, int] | None) -> Difference:
    words = [spoken.words[i].word for i in said]
    listen = None
    if around is not None:
        listen = listen_command(spoken.doc.id, spoken.words[around[0]].word.start, spoken.words[around[1]].word.end)
    return Difference(
        quoted=" ".join(printed),
        said=joined_text(words),
        start=words[0].start if words else None,
        end=words[-1].end if words else None,
        confidence=min(w.probability for w in words) if words else None,
        listen=listen,
    )


_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame"}


def names_match(attributed: str, speaker: SpeakerDoc | None) -> bool | None:
    """Does the article's name ("Baker", "Sean Baker", "Mr. Baker") name this speaker? Every word of it
    must be in the speaker's name, so "Sean Smith" is not Sean Baker. None when the speaker has no name."""
    if speaker is None or not speaker.name:
        return None
    wanted = set(tokens(attributed)) - _HONORIFICS
    return bool(wanted) and wanted <= set(tokens(speaker.name))
