"""The reader's speed: an hour-long interview in the server and in Chromium, and a load run on loopback.

- The hour: `pyannote_sample.wav` (30 s, two real voices) is ingested for real, then joined to itself into
  one hour of audio (ffmpeg, no re-encoding) and stored as one transcript whose segments, words and topics
  are the ingested ones repeated at 30 s offsets, so every word still lines up with the sound. Transcribing
  an hour here would take ten minutes and measure whisper, not the reader.
- Server: `transcripts serve` in a subprocess; `GET /t/{id}` timed end to end over a keep-alive loopback
  connection (min, median and p95 of `--repeat`; `first_ms`: the first request, which reads the document
  and makes its HTML, kept after that until the transcript changes), plain and gzip, against the 30 s
  transcript's page in the same run; plus the in-process split: the version check every request makes,
  loading the document and making its HTML (once per version), the whole request, and a 304.
- Chromium (Debian's, via Playwright): time to interactive (the reader's `reader-ready` mark, from navigation
  start), and the work per animation frame while playing. Every `requestAnimationFrame` callback is timed
  (an init script wraps it; the reader is the only user), which is the highlight's work per tick, layout it
  forces included; Chrome's own counters (CDP `Performance.getMetrics`) give scripting, style and layout
  time per second of playback, against the same page paused for as long (the baseline).
- Load: a synthetic store of `--transcripts` published copies of the ingested transcript (with its sentence
  embeddings), served by one uvicorn process. An open-loop generator sends requests at a fixed rate (each
  timed from when it was due, so a slow server cannot hide its queue), for the reader page of a random
  transcript and for the search API (anonymous, mode both, a word from the interview), first at 50/s, then
  at rising rates until p95 passes 100 ms. The generator shares the machine's two cores with the server.

Targets: render <= 150 ms, interactive <= 1 s, highlight work <= 2 ms per tick; reader page and search p95
<= 100 ms at 50 requests/s. Prints JSON.

    .venv/bin/python bench/reader.py [--transcripts 1000] [--seconds 8] [--rates 50,100,150,200,300,400]
        [--repeat 20] [--workers 1] [--load-only] [--keep DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import http.client
import json
import math
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import imageio_ffmpeg
import platformdirs

from transcripts.config import load_settings
from transcripts.document import TranscriptDoc
from transcripts.ingest import IngestOptions, Ingestor
from transcripts.pipeline import asr, media, topics
from transcripts.pipeline.embed import Embedder
from transcripts.pipeline.evaluate import recordings_dir
from transcripts.pipeline.speakers import SpeakerProfile
from transcripts.store import repository, topic_repository
from transcripts.store.db import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = "pyannote_sample.wav"
NAMES = {"S1": "Diane Miller", "S2": "Sheila Brown"}
HOUR_S = 3600.0
QUERIES = ["Yankee", "Chicago", "New Jersey", "Texas", "difference", "hello", "where do you live",
           "what do people call her"]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--autoplay-policy=no-user-gesture-required", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TIME_FRAMES = """
(() => {
  const original = window.requestAnimationFrame.bind(window);
  window.frameTimes = [];
  window.requestAnimationFrame = callback => original(stamp => {
    const began = performance.now();
    try { callback(stamp); } finally { window.frameTimes.push(performance.now() - began); }
  });
})();
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def summary(values: list[float]) -> dict[str, float]:
    return {"p50": round(statistics.median(values), 2), "p95": round(percentile(values, 0.95), 2),
            "max": round(max(values), 2), "n": len(values)}


# ---- the stores ---------------------------------------------------------------------------------------------

def ingest_sample(home: Path, url: str) -> TranscriptDoc:
    settings = load_settings(db=url)
    store = Store(url)
    try:
        [result] = Ingestor(store, settings).ingest([recordings_dir() / SAMPLE], IngestOptions(copy_media=False))
        assert result.status == "ingested", result.error
        with store.session() as session:
            for label, name in NAMES.items():
                repository.rename_speaker(session, result.id or 0, label, name)
            repository.set_public(session, result.id or 0, True)
        with store.session() as session:
            return repository.load_document(session, result.id or 0)
    finally:
        store.close()


def repeated(doc: TranscriptDoc, times: int) -> tuple[asr.Transcription, list[topics.Topic]]:
    """The document's segments, words and topics `times` over, each copy shifted by the recording's length."""
    span, count = doc.duration, len(doc.segments)
    segments = [asr.Segment(s.start + k * span, s.end + k * span, s.text,
                            [asr.Word(w.start + k * span, w.end + k * span, w.text, w.probability) for w in s.words],
                            speaker=s.speaker.label if s.speaker else None)
                for k in range(times) for s in doc.segments]
    index = {segment.id: i for i, segment in enumerate(doc.segments)}
    found = []
    for k in range(times):
        for topic in doc.topics:
            members = [index[s.id] for s in doc.segments if s.topic_id == topic.id]
            if members:
                found.append(topics.Topic(min(members) + k * count, max(members) + 1 + k * count,
                                          topic.start + k * span, topic.end + k * span, topic.title,
                                          tuple(topic.keywords), topic.question))
    return asr.Transcription(doc.language or "en", 1.0, span * times, segments), found


def profiles(doc: TranscriptDoc) -> list[SpeakerProfile]:
    return [SpeakerProfile(s.label, s.talk_time, s.turns, name=s.name, is_interviewer=s.is_interviewer)
            for s in doc.speakers]


def store_copy(url: str, info: media.MediaInfo, path: Path, title: str, transcription: asr.Transcription,
               found: list[topics.Topic], doc: TranscriptDoc, vectors: Any = None, copies: int = 1) -> list[int]:
    """Store the transcript `copies` times. Each copy gets a media row of its own (the store refuses a second
    transcript of the same content), as a newsroom's thousand interviews would; they all point at one file."""
    store = Store(url)
    ids = []
    try:
        for first in range(0, copies, 100):
            with store.session() as session:
                for n in range(first, min(copies, first + 100)):
                    copy = info if copies == 1 else dataclasses.replace(info, sha256=f"{info.sha256}-{n + 1}")
                    tid = repository.add_transcript(session, copy, str(path), False,
                                                    title if copies == 1 else f"{title} {n + 1}", transcription,
                                                    doc.model, {}, profiles(doc), vectors)
                    topic_repository.store_topics(session, tid, found)
                    repository.set_public(session, tid, True)
                    ids.append(tid)
    finally:
        store.close()
    return ids


def hour_recording(folder: Path, doc: TranscriptDoc) -> Path:
    target = folder / "hour.wav"
    loops = math.ceil(HOUR_S / doc.duration)
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-y", "-stream_loop", str(loops - 1),
                    "-i", str(recordings_dir() / SAMPLE), "-c", "copy", str(target)], check=True)
    return target


def build(folder: Path, transcripts: int) -> dict[str, Any]:
    models = Path(platformdirs.user_data_dir("transcripts")) / "models"
    (folder / "models").mkdir(exist_ok=True)
    for name in ("base",):
        if (models / name).exists() and not (folder / "models" / name).exists():
            (folder / "models" / name).symlink_to(models / name)
    os.environ["TRANSCRIPTS_HOME"] = str(folder)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    url = f"sqlite:///{folder / 'reader.db'}"
    began = time.perf_counter()
    doc = ingest_sample(folder, url)
    ingest_s = time.perf_counter() - began
    hour = hour_recording(folder, doc)
    transcription, found = repeated(doc, math.ceil(HOUR_S / doc.duration))
    [hour_id] = store_copy(url, media.probe(hour), hour, "One-hour interview (the sample, joined)", transcription,
                           found, doc)
    vectors = Embedder(folder / "models").encode([s.text for s in doc.segments])
    began = time.perf_counter()
    single, single_topics = repeated(doc, 1)
    many = store_copy(url, media.probe(recordings_dir() / SAMPLE), recordings_dir() / SAMPLE, "Interview", single,
                      single_topics, doc, vectors, copies=transcripts)
    return {"url": url, "sample_id": doc.id, "hour_id": hour_id, "many": many,
            "hour_words": sum(len(s.words) for s in transcription.segments), "ingest_s": round(ingest_s, 1),
            "synthetic_build_s": round(time.perf_counter() - began, 1)}


# ---- the server ---------------------------------------------------------------------------------------------

@contextlib.contextmanager
def server(folder: Path, url: str, workers: int = 1) -> Iterator[tuple[str, int]]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "TRANSCRIPTS_HOME": str(folder), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "transcripts", "serve", "--port", str(port), "--db", url,
                                "--workers", str(workers)], env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/", timeout=5)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("transcripts serve did not start") from None
                time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:  # keep-alive connections of the load run hold a graceful stop
            process.kill()
            process.wait()


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children (uvicorn's workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def time_get(base: str, path: str, repeat: int, gzip: bool = False) -> tuple[dict[str, float], int]:
    """Timings of `repeat` GETs after two that warm the caches (the first of all, made from the store, is
    `first_ms`), and the body's size."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {"Accept-Encoding": "gzip"} if gzip else {}
    times, size = [], 0
    for _ in range(repeat + 2):
        began = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        times.append((time.perf_counter() - began) * 1000)
        assert response.status == 200, (path, response.status)
        size = len(body)
    connection.close()
    return {**summary(times[2:]), "min": round(min(times[2:]), 2), "first_ms": round(times[0], 2)}, size


def in_process(url: str, hour_id: int, repeat: int) -> dict[str, Any]:
    """Where the hour's server time goes: checking the stored version (every request), reading the document
    and making its HTML (once per version), the whole request with the HTML made (TestClient), and the
    answer to a browser that has the page already (304)."""
    from starlette.testclient import TestClient

    from transcripts.web.app import create_app

    store = Store(url)
    app = create_app(load_settings(db=url), store)
    version, load, html = [], [], []
    for _ in range(repeat):
        began = time.perf_counter()
        with store.session() as session:
            repository.document_version(session, hour_id)
        version.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        with store.session() as session:
            doc = repository.load_document(session, hour_id)
        load.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        app.state.site.transcript_html(doc)
        html.append((time.perf_counter() - began) * 1000)
    client = TestClient(app)
    whole, unchanged = [], []
    etag = client.get(f"/t/{hour_id}").headers["etag"]
    for _ in range(repeat):
        began = time.perf_counter()
        assert client.get(f"/t/{hour_id}", headers={"Accept-Encoding": "identity"}).status_code == 200
        whole.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        assert client.get(f"/t/{hour_id}", headers={"If-None-Match": etag}).status_code == 304
        unchanged.append((time.perf_counter() - began) * 1000)
    store.close()
    return {"document_version_ms": summary(version), "load_document_ms": summary(load),
            "transcript_html_ms": summary(html), "whole_request_ms": summary(whole),
            "not_modified_304_ms": summary(unchanged)}


# ---- Chromium -----------------------------------------------------------------------------------------------

def chromium(base: str, hour_id: int, sample_id: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    out: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, transcript_id in (("sample_30s", sample_id), ("hour", hour_id)):
            interactive = []
            for _ in range(3):
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(f"{base}/t/{transcript_id}")
                page.wait_for_selector("[data-reader][data-ready]")
                interactive.append(page.evaluate("performance.getEntriesByName('reader-ready')[0].startTime"))
                page.close()
            out[f"{name}_interactive_ms"] = summary(interactive)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.add_init_script(TIME_FRAMES)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        page.goto(f"{base}/t/{hour_id}")
        page.wait_for_selector("[data-reader][data-ready]")

        def metrics() -> dict[str, float]:
            return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}

        def window(seconds: float) -> dict[str, float]:
            before, t0 = metrics(), page.evaluate("document.getElementById('media').currentTime")
            page.evaluate("window.frameTimes.length = 0")
            page.wait_for_timeout(seconds * 1000)
            after, t1 = metrics(), page.evaluate("document.getElementById('media').currentTime")
            frames = page.evaluate("window.frameTimes.slice()")
            per_s = {key: round((after[key] - before[key]) * 1000 / seconds, 2)
                     for key in ("ScriptDuration", "RecalcStyleDuration", "LayoutDuration", "TaskDuration")}
            return {"played_s": round(t1 - t0, 2), "frames": len(frames), "per_second_ms": per_s,
                    "tick_ms": summary(frames) if frames else None}

        page.evaluate("""() => { const w = [...document.querySelectorAll('#transcript [data-m]')]
            .find(e => +e.dataset.m >= 1800000); w.scrollIntoView({block: 'center'}); }""")
        page.wait_for_timeout(300)
        out["paused_baseline"] = window(4)
        page.evaluate("""() => [...document.querySelectorAll('#transcript [data-m]')]
            .find(e => +e.dataset.m >= 1800000).click()""")
        page.wait_for_function("() => !document.getElementById('media').paused")
        out["playing"] = window(8)
        out["highlight_matches_clock"] = page.evaluate("""() => { const m = document.getElementById('media');
            const now = document.querySelector('#transcript .now'); return now && +now.dataset.m / 1000 <= m.currentTime
            + 0.05 && m.currentTime - +now.dataset.m / 1000 < 2; }""")
        browser.close()
    return out


# ---- load ---------------------------------------------------------------------------------------------------

async def open_loop(base: str, paths: list[str], rate: float, seconds: float) -> dict[str, Any]:
    """Send len(paths) requests at `rate` per second; latency runs from when each request was due."""
    count = int(rate * seconds)
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=512, max_keepalive_connections=512)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        start = time.perf_counter() + 0.2

        async def one(index: int) -> None:
            nonlocal errors
            due = start + index / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            try:
                response = await client.get(paths[index % len(paths)])
                if response.status_code != 200:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            latencies.append((time.perf_counter() - due) * 1000)

        await asyncio.gather(*(one(i) for i in range(count)))
    return {"rate": rate, "requests": count, "errors": errors, **summary(latencies)}


def load_step(base: str, pid: int, paths: list[str], rate: float, seconds: float) -> dict[str, Any]:
    before = cpu_seconds(pid)
    result = asyncio.run(open_loop(base, paths, rate, seconds))
    result["server_cpu_ms_per_request"] = round((cpu_seconds(pid) - before) * 1000 / result["requests"], 2)
    result["passed"] = result["p95"] <= 100 and not result["errors"]
    return result


def highest_rate(base: str, pid: int, paths: list[str], rates: list[float], seconds: float) -> dict[str, Any]:
    """Up the rates until p95 passes 100 ms; when the first already fails, halve it until one holds."""
    steps = []
    for rate in rates:
        steps.append(load_step(base, pid, paths, rate, seconds))
        if not steps[-1]["passed"]:
            break
    rate = rates[0] / 2
    while not any(s["passed"] for s in steps) and rate >= 2:
        steps.append(load_step(base, pid, paths, rate, seconds))
        rate /= 2
    passed = [s["rate"] for s in steps if s["passed"]]
    return {"steps": steps, "highest_rate_p95_under_100ms": max(passed) if passed else None}


def load_runs(base: str, pid: int, ids: list[int], rates: list[float], seconds: float) -> dict[str, Any]:
    rng = random.Random(20261202)
    kinds = {
        "reader_page": [f"/t/{rng.choice(ids)}" for _ in range(4096)],
        "search_api": [f"/api/search?q={rng.choice(QUERIES).replace(' ', '+')}" for _ in range(4096)],
    }
    out: dict[str, Any] = {}
    for kind, paths in kinds.items():
        asyncio.run(open_loop(base, paths, 20, 2))  # warm: the embedder, the vectors, the page cache
        out[kind] = highest_rate(base, pid, paths, rates, seconds)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each load step")
    parser.add_argument("--rates", default="50,100,150,200,300,400")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1, help="`transcripts serve --workers` for the load run")
    parser.add_argument("--load-only", action="store_true", help="only the load run")
    parser.add_argument("--keep", type=Path, help="build (or reuse) the stores here instead of a temporary dir")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-reader-"))
    folder.mkdir(parents=True, exist_ok=True)
    recipe = folder / "built.json"
    if recipe.exists():
        built = json.loads(recipe.read_text())
        os.environ["TRANSCRIPTS_HOME"] = str(folder)
    else:
        built = build(folder, args.transcripts)
        recipe.write_text(json.dumps(built))
    result: dict[str, Any] = {"hour_words": built["hour_words"], "store_transcripts": len(built["many"]) + 2,
                              "load_average_before": os.getloadavg()}
    if not args.load_only:
        with server(folder, built["url"]) as (base, _):
            hour, hour_bytes = time_get(base, f"/t/{built['hour_id']}", args.repeat)
            hour_gzip, hour_gzip_bytes = time_get(base, f"/t/{built['hour_id']}", args.repeat, gzip=True)
            sample, sample_bytes = time_get(base, f"/t/{built['sample_id']}", args.repeat)
            api, api_bytes = time_get(base, f"/api/transcripts/{built['hour_id']}", args.repeat)
            result["server"] = {"hour_page_ms": hour, "hour_page_gzip_ms": hour_gzip, "hour_html_bytes": hour_bytes,
                                "hour_html_gzip_bytes": hour_gzip_bytes, "baseline_30s_page_ms": sample,
                                "baseline_30s_html_bytes": sample_bytes, "hour_json_api_ms": api,
                                "hour_json_bytes": api_bytes}
            result["server_in_process"] = in_process(built["url"], built["hour_id"], max(5, args.repeat // 4))
            result["chromium"] = chromium(base, built["hour_id"], built["sample_id"])
    with server(folder, built["url"], args.workers) as (base, pid):
        result["load"] = {"workers": args.workers, **load_runs(base, pid, built["many"],
                                                                [float(r) for r in args.rates.split(",")],
                                                                args.seconds)}
    result["load_average_after"] = os.getloadavg()
    result["targets"] = {"render_ms": 150, "interactive_ms": 1000, "tick_ms": 2, "p95_ms_at_50_per_s": 100}
    print(json.dumps(result, indent=2))
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
