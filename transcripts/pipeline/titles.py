"""Topic titles that read like headlines, and the key phrases of a topic.

A title is the interviewer's question, condensed (no greeting, filler, name or "can you tell me about"),
when a question opens the topic. Otherwise it is a real phrase of the topic, two to seven words, taken
where YAKE's key phrases sit side by side in one clause of what was said ("Randy Rhodes and classical
music"): never key words joined by commas ("Hear, show" told a reader nothing), never words that nobody
said together. Keywords stay YAKE's key phrases of the whole topic.

Why YAKE: unsupervised, one small pure-Python package with stopword lists for many languages, no model to
download; it scores n-grams by position, frequency and spread, which suits a topic of a few hundred words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from transcripts.pipeline.speakers import is_question

TITLE_WORDS = 9  # a condensed question longer than this is cut, with an ellipsis
PHRASE_WORDS = (2, 7)  # a title phrase has this many words, at least and at most
KEYWORDS = 5
_CANDIDATES = 20  # key phrases a title phrase is built from

_FILLER = re.compile(
    r"^(?:(?:so|and|well|okay|ok|now|um|uh|yeah|right|alright|all right|but)\b[,.]?\s*)+", re.IGNORECASE)
_PREAMBLE = re.compile(
    r"^(?:(?:can|could|would) you (?:tell|talk to) (?:me|us) (?:a (?:little|bit) )?(?:more )?(?:about )?"
    r"|i (?:want|wanted|would like) to ask (?:you )?(?:about )?|tell (?:me|us) (?:a (?:little|bit) )?"
    r"(?:more )?about |talk (?:to me |to us )?about )", re.IGNORECASE)
# A name the question is put to ("Kyle, what do you think…"): dropped from the title.
_ADDRESSEE = re.compile(r"^(?:[A-Z][\w'’-]*(?:\s+(?:and\s+)?[A-Z][\w'’-]*){0,2}),\s+(?=\w)")
_SENTENCES = re.compile(r"(?<=[.?!])\s+")
# Where a title phrase may not run across: punctuation between words (a comma joins a list, not a phrase).
_CLAUSES = re.compile(r"[,.;:!?…()\[\]\"“”—–]+|\s-\s")
# Small words a phrase may hold between its key words ("Randy Rhodes and classical music").
_JOINERS = frozenset({"and", "or", "of", "the", "a", "an", "for", "in", "on", "with", "to", "from", "at", "by",
                      "&", "vs", "de", "la", "le", "el", "der", "die", "das", "und", "et", "y", "e"})
# A phrase does not start with a verb ("Start with Randy Rhodes…") nor end on a vague word ("…a lot"):
# without a tagger, common English verbs, -ed/-ing forms and vague nouns are trimmed from its edges.
_VERBS = frozenset({"start", "get", "got", "make", "made", "go", "went", "know", "knew", "think", "thought", "want",
                    "love", "like", "ate", "eat", "say", "said", "see", "saw", "take", "took", "come", "came", "do",
                    "did", "feel", "felt", "look", "tell", "told", "work", "try", "need", "play", "hear", "heard",
                    "put", "give", "gave", "find", "found", "mean", "keep", "let", "seem", "call", "show", "bring"})
_VAGUE = frozenset({"lot", "lots", "thing", "things", "stuff", "way", "time", "kind", "sort", "bit", "guys"})
# Words a cut question may not end on before its ellipsis.
_DANGLING = _JOINERS | {"your", "my", "his", "her", "their", "our", "its", "is", "was", "are", "were", "that",
                        "this", "these", "those", "you", "we", "they", "i", "it", "do", "did", "does"}


def condense_question(question: str) -> str:
    """The question itself, without greetings, fillers, the name it is put to and "can you tell me about",
    at most `TITLE_WORDS` words."""
    sentences = [s for s in _SENTENCES.split(question.strip()) if s]
    asked = [s for s in sentences if is_question(s)] or sentences[-1:]
    text = asked[0] if asked else question
    text = _FILLER.sub("", text)
    text = _ADDRESSEE.sub("", text) if is_question(text) else text
    text = _PREAMBLE.sub("", _FILLER.sub("", text)).strip() or question.strip()
    words = text.split()
    if len(words) > TITLE_WORDS:
        kept = words[:TITLE_WORDS]
        while len(kept) > 3 and kept[-1].lower().strip(",;:") in _DANGLING:
            kept.pop()
        text = " ".join(kept).rstrip(",;:") + "…"
    return _capitalised(text)


def asks(question: str | None) -> bool:
    """Whether the text that opened a topic holds a question (by its form, not only its punctuation)."""
    return bool(question) and any(is_question(s) for s in _SENTENCES.split(question.strip() if question else ""))


def title(question: str | None, text: str, language: str | None = None) -> str:
    """A topic's title: its question condensed when it opened with one, else a phrase said in it."""
    if question and asks(question):
        return condense_question(question)
    return headline_phrase(text, language) or "Untitled"


def headline_phrase(text: str, language: str | None = None) -> str | None:
    """The best run of two to seven words of `text`, within one clause, that starts and ends on key phrases
    and holds nothing but key words and small joining words; the more (and the better) key phrases it
    holds, the better. A single key word with its neighbour when no key phrases sit together."""
    scored = _scored_phrases(text, language, _CANDIDATES)
    if not scored:
        return None
    weights = {phrase.lower(): 1.0 / (rank + 1) for rank, (phrase, _) in enumerate(scored)}
    low, high = PHRASE_WORDS
    best: tuple[float, int, int, str] | None = None  # (score, -length, -position, phrase)
    position = 0
    for clause in _CLAUSES.split(text):
        tokens = clause.split()
        words = [_bare(t) for t in tokens]
        found = [(i, i + len(p.split()), p) for p in weights for i in _occurrences(words, p.split())]
        key = {k for first, stop, _ in found for k in range(first, stop)}
        for first, _, _ in found:
            for _, stop, _ in found:
                length = stop - first
                if not low <= length <= high or not _joined(words, key, first, stop):
                    continue
                inside = {p for a, b, p in found if first <= a and b <= stop}
                candidate = (sum(weights[p] for p in inside), -length, -(position + first),
                             " ".join(tokens[first:stop]))
                if best is None or candidate[:3] > best[:3]:
                    best = candidate
        position += len(tokens)
    if best is not None:
        return _capitalised(_trimmed(best[3]))
    return _capitalised(_with_neighbour(text, scored[0][0], _stopwords(language)))


def _trimmed(phrase: str) -> str:
    """A phrase without a leading verb or a trailing vague word, where two words or more remain."""
    tokens = phrase.split()
    while tokens[0].islower() and (_bare(tokens[0]) in _VERBS or _bare(tokens[0]).endswith(("ed", "ing"))):
        rest = _strip_joiners(tokens[1:], 0)
        if len(rest) < 2:
            break
        tokens = rest
    while _bare(tokens[-1]) in _VAGUE:
        rest = _strip_joiners(tokens[:-1], -1)
        if len(rest) < 2:
            break
        tokens = rest
    return " ".join(tokens)


def _strip_joiners(tokens: list[str], edge: int) -> list[str]:
    while tokens and _bare(tokens[edge]) in _JOINERS:
        tokens = tokens[1:] if edge == 0 else tokens[:-1]
    return tokens


def _bare(token: str) -> str:
    return token.strip("'\"‘’“”").lower()


def _occurrences(words: Sequence[str], phrase: Sequence[str]) -> list[int]:
    return [i for i in range(len(words) - len(phrase) + 1) if list(words[i:i + len(phrase)]) == list(phrase)]


def _joined(words: Sequence[str], key: set[int], first: int, stop: int) -> bool:
    """Every word between `first` and `stop` is a key word or a small joining word, two of those at most
    in a row."""
    run = 0
    for index in range(first, stop):
        if index in key:
            run = 0
        elif words[index] in _JOINERS:
            run += 1
            if run > 2:
                return False
        else:
            return False
    return True


def _with_neighbour(text: str, keyword: str, stopwords: frozenset[str]) -> str:
    """A key word with the word said before it (or after it) when that is no stopword: "hot wings"."""
    for clause in _CLAUSES.split(text):
        tokens = clause.split()
        words = [_bare(t) for t in tokens]
        for i in _occurrences(words, keyword.lower().split()):
            stop = i + len(keyword.split())
            if i > 0 and words[i - 1].isalpha() and words[i - 1] not in stopwords:
                return " ".join(tokens[i - 1:stop])
            if stop < len(tokens) and words[stop].isalpha() and words[stop] not in stopwords:
                return " ".join(tokens[i:stop + 1])
            return " ".join(tokens[i:stop])
    return keyword


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=8)
def _extractor(language: str, top: int) -> Any:
    import yake

    return yake.KeywordExtractor(lan=language, n=2, top=top, dedupLim=0.7)


def _stopwords(language: str | None) -> frozenset[str]:
    return frozenset(_extractor(language or "en", _CANDIDATES).stopword_set)


def _scored_phrases(text: str, language: str | None, top: int) -> list[tuple[str, float]]:
    """YAKE's key phrases of `text`, best first (a lower score is better)."""
    if not text.strip():
        return []
    try:
        return list(_extractor(language or "en", top).extract_keywords(text))
    except (OSError, LookupError):  # a language YAKE has no stopword list for
        return list(_extractor("en", top).extract_keywords(text))


def key_phrases(text: str, language: str | None = None, count: int = KEYWORDS) -> list[str]:
    """YAKE key phrases, best first, without repeats that differ only in case."""
    phrases: list[str] = []
    for phrase, _score in _scored_phrases(text, language, KEYWORDS * 2):
        words = set(phrase.lower().split())
        if not any(words <= set(kept.lower().split()) for kept in phrases):  # "Khan" after "Oma Khan"
            phrases.append(phrase)
    return phrases[:count]
