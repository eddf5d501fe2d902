"""What every route shares: the settings, the store, the templates, the editor check and the searcher."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from transcripts import timefmt
from transcripts.config import Settings
from transcripts.document import TranscriptDoc
from transcripts.pipeline.embed import Embedder
from transcripts.search import Hit, Searcher
from transcripts.store.db import Store
from transcripts.store.fts import Scope
from transcripts.web.auth import EditorAuth
from transcripts.web.cache import ReaderCache
from transcripts.web.view import reader_sections

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


class Site:
    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.auth = EditorAuth(settings.editor_token, settings.secret_key(), settings.secure_cookies)
        self.public_url = settings.public_url
        self.frame_ancestors = settings.frame_ancestors  # read now: a bad origin stops `serve` with one line
        # templates are package files: no stat of each one on every render (auto_reload)
        environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                                  trim_blocks=True, lstrip_blocks=True, auto_reload=False)
        environment.filters["hms"] = timefmt.hms
        for name in environment.list_templates(filter_func=lambda name: name.endswith(".html")):
            environment.get_template(name)  # compiled now, not on some reader's first request (~100 ms)
        self.templates = Jinja2Templates(env=environment)
        self.readers = ReaderCache(self.transcript_html)
        # one ONNX thread: searches run one at a time, and idle intra-op threads spin on a busy machine
        self._searcher = Searcher(store, Embedder(settings.models_dir, threads=1))  # loads on first use
        self._search_lock = threading.Lock()

    def search(self, query: str, scope: Scope, mode: str, limit: int) -> list[Hit]:
        """The CLI's search. One query at a time: each tops up the in-memory segment vectors in place."""
        with self._search_lock:
            return self._searcher.search(query, scope, mode, limit)

    def transcript_html(self, doc: TranscriptDoc) -> Markup:
        """A transcript's sections, turns and words as the reader shows them (cached in `self.readers`)."""
        return Markup(self.templates.env.get_template("_transcript.html").render(sections=reader_sections(doc)))

    def base_url(self, request: Request) -> str:
        """The site's address for links that leave the page: the configured public URL, else this request's."""
        return self.public_url or str(request.base_url).rstrip("/")

    def render(self, request: Request, name: str, context: dict[str, Any], status_code: int = 200,
               editor: bool | None = None, headers: dict[str, str] | None = None, public: bool = False) -> Response:
        """A page; `editor` is asked of the request unless given (error pages give it, to ask nothing).

        `public`: the page shows only published things, so shared caches may keep the anonymous answer (an
        editor's is private whatever it shows). Either way a cache asks again each time (no-cache) and a
        page that has not changed answers 304 to its ETag: an hour-long transcript is 600 kB of HTML.
        """
        if editor is None:
            editor = self.auth.is_editor(request)
        context = {"editor": editor, "editors_enabled": self.auth.enabled, **context}
        caching = {"Cache-Control": "public, no-cache" if public and not editor else "private, no-cache",
                   "Vary": "Cookie, Authorization"}
        response = self.templates.TemplateResponse(request, name, context, status_code=status_code,
                                                   headers={**caching, **(headers or {})})
        if status_code != 200:
            return response
        # weak: the same page gzipped is other bytes, and If-None-Match compares weakly anyway
        etag = f'W/"{hashlib.blake2b(response.body, digest_size=16).hexdigest()}"'
        response.headers["ETag"] = etag
        if _matches(request.headers.get("if-none-match", ""), etag):
            return Response(status_code=304, headers={**caching, **(headers or {}), "ETag": etag})
        return response


def _matches(if_none_match: str, etag: str) -> bool:
    """Whether an If-None-Match header names this ETag (weak comparison: W/ ignored) or is `*`."""
    given = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in given or etag.removeprefix("W/") in given


def site_of(request: Request) -> Site:
    site: Site = request.app.state.site
    return site
