"""Ingest, step by step, on real recordings: progress moves through every step and never back, the time
left only counts down, and the voice-activity network runs once per file whatever the steps that need it."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import onnxruntime
import pytest

from transcripts.config import load_settings
from transcripts.ingest import STEPS, Eta, IngestOptions, Ingestor
from transcripts.pipeline import media
from transcripts.pipeline.asr import Transcriber
from transcripts.pipeline.vad import FRAME_SAMPLES
from transcripts.store.db import Store


class Recorder:
    """A `Progress` that remembers every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, float, str]] = []

    def start(self, total_seconds: float) -> None:
        self.calls.append(("start", total_seconds, ""))

    def file(self, path: Path, duration: float) -> None:
        self.calls.append(("file", duration, path.name))

    def advance(self, seconds_in_file: float, step: str) -> None:
        self.calls.append(("advance", seconds_in_file, step))

    def done_file(self) -> None:
        self.calls.append(("done", 0.0, ""))


@pytest.fixture
def ingestor(home: Path, transcriber: Transcriber) -> Ingestor:
    url = f"sqlite:///{home / 'progress.db'}"
    return Ingestor(Store(url), load_settings(db=url), transcriber=transcriber)


def test_progress_is_reported_during_every_step_and_never_goes_back(ingestor: Ingestor, data_dir: Path) -> None:
    progress = Recorder()
    [result] = ingestor.ingest([data_dir / "pyannote_sample.wav"], IngestOptions(), progress)
    assert result.status == "ingested", result.error
    assert progress.calls[0] == ("start", pytest.approx(30.0, abs=0.05), "")
    advances = [(seconds, step) for kind, seconds, step in progress.calls if kind == "advance"]
    steps_seen = [step for _, step in advances]
    # every step reports, in order, and more than once where it has work to follow
    assert list(dict.fromkeys(steps_seen)) == [name for name, _ in STEPS]
    for name in ("voice activity", "transcribe", "speakers", "topics", "store"):
        assert steps_seen.count(name) >= 2, name
    positions = [seconds for seconds, _ in advances]
    assert positions == sorted(positions)
    assert positions[0] == 0.0 and positions[-1] == pytest.approx(30.0, abs=0.05)
    assert progress.calls[-1][0] == "done"
    assert set(result.timings) >= {"voice activity", "main pass", "recovery", "speaker embeddings", "clustering",
                                   "speakers", "topics", "store"}


def test_the_time_left_only_counts_down() -> None:
    now = [0.0]
    eta = Eta(100.0, clock=lambda: now[0])
    shown = []
    # 10 s of audio per second, then a slow stretch (1 s of audio per second), then fast again
    for done, at in [(10, 1), (20, 2), (30, 3), (31, 4), (32, 5), (33, 6), (60, 7), (90, 8), (100, 9)]:
        now[0] = at
        shown.append(eta(done))
    assert shown[0] == pytest.approx(9.0)
    assert all(later <= earlier for earlier, later in itertools.pairwise(shown))
    assert shown[-1] == 0.0


def test_ingest_runs_the_voice_activity_network_once_per_file(
        ingestor: Ingestor, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Silero's ONNX session (the only one fed a state `h`) sees each file's frames exactly once: whisper's
    filter, the diarizer and the skipped-speech check all take their regions from that one pass. The stereo
    file with one voice per channel takes its voiceprints without running it on each channel."""
    frames = []
    run = onnxruntime.InferenceSession.run

    def counting(self: onnxruntime.InferenceSession, output_names: object, input_feed: dict[str, np.ndarray],
                 *args: object, **kwargs: object) -> object:
        if "h" in input_feed:
            frames.append(len(input_feed["input"]))
        return run(self, output_names, input_feed, *args, **kwargs)

    monkeypatch.setattr(onnxruntime.InferenceSession, "run", counting)
    names = ["pyannote_sample.wav", "fw_jfk.flac", "fw_stereo_diarization.wav"]
    results = ingestor.ingest([data_dir / name for name in names], IngestOptions())
    assert [r.status for r in results] == ["ingested"] * 3, [r.error for r in results]
    lengths = [len(media.samples(media.decode(media.probe(data_dir / name)))) for name in names]
    assert sum(frames) == sum(n // FRAME_SAMPLES + 1 for n in lengths)
