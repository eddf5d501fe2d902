"""Suggest quotable passages: what an editor would shortlist from the interviewee's answers.

A good pull quote is one to three complete sentences (8–60 words) by the person interviewed, that stand on
their own (no "And that's why…" pointing back at the question), say something vivid (first-person, concrete
words rather than "you know, kind of"), and that the ASR heard clearly (a low-confidence word in a quote
means checking the audio first). Each quality scores 0–1; the sum ranks the passages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from transcripts.document import SpeakerDoc, TranscriptDoc
from transcripts.editorial.quotes import Passage, SpokenWord, spoken_words, tokens
from transcripts.turns import speaker_runs

MIN_WORDS, MAX_WORDS = 8, 60
MAX_SENTENCES = 3
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*$")
# Openings that lean on what came before: the passage is an answer to something the reader has not seen.
_LEANING = {"and", "but", "so", "because", "or", "that", "that's", "this", "it", "it's", "they", "he", "she",
            "yeah", "yes", "no", "well", "um", "uh", "oh", "also", "which", "then", "exactly", "right"}
_FILLERS = {"um", "uh", "like", "you know", "i mean", "kind of", "sort of", "basically", "actually"}
_FUNCTION_WORDS_TEXT = """a an the and or but so of to in on at for with from by as is are was were be been being
it its it's this that these those there here i me my we our you your he him his she her they them their what
which who whom whose when where why how not no yes do does did done have has had having will would can could
should may might must just very really also too then than if about into over out up down all any some more most
much many such only own same other again ever never now well get got go going gone know think thing things
lot bit one two"""
_FUNCTION_WORDS = set(_FUNCTION_WORDS_TEXT.split())


@dataclass(frozen=True)
class Suggestion:
    passage: Passage
    score: float
    reasons: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {**self.passage.as_json(), "score": round(self.score, 4),
                "reasons": {k: round(v, 3) for k, v in self.reasons.items()}}


def _sentences(words: list[SpokenWord]) -> list[list[SpokenWord]]:
    sentences: list[list[SpokenWord]] = [[]]
    for word in words:
        sentences[-1].append(word)
        if _SENTENCE_END.search(word.word.text.strip()):
            sentences.append([])
    return [s for s in sentences if s]


def _turns(doc: TranscriptDoc, speakers: set[str]) -> list[list[SpokenWord]]:
    """Runs of consecutive words by one of `speakers` (labels)."""
    runs = speaker_runs(spoken_words(doc), lambda word: word.speaker.label if word.speaker else None)
    return [run.items for run in runs if run.speaker in speakers]


def _score(words: list[SpokenWord]) -> dict[str, float]:
    said = [t for w in words for t in tokens(w.word.text)]
    text = " " + " ".join(said) + " "
    fillers = sum(text.count(f" {f} ") for f in _FILLERS)
    content = [t for t in said if t not in _FUNCTION_WORDS]
    first = said[0] if said else ""
    return {
        "complete": 1.0 if words[0].word.text.strip()[:1].isupper() and _SENTENCE_END.search(
            words[-1].word.text.strip()) else 0.0,
        "self_contained": 0.0 if first in _LEANING else 1.0,
        "vivid": min(1.0, len({t for t in content if len(t) >= 5}) / max(len(said), 1) * 3)
        * (1.0 if {"i", "my", "me", "we"} & set(said) else 0.8),
        "fluent": max(0.0, 1.0 - 4 * fillers / max(len(said), 1)),
        "clear": min(w.word.probability for w in words),
    }


def suggest(doc: TranscriptDoc, speaker: SpeakerDoc | None = None, limit: int = 10) -> list[Suggestion]:
    """The best passages by `speaker`, or by everyone but the interviewer, best first, not overlapping."""
    interviewer = doc.interviewer
    if speaker is not None:
        labels = {speaker.label}
    else:
        labels = {s.label for s in doc.speakers if interviewer is None or s.label != interviewer.label}
    candidates: list[Suggestion] = []
    for turn in _turns(doc, labels):
        sentences = _sentences(turn)
        for first in range(len(sentences)):
            for count in range(1, MAX_SENTENCES + 1):
                chosen = sentences[first:first + count]
                if len(chosen) < count:
                    break
                words = [w for sentence in chosen for w in sentence]
                size = sum(len(tokens(w.word.text)) for w in words)
                if size > MAX_WORDS:
                    break
                if size >= MIN_WORDS:
                    reasons = _score(words)
                    candidates.append(Suggestion(Passage(doc, words), sum(reasons.values()), reasons))
    chosen_list: list[Suggestion] = []
    for candidate in sorted(candidates, key=lambda c: -c.score):
        if all(candidate.passage.end <= c.passage.start or candidate.passage.start >= c.passage.end
               for c in chosen_list):
            chosen_list.append(candidate)
        if len(chosen_list) == limit:
            break
    return chosen_list
