"""Timestamps as people read and type them: `HH:MM:SS`, `MM:SS.s`, SRT's comma and WebVTT's dot."""

from __future__ import annotations

import re

_TIMESTAMP = re.compile(r"^(?:(?:(\d+):)?(\d{1,2}):)?(\d+(?:[.,]\d+)?)$")


def _split(seconds: float) -> tuple[int, int, int, int]:
    millis = max(0, round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return hours, minutes, secs, millis


def hms(seconds: float) -> str:
    """`00:01:23`: what `show` prints before each line."""
    hours, minutes, secs, _ = _split(float(int(max(0.0, seconds))))
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


def srt(seconds: float) -> str:
    hours, minutes, secs, millis = _split(seconds)
    return f"{hours:02d}:{minutes:02d}:{secs:02d},{millis:03d}"


def vtt(seconds: float) -> str:
    hours, minutes, secs, millis = _split(seconds)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def parse(text: str) -> float:
    """Accept `83.4`, `1:23.4`, `01:23`, `00:01:23,400`; raise ValueError otherwise."""
    match = _TIMESTAMP.match(text.strip())
    if not match:
        raise ValueError(f"not a timestamp: {text!r} (use HH:MM:SS, MM:SS.s or seconds)")
    hours, minutes, secs = match.groups()
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(secs.replace(",", "."))
