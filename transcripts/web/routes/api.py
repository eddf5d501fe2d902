"""`/api/…`: the CLI's JSON shapes over HTTP, with the reader's privacy rules.

Anonymous callers get published transcripts only, and never a file path or decoding settings (whose
vocabulary names people) or voiceprints; a signed-in editor or `Authorization: Bearer TOKEN` gets all.
"""

from __future__ import annotations

import math
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from transcripts.editorial.quotes import passage_between
from transcripts.errors import NotFound, QuerySyntaxError
from transcripts.search import MODES
from transcripts.store import repository
from transcripts.store.fts import Scope
from transcripts.web.routes.reader import visible_document
from transcripts.web.site import site_of

MAX_LIMIT = 100
PRIVATE_FIELDS = ("path", "original_path", "settings")
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET"}


def _json(data: Any) -> JSONResponse:
    return JSONResponse(data, headers={"Cache-Control": "no-cache", "Vary": "Cookie, Authorization"})


def transcripts(request: Request) -> Response:
    site = site_of(request)
    editor = site.auth.is_editor(request)
    with site.store.session() as session:
        rows = repository.list_transcripts(session, public_only=not editor)
    shown = [row.as_json() for row in rows]
    if not editor:
        shown = [{k: v for k, v in row.items() if k not in PRIVATE_FIELDS} for row in shown]
    return _json(shown)


def transcript(request: Request) -> Response:
    return _json(visible_document(request, site_of(request), request.path_params["id"]).as_json())


def published(request: Request) -> Response:
    """The `show --json` of a published transcript, for any site (embed.js fetches it from a CMS page): CORS
    allows every origin, GET only and without credentials, and the answer is the anonymous one whoever
    asks, so no cookie or token can make it carry anything unpublished."""
    site = site_of(request)
    try:
        with site.store.session() as session:
            doc = repository.load_document(session, request.path_params["id"])
    except NotFound:
        doc = None
    if doc is None or not doc.public:  # with CORS, so the other site's script can read that it is a 404
        raise HTTPException(404, "not found", headers=CORS)
    return JSONResponse(doc.as_json(), headers={"Cache-Control": "no-cache", **CORS})


def topics(request: Request) -> Response:
    doc = visible_document(request, site_of(request), request.path_params["id"])
    return _json([topic.as_json() for topic in doc.topics])


def quote(request: Request) -> Response:
    """The `quote --json` of the words between `start` and `end`: what the reader's "Copy quote" copies."""
    doc = visible_document(request, site_of(request), request.path_params["id"])
    start, end = _float(request, "start"), _float(request, "end")
    if end <= start:
        raise HTTPException(400, "end must be after start")
    passage = passage_between(doc, start, end)
    if passage is None:
        raise HTTPException(404, f"no words between {start} and {end}")
    return _json(passage.as_json())


def search(request: Request) -> Response:
    site = site_of(request)
    params = request.query_params
    query, mode = params.get("q", ""), params.get("mode", "both")
    if mode not in MODES:
        raise HTTPException(400, f"mode must be one of {', '.join(MODES)}")
    try:
        ids = tuple(int(value) for value in params.getlist("transcript"))
        limit = int(params.get("limit", "20"))
    except ValueError as error:
        raise HTTPException(400, "transcript and limit must be whole numbers") from error
    if not 1 <= limit <= MAX_LIMIT:
        raise HTTPException(400, f"limit must be between 1 and {MAX_LIMIT}")
    scope = Scope(speaker=params.get("speaker") or None, transcript_ids=ids,
                  public_only=not site.auth.is_editor(request))
    try:
        hits = site.search(query, scope, mode, limit)
    except QuerySyntaxError as error:
        raise HTTPException(400, str(error)) from error
    return _json([hit.as_json() for hit in hits])


def _float(request: Request, name: str) -> float:
    try:
        value = float(request.query_params[name])
    except (KeyError, ValueError) as error:
        raise HTTPException(400, f"{name} must be a number of seconds") from error
    if not math.isfinite(value):
        raise HTTPException(400, f"{name} must be a number of seconds")
    return value


routes = [
    Route("/api/transcripts", transcripts),
    Route("/api/transcripts/{id:int}", transcript),
    Route("/api/transcripts/{id:int}/public", published, methods=["GET"]),
    Route("/api/transcripts/{id:int}/topics", topics),
    Route("/api/transcripts/{id:int}/quote", quote),
    Route("/api/search", search),
]
