"""Topic boundaries on recordings whose boundaries are known: Pk, WindowDiff and conversation changes.

Real recordings from the shared data are joined end to end (0.5 s of silence between them, as an edited
file would have): several different conversations, two of them interviews whose questions are known from
their RTTM turns (the asker's turns, see `transcripts.pipeline.evaluate.ASKERS`), in three orders. Each joined file is ingested as a
user would (fresh SQLite store, default settings) and the stored topics are scored against the known
boundaries, with two baselines in the same run: `even` (as many boundaries as the reference, evenly spaced)
and `every_turn` (a boundary at every change of speaker). A change of conversation counts as found when a
topic starts within 6 s of the silence between the two recordings. The same audio ingested with
`--speakers 1` shows what the semantic detector alone finds. Embedding and segmentation time is measured
on the stored segments, `--repeat` times (min and median). Prints JSON.

    .venv/bin/python bench/topics.py [--repeat 5]
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
from dataclasses import dataclass
from pathlib import Path

from transcripts.config import load_settings
from transcripts.ingest import IngestOptions, Ingestor
from transcripts.pipeline import media
from transcripts.pipeline.asr import Transcriber
from transcripts.pipeline.diarize import SpeakerHints
from transcripts.pipeline.embed import Embedder
from transcripts.pipeline.evaluate import (
    JoinedRecording,
    distance_to_change,
    join_recordings,
    recordings_dir,
    segmentation_scores,
)
from transcripts.pipeline.models import resolve_model
from transcripts.pipeline.topics import segment_topics
from transcripts.store import repository, topic_repository
from transcripts.store.db import Store

DATA = recordings_dir()
ORDERS = {
    "interview-phone-speech-panel": ["libri_interview_1688_1998.wav", "pyannote_sample.wav", "fw_jfk.flac",
                                     "libri_panel_2033_2414_3080.wav"],
    "phone-panel-speech-interview": ["pyannote_sample.wav", "libri_panel_2033_2414_3080.wav", "fw_jfk.flac",
                                     "libri_interview_1688_1998.wav"],
    # A meeting's crosstalk (AMI), and a phone call that opens with a short exchange right after a studio
    # panel: the new conversation must be found from the voices (and the sound) though it starts small.
    "panel-phone-meeting-interview": ["libri_panel_2033_2414_3080.wav", "pyannote_sample.wav", "ami_dev00.wav",
                                      "libri_interview_1688_1998.wav"],
}
FOUND_WITHIN_S = 6.0


def ingest(path: Path, folder: Path, models: Models, hints: SpeakerHints) -> tuple[Store, int, float]:
    os.environ["TRANSCRIPTS_HOME"] = str(folder / uuid.uuid4().hex)
    store = Store(f"sqlite:///{folder / f'{uuid.uuid4().hex}.db'}")
    ingestor = Ingestor(store, load_settings(), transcriber=models.transcriber, embedder=models.embedder)
    started = time.perf_counter()
    result = ingestor.ingest_one(media.probe(path), IngestOptions(hints=hints))
    assert result.status == "ingested", result.error
    assert result.id is not None
    return store, result.id, time.perf_counter() - started


def score(joined: JoinedRecording, hypothesis: list[float], every_turn: list[float]) -> dict:
    reference = joined.boundaries
    step = joined.duration / (len(reference) + 1)
    even = [step * (i + 1) for i in range(len(reference))]
    distances = [distance_to_change(change, hypothesis) for change in joined.changes]
    return {
        "ours": segmentation_scores(reference, hypothesis, joined.duration),
        "baseline_even": segmentation_scores(reference, even, joined.duration),
        "baseline_every_turn": segmentation_scores(reference, every_turn, joined.duration),
        "conversation_changes": len(joined.changes),
        "changes_found_within_6s": sum(d <= FOUND_WITHIN_S for d in distances),
        "change_distances_s": [round(d, 2) for d in distances],
        "reference_boundaries": len(reference),
        "our_boundaries": len(hypothesis),
    }


@dataclass(frozen=True)
class Models:
    """Loaded once for the whole run, as a long-running worker would."""

    transcriber: Transcriber
    embedder: Embedder


def run(name: str, files: list[str], folder: Path, models: Models, repeat: int) -> dict:
    joined = join_recordings(DATA, files, folder / f"{name}.wav")
    report: dict = {"files": files, "audio_seconds": round(joined.duration, 2)}
    for mode, hints in (("with_speakers", SpeakerHints()), ("one_speaker", SpeakerHints(speakers=1))):
        store, transcript_id, elapsed = ingest(joined.path, folder, models, hints)
        with store.session() as session:
            doc = repository.load_document(session, transcript_id)
            segments, _, language, interviewer = topic_repository.transcript_segments(session, transcript_id)
        store.close()
        hypothesis = [t.start for t in doc.topics[1:]]
        every_turn = [b.start for a, b in itertools.pairwise(doc.segments) if a.speaker != b.speaker]
        report[mode] = {**score(joined, hypothesis, every_turn), "ingest_seconds": round(elapsed, 2),
                        "topics": [{"start": t.start, "title": t.title} for t in doc.topics]}
        if mode == "with_speakers":
            timings = []
            for _ in range(repeat):
                started = time.perf_counter()
                segment_topics(segments, models.embedder.encode([s.text for s in segments]), language, interviewer)
                timings.append(time.perf_counter() - started)
            report["embed_and_segment_seconds"] = {"min": round(min(timings), 3),
                                                   "median": round(statistics.median(timings), 3),
                                                   "segments": len(segments)}
        print(f"{name} {mode}: {report[mode]['ours']} changes {report[mode]['changes_found_within_6s']}"
              f"/{len(joined.changes)}", file=sys.stderr)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    settings = load_settings()
    models = Models(Transcriber(resolve_model("base", settings.models_dir)), Embedder(settings.models_dir))
    with tempfile.TemporaryDirectory() as tmp:
        results = {name: run(name, files, Path(tmp), models, args.repeat) for name, files in ORDERS.items()}
    print(json.dumps({"bench": "topics", "cpu_count": os.cpu_count(), "repeat": args.repeat,
                      "recordings": results}, indent=2))


if __name__ == "__main__":
    main()
