"""Cut a quote's audio (pydub) or video (ffmpeg) out of the stored recording, with short fades.

The clip's format follows the file name the editor asks for. ffmpeg decodes only the quoted range (`-ss`
before `-i` seeks), so a clip from a two-hour recording takes as long as the clip; pydub fades and encodes
it. pydub's own `from_file` is not used: for anything but WAV it runs `ffprobe`, which imageio-ffmpeg does
not ship. The file appears complete or not at all.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
import imageio_ffmpeg
from pydub import AudioSegment

from transcripts.errors import InputError

FADE_S = 0.05  # long enough to avoid a click at the cut, short enough not to eat a syllable
AUDIO_FORMATS = {".mp3": ("mp3", None), ".wav": ("wav", None), ".flac": ("flac", None), ".ogg": ("ogg", None),
                 ".opus": ("opus", None), ".m4a": ("ipod", "aac")}
VIDEO_SUFFIXES = {".mp4", ".mov", ".mkv", ".webm"}


def cut_clip(source: Path, target: Path, start: float, end: float, has_video: bool) -> Path:
    """Write [start, end] of `source` to `target`; raises InputError for a format we cannot write."""
    suffix = target.suffix.lower()
    if suffix not in AUDIO_FORMATS and suffix not in VIDEO_SUFFIXES:
        known = ", ".join(sorted([*AUDIO_FORMATS, *VIDEO_SUFFIXES]))
        raise InputError(f"{target}: cannot write a {suffix or 'suffix-less'} clip (use one of {known})")
    if suffix in VIDEO_SUFFIXES and not has_video:
        raise InputError(f"{target}: the recording has no video; ask for an audio clip (.mp3, .m4a, .wav)")
    if not source.exists():
        raise InputError(f"{source}: the recording is no longer there, so no clip can be cut")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial{suffix}")
    try:
        if suffix in VIDEO_SUFFIXES:
            _cut_video(source, partial, start, end)
        else:
            _cut_audio(source, partial, start, end, *AUDIO_FORMATS[suffix])
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _cut_audio(source: Path, target: Path, start: float, end: float, fmt: str, codec: str | None) -> None:
    channels, rate = _audio_layout(source)
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-ss", f"{start:.3f}", "-i",
               str(source), "-t", f"{end - start:.3f}", "-map", "0:a:0", "-vn", "-ac", str(channels), "-ar",
               str(rate), "-f", "s16le", "-"]
    result = subprocess.run(command, capture_output=True, check=False)
    if result.returncode != 0 or not result.stdout:
        problem = result.stderr.decode(errors="replace").strip().splitlines()
        raise InputError(f"{source}: cannot cut the clip ({problem[-1] if problem else 'no audio'})")
    audio = AudioSegment(data=result.stdout, sample_width=2, frame_rate=rate, channels=channels)
    fade = int(FADE_S * 1000)
    AudioSegment.converter = imageio_ffmpeg.get_ffmpeg_exe()  # pydub encodes through ffmpeg
    audio.fade_in(fade).fade_out(fade).export(str(target), format=fmt, codec=codec)


def _audio_layout(source: Path) -> tuple[int, int]:
    """The first audio stream's channels (at most 2: a clip is for listening) and sample rate."""
    with av.open(str(source)) as container:
        stream = container.streams.audio[0]
        return min(stream.channels or 1, 2), stream.rate or 44100


def _cut_video(source: Path, target: Path, start: float, end: float) -> None:
    length = end - start
    fades = f"fade=t=in:st=0:d={FADE_S},fade=t=out:st={max(length - FADE_S, 0):.3f}:d={FADE_S}"
    audio_fades = f"afade=t=in:st=0:d={FADE_S},afade=t=out:st={max(length - FADE_S, 0):.3f}:d={FADE_S}"
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-y", "-ss", f"{start:.3f}",
               "-i", str(source), "-t", f"{length:.3f}", "-vf", fades, "-af", audio_fades, str(target)]
    result = subprocess.run(command, capture_output=True, check=False)
    if result.returncode != 0:
        problem = result.stderr.decode(errors="replace").strip().splitlines()
        raise InputError(f"{target}: cannot cut the clip ({problem[-1] if problem else 'ffmpeg failed'})")
