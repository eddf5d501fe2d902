"""`/t/{id}`: the transcript beside its recording; `/t/{id}/embed`: the same without the site around it, for
an iframe on a configured site; `/t/{id}/captions.vtt`: its WebVTT, the video's track."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from transcripts.document import TranscriptDoc
from transcripts.export import vtt
from transcripts.store import repository
from transcripts.web.auth import require_visible
from transcripts.web.players import page_headers
from transcripts.web.site import Site, site_of
from transcripts.web.view import ReaderView, reader_view

SPEEDS = (0.75, 1.0, 1.25, 1.5, 1.75, 2.0)


def visible_document(request: Request, site: Site, transcript_id: int) -> TranscriptDoc:
    """The transcript as the CLI's `show` reads it, or 404 when it does not exist or this visitor may not
    see it (the same answer either way)."""
    with site.store.session() as session:
        doc = repository.load_document(session, transcript_id)
    require_visible(request, site.auth, doc.public)
    return doc


def visible_reader(request: Request, site: Site, transcript_id: int) -> ReaderView:
    """The reader of a transcript this visitor may see (else 404), its HTML made once per version."""
    with site.store.session() as session:
        rendered = site.readers.get(session, transcript_id)
    require_visible(request, site.auth, rendered.doc.public)
    return reader_view(rendered.doc, rendered.html)


def reader(request: Request) -> Response:
    site = site_of(request)
    view = visible_reader(request, site, request.path_params["id"])
    return site.render(request, "reader.html", {"r": view, "speeds": SPEEDS, "base_url": site.base_url(request)},
                       headers=page_headers([view.player]), public=view.doc.public)


def embed(request: Request) -> Response:
    site = site_of(request)
    view = visible_reader(request, site, request.path_params["id"])
    return site.render(request, "embed.html", {
        "readers": [view], "article": None, "title": view.doc.title, "lang": view.doc.language or "en",
        "public": view.doc.public, "path": f"/t/{view.doc.id}", "speeds": SPEEDS,
        "base_url": site.base_url(request)}, headers=page_headers([view.player], site.frame_ancestors),
        public=view.doc.public)


def captions(request: Request) -> Response:
    site = site_of(request)
    doc = visible_document(request, site, request.path_params["id"])
    return Response(vtt.render(doc), media_type="text/vtt", headers={"Cache-Control": "no-cache"})


routes = [Route("/t/{id:int}", reader, name="reader"),
          Route("/t/{id:int}/embed", embed, name="reader_embed"),
          Route("/t/{id:int}/captions.vtt", captions, name="captions")]
