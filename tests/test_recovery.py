"""No speech is lost: a passage that whisper skips is found and transcribed again.

The recording is built from real ones (found by search, see docs/benchmarks.md): a phone call, then a
quiet interview (level 0.03), then Kennedy. Whisper's first 30 s window ends after the phone call and the
quiet speech that opens the interview gets no words.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from transcripts.pipeline import media
from transcripts.pipeline.asr import DecodeOptions, Transcriber, skipped_speech


def load(path: Path) -> np.ndarray:
    return media.samples(media.decode(media.probe(path)))


@pytest.fixture(scope="module")
def skipping_recording(data_dir: Path) -> np.ndarray:
    interview = load(data_dir / "libri_interview_1688_1998.wav")[: 60 * media.SAMPLE_RATE]
    parts = [load(data_dir / "pyannote_sample.wav"), interview * 0.03, load(data_dir / "fw_jfk.flac")]
    return np.concatenate(parts).astype(np.float32)


@pytest.mark.slow
def test_speech_that_whisper_skips_is_transcribed_again(
        transcriber: Transcriber, skipping_recording: np.ndarray) -> None:
    bare = transcriber.transcribe(skipping_recording, DecodeOptions(recover=False))
    skipped = skipped_speech(skipping_recording, bare.words, min_speech=2.0)
    assert skipped, "the bare model no longer skips here: rebuild the recording"
    assert max(end - start for start, end in skipped) > 4.0  # 30.8-36.4 s here

    recovered = transcriber.transcribe(skipping_recording, DecodeOptions())
    assert recovered.recovered
    assert skipped_speech(skipping_recording, recovered.words, min_speech=2.0) == []
    new_words = [w for w in recovered.words if any(s - 0.5 <= w.start <= e + 0.5 for s, e in skipped)]
    assert len(new_words) >= 5
    starts = [w.start for w in recovered.words]
    assert starts == sorted(starts)
