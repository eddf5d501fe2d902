"""Ingest speed and memory against bare faster-whisper, on the same files, model and settings, in the same run.

For each recording and each repetition the two run back to back (interleaved, so background load hits both
alike), each in a fresh process, so that its peak memory is its own:
- bare: `WhisperModel.transcribe(path, **our keyword arguments)`, consuming every segment;
- ours: `Ingestor.ingest_one`: decode, voice activity, transcribe, recover skipped speech, speakers, topics,
  store in a fresh database.
Both load their models and run once on an 11 s clip before the clock starts (the models are prepared, as in
a worker). Besides the short recordings, a long one is built from the shared recordings (every kind, joined
over and over, `transcripts.pipeline.evaluate.long_recording`): `--long 40` minutes by default, `--long 120`
for two hours. Prints JSON: per file the wall time, real-time factor, CPU time and peak memory (RSS) of each
side, the ratios ours / bare, and the wall and CPU time of each of our steps.

Targets (issue 16): the 40-minute recording <= 1.10x bare, the 224 s panel <= 1.05x, peak memory <= 1.25x.

    .venv/bin/python bench/ingest.py [--repeat 3] [--long 40 [--long 120]] [--long-repeat 1] [--model base]
                                     [--db-kind sqlite|postgresql] [--code CHECKOUT] [FILES...]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from transcripts.config import load_settings
from transcripts.pipeline import media
from transcripts.pipeline.evaluate import recordings_dir

DATA = recordings_dir()
REPO = Path(__file__).resolve().parents[1]
DEFAULT_FILES = ["libri_panel_2033_2414_3080.wav"]
WARM_UP = "fw_jfk.flac"
PG_SERVER = os.environ.get("TRANSCRIPTS_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def part_path(name: str) -> Path:
    return DATA / name if (DATA / name).exists() else REPO / "media" / name


def summary(values: list[float], digits: int = 3) -> dict[str, float]:
    return {"min": round(min(values), digits), "median": round(statistics.median(values), digits)}


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


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_bare(path: Path, model: str) -> dict[str, Any]:
    from transcripts.pipeline.asr import DecodeOptions, Transcriber
    from transcripts.pipeline.models import resolve_model

    transcriber = Transcriber(resolve_model(model, load_settings().models_dir))
    kwargs = transcriber.whisper_kwargs(DecodeOptions())

    def once(file: Path) -> None:
        segments, _ = transcriber.model.transcribe(str(file), **kwargs)
        for _ in segments:
            pass

    once(DATA / WARM_UP)
    started, cpu = time.perf_counter(), time.process_time()
    once(path)
    return {"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu}


def run_ours(path: Path, model: str, kind: str, folder: Path) -> dict[str, Any]:
    from transcripts.ingest import IngestOptions, Ingestor
    from transcripts.pipeline.asr import Transcriber
    from transcripts.pipeline.models import resolve_model
    from transcripts.store.db import Store

    models_dir = load_settings().models_dir
    home = folder / uuid.uuid4().hex
    home.mkdir()
    (home / "models").symlink_to(models_dir)  # exports made once (CAM++, MiniLM) are reused, as in a worker
    os.environ["TRANSCRIPTS_HOME"] = str(home)
    transcriber = Transcriber(resolve_model(model, models_dir))
    results = []
    for file in (DATA / WARM_UP, path):
        url, name = fresh_database(kind, folder)
        store = Store(url)  # migrations are set-up, not ingest: done before the clock starts
        try:
            ingestor = Ingestor(store, load_settings(db=url), transcriber=transcriber)
            started, cpu = time.perf_counter(), time.process_time()
            result = ingestor.ingest_one(media.probe(file), IngestOptions())
            results.append({"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu})
            assert result.status == "ingested", result.error
        finally:
            store.close()
            drop_database(name)
    timings = getattr(result, "timings", None)
    return {**results[-1], "recovered": [list(span) for span in result.recovered],
            "steps": {step: {k: round(v, 2) for k, v in spent.items()} for step, spent in (timings or {}).items()}}


def child(args: argparse.Namespace) -> None:
    path = args.files[0]
    with tempfile.TemporaryDirectory() as tmp:
        if args.child == "bare":
            out = run_bare(path, args.model)
        else:
            out = run_ours(path, args.model, args.db_kind, Path(tmp))
    print(json.dumps({**out, "peak_rss_mb": round(peak_rss_mb(), 1)}))


def measure(side: str, path: Path, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", side, "--model", args.model, "--db-kind", args.db_kind,
               str(path)]
    env = {**os.environ, "TRANSCRIPTS_TEST_DATA": str(DATA), **({"PYTHONPATH": str(args.code)} if args.code else {})}
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{side} on {path.name} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def bench_file(path: Path, repeat: int, args: argparse.Namespace) -> dict[str, Any]:
    duration = media.probe(path).duration
    runs: dict[str, list[dict[str, Any]]] = {"bare": [], "ours": []}
    for _ in range(repeat):
        for side in ("bare", "ours"):
            runs[side].append(measure(side, path, args))
        print(f"{path.name}: bare {runs['bare'][-1]['wall']:.1f} s, ours {runs['ours'][-1]['wall']:.1f} s",
              file=sys.stderr)

    def side_report(side: str) -> dict[str, Any]:
        walls = [r["wall"] for r in runs[side]]
        return {"seconds": summary(walls), "x_realtime": summary([duration / t for t in walls], 2),
                "cpu_seconds": summary([r["cpu"] for r in runs[side]], 1),
                "peak_rss_mb": max(r["peak_rss_mb"] for r in runs[side])}

    bare, ours = side_report("bare"), side_report("ours")
    fastest = min(runs["ours"], key=lambda r: r["wall"])
    return {
        "file": path.name, "audio_seconds": round(duration, 2), "repeat": repeat, "bare": bare, "ours": ours,
        "ratio_ours_to_bare": {"min": round(ours["seconds"]["min"] / bare["seconds"]["min"], 3),
                               "median": round(ours["seconds"]["median"] / bare["seconds"]["median"], 3)},
        "memory_ratio": round(ours["peak_rss_mb"] / bare["peak_rss_mb"], 3),
        "ours_steps_of_fastest_run": fastest.get("steps", {}),
        "recovered_passages": len(fastest.get("recovered", [])),
        "recovered_seconds": round(sum(end - start for start, end in fastest.get("recovered", [])), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="repetitions for the short files")
    parser.add_argument("--long", type=float, action="append", metavar="MINUTES",
                        help="a long joined recording of this many minutes (default 40; 0 for none)")
    parser.add_argument("--long-repeat", type=int, default=1)
    parser.add_argument("--model", default="base")
    parser.add_argument("--db-kind", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--code", type=Path, metavar="DIR",
                        help="measure the transcripts package of another checkout (a 'before' figure)")
    parser.add_argument("--child", choices=["bare", "ours"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    from transcripts.pipeline.evaluate import LONG_RECORDING_PARTS, long_recording  # not in older checkouts

    files = args.files or [DATA / name for name in DEFAULT_FILES]
    lengths = [m for m in (args.long or [40.0]) if m > 0]

    report = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            report.append(bench_file(path, args.repeat, args))
        for minutes in lengths:
            joined = long_recording([part_path(name) for name in LONG_RECORDING_PARTS], minutes * 60,
                                    Path(tmp) / f"joined_{minutes:g}min.wav")
            report.append(bench_file(joined.path, args.long_repeat, args))
    print(json.dumps({"bench": "ingest", "code": str(args.code or REPO), "model": args.model, "db": args.db_kind, "cpu_count": os.cpu_count(),
                      "load_average_at_end": [round(x, 2) for x in os.getloadavg()], "files": report}, indent=2))


if __name__ == "__main__":
    main()
