"""The bundled models compared: word error rate on the shared recordings with references, and speed.

Both models run with our production settings (`Transcriber`, recovery included), each file `--repeat`
times; WER is lower-case with punctuation stripped (jiwer). Prints JSON.

    .venv/bin/python bench/models.py [--repeat 2] [--models base tiny.en]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

from transcripts.config import load_settings
from transcripts.pipeline import media
from transcripts.pipeline.asr import DecodeOptions, Transcriber
from transcripts.pipeline.evaluate import JFK_TEXT, recordings_dir, stm_text, wer
from transcripts.pipeline.models import resolve_model

DATA = recordings_dir()


def references() -> dict[str, str | None]:
    """Files to run, with their reference text (None: speed only)."""
    return {
        "pyannote_sample.wav": stm_text(DATA / "pyannote_sample.stm"),
        "fw_jfk.flac": JFK_TEXT,
        "libri_interview_1688_1998.wav": None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--models", nargs="+", default=["base", "tiny.en"])
    args = parser.parse_args()
    audio = {name: media.samples(media.decode(media.probe(DATA / name))) for name in references()}
    report = []
    for model_name in args.models:
        started = time.perf_counter()
        transcriber = Transcriber(resolve_model(model_name, load_settings().models_dir))
        load_seconds = time.perf_counter() - started
        rows = []
        for name, reference in references().items():
            seconds = len(audio[name]) / media.SAMPLE_RATE
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                result = transcriber.transcribe(audio[name], DecodeOptions())
                times.append(time.perf_counter() - started)
            hypothesis = " ".join(s.text for s in result.segments)
            row = {"file": name, "audio_seconds": round(seconds, 2),
                   "x_realtime": {"min": round(seconds / max(times), 2),
                                  "median": round(seconds / statistics.median(times), 2),
                                  "max": round(seconds / min(times), 2)},
                   "wer": None if reference is None else round(wer(reference, hypothesis), 3)}
            print(f"{model_name} {name}: {row}", file=sys.stderr)
            rows.append(row)
        report.append({"model": model_name, "load_seconds": round(load_seconds, 2), "files": rows})
    print(json.dumps({"bench": "models", "repeat": args.repeat, "cpu_count": os.cpu_count(), "models": report},
                     indent=2))


if __name__ == "__main__":
    main()
