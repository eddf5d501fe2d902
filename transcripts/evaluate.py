"""Scoring against ground truth: the shared recordings, their reference formats, and word error rate.

Used by the tests and the `bench/` programs, which must score the same way. jiwer (a dev extra) is
imported only when a WER is asked for.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from transcripts.diarize import Turn

JFK_TEXT = ("And so my fellow Americans, ask not what your country can do for you, "
            "ask what you can do for your country.")


def recordings_dir() -> Path:
    """The real recordings: TRANSCRIPTS_TEST_DATA, else `../shared/data` beside the checkout."""
    env = os.environ.get("TRANSCRIPTS_TEST_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "data"


def normalise(text: str) -> str:
    """Lower-case words without punctuation, hyphens split: how word error rates are counted here."""
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("-", " ")).split())


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    return float(jiwer.wer(normalise(reference), normalise(hypothesis)))


def stm_text(path: Path) -> str:
    """The reference words of an STM file (`file channel speaker start end text`), in time order."""
    rows = []
    for line in path.read_text().splitlines():
        parts = line.split(maxsplit=5)
        if len(parts) == 6 and not line.startswith(";;"):
            rows.append((float(parts[3]), parts[5]))
    return " ".join(text for _, text in sorted(rows))


def rttm_turns(path: Path) -> list[Turn]:
    """The `SPEAKER` lines of an RTTM file as turns (start, end, speaker)."""
    rows = [line.split() for line in path.read_text().splitlines() if line.startswith("SPEAKER")]
    return [Turn(float(r[3]), float(r[3]) + float(r[4]), r[7]) for r in rows]
