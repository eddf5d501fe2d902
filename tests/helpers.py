"""Small helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import imageio_ffmpeg
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, func, select

from transcripts.cli import cli


def run_cli(*args: str) -> Result:
    """Invoke the CLI in-process; expected failures come back as exit codes, bugs as exceptions."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def run_json(*args: str) -> Any:
    result = run_cli(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


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


def count_rows(db_url: str, table: type) -> int:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(table)) or 0)
    finally:
        engine.dispose()


def stored_media(home: Path) -> list[Path]:
    return sorted(p for p in (home / "media").rglob("*") if p.is_file()) if (home / "media").exists() else []
