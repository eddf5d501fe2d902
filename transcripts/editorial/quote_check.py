"""Check an article's quotations against what was recorded: said as printed, altered, or not said at all,
and said by the person the article names.

Each quotation the article holds (`quotations.find_quotations`) is aligned against every linked
transcript's words (`quotes.best_alignment`); the speaker who said the aligned words is compared with the
name the article gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from transcripts.document import TranscriptDoc
from transcripts.editorial.quotations import Quotation, find_quotations
from transcripts.editorial.quotes import Alignment, best_alignment, names_match


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
        }


def check_article(body: str, transcripts: list[TranscriptDoc]) -> list[QuoteCheck]:
    """One check per quotation in `body`, in the article's order."""
    names = sorted({s.name for doc in transcripts for s in doc.speakers if s.name})
    return [QuoteCheck(quotation, best_alignment(transcripts, quotation.text))
            for quotation in find_quotations(body, names=names)]
