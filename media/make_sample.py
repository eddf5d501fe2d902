"""Synthesise the sample interview used by ``make demo``.

Why: the demo needs a short, two-speaker interview that the project can
produce itself, offline, with no third-party recording and no licensing
questions.  It also needs a known ground truth (who spoke when, and what they
said) so transcription and diarisation output can be eyeballed or scored.

How: each turn of a fixed script is rendered to WAV with ``espeak-ng -w``
using two clearly different voices (an American male interviewer and a
British female-variant talent at a higher pitch).  Leading/trailing silence
is trimmed from every turn, the turns are joined with fixed gaps of silence,
the result is resampled to 16 kHz mono and encoded to MP3 with the ffmpeg
binary shipped by ``imageio-ffmpeg``.  Beside the MP3 it writes:

* ``sample_interview.txt``  -- ``SPEAKER<TAB>start<TAB>end<TAB>text`` per turn
* ``sample_interview.rttm`` -- the same turns in standard RTTM

Everything is deterministic: fixed script, fixed voices, fixed gaps, no
randomness, and ffmpeg runs in bit-exact mode without metadata.

Usage::

    .venv/bin/python media/make_sample.py [--out-dir media]

Requires ``espeak-ng`` on PATH (Debian: ``apt-get install espeak-ng``).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np

NAME = "sample_interview"
SAMPLE_RATE = 16_000  # final rate of the joined audio and of the MP3
BITRATE = "48k"
SILENCE_THRESHOLD = 0.01  # fraction of full scale; below this counts as silence
EDGE_PAD_S = 0.3  # silence before the first and after the last turn

# espeak-ng settings per speaker: voice (language+variant), pitch, speed.
VOICES: dict[str, tuple[str, int, int]] = {
    "interviewer": ("en-us+m3", 35, 150),
    "talent": ("en-gb+f3", 70, 145),
}


@dataclass(frozen=True)
class Turn:
    """One line of the script; ``gap_after`` is the silence that follows it."""

    speaker: str
    text: str
    gap_after: float = 0.75


SCRIPT: tuple[Turn, ...] = (
    Turn("interviewer", "Hello?", 0.6),
    Turn("talent", "Hello, thanks for having me.", 0.8),
    Turn("interviewer", "Sean Baker, what is your new film, Red Rocket, about?"),
    Turn(
        "talent",
        "Red Rocket follows a former star who goes back to his small home "
        "town in Texas. It is a funny, and sad, story about a charming con man.",
        0.85,
    ),
    Turn("interviewer", "Why did you cast Simon Rex in the lead role?", 0.7),
    Turn(
        "talent",
        "Simon Rex has great charisma, and he is very funny. He sent us a self tape "
        "from his phone, and we knew right away that he was the one.",
        0.8,
    ),
    Turn("interviewer", "And how did you find the other actors?", 0.7),
    Turn(
        "talent",
        "We did plenty of street casting. Most of the actors had never been in a film before.",
        0.9,
    ),
    Turn("interviewer", "What do you hope the audience takes away?", 0.65),
    Turn(
        "talent",
        "I hope people laugh, and then think about the people who are often forgotten.",
        0.0,
    ),
)



def _ffmpeg(source: Path, target: Path, *codec_args: str) -> None:
    """Convert to 16 kHz mono with imageio-ffmpeg's binary, bit-exact and without metadata (deterministic)."""
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(source),
         "-ac", "1", "-ar", str(SAMPLE_RATE), *codec_args, "-fflags", "+bitexact", "-map_metadata", "-1",
         str(target)],
        check=True,
    )

def synth_turn(turn: Turn, workdir: Path, index: int) -> np.ndarray:
    """Render one turn with espeak-ng and return trimmed float32 samples at 16 kHz."""
    voice, pitch, speed = VOICES[turn.speaker]
    raw = workdir / f"turn{index:02d}.wav"
    subprocess.run(
        ["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(speed), "-w", str(raw), turn.text],
        check=True,
    )
    resampled = workdir / f"turn{index:02d}_16k.wav"
    _ffmpeg(raw, resampled, "-c:a", "pcm_s16le")
    with wave.open(str(resampled), "rb") as wav:
        assert wav.getframerate() == SAMPLE_RATE and wav.getnchannels() == 1
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    audio = pcm.astype(np.float32) / 32768.0
    loud = np.flatnonzero(np.abs(audio) > SILENCE_THRESHOLD)
    if loud.size == 0:
        raise RuntimeError(f"espeak-ng produced silence for: {turn.text!r}")
    return audio[loud[0] : loud[-1] + 1]


def build(out_dir: Path) -> float:
    """Write the MP3, TXT and RTTM into ``out_dir``; return the duration in seconds."""
    if shutil.which("espeak-ng") is None:
        sys.exit("espeak-ng not found; install it (apt-get install espeak-ng)")
    out_dir.mkdir(parents=True, exist_ok=True)

    def silence(seconds: float) -> np.ndarray:
        return np.zeros(round(seconds * SAMPLE_RATE), dtype=np.float32)

    pieces: list[np.ndarray] = [silence(EDGE_PAD_S)]
    cursor = len(pieces[0])  # in samples
    timeline: list[tuple[Turn, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for index, turn in enumerate(SCRIPT):
            audio = synth_turn(turn, Path(tmp), index)
            start, end = cursor, cursor + len(audio)
            timeline.append((turn, start / SAMPLE_RATE, end / SAMPLE_RATE))
            gap = silence(turn.gap_after)
            pieces += [audio, gap]
            cursor = end + len(gap)
        pieces.append(silence(EDGE_PAD_S))
        joined = np.concatenate(pieces)
        peak = float(np.max(np.abs(joined)))
        pcm = np.round(joined * (0.9 / peak) * 32767).astype("<i2")

        wav_path = Path(tmp) / f"{NAME}.wav"
        with wave.open(str(wav_path), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(SAMPLE_RATE)
            wav.writeframes(pcm.tobytes())
        _ffmpeg(wav_path, out_dir / f"{NAME}.mp3", "-c:a", "libmp3lame", "-b:a", BITRATE, "-flags:a", "+bitexact",
                "-id3v2_version", "0")

    txt_lines = [f"{t.speaker}\t{s:.3f}\t{e:.3f}\t{t.text}" for t, s, e in timeline]
    (out_dir / f"{NAME}.txt").write_text("\n".join(txt_lines) + "\n", encoding="utf-8")
    rttm_lines = [
        f"SPEAKER {NAME} 1 {s:.3f} {e - s:.3f} <NA> <NA> {t.speaker} <NA> <NA>" for t, s, e in timeline
    ]
    (out_dir / f"{NAME}.rttm").write_text("\n".join(rttm_lines) + "\n", encoding="utf-8")
    return len(pcm) / SAMPLE_RATE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=Path(__file__).resolve().parent,
        help="where to write the files (default: this script's folder)",
    )
    args = parser.parse_args(argv)
    duration = build(args.out_dir)
    print(f"wrote {args.out_dir / NAME}.mp3/.txt/.rttm ({duration:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
