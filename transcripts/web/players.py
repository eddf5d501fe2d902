"""Which player a reader sits beside, and what the page's Content-Security-Policy must allow for it.

A transcript's own page plays the stored recording (`/media/{id}`). On an article, a link may name one of the
article's embeds (`article link --embed N --offset S`): a YouTube or Vimeo video plays through its API in
its own iframe, a plain `<video>`/`<audio>` of the article through HTML5, anything else falls back to the
stored recording. The policy of each page allows exactly the players on it: no YouTube on a page without a
YouTube video, and `frame-ancestors` only on the routes made to be framed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from transcripts.config import ORIGIN
from transcripts.export.html import YOUTUBE_ID

YOUTUBE = "https://www.youtube.com"
VIMEO = "https://player.vimeo.com"
# what each remote player needs: its API script and its iframe
REMOTE_SOURCES = {"youtube": (YOUTUBE,), "vimeo": (VIMEO,)}
_VIMEO_ID = re.compile(r"\d{1,12}")


@dataclass(frozen=True)
class PlayerSpec:
    """`kind` is "audio" or "video" (HTML5), "youtube" or "vimeo"; `offset` is added to transcript times to
    get the player's (seconds); `origin` is where HTML5 media comes from when it is not this site."""

    kind: str
    src: str
    offset: float = 0.0
    captions: str | None = None
    origin: str | None = None

    @property
    def remote(self) -> bool:
        return self.kind in REMOTE_SOURCES


def stored_player(transcript_id: int, has_video: bool, offset: float = 0.0) -> PlayerSpec:
    """The recording as stored, served by id."""
    captions = f"/t/{transcript_id}/captions.vtt" if has_video else None
    return PlayerSpec("video" if has_video else "audio", f"/media/{transcript_id}", offset, captions)


def youtube_src(video_id: str, origin: str) -> str:
    """The embed URL with the IFrame API switched on (and our origin, which the API checks messages against)."""
    return f"{YOUTUBE}/embed/{video_id}?enablejsapi=1&playsinline=1&origin={quote(origin, safe='')}"


def linked_player(embed: Mapping[str, Any] | None, transcript_id: int, has_video: bool, offset: float,
                  origin: str) -> PlayerSpec:
    """The player for a link to one of an article's embeds (None: the link names none)."""
    provider, video_id, url = (embed or {}).get("provider"), (embed or {}).get("id") or "", (embed or {}).get("url")
    if provider == "youtube" and YOUTUBE_ID.fullmatch(video_id):
        return PlayerSpec("youtube", youtube_src(video_id, origin), offset)
    if provider == "vimeo" and _VIMEO_ID.fullmatch(video_id):
        return PlayerSpec("vimeo", f"{VIMEO}/video/{video_id}", offset)
    if provider in ("video", "audio") and isinstance(url, str) and (media_origin := _origin(url)):
        return PlayerSpec(provider, url, offset, origin=media_origin)
    return stored_player(transcript_id, has_video, offset)


def _origin(url: str) -> str | None:
    """The plain origin of an imported article's media URL, or None. The URL comes from someone else's page
    and its origin goes into our Content-Security-Policy: a host with `;` or a space in it would add
    directives of its own (`; frame-ancestors *`), so only what matches a plain origin is used."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    origin = f"{parts.scheme}://{parts.hostname or ''}" + (f":{port}" if port else "")
    return origin if ORIGIN.fullmatch(origin) else None


def content_security_policy(players: Iterable[PlayerSpec] = (), frame_ancestors: Iterable[str] = ()) -> str:
    """The policy of a page with these players: this site only, plus each remote player's script and iframe
    and any other origin its media comes from; framed by `frame_ancestors` (none when empty)."""
    players = list(players)
    remote = sorted({source for p in players for source in REMOTE_SOURCES.get(p.kind, ())})
    media = sorted({p.origin for p in players if p.origin})
    ancestors = " ".join(frame_ancestors) or "'none'"
    parts = [
        "default-src 'none'", " ".join(["script-src 'self'", *remote]), "style-src 'self'",
        "img-src 'self' data:", " ".join(["media-src 'self'", *media]), "connect-src 'self'",
        *([" ".join(["frame-src", *remote])] if remote else []),
        "form-action 'self'", "base-uri 'none'", f"frame-ancestors {ancestors}",
    ]
    return "; ".join(parts)


def page_headers(players: Iterable[PlayerSpec], frame_ancestors: Iterable[str] = ()) -> dict[str, str]:
    """A reader page's own security headers. X-Frame-Options only where nobody may frame the page: it
    cannot name origins, and on an embed route it would contradict `frame-ancestors`."""
    ancestors = tuple(frame_ancestors)
    headers = {"Content-Security-Policy": content_security_policy(players, ancestors)}
    if not ancestors:
        headers["X-Frame-Options"] = "DENY"
    return headers
