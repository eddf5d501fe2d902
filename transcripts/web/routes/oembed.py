"""`/oembed?url=…&maxwidth=&maxheight=&format=json`: what a CMS asks to embed a reader from a link (oEmbed 1.0).

The answer is a `rich` embed: an iframe to the link's embed route, sized within maxwidth and maxheight.
Only published things are embeddable, whoever asks (the answer is meant for other sites), and an unknown
or unpublished link is the same 404. Only JSON is spoken: XML answers 501, as the specification says.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from transcripts.errors import NotFound
from transcripts.store import article_repository, repository
from transcripts.store.db import Store
from transcripts.store.schema import Article, Transcript
from transcripts.web.routes.api import CORS
from transcripts.web.site import site_of

PROVIDER_NAME = "Transcripts"
WIDTH, HEIGHT = 640, 480  # the reader's own size when the consumer sets no bound
MIN_SIDE = 50
_PATH = re.compile(r"/(t|a)/(\d+)(?:/embed)?/?")


def oembed(request: Request) -> Response:
    site = site_of(request)
    params = request.query_params
    if params.get("format", "json") != "json":
        raise HTTPException(501, "only format=json is supported")
    width = min(WIDTH, _bound(params.get("maxwidth"), "maxwidth"))
    height = min(HEIGHT, _bound(params.get("maxheight"), "maxheight"))
    base = site.base_url(request)
    kind, thing_id = _our_path(params.get("url", ""), base)
    title = _published_title(site.store, kind, thing_id)
    src = f"{base}/{kind}/{thing_id}/embed"
    html = (f'<iframe src="{escape(src)}" width="{width}" height="{height}" title="{escape(title)}" '
            f'allow="autoplay; fullscreen" loading="lazy"></iframe>')
    answer: dict[str, Any] = {"type": "rich", "version": "1.0", "title": title, "provider_name": PROVIDER_NAME,
                              "provider_url": base + "/", "html": html, "width": width, "height": height}
    return JSONResponse(answer, headers={"Cache-Control": "no-cache", **CORS})


def _bound(value: str | None, name: str) -> int:
    if value in (None, ""):
        return 10**6
    try:
        bound = int(value)
    except ValueError as error:
        raise HTTPException(400, f"{name} must be a whole number of pixels") from error
    if bound < MIN_SIDE:
        raise HTTPException(400, f"{name} must be at least {MIN_SIDE}")
    return bound


def _our_path(url: str, base: str) -> tuple[str, int]:
    """("t" or "a", id) of a reader or article address on this site; anything else is not found."""
    parts, ours = urlsplit(url), urlsplit(base)
    path = parts.path[len(ours.path):] if parts.path.startswith(ours.path) else ""
    match = _PATH.fullmatch(path)
    if (parts.scheme, parts.netloc) != (ours.scheme, ours.netloc) or match is None:
        raise HTTPException(404, "not found")
    return match.group(1), int(match.group(2))


def _published_title(store: Store, kind: str, thing_id: int) -> str:
    with store.session() as session:
        try:
            row: Transcript | Article = (repository.get_transcript(session, thing_id) if kind == "t"
                                         else article_repository.get_article(session, thing_id))
        except NotFound:
            raise HTTPException(404, "not found") from None
        if not row.public:
            raise HTTPException(404, "not found")
        return row.title


routes = [Route("/oembed", oembed, name="oembed")]
