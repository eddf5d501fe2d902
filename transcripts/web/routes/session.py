"""`/signin` and `/signout`: an editor's session, started with the editor token typed into a form."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from transcripts.web.auth import client_address
from transcripts.web.site import site_of


def _next_path(value: str | None) -> str:
    """Where to go after signing in: a path on this site only (never `//elsewhere` or a full URL)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def _same_origin(request: Request) -> None:
    """Refuse a form posted from another site (SameSite=strict already keeps our cookie out of it)."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
        raise HTTPException(403, "cross-site form")


def signin_form(request: Request) -> Response:
    site = site_of(request)
    return site.render(request, "signin.html", {"next": _next_path(request.query_params.get("next")),
                                                "error": None})


async def signin(request: Request) -> Response:
    site = site_of(request)
    _same_origin(request)
    client = client_address(request)
    site.auth.limiter.check(client)
    form = await request.form()
    token, next_path = str(form.get("token", "")), _next_path(str(form.get("next", "")))
    if not site.auth.token_matches(token):
        site.auth.limiter.failed(client)
        problem = "That is not the editor token." if site.auth.enabled else (
            "Editor sign-in is off: set TRANSCRIPTS_EDITOR_TOKEN where the server runs.")
        return site.render(request, "signin.html", {"next": next_path, "error": problem}, status_code=401)
    response = RedirectResponse(next_path, status_code=303)
    site.auth.start_session(response)
    return response


def signout(request: Request) -> Response:
    _same_origin(request)
    response = RedirectResponse("/", status_code=303)
    site_of(request).auth.end_session(response)
    return response


routes = [Route("/signin", signin_form, methods=["GET"], name="signin_form"),
          Route("/signin", signin, methods=["POST"], name="signin"),
          Route("/signout", signout, methods=["POST"], name="signout")]
