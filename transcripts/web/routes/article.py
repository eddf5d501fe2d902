"""`/a/{id}`: an article's title, byline and text, with each linked interview's reader beside its video;
`/a/{id}/embed`: the readers without the site around them, for an iframe on a configured site.

Which video plays which transcript, and the offset between them, is what `article link --embed N --offset S`
recorded. Anonymous readers see a published article with its published interviews only; anything else is
the same 404 as nothing at all.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from transcripts.store import article_repository
from transcripts.web.auth import require_visible
from transcripts.web.players import linked_player, page_headers
from transcripts.web.routes.reader import SPEEDS
from transcripts.web.site import Site, site_of
from transcripts.web.view import ArticleView, body_blocks, reader_view


def visible_article(request: Request, site: Site, article_id: int) -> ArticleView:
    editor = site.auth.is_editor(request)
    origin = site.base_url(request)
    with site.store.session() as session:
        article = article_repository.get_article(session, article_id)
        require_visible(request, site.auth, article.public)
        embeds = list(article.embeds or [])
        readers = []
        for link in article_repository.links(session, article_id):
            rendered = site.readers.get(session, link.transcript_id)
            doc = rendered.doc
            if not (doc.public or editor):
                continue
            embed = embeds[link.embed] if link.embed is not None and link.embed < len(embeds) else None
            readers.append(reader_view(doc, rendered.html,
                                       linked_player(embed, doc.id, doc.has_video, link.offset, origin)))
        return ArticleView(article.id, article.title, article.author, article.published_at, article.url,
                           article.public, body_blocks(article.body, article.author), readers)


def article_page(request: Request) -> Response:
    site = site_of(request)
    view = visible_article(request, site, request.path_params["id"])
    return site.render(request, "article.html", {"article": view, "readers": view.readers, "speeds": SPEEDS,
                                                 "base_url": site.base_url(request)},
                       headers=page_headers(r.player for r in view.readers), public=view.published_only)


def article_embed(request: Request) -> Response:
    site = site_of(request)
    view = visible_article(request, site, request.path_params["id"])
    return site.render(request, "embed.html", {
        "readers": view.readers, "article": view, "title": view.title, "lang": "en", "public": view.public,
        "path": f"/a/{view.id}", "speeds": SPEEDS, "base_url": site.base_url(request)},
        headers=page_headers((r.player for r in view.readers), site.frame_ancestors),
        public=view.published_only)


routes = [Route("/a/{id:int}", article_page, name="article"),
          Route("/a/{id:int}/embed", article_embed, name="article_embed")]
