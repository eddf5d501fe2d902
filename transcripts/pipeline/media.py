"""Media files: recognise, probe, hash, decode to 16 kHz mono, and keep a content-addressed copy.

Why these libraries: PyAV (already needed by faster-whisper, with FFmpeg's libraries inside its wheel)
reads the container headers, so probing needs no `ffprobe` binary; decoding goes through the `ffmpeg`
binary that `imageio-ffmpeg` ships in its wheel, so nothing has to be installed by hand; the decoded audio
is a pydub `AudioSegment`, the one type every later audio job (clips, fades, channels) works on.

A decoder returns the first half of a truncated file without complaint, so `decode` compares the decoded
length with the length the container declares and refuses a file that comes up short.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import av
import imageio_ffmpeg
import numpy as np

with warnings.catch_warnings():
    # pydub looks for ffmpeg on PATH at import time and warns; we hand it imageio-ffmpeg's binary below.
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment

from transcripts.errors import MediaError

SAMPLE_RATE = 16000

AUDIO_EXTENSIONS = frozenset({".wav", ".mp3", ".m4a", ".aac", ".flac", ".ogg", ".oga", ".opus", ".wma"})
VIDEO_EXTENSIONS = frozenset({".mp4", ".m4v", ".mov", ".webm", ".mkv", ".avi"})
MEDIA_EXTENSIONS = AUDIO_EXTENSIONS | VIDEO_EXTENSIONS

# Containers whose declared length is only an estimate from the bitrate (raw ADTS AAC): never "truncated".
_ESTIMATED_DURATION_FORMATS = frozenset({"aac"})
# A half-made copy by another machine is removed after this long (its maker may still be copying).
FOREIGN_PARTIAL_TTL_S = 24 * 3600
# A decode shorter than the declared length by more than this (seconds and fraction) is a truncated file.
_TRUNCATION_TOLERANCE_S = 0.5
_TRUNCATION_TOLERANCE_FRACTION = 0.02

AudioSegment.converter = imageio_ffmpeg.get_ffmpeg_exe()


@dataclass(frozen=True)
class MediaInfo:
    """What the container says about a file, before decoding it."""

    path: Path
    sha256: str
    size: int
    format: str
    duration: float
    channels: int
    sample_rate: int
    has_video: bool
    duration_exact: bool  # the audio stream itself declares its length (not a bitrate or container guess)


def is_media_path(path: Path) -> bool:
    """Whether a file found in a folder looks like media (by extension); named files are probed instead."""
    return path.suffix.lower() in MEDIA_EXTENSIONS


def sha256_file(path: Path, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def probe(path: Path) -> MediaInfo:
    """Read the container's header: duration, channels, rate, format. Raises MediaError for non-media."""
    shown = str(path)
    if not path.exists():
        raise MediaError(shown, "file not found")
    if not path.is_file():
        raise MediaError(shown, "not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise MediaError(shown, "empty file (0 bytes)")
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise MediaError(shown, "no audio track")
            stream = container.streams.audio[0]
            duration, exact = _declared_duration(container, stream)
            info = MediaInfo(
                path=path,
                sha256=sha256_file(path),
                size=size,
                format=container.format.name.split(",")[0],
                duration=duration,
                channels=stream.channels or 1,
                sample_rate=stream.sample_rate or 0,
                has_video=bool(container.streams.video),
                duration_exact=exact and container.format.name not in _ESTIMATED_DURATION_FORMATS,
            )
    except MediaError:
        raise
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as error:
        raise MediaError(shown, f"not a readable audio or video file ({_short(error)})") from error
    if info.duration <= 0:
        raise MediaError(shown, "the file declares no audio length")
    return info


def _declared_duration(container: av.container.InputContainer, stream: av.audio.AudioStream
                       ) -> tuple[float, bool]:
    """The audio length the file declares, and whether the audio stream itself declares it.

    Matroska/WebM give only the container's length, which a longer video track can exceed.
    """
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base), True
    if container.duration is not None:
        return container.duration / av.time_base, False
    return 0.0, False


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def decode(info: MediaInfo, channels: int = 1, sample_rate: int = SAMPLE_RATE) -> AudioSegment:
    """Decode the audio track to 16-bit PCM at `sample_rate`, refusing a file that decodes short."""
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-i", str(info.path),
        "-map", "0:a:0", "-vn", "-ac", str(channels), "-ar", str(sample_rate), "-f", "s16le", "-",
    ]
    result = subprocess.run(command, capture_output=True, check=False)
    if result.returncode != 0 or not result.stdout:
        problem = result.stderr.decode(errors="replace").strip().splitlines()
        raise MediaError(str(info.path), f"cannot decode audio ({problem[-1] if problem else 'no audio'})")
    audio = AudioSegment(data=result.stdout, sample_width=2, frame_rate=sample_rate, channels=channels)
    decoded = audio.duration_seconds
    missing = info.duration - decoded
    if info.duration_exact and missing > max(_TRUNCATION_TOLERANCE_S, _TRUNCATION_TOLERANCE_FRACTION * info.duration):
        raise MediaError(
            str(info.path), f"truncated: decoded {decoded:.1f} s of the {info.duration:.1f} s the file declares"
        )
    return audio


def samples(audio: AudioSegment) -> np.ndarray:
    """Mono float32 samples in [-1, 1], the form faster-whisper and the VAD take."""
    pcm = np.frombuffer(audio.raw_data, dtype=np.int16)
    if audio.channels > 1:
        return _scaled(pcm.reshape(-1, audio.channels).mean(axis=1, dtype=np.float32))
    return _scaled(pcm.astype(np.float32))


def channel_samples(audio: AudioSegment) -> np.ndarray:
    """Float32 samples shaped (frames, channels), for work on each channel (stereo diarization)."""
    pcm = np.frombuffer(audio.raw_data, dtype=np.int16).reshape(-1, audio.channels)
    return _scaled(pcm.astype(np.float32))


def _scaled(pcm: np.ndarray) -> np.ndarray:
    """16-bit values (as float32) to [-1, 1], in place: an hour of audio in float64 would be 460 MB more at
    once, and dividing by a power of two is exact in float32 too, so the samples are the same."""
    pcm *= np.float32(1 / 32768)
    return pcm


def stored_path(media_dir: Path, sha256: str, suffix: str) -> Path:
    """Where the content-addressed copy of a file lives: `media/ab/abcdef….ext`."""
    return media_dir / sha256[:2] / f"{sha256}{suffix.lower()}"


def stage_copy(source: Path, final: Path) -> Path:
    """Copy `source` next to its final place under a temporary name; `commit_copy` moves it in.

    The copy is made before the database commit and moved into place just before it, so a crash leaves at
    most a `.partial` file, which `sweep_partials` removes on the next run. Its name carries the process and
    the machine that makes it: in a newsroom the media root is shared, and only the maker can tell whether
    the copy is still in progress.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    staged = final.with_name(f"{final.name}.{os.getpid()}-{_host()}.partial")
    shutil.copyfile(source, staged)
    return staged


def commit_copy(staged: Path, final: Path) -> None:
    os.replace(staged, final)


def _host() -> str:
    return socket.gethostname().replace(".", "_") or "localhost"


def sweep_partials(media_dir: Path) -> int:
    """Remove copies left half-made by a process that died; returns how many were removed.

    A copy made on another machine (the media root is shared) is left alone for a day: this machine cannot
    see whether its maker still runs.
    """
    removed = 0
    if not media_dir.exists():
        return 0
    for partial in media_dir.glob("*/*.partial"):
        maker = partial.suffixes[-2].lstrip(".") if len(partial.suffixes) >= 2 else ""
        pid, _, host = maker.partition("-")
        if host and host != _host():
            try:
                if time.time() - partial.stat().st_mtime < FOREIGN_PARTIAL_TTL_S:
                    continue
            except FileNotFoundError:
                continue
        elif pid.isdigit() and int(pid) != os.getpid() and _pid_alive(int(pid)):
            continue
        partial.unlink(missing_ok=True)
        removed += 1
    return removed


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
