"""Speaker clustering: windows labelled exactly as senko 0.2.2 labels them, and on long recordings, where
only an even sample of the windows is clustered, every window still goes to its voice."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from transcripts.pipeline import clustering, media, vad
from transcripts.pipeline.diarize import Diarizer, speech_windows


@pytest.fixture(scope="module")
def embeddings(data_dir: Path) -> dict[str, np.ndarray]:
    encoder = Diarizer().encoder
    out = {}
    for name in ("pyannote_sample.wav", "libri_interview_1688_1998.wav", "libri_panel_2033_2414_3080.wav"):
        mono = media.samples(media.decode(media.probe(data_dir / name)))
        out[name] = encoder.embed(mono, speech_windows(vad.detect(mono).regions(vad.DIARIZER)))
    return out


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    return len(set(zip(a.tolist(), b.tolist(), strict=True))) == len(set(a.tolist())) == len(set(b.tolist()))


@pytest.mark.parametrize("speakers", [None, 2])
def test_windows_are_labelled_as_senko_labels_them(embeddings: dict[str, np.ndarray], speakers: int | None) -> None:
    import yaml
    from senko import config
    from senko.cluster.cluster_cpu import CommonClustering

    with open(config.SPECTRAL_YAML) as handle:
        settings = yaml.safe_load(handle)["cluster"]["args"]
    for name, rows in embeddings.items():
        senko = CommonClustering(**settings)
        senko.cluster.max_num_spks, senko.cluster.k = 8, speakers
        ours = clustering.cluster(rows, 1, 8, speakers)
        assert same_partition(ours, senko(rows.copy())), name


def agreement(a: np.ndarray, b: np.ndarray) -> float:
    """The share of windows on which two labellings agree, under the best matching of their labels."""
    from scipy.optimize import linear_sum_assignment

    names_a, names_b = np.unique(a), np.unique(b)
    counts = np.array([[np.sum((a == x) & (b == y)) for y in names_b] for x in names_a])
    rows, cols = linear_sum_assignment(-counts)
    return float(counts[rows, cols].sum() / len(a))


def test_past_the_limit_a_sample_is_clustered_and_every_window_finds_its_voice(
        embeddings: dict[str, np.ndarray], monkeypatch: pytest.MonkeyPatch) -> None:
    # The interview and the panel side by side: five voices, 318 windows. With the limit at 120 windows
    # (1,000 in use: the shared recordings hold fewer), the sampled path must find what the whole does.
    rows = np.concatenate([embeddings["libri_interview_1688_1998.wav"], embeddings["libri_panel_2033_2414_3080.wav"]])
    whole = clustering.cluster(rows)
    monkeypatch.setattr(clustering, "MAX_POINTS", 120)
    sampled = clustering.cluster(rows)
    assert len(set(sampled.tolist())) == len(set(whole.tolist())) == 5
    assert agreement(sampled, whole) >= 0.97
