"""Sentence embeddings on onnxruntime against the reference implementation (sentence-transformers)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sentence_transformers import SentenceTransformer

from transcripts.pipeline.embed import DIMENSIONS, Embedder, weights_dir
from transcripts.pipeline.evaluate import JFK_TEXT


@pytest.fixture(scope="module")
def embedder(tmp_path_factory: pytest.TempPathFactory) -> Embedder:
    return Embedder(tmp_path_factory.mktemp("embed-cache"))


def test_vectors_match_sentence_transformers(embedder: Embedder, data_dir: Path) -> None:
    stm = (data_dir / "pyannote_sample.stm").read_text().splitlines()
    sentences = [line.split(maxsplit=5)[5] for line in stm if not line.startswith(";;")]
    sentences += [JFK_TEXT, "How did you choose the actors?", "casting " * 300]  # the last is truncated
    ours = embedder.encode(sentences)
    reference = SentenceTransformer(str(weights_dir()), device="cpu").encode(sentences, normalize_embeddings=True)
    assert ours.shape == (len(sentences), DIMENSIONS)
    assert np.einsum("ij,ij->i", ours, reference).min() >= 0.9999
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_the_export_is_made_once_and_reused(embedder: Embedder) -> None:
    embedder.encode(["warm"])
    [exported] = list(embedder.models_dir.glob("*/model.onnx"))
    made = exported.stat().st_mtime_ns
    again = Embedder(embedder.models_dir).encode(["warm"])
    assert exported.stat().st_mtime_ns == made
    assert not list(embedder.models_dir.rglob("*.partial"))
    assert np.allclose(again, embedder.encode(["warm"]), atol=1e-6)


def test_order_is_kept_across_batches_and_empty_text_is_a_zero_vector(embedder: Embedder) -> None:
    texts = [f"sentence number {i} about {'casting' if i % 2 else 'music'}" for i in range(70)] + ["  "]
    batched = embedder.encode(texts, batch_size=8)
    one_by_one = np.stack([embedder.encode([t])[0] for t in texts[:5]])
    assert np.allclose(batched[:5], one_by_one, atol=1e-5)
    assert not batched[-1].any()
    similar = batched[1] @ batched[3]  # both about casting
    assert similar > batched[1] @ batched[2]
