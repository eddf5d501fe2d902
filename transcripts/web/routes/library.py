"""`/`: every transcript and article a visitor may see, newest first; `/search`: what was said, by words and
meaning as `transcripts search`, each hit opening the reader at its moment."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from transcripts.errors import QuerySyntaxError
from transcripts.search import MODES
from transcripts.store import article_repository, repository
from transcripts.store.fts import Scope
from transcripts.web.site import site_of
from transcripts.web.view import article_cards

SEARCH_LIMIT = 30
PAGE = 50  # transcripts per library page, newest first


def library(request: Request) -> Response:
    site = site_of(request)
    editor = site.auth.is_editor(request)
    try:
        page = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        page = 1
    with site.store.session() as session:
        transcripts = repository.list_transcripts(session, public_only=not editor)
        articles = article_cards(article_repository.list_articles(session, public_only=not editor),
                                 {t.id for t in transcripts}) if page == 1 else []
    transcripts.sort(key=lambda t: (t.date, t.id), reverse=True)
    shown = transcripts[(page - 1) * PAGE:page * PAGE]
    return site.render(request, "library.html", {
        "transcripts": shown, "articles": articles, "modes": MODES, "query": "", "mode": "both", "page": page,
        "older": page * PAGE < len(transcripts), "count": len(transcripts)})


def search(request: Request) -> Response:
    site = site_of(request)
    query = request.query_params.get("q", "").strip()
    mode = request.query_params.get("mode", "both")
    if mode not in MODES:
        mode = "both"
    hits, error = [], None
    if query:
        scope = Scope(speaker=request.query_params.get("speaker") or None,
                      public_only=not site.auth.is_editor(request))
        try:
            hits = site.search(query, scope, mode, SEARCH_LIMIT)
        except QuerySyntaxError as problem:
            error = str(problem)
    return site.render(request, "search.html", {"query": query, "mode": mode, "modes": MODES, "hits": hits,
                                                "error": error}, status_code=400 if error else 200)


routes = [Route("/", library, name="library"), Route("/search", search, name="search")]
