"""What every route shares: the settings, the store, the templates, the editor check and the searcher."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from transcripts import timefmt
from transcripts.config import Settings
from transcripts.pipeline.embed import Embedder
from transcripts.search import Hit, Searcher
from transcripts.store.db import Store
from transcripts.store.fts import Scope
from transcripts.web.auth import EditorAuth

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


class Site:
    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.auth = EditorAuth(settings.editor_token, settings.secret_key(), settings.secure_cookies)
        self.public_url = settings.public_url
        environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                                  trim_blocks=True, lstrip_blocks=True)
        environment.filters["hms"] = timefmt.hms
        self.templates = Jinja2Templates(env=environment)
        # one ONNX thread: searches run one at a time, and idle intra-op threads spin on a busy machine
        self._searcher = Searcher(store, Embedder(settings.models_dir, threads=1))  # loads on first use
        self._search_lock = threading.Lock()

    def search(self, query: str, scope: Scope, mode: str, limit: int) -> list[Hit]:
        """The CLI's search. One query at a time: each tops up the in-memory segment vectors in place."""
        with self._search_lock:
            return self._searcher.search(query, scope, mode, limit)

    def base_url(self, request: Request) -> str:
        """The site's address for links that leave the page: the configured public URL, else this request's."""
        return self.public_url or str(request.base_url).rstrip("/")

    def render(self, request: Request, name: str, context: dict[str, Any], status_code: int = 200,
               editor: bool | None = None, headers: dict[str, str] | None = None) -> HTMLResponse:
        """A page; `editor` is asked of the request unless given (error pages give it, to ask nothing)."""
        if editor is None:
            editor = self.auth.is_editor(request)
        context = {"editor": editor, "editors_enabled": self.auth.enabled, **context}
        return self.templates.TemplateResponse(request, name, context, status_code=status_code,
                                               headers={"Cache-Control": "no-cache", "Vary": "Cookie",
                                                        **(headers or {})})


def site_of(request: Request) -> Site:
    site: Site = request.app.state.site
    return site
