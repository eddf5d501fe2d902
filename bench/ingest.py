"""Ingest speed against bare faster-whisper, on the same files, model and settings, in the same run.

For each recording and each repetition, the two are run back to back (interleaved, so background load
hits both alike):
- bare: `WhisperModel.transcribe(path, **the same keyword arguments)`, consuming every segment;
- ours: `Ingestor.ingest_one`: decode, transcribe, recover skipped speech, store in a fresh database.
Prints JSON: per file the min and median seconds of each, the real-time factor (audio seconds per second
of work) and the ratio ours / bare. Targets: ratio <= 1.10, default model >= 8x real time.

    .venv/bin/python bench/ingest.py [--repeat 3] [--model base] [--db-kind sqlite|postgresql] [FILES...]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from transcripts.config import load_settings
from transcripts.ingest import IngestOptions, Ingestor
from transcripts.pipeline import media
from transcripts.pipeline.asr import DecodeOptions, Transcriber
from transcripts.pipeline.evaluate import recordings_dir
from transcripts.pipeline.models import resolve_model
from transcripts.store.db import Store

DATA = recordings_dir()
DEFAULT_FILES = ["pyannote_sample.wav", "libri_interview_1688_1998.wav", "libri_panel_2033_2414_3080.wav"]
PG_SERVER = os.environ.get("TRANSCRIPTS_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def summary(times: list[float]) -> dict[str, float]:
    return {"min": round(min(times), 3), "median": round(statistics.median(times), 3)}


def fresh_database(kind: str, folder: Path) -> tuple[str, str | None]:
    if kind == "sqlite":
        return f"sqlite:///{folder / f'{uuid.uuid4().hex}.db'}", None
    name = f"transcripts_bench_{uuid.uuid4().hex[:10]}"
    with create_engine(PG_SERVER, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return PG_SERVER.rsplit("/", 1)[0] + f"/{name}", name


def drop_database(name: str | None) -> None:
    if name:
        with create_engine(PG_SERVER, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def time_bare(transcriber: Transcriber, path: Path) -> float:
    started = time.perf_counter()
    segments, _ = transcriber.model.transcribe(str(path), **transcriber.whisper_kwargs(DecodeOptions()))
    for _ in segments:
        pass
    return time.perf_counter() - started


def time_ours(transcriber: Transcriber, path: Path, kind: str, folder: Path) -> tuple[float, list]:
    os.environ["TRANSCRIPTS_HOME"] = str(folder / uuid.uuid4().hex)
    url, name = fresh_database(kind, folder)
    store = Store(url)  # migrations are set-up, not ingest: done before the clock starts
    try:
        ingestor = Ingestor(store, load_settings(db=url), transcriber=transcriber)
        started = time.perf_counter()
        result = ingestor.ingest_one(media.probe(path), IngestOptions())
        elapsed = time.perf_counter() - started
        assert result.status == "ingested", result.error
        return elapsed, result.recovered
    finally:
        store.close()
        drop_database(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--model", default="base")
    parser.add_argument("--db-kind", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    files = args.files or [DATA / name for name in DEFAULT_FILES]

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        transcriber = Transcriber(resolve_model(args.model, load_settings().models_dir))
        report = []
        for path in files:
            duration = media.probe(path).duration
            bare: list[float] = []
            ours: list[float] = []
            recovered: list = []
            for _ in range(args.repeat):
                bare.append(time_bare(transcriber, path))
                elapsed, recovered = time_ours(transcriber, path, args.db_kind, folder)
                ours.append(elapsed)
                print(f"{path.name}: bare {bare[-1]:.2f} s, ours {ours[-1]:.2f} s", file=sys.stderr)
            report.append({
                "file": path.name,
                "audio_seconds": round(duration, 2),
                "bare_seconds": summary(bare),
                "ours_seconds": summary(ours),
                "bare_x_realtime": summary([duration / t for t in bare]),
                "ours_x_realtime": summary([duration / t for t in ours]),
                "ratio_ours_to_bare": {"min": round(min(ours) / min(bare), 3),
                                       "median": round(statistics.median(ours) / statistics.median(bare), 3)},
                "recovered_passages": recovered,
            })
    total_audio = sum(r["audio_seconds"] for r in report)
    print(json.dumps({
        "bench": "ingest", "model": args.model, "db": args.db_kind, "repeat": args.repeat,
        "cpu_count": os.cpu_count(), "files": report,
        "total": {
            "audio_seconds": round(total_audio, 2),
            "ratio_of_min_sums": round(sum(r["ours_seconds"]["min"] for r in report)
                                       / sum(r["bare_seconds"]["min"] for r in report), 3),
            "ours_x_realtime_of_min_sums": round(total_audio / sum(r["ours_seconds"]["min"] for r in report), 2),
        },
    }, indent=2))


if __name__ == "__main__":
    main()
