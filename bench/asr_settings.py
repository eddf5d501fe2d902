"""How far whisper's words move with its settings: the spread that the tests' WER bounds must survive.

CTranslate2's kernels differ between CPUs (AVX2, AVX-512, VNNI), so the same wheels can write "there's" on
one machine and "there is" on another. This program transcribes the recordings that the whisper tests
use at int8 / float32 and beam 5 / 1, and, with `--isa`, under other instruction sets that CTranslate2
can be forced to on this CPU (`CT2_FORCE_CPU_ISA`: each runs in a child process, as the variable is read
once). The baseline, in the same run, is the production setting (int8, beam 5, this CPU's own kernels).
Prints JSON: per setting and file, the WER against the reference where there is one, and how many words
differ from the baseline's transcription (a word-level edit distance), with the first differences.

    .venv/bin/python bench/asr_settings.py [--isa GENERIC AVX]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from transcripts.config import load_settings
from transcripts.pipeline import media
from transcripts.pipeline.asr import DecodeOptions, Transcriber
from transcripts.pipeline.evaluate import JFK_TEXT, normalise, recordings_dir, stm_text, wer
from transcripts.pipeline.models import resolve_model

DATA = recordings_dir()
SAMPLE_INTERVIEW = Path(__file__).resolve().parents[1] / "media" / "sample_interview.mp3"
COMPUTE_TYPES = ("int8", "float32")
BEAMS = (5, 1)


def recordings() -> list[tuple[str, Path, tuple[str, ...], str | None]]:
    """(name, path, vocabulary, reference text or None) for each recording a whisper-dependent test uses."""
    interview = "\n".join(line.split("\t")[3] for line in SAMPLE_INTERVIEW.with_suffix(".txt").read_text()
                          .splitlines())
    return [
        ("pyannote_sample.wav", DATA / "pyannote_sample.wav", (), stm_text(DATA / "pyannote_sample.stm")),
        ("fw_jfk.flac", DATA / "fw_jfk.flac", (), JFK_TEXT),
        ("sample_interview.mp3", SAMPLE_INTERVIEW, ("Sean Baker", "Red Rocket", "Simon Rex"), interview),
        ("fw_hotwords.mp3", DATA / "fw_hotwords.mp3", (), None),
        ("fw_hotwords.mp3 +ComfyUI", DATA / "fw_hotwords.mp3", ("ComfyUI",), None),
        ("fw_multilingual.mp3", DATA / "fw_multilingual.mp3", (), None),
    ]


def transcribe_all() -> dict[str, dict[str, str]]:
    """Every recording at every compute type and beam, in this process: {setting: {file: text}}."""
    audio = {path: media.samples(media.decode(media.probe(path))) for _, path, _, _ in recordings()}
    model = resolve_model("base", load_settings().models_dir)
    out: dict[str, dict[str, str]] = {}
    for compute_type in COMPUTE_TYPES:
        transcriber = Transcriber(model, compute_type=compute_type)
        for beam in BEAMS:
            texts = {}
            started = time.perf_counter()
            for name, path, vocabulary, _ in recordings():
                result = transcriber.transcribe(audio[path], DecodeOptions(beam_size=beam, vocabulary=vocabulary))
                texts[name] = " ".join(s.text for s in result.segments)
            print(f"{compute_type} beam {beam}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
            out[f"{compute_type} beam {beam}"] = texts
    return out


def word_changes(baseline: str, other: str) -> tuple[int, list[str]]:
    """Words inserted, deleted or replaced between two transcriptions (normalised), and the first few."""
    import jiwer

    a, b = normalise(baseline), normalise(other)
    if not a or not b:
        return max(len(a.split()), len(b.split())), []
    output = jiwer.process_words(a, b)
    changes = []
    for chunk in output.alignments[0]:
        if chunk.type != "equal":
            said = " ".join(output.references[0][chunk.ref_start_idx:chunk.ref_end_idx])
            now = " ".join(output.hypotheses[0][chunk.hyp_start_idx:chunk.hyp_end_idx])
            changes.append(f"{said!r} -> {now!r}")
    return output.substitutions + output.deletions + output.insertions, changes[:4]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--isa", nargs="*", default=[], help="CTranslate2 instruction sets to force, besides "
                        "this CPU's own (GENERIC, AVX, AVX2, AVX512)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(transcribe_all()))
        return
    import ctranslate2

    runs = {"native": transcribe_all()}
    for isa in args.isa:
        child = subprocess.run([sys.executable, __file__, "--child"], env={**os.environ, "CT2_FORCE_CPU_ISA": isa},
                               check=True, capture_output=True, text=True)
        runs[isa] = json.loads(child.stdout)
    baseline = runs["native"]["int8 beam 5"]
    rows = []
    for (isa, settings), name in itertools.product(runs.items(), [r[0] for r in recordings()]):
        reference = {r[0]: r[3] for r in recordings()}[name]
        for setting, texts in settings.items():
            changed, first = word_changes(baseline[name], texts[name])
            rows.append({"isa": isa, "setting": setting, "file": name,
                         "wer": None if reference is None else round(wer(reference, texts[name]), 3),
                         "words_changed": changed, "changes": first, "text": texts[name]})
    print(json.dumps({"bench": "asr_settings", "ctranslate2": ctranslate2.__version__, "cpu_count": os.cpu_count(),
                      "baseline": "native int8 beam 5", "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
