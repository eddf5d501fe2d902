"""Topics: where an interview moves on to something new, with a short title and keywords for each part.

An interview is a run of questions and answers, so the interviewer's questions are the main signal: a
question opens a topic unless it follows up on the topic in progress (judged by embedding similarity,
since a follow-up such as "And how did you find the other actors?" shares few words with the answer it
follows). Two other signals cover what questions do not:

- a change of conversation (a recording of several interviews, a panel after a one-to-one): the voices
  heard in the half-minute before a point and the half-minute after it have nobody in common;
- a long stretch without questions (a speech, a monologue answer): a TextTiling-style detector over
  sentence embeddings places a boundary where the similarity of the windows either side dips deepest
  (word overlap, TextTiling's original measure, fails on short conversational turns: they share almost no
  content words).

Who asks is decided per conversation (`speakers.find_interviewer`), since every conversation of a joined
recording has its own interviewer. Titles and keywords come from `titles`: the question condensed, or a
phrase said in the topic.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from transcripts.pipeline.asr import Segment, joined_text
from transcripts.pipeline.diarize import cosine
from transcripts.pipeline.sound import difference
from transcripts.pipeline.speakers import find_interviewer, is_question, profiles
from transcripts.pipeline.titles import KEYWORDS, condense_question, key_phrases, title
from transcripts.turns import speaker_runs

# The title helpers moved to `titles`; these names stay importable from here.
__all__ = ["KEYWORDS", "Topic", "condense_question", "key_phrases", "segment_topics", "title"]

CONVERSATION_WINDOW_S = 30.0  # voices compared before and after a candidate change of conversation
CONVERSATION_MIN_SPEECH_S = 4.0  # speech needed on each side to judge
# Half-minutes either side that differ this much in sound (`sound.difference`; one recording's two halves:
# 0.15-0.75, a phone call against studio recordings: 2.5 or more) ...
SOUND_CHANGE = 1.5
# ... make a new voice's turn a change of conversation while voices already heard say at most this share
# of the half-minute after it, in short turns only (LibriSpeech's readers each have their own microphone:
# sound alone would cut a panel at every new panellist, whom the moderator follows with a full question).
SOUND_OLD_VOICES = 0.25
SOUND_SHORT_TURN_S = 1.5
FOLLOW_UP_SIMILARITY = 0.45  # a question at least this close to the topic in progress continues it
# ... or this close when it opens with a connective ("And how did you find the other actors?"): an
# interviewer's "and" carries the line on. On the sample interview such a follow-up scores 0.42-0.46,
# depending on the ASR's wording, and the new questions 0.30-0.34.
CONNECTED_FOLLOW_UP_SIMILARITY = 0.38
MIN_QUESTION_WORDS = 4  # "Why?" or "Really?" never opens a topic
MIN_TOPIC_S = 5.0  # a question topic shorter than this joins the one before
SEMANTIC_MIN_STRETCH_S = 60.0  # stretches without questions at least this long are searched for shifts
SEMANTIC_MIN_TOPIC_S = 25.0  # topics found by the semantic detector last at least this long
SEMANTIC_WINDOW_S = 20.0  # speech compared either side of a gap
SEMANTIC_MIN_DEPTH = 0.15  # the dip in similarity a semantic boundary needs
_SENTENCES = re.compile(r"(?<=[.?!])\s+")
_CONNECTIVE = re.compile(r"^(?:and|also|so|then|plus)\b", re.IGNORECASE)
REACTION_WORDS = 3  # a sentence this short before a question is a reaction ("Ha, amazing.")
_REACTION = re.compile(
    r"^(?:(?:oh|ah|wow|ha|haha|okay|ok|yeah|yes|right|well|so|and|great|cool|nice|perfect|awesome|amazing|"
    r"wonderful|fantastic|beautiful|brilliant|exactly|absolutely|totally|sure|man|guys|you guys|"
    r"thank you|thanks|thank you so much|thanks so much|thank you very much|appreciate it|i appreciate it|"
    r"i love that|love that|that's (?:so |really )?(?:great|amazing|awesome|funny|hilarious|cool|fair|true|"
    r"wild|crazy|incredible|fantastic|beautiful|wonderful|good)|that is (?:great|amazing)|"
    r"(?-i:[A-Z][a-z]+))[\s,.!…]*)+$",
    re.IGNORECASE)


@dataclass(frozen=True)
class Topic:
    """Segments `first` up to (not including) `stop`, as plain data for the store."""

    first: int
    stop: int
    start: float
    end: float
    title: str
    keywords: tuple[str, ...]
    question: str | None


@dataclass(frozen=True)
class _Turn:
    first: int
    stop: int
    speaker: str
    start: float
    end: float


@dataclass(frozen=True)
class _Boundary:
    index: int  # the first segment of the new topic
    question: str | None = None


def segment_topics(segments: Sequence[Segment], vectors: np.ndarray, language: str | None = None,
                   interviewer: str | None = None, sound: np.ndarray | None = None) -> list[Topic]:
    """Topics covering every segment, in order. `vectors` are unit sentence embeddings, one per segment;
    `interviewer` is the label of whoever asks, when known for the whole recording; `sound` the band
    shares of each segment (`sound.band_shares`), when the audio is at hand."""
    if not segments:
        return []
    turns = _turns(segments)
    changes = conversation_changes(turns, segments, sound)
    starts = [0, *changes, len(segments)]
    asker = interviewer if not changes else None  # each conversation of a joined recording finds its own
    boundaries: list[_Boundary] = []
    for first, stop in itertools.pairwise(starts):
        boundaries.extend(question_boundaries(segments, turns, vectors, first, stop, asker))
    boundaries = _with_semantic_shifts(segments, vectors, boundaries)
    return _build(segments, boundaries, language)


def _turns(segments: Sequence[Segment]) -> list[_Turn]:
    return [_Turn(run.first, run.stop, run.speaker, run.items[0].start, run.items[-1].end)
            for run in speaker_runs(segments, lambda segment: segment.speaker or "")]


def _voices(turns: Sequence[_Turn], start: float, end: float) -> tuple[set[str], float]:
    """Who speaks between `start` and `end`, and for how long in all."""
    heard: set[str] = set()
    speech = 0.0
    for turn in turns:
        overlap = min(turn.end, end) - max(turn.start, start)
        if overlap > 0:
            heard.add(turn.speaker)
            speech += overlap
    return heard, speech


def conversation_changes(turns: Sequence[_Turn], segments: Sequence[Segment] = (),
                         sound: np.ndarray | None = None) -> list[int]:
    """First segments of new conversations.

    Voices are the main signal. After a turn, for half a minute, only voices new to the conversation in
    progress speak, having said nothing in the half-minute before either (a recording of different
    interviews); or one voice goes on while the others leave for good and a new one takes their place (a
    junket day: the same interviewer, one guest after another; or the same guest, one interviewer after
    another). A change of sound is evidence too: where the half-minutes either side sound clearly
    different (`SOUND_CHANGE`: a phone line after a studio microphone), a new voice's turn opens a new
    conversation even when a little of the speech after it (a short exchange the encoder gave to voices
    already heard) carries old voices.

    A panellist who speaks for the first time late in a panel is not a change: the moderator who gave them
    the floor speaks before and after, and the other panellists speak again later.
    """
    changes: list[int] = []
    heard = {turns[0].speaker} if turns else set()
    since = 0.0  # where the conversation in progress started
    for index, turn in enumerate(turns[1:], start=1):
        before, before_speech = _voices(turns, turn.start - CONVERSATION_WINDOW_S, turn.start)
        after, after_speech = _voices(turns, turn.start, turn.start + CONVERSATION_WINDOW_S)
        found = len(changes)
        if (before_speech >= CONVERSATION_MIN_SPEECH_S and after_speech >= CONVERSATION_MIN_SPEECH_S
                and turn.speaker):
            if not after & (heard | before):
                changes.append(turn.first)
                heard = set()
            elif turn.speaker not in heard and (cut := _new_guest(turns, index, heard, segments)) is not None:
                changes.append(cut)
                heard = {t.speaker for t in turns[index:] if t.speaker in heard}
            elif (turn.speaker not in heard and sound is not None
                  and _only_short_turns(turns[index:], heard | before, turn.start)
                  and _sound_change(segments, sound, turn.start, since) >= SOUND_CHANGE):
                changes.append(turn.first)
                heard = set()
        if len(changes) > found:
            since = segments[changes[-1]].start if segments else turn.start
        heard.add(turn.speaker)
    return changes


def _only_short_turns(later: Sequence[_Turn], voices: set[str], start: float) -> bool:
    """Whether `voices` say nothing in the half-minute from `start` but short turns (a "Hello?" the encoder
    gave to a voice already heard), at most `SOUND_OLD_VOICES` of the speech there."""
    end = start + CONVERSATION_WINDOW_S
    old = [t for t in later if t.speaker in voices and t.start < end]
    heard = sum(min(t.end, end) - max(t.start, start) for t in later if t.start < end)
    return (all(t.end - t.start <= SOUND_SHORT_TURN_S for t in old)
            and sum(t.end - t.start for t in old) <= SOUND_OLD_VOICES * max(heard, 1e-6))


def _sound_change(segments: Sequence[Segment], sound: np.ndarray, at: float, since: float) -> float:
    """How differently the half-minute after `at` sounds from the one before it (within the conversation
    in progress, which starts at `since`); 0 when the conversation has said too little yet to compare."""
    before = [i for i, s in enumerate(segments) if max(at - CONVERSATION_WINDOW_S, since) <= s.start < at]
    after = [i for i, s in enumerate(segments) if at <= s.start < at + CONVERSATION_WINDOW_S]
    if sum(segments[i].end - segments[i].start for i in before) < CONVERSATION_MIN_SPEECH_S:
        return 0.0
    seconds = np.array([s.end - s.start for s in segments])
    return difference(sound[before], sound[after], seconds[before], seconds[after])


def _new_guest(turns: Sequence[_Turn], index: int, heard: set[str], segments: Sequence[Segment]) -> int | None:
    """Where a new conversation starts when turn `index` brings in a new voice, one voice of the
    conversation goes on, and every other voice of it has spoken for the last time; None when that is not
    so. The change is placed at the longest silence between the last words of those who left and the new
    voice's first."""
    turn = turns[index]
    later = turns[index:]
    staying = {t.speaker for t in later if t.speaker in heard}
    leaving = heard - staying
    newcomer = sum(t.end - t.start for t in later if t.speaker == turn.speaker
                   and t.start < turn.start + CONVERSATION_WINDOW_S)
    if len(staying) != 1 or not leaving or newcomer < CONVERSATION_MIN_SPEECH_S:
        return None
    spoken = sum(t.end - t.start for t in turns[:index] if t.speaker in leaving)
    if spoken < CONVERSATION_MIN_SPEECH_S:
        return None
    last = max(i for i in range(index) if turns[i].speaker in leaving)
    first, stop = turns[last].stop, turn.first
    if not segments or first >= stop:
        return turns[last + 1].first
    return max(range(first, stop + 1), key=lambda i: (segments[i].start - segments[i - 1].end, i))


def question_boundaries(segments: Sequence[Segment], turns: Sequence[_Turn], vectors: np.ndarray, first: int,
                        stop: int, asker: str | None = None) -> list[_Boundary]:
    """The topics of one conversation (segments `first`..`stop`) that questions open, the first at `first`.

    Who asks and how matter more than whisper's punctuation: a turn of the interviewer that the guest
    answers opens a topic, unless it follows up on the topic in progress or only thanks and reacts ("Thank
    you so much."). The topic opens at the question itself when the turn starts with a short reaction
    ("Ha, amazing. Kyle, what do you think…"). A question within the first seconds of the conversation
    (after a greeting) names its first topic.
    """
    boundaries = [_Boundary(first)]
    inside = [t for t in turns if first <= t.first < stop]
    if asker is None:
        asker = find_interviewer(profiles(segments[first:stop], {}))
    if asker is None:
        return boundaries
    for turn, following in itertools.pairwise(inside):
        if turn.speaker != asker or following.speaker == asker:
            continue
        opening = _opening(segments, turn)
        text = joined_text(segments[opening:turn.stop])
        if len(text.split()) < MIN_QUESTION_WORDS or _only_reacts(text):
            continue
        current = boundaries[-1]
        if segments[opening].start - segments[current.index].start < MIN_TOPIC_S:
            if current.question is None:
                boundaries[-1] = _Boundary(current.index, text)
            continue
        topic_vector = vectors[current.index:opening].mean(axis=0)
        needed = CONNECTED_FOLLOW_UP_SIMILARITY if _CONNECTIVE.match(text.strip()) else FOLLOW_UP_SIMILARITY
        if cosine(topic_vector, vectors[opening:turn.stop].mean(axis=0)) >= needed:
            continue
        boundaries.append(_Boundary(opening, text))
    return boundaries


def _opening(segments: Sequence[Segment], turn: _Turn) -> int:
    """The segment of an interviewer's turn where its question starts: the first that asks, when all before
    it are short reactions; else the turn's first."""
    for index in range(turn.first, turn.stop):
        if is_question(segments[index].text):
            before = segments[turn.first:index]
            if all(len(s.text.split()) <= REACTION_WORDS or _only_reacts(s.text) for s in before):
                return index
            break
    return turn.first


def _only_reacts(text: str) -> bool:
    """Thanks and reactions only ("Thank you so much, guys. That's amazing."): nothing asked or said."""
    sentences = [s for s in _SENTENCES.split(text.strip()) if s]
    return all(_REACTION.match(s) for s in sentences)


def _with_semantic_shifts(segments: Sequence[Segment], vectors: np.ndarray, boundaries: list[_Boundary]
                          ) -> list[_Boundary]:
    """Add semantic boundaries inside long stretches that no question or conversation change divides."""
    indices = [b.index for b in boundaries]
    added: list[_Boundary] = []
    for first, stop in zip(indices, [*indices[1:], len(segments)], strict=True):
        if segments[stop - 1].end - segments[first].start >= SEMANTIC_MIN_STRETCH_S:
            added.extend(_Boundary(i) for i in semantic_shifts(segments, vectors, first, stop))
    return sorted([*boundaries, *added], key=lambda b: b.index)


def semantic_shifts(segments: Sequence[Segment], vectors: np.ndarray, first: int, stop: int) -> list[int]:
    """TextTiling on embeddings: gaps where the speech either side is least alike, deepest first."""
    gaps = list(range(first + 1, stop))
    if not gaps:
        return []
    similarity = np.array([_window_similarity(segments, vectors, first, stop, gap) for gap in gaps])
    depth = np.array([_depth(similarity, i) for i in range(len(gaps))])
    cutoff = max(SEMANTIC_MIN_DEPTH, float(depth.mean() + depth.std() / 2))
    chosen: list[int] = []
    edges = [segments[first].start, segments[stop - 1].end]
    for i in np.argsort(-depth):
        if depth[i] < cutoff:
            break
        at = segments[gaps[i]].start
        if all(abs(at - edge) >= SEMANTIC_MIN_TOPIC_S for edge in edges):
            chosen.append(gaps[i])
            edges.append(at)
    return sorted(chosen)


def _window_similarity(segments: Sequence[Segment], vectors: np.ndarray, first: int, stop: int,
                       gap: int) -> float:
    at = segments[gap].start
    left = [i for i in range(first, gap) if segments[i].end > at - SEMANTIC_WINDOW_S] or [gap - 1]
    right = [i for i in range(gap, stop) if segments[i].start < at + SEMANTIC_WINDOW_S] or [gap]
    return cosine(vectors[left].mean(axis=0), vectors[right].mean(axis=0))


def _depth(similarity: np.ndarray, i: int) -> float:
    """How far the similarity at gap i lies below the nearest peaks on either side (TextTiling's depth)."""
    left = i
    while left > 0 and similarity[left - 1] >= similarity[left]:
        left -= 1
    right = i
    while right < len(similarity) - 1 and similarity[right + 1] >= similarity[right]:
        right += 1
    return float(similarity[left] - similarity[i] + similarity[right] - similarity[i])


def _build(segments: Sequence[Segment], boundaries: list[_Boundary], language: str | None) -> list[Topic]:
    stops = [b.index for b in boundaries[1:]] + [len(segments)]
    topics = []
    for boundary, stop in zip(boundaries, stops, strict=True):
        text = joined_text(segments[boundary.index:stop])
        keywords = key_phrases(text, language)
        topics.append(Topic(boundary.index, stop, segments[boundary.index].start, segments[stop - 1].end,
                            title(boundary.question, text, language), tuple(keywords), boundary.question))
    return topics

