"""One voice-activity pass per recording: the regions each step derives from it are exactly those Silero
would give that step if it ran again, and whisper's filter over them writes the words bare whisper writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from faster_whisper.vad import get_speech_timestamps

from transcripts.pipeline import media, vad
from transcripts.pipeline.asr import DecodeOptions, Transcriber, _collect


def load(path: Path) -> np.ndarray:
    return media.samples(media.decode(media.probe(path)))


@pytest.mark.parametrize("name", ["pyannote_sample.wav", "libri_interview_1688_1998.wav", "pyannote_empty.wav"])
def test_each_steps_regions_from_one_pass_are_those_of_its_own_vad_run(data_dir: Path, name: str) -> None:
    audio = load(data_dir / name)
    activity = vad.detect(audio)
    assert len(activity.probabilities) == len(audio) // vad.FRAME_SAMPLES + 1
    for options in (vad.WHISPER, vad.DIARIZER, vad.GAPS):
        assert activity.chunks(options) == get_speech_timestamps(audio, options)


def test_the_diarizers_regions_are_tighter_than_whispers(data_dir: Path) -> None:
    activity = vad.detect(load(data_dir / "libri_interview_1688_1998.wav"))
    whisper, diarizer = activity.regions(vad.WHISPER), activity.regions(vad.DIARIZER)
    assert len(diarizer) > len(whisper) >= 1
    assert sum(e - s for s, e in diarizer) < sum(e - s for s, e in whisper)


def test_whisper_over_the_shared_regions_writes_what_bare_whisper_writes(
        transcriber: Transcriber, data_dir: Path) -> None:
    audio = load(data_dir / "pyannote_sample.wav")
    raw, info = transcriber.model.transcribe(audio, **transcriber.whisper_kwargs(DecodeOptions()))
    bare = [(w.start, w.end, w.text) for segment in _collect(raw, 0.0) for w in segment.words]
    ours = transcriber.main_pass(audio, DecodeOptions(), vad.detect(audio))
    assert [(w.start, w.end, w.text) for w in ours.words] == bare
    assert ours.language == info.language
