"""Check an article's quotations against what was recorded: said as printed, altered, or not said at all,
and said by the person the article names.

Each quotation the article holds (`quotations.read_quotations`) is aligned against every linked
transcript's words (`quotes.best_alignment`, which prefers the named person's occurrence of a quote said
more than once); the speaker who said the aligned words is compared with the name the article gives.
Scare quotes and titles set aside by `read_quotations` are counted, not checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from transcripts.document import TranscriptDoc
from transcripts.editorial.quotations import Quotation, read_quotations
from transcripts.editorial.quotes import Alignment, Spoken, best_alignment, names_match


@dataclass(frozen=True)
class QuoteCheck:
    quotation: Quotation
    alignment: Alignment | None

    @property
    def status(self) -> str:
        return self.alignment.status if self.alignment else "not_found"

    @property
    def speaker_match(self) -> bool | None:
        """True/False when the article names someone, the quote was found and its speaker is named; None
        otherwise (an unnamed `S2` can neither confirm nor contradict the article)."""
        if self.quotation.attributed_to is None or self.status == "not_found" or self.alignment is None:
            return None
        return names_match(self.quotation.attributed_to, self.alignment.passage.speaker)

    def as_json(self) -> dict[str, Any]:
        found = self.alignment if self.status != "not_found" else None
        passage = found.passage if found else None
        speaker = passage.speaker if passage else None
        return {
            "quote": self.quotation.text,
            "status": self.status,
            "transcript_id": passage.transcript.id if passage else None,
            "start": passage.start if passage else None,
            "end": passage.end if passage else None,
            "speaker": speaker.display if speaker else None,
            "attributed_to": self.quotation.attributed_to,
            "speaker_match": self.speaker_match,
            "said": passage.text if passage else None,
            "diff": [d.as_json() for d in found.differences] if found else [],
            "equivalent": [e.as_json() for e in found.equivalents] if found else [],
            "spans": [list(span) for span in self.quotation.spans],
        }


@dataclass(frozen=True)
class ArticleCheck:
    """The checks of an article's quotations, and the scare quotes and titles left unchecked."""

    checks: list[QuoteCheck]
    set_aside: list[Quotation]

    def as_json(self, set_aside: bool = False) -> list[dict[str, Any]]:
        """The checks; with `set_aside`, the scare quotes after them too, with the status "set_aside"."""
        unchecked = [QuoteCheck(q, None).as_json() | {"status": "set_aside"} for q in self.set_aside]
        return [c.as_json() for c in self.checks] + (unchecked if set_aside else [])


def check_quotations(body: str, transcripts: list[TranscriptDoc]) -> ArticleCheck:
    """One check per quotation in `body`, in the article's order, and what was set aside."""
    names = sorted({s.name for doc in transcripts for s in doc.speakers if s.name})
    spoken = [Spoken.of(doc) for doc in transcripts]
    found = read_quotations(body, names=names)
    checks = [QuoteCheck(q, best_alignment(spoken, q.text, q.attributed_to)) for q in found.quotations]
    return ArticleCheck(checks, found.set_aside)


def check_article(body: str, transcripts: list[TranscriptDoc]) -> list[QuoteCheck]:
    """One check per quotation in `body`, in the article's order."""
    return check_quotations(body, transcripts).checks
