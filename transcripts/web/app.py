"""The ASGI app: routes, static files, security headers on every answer, and errors as pages or JSON.

Every response carries a Content-Security-Policy that allows scripts, styles and media from this site only
(no inline script, no inline style), so a transcript's text can never run as code even if escaping failed.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from transcripts.config import Settings, load_settings
from transcripts.errors import NotFound
from transcripts.store.db import Store
from transcripts.web.players import content_security_policy
from transcripts.web.routes import api, article, library, media, oembed, reader, session
from transcripts.web.site import STATIC, Site, site_of

CONTENT_SECURITY_POLICY = content_security_policy()  # a page with players, or made to be framed, sets its own
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """Adds the headers above to every HTTP response, errors and static files included. A response that
    sets its own policy (a page with a YouTube or Vimeo player, an embed route) decides on framing itself:
    X-Frame-Options is then added only by the route, where it agrees with `frame-ancestors`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                if b"content-security-policy" in names:
                    names.add(b"x-frame-options")
                message["headers"] = [*message.get("headers", []),
                                      *[(name, value) for name, value in SECURITY_HEADERS if name not in names]]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/oembed"


async def http_error(request: Request, error: Exception) -> Response:
    """Errors as a page, or `{"error": …}` under /api/. A 404 never says whether the thing exists."""
    status = error.status_code if isinstance(error, HTTPException) else 404
    detail = "not found" if status == 404 else str(getattr(error, "detail", error))
    headers = dict(error.headers or {}) if isinstance(error, HTTPException) else {}
    if _wants_json(request):
        return JSONResponse({"error": detail}, status_code=status, headers=headers)
    return site_of(request).render(request, "error.html", {"status": status, "detail": detail},
                                   status_code=status, editor=False, headers=headers)


def create_app(settings: Settings, store: Store | None = None) -> Starlette:
    """The web app over `store` (opened from the settings when not given)."""
    site = Site(settings, store or Store(settings.db_url))
    routes = [*library.routes, *reader.routes, *article.routes, *oembed.routes, *media.routes, *api.routes,
              *session.routes,
              Mount("/static", StaticFiles(directory=STATIC), name="static")]
    app = Starlette(routes=routes,
                    middleware=[Middleware(SecurityHeaders), Middleware(GZipMiddleware, minimum_size=1000,
                                                                        compresslevel=5)],
                    exception_handlers={HTTPException: http_error, NotFound: http_error})
    app.state.site = site
    return app


def app_from_environment() -> Starlette:
    """The app as each worker of `transcripts serve --workers N` builds it (settings from the environment)."""
    return create_app(load_settings())
