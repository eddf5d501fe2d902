"""Small helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import imageio_ffmpeg
import jiwer
from click.testing import CliRunner, Result

from transcripts.cli import cli


def run_cli(*args: str) -> Result:
    """Invoke the CLI in-process; expected failures come back as exit codes, bugs as exceptions."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def run_json(*args: str) -> Any:
    result = run_cli(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def normalise(text: str) -> str:
    """Lower-case words without punctuation, for word error rates."""
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("-", " ")).split())


def wer(reference: str, hypothesis: str) -> float:
    return float(jiwer.wer(normalise(reference), normalise(hypothesis)))


def stm_text(path: Path) -> str:
    """The reference words of an STM file, in time order."""
    rows = []
    for line in path.read_text().splitlines():
        parts = line.split(maxsplit=5)
        if len(parts) == 6 and not line.startswith(";;"):
            rows.append((float(parts[3]), parts[5]))
    return " ".join(text for _, text in sorted(rows))


def ffmpeg(*args: str) -> None:
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-y", *args], check=True)


def _length(path: Path) -> float:
    import av

    with av.open(str(path)) as container:
        return float(container.duration or 0) / av.time_base


def convert(source: Path, target: Path, video: bool = False) -> Path:
    """Re-encode a real recording into another container (with a small video track for video formats)."""
    if video:
        ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=64x48:r=5", "-i", str(source), "-map", "0:v", "-map", "1:a",
               "-t", str(_length(source)), str(target))
    else:
        ffmpeg("-i", str(source), str(target))
    return target
