"""What a browser's `<audio>`/`<video>` gets from a stored recording: the file itself where browsers play its
format, else an audio rendition (Opus in WebM) made once with ffmpeg and kept beside the store.

Browsers agree on WAV, MP3, AAC/MP4, FLAC, Ogg and WebM; nobody's plays WMA, AVI or AMR, and Matroska only
by accident of its codecs, so those get a rendition. Opus in WebM carries cues, so a seek lands where it
should (a variable-bitrate MP3 would let the highlight drift from the sound). The rendition appears whole
or not at all (written under a temporary name, then renamed), and is made by one thread at a time per
recording, so concurrent first requests wait for the same file instead of each running ffmpeg.
"""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

import imageio_ffmpeg

from transcripts.errors import MediaError

# suffix -> MIME type, for the formats every current browser plays (video types for video files)
PLAYABLE: dict[str, str] = {
    ".wav": "audio/wav", ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".aac": "audio/aac", ".flac": "audio/flac",
    ".ogg": "audio/ogg", ".oga": "audio/ogg", ".opus": "audio/ogg", ".mp4": "video/mp4", ".m4v": "video/mp4",
    ".mov": "video/mp4", ".webm": "video/webm",
}
RENDITION_SUFFIX = ".webm"
RENDITION_TYPE = "audio/webm"
RENDITION_BITRATE = "64k"  # speech in Opus is transparent well below this

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def browser_type(path: Path, has_video: bool) -> str | None:
    """The MIME type to serve the file itself under, or None when browsers cannot play it."""
    kind = PLAYABLE.get(path.suffix.lower())
    if kind is None:
        return None
    if not has_video and kind.startswith("video/"):
        return kind.replace("video/", "audio/", 1)
    return kind


def audio_rendition(source: Path, cache_dir: Path, key: str) -> Path:
    """The Opus/WebM rendition of `source` in `cache_dir` (named by `key`, the recording's hash), made on
    first use; raises MediaError when the recording is gone or ffmpeg cannot read it."""
    target = cache_dir / f"{key}{RENDITION_SUFFIX}"
    if target.exists():
        return target
    with _lock_for(key):
        if target.exists():  # made by the thread we waited for
            return target
        if not source.exists():
            raise MediaError(str(source), "the recording is no longer there")
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.stem}.{os.getpid()}.{threading.get_ident()}{RENDITION_SUFFIX}")
        command = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-y", "-i", str(source), "-vn",
                   "-c:a", "libopus", "-b:a", RENDITION_BITRATE, "-f", "webm", str(partial)]
        try:
            result = subprocess.run(command, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                reason = (result.stderr.strip().splitlines() or ["ffmpeg failed"])[-1]
                raise MediaError(str(source), f"cannot make a playable rendition ({reason})")
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return target


def _lock_for(key: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())
