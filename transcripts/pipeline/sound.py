"""What a recording sounds like, stretch by stretch: the share of its energy in a few frequency bands.

A change of sound is evidence of a change of conversation in a file that joins several (a phone line after
a studio microphone, another room): a phone line carries nothing above 3.4 kHz, a close microphone carries
energy up to 8 kHz, a far-field meeting microphone mostly the low bands. Measured on the shared recordings
(log10 band shares, Euclidean distance): the two halves of one recording differ by 0.15-0.75, the phone
call and the studio recordings by 2.5 or more (docs/benchmarks.md).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from transcripts.pipeline.media import SAMPLE_RATE

BAND_EDGES_HZ = (0, 300, 1000, 2000, 3400, 5000, 8000)
_FRAME = 512
_FLOOR = 1e-6


def band_shares(mono: np.ndarray, spans: Sequence[tuple[float, float]]) -> np.ndarray:
    """For each span (seconds), its energy per band as shares that sum to 1 (zeros for a silent span).

    Only the louder half of a span's frames counts, so the pauses (room noise) do not blur its sound.
    """
    freqs = np.fft.rfftfreq(_FRAME, 1 / SAMPLE_RATE)
    masks = [(freqs >= lo) & (freqs < hi) for lo, hi in itertools.pairwise(BAND_EDGES_HZ)]
    window = np.hanning(_FRAME)
    out = np.zeros((len(spans), len(masks)), dtype=np.float64)
    for index, (start, end) in enumerate(spans):
        part = np.asarray(mono[int(start * SAMPLE_RATE):int(end * SAMPLE_RATE)], dtype=np.float64)
        count = len(part) // _FRAME
        if count == 0:
            continue
        power = np.abs(np.fft.rfft(part[:count * _FRAME].reshape(count, _FRAME) * window, axis=1)) ** 2
        totals = power.sum(axis=1)
        loud = power[totals >= np.median(totals)]
        bands = np.array([loud[:, mask].sum() for mask in masks])
        if bands.sum() > 0:
            out[index] = bands / bands.sum()
    return out


def difference(before: np.ndarray, after: np.ndarray, weights_before: np.ndarray, weights_after: np.ndarray
               ) -> float:
    """How different two stretches sound: the distance between their mean band shares (log10), each mean
    weighted (by seconds of speech); 0 when either side has no sound to compare."""
    if not len(before) or not len(after) or weights_before.sum() <= 0 or weights_after.sum() <= 0:
        return 0.0
    mean_before = np.average(before, axis=0, weights=weights_before)
    mean_after = np.average(after, axis=0, weights=weights_after)
    if mean_before.sum() <= 0 or mean_after.sum() <= 0:
        return 0.0
    return float(np.linalg.norm(np.log10(mean_before + _FLOOR) - np.log10(mean_after + _FLOOR)))
