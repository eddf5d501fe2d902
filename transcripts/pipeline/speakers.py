"""Who the speakers are: talk time, the interviewer, enrolled voices, and the names a reporter gives.

Works on plain data (segments with speaker labels, voiceprints as numpy vectors) after `diarize` has cut
the transcript into speaker segments, and before the store writes it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from transcripts.pipeline.asr import Segment
from transcripts.pipeline.diarize import ENROLLED_MATCH, blend, cosine, renumber
from transcripts.turns import speaker_runs

# What asks, said at the start of a sentence, after fillers and a name ("So Kyle, what do you think…"):
# question words, an auxiliary before its subject ("did you", "is it"), and the requests interviewers use.
_LEAD = r"(?:(?:so|and|but|well|okay|ok|now|um|uh|oh|yeah|right|alright|all right)\b[,.]?\s*)*"
_NAME = r"(?-i:(?:[A-Z][\w'’-]*(?:\s+(?:and\s+)?[A-Z][\w'’-]*){0,2},\s*)?)"
_WH = r"what|why|how|when|where|who|whom|whose|which"
_AUX = (r"do|does|did|can|could|would|will|is|are|was|were|have|has|had|should|shall|may|might|must|"
        r"don't|doesn't|didn't|can't|couldn't|wouldn't|won't|isn't|aren't|wasn't|weren't|haven't|hasn't")
_SUBJECT = r"you|your|we|they|he|she|it|i|there|that|this|these|those|the|a|an|any|anyone|anybody|people|[A-Z]\w*"
_REQUEST = (r"tell me|tell us|talk about|talk to me about|talk to us about|walk me through|walk us through|"
            r"describe|explain|i'm curious|i am curious|i wonder|i'd love to know|i want to know|"
            r"what's|how's|who's|where's|why's")
_QUESTION_START = re.compile(
    rf"^{_LEAD}{_NAME}(?:(?:{_REQUEST})\b|(?:{_AUX})\s+(?-i:{_SUBJECT})\b|(?:{_WH})\b(?!\s+(?:i|we|he|she|they|it|you)\b))",
    re.IGNORECASE)

@dataclass
class SpeakerProfile:
    """One speaker of one transcript, as the store will keep it."""

    label: str
    talk_time: float = 0.0
    turns: int = 0
    questions: int = 0
    first_start: float = 0.0
    transitions: int = 0  # changes of speaker this one takes part in (from or to)
    voiceprint: np.ndarray | None = None
    name: str | None = None
    person: str | None = None  # the enrolled person matched by voice
    similarity: float | None = None
    is_interviewer: bool = False


@dataclass(frozen=True)
class EnrolledVoice:
    name: str
    voiceprint: np.ndarray


def is_question(text: str) -> bool:
    """Whether a sentence asks: a question mark, or a question's form whatever whisper's punctuation.

    A question word opens a question unless a subject follows it straight away ("When I was a kid…" is a
    statement, "When did you…" a question); an auxiliary does when its subject follows ("Did you…",
    "Is it…", not "Could be."); and so do an interviewer's requests ("Tell me about…").
    """
    text = text.strip()
    return text.rstrip("\"'”’)").endswith(("?", "？")) or bool(_QUESTION_START.match(text))


def profiles(segments: Sequence[Segment], voiceprints: dict[str, np.ndarray]) -> dict[str, SpeakerProfile]:
    """Talk time, turns (runs of segments) and questions of every speaker, in order of first appearance."""
    found: dict[str, SpeakerProfile] = {}
    previous: str | None = None
    for run in speaker_runs(segments, lambda segment: segment.speaker or "S1"):
        label = run.speaker
        profile = found.setdefault(label, SpeakerProfile(label, first_start=run.items[0].start,
                                                         voiceprint=voiceprints.get(label)))
        profile.turns += 1
        if previous is not None:
            profile.transitions += 1
            found[previous].transitions += 1
        for segment in run.items:
            profile.talk_time += segment.end - segment.start
            sentences = re.split(r"(?<=[.?!])\s+", segment.text)
            profile.questions += sum(is_question(sentence) for sentence in sentences if sentence)
        previous = label
    for profile in found.values():
        profile.talk_time = round(profile.talk_time, 3)
    return found


def find_interviewer(found: dict[str, SpeakerProfile]) -> str | None:
    """The one who asks: questions per turn, less talk time, short turns, often the first voice, and in a
    panel the hub that every answer comes back to (part of nearly every change of speaker).

    Only where two or more people speak (None otherwise).
    """
    if len(found) < 2:
        return None
    total = sum(p.talk_time for p in found.values()) or 1.0
    changes = sum(p.transitions for p in found.values()) / 2 or 1.0
    first = min(found.values(), key=lambda p: p.first_start).label

    def score(profile: SpeakerProfile) -> float:
        per_turn = profile.questions / max(profile.turns, 1)
        mean_turn = profile.talk_time / max(profile.turns, 1)
        return (2.0 * min(per_turn, 1.0) + (1.0 - profile.talk_time / total)
                + 0.5 * (profile.label == first) + 0.5 / (1.0 + mean_turn / 10.0)
                + 2.0 * profile.transitions / changes)

    return max(found.values(), key=score).label


def match_enrolled(found: dict[str, SpeakerProfile], enrolled: Sequence[EnrolledVoice],
                   threshold: float = ENROLLED_MATCH) -> dict[str, tuple[str, float]]:
    """label -> (person, similarity) for each speaker whose voice clears the threshold."""
    matches: dict[str, tuple[str, float]] = {}
    for label, profile in found.items():
        if profile.voiceprint is None or not enrolled:
            continue
        scored = [(cosine(profile.voiceprint, voice.voiceprint), voice.name) for voice in enrolled]
        similarity, name = max(scored)
        if similarity >= threshold:
            matches[label] = (name, round(similarity, 4))
    return matches


def merge_labels(segments: list[Segment], mapping: dict[str, str]) -> list[Segment]:
    """Relabel segments (two labels matched to one enrolled voice are one speaker), then renumber S1…
    in order of first appearance."""
    relabelled = [replace(s, speaker=mapping.get(s.speaker or "", s.speaker)) for s in segments]
    return renumber(relabelled, {})[0]


def identify(segments: list[Segment], voiceprints: dict[str, np.ndarray], enrolled: Sequence[EnrolledVoice],
             interviewer: str | None = None, people: Sequence[str] = ()
             ) -> tuple[list[Segment], list[SpeakerProfile]]:
    """Name the speakers: enrolled voices first, then `--interviewer` and `--people` for the rest."""
    found = profiles(segments, voiceprints)
    matches = match_enrolled(found, enrolled)
    by_person: dict[str, str] = {}
    mapping: dict[str, str] = {}
    for label in found:
        if label in matches:
            person = matches[label][0]
            mapping[label] = by_person.setdefault(person, label)
    if any(source != target for source, target in mapping.items()):
        merged = merge_labels(segments, mapping)
        merged_prints = _merge_prints(found, merged, segments)
        return identify(merged, merged_prints, enrolled, interviewer, people)

    for label, (person, similarity) in matches.items():
        found[label].name, found[label].person, found[label].similarity = person, person, similarity
    asker = find_interviewer(found)
    if asker is not None:
        found[asker].is_interviewer = True
        if interviewer and found[asker].name is None:
            found[asker].name = interviewer
    unnamed = sorted((p for p in found.values() if p.name is None and not p.is_interviewer),
                     key=lambda p: -p.talk_time)
    for profile, name in zip(unnamed, [n for n in people if n not in {p.name for p in found.values()}],
                             strict=False):
        profile.name = name
    return segments, list(found.values())


def _merge_prints(found: dict[str, SpeakerProfile], merged: list[Segment], original: list[Segment]
                  ) -> dict[str, np.ndarray]:
    """Voiceprints after a merge, weighted by talk time, under the renumbered labels."""
    new_label = {before.speaker: after.speaker for before, after in zip(original, merged, strict=True)}
    groups: dict[str, list[tuple[np.ndarray, float]]] = {}
    for label, profile in found.items():
        if profile.voiceprint is not None:
            groups.setdefault(new_label.get(label) or label, []).append((profile.voiceprint, profile.talk_time))
    return {label: blend(group) for label, group in groups.items()}
