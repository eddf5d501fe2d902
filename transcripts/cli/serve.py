"""`transcripts serve`: the web app (library, reader, media, JSON API) on this machine, with uvicorn."""

from __future__ import annotations

import os
from typing import Any

import click

from transcripts.cli.common import db_option
from transcripts.config import load_settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0: every interface; put HTTPS in front for the public).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--public-url", metavar="URL", help="The site's address as readers reach it, for links that leave "
              "the page (default: TRANSCRIPTS_PUBLIC_URL, the config file, or each request's own address).")
@click.option("--secure-cookies/--no-secure-cookies", default=None,
              help="Send the editor's cookie over HTTPS only (default: on when the public URL is https).")
@click.option("--frame-ancestors", metavar="ORIGINS", help="Origins whose pages may frame the embeddable "
              "reader, comma-separated (default: TRANSCRIPTS_FRAME_ANCESTORS, the config file, or none).")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Processes answering requests (one per core; each keeps its own search vectors).")
@db_option
def serve(host: str, port: int, public_url: str | None, secure_cookies: bool | None,
          frame_ancestors: str | None, workers: int, db: str | None) -> None:
    """Serve the reader: published transcripts beside their recordings, for anyone who can reach the address.

    \b
      TRANSCRIPTS_EDITOR_TOKEN=... transcripts serve --port 8000
      transcripts publish 3        # nothing is public until published
    Editors sign in at /signin with TRANSCRIPTS_EDITOR_TOKEN and see everything.
    """
    import uvicorn

    from transcripts.web.app import create_app

    flags = {"db": db, "public_url": public_url,
             "secure_cookies": None if secure_cookies is None else str(secure_cookies).lower(),
             "frame_ancestors": frame_ancestors}
    settings = load_settings(**flags)
    options: dict[str, Any] = {"host": host, "port": port, "log_level": "warning", "server_header": False,
                               "timeout_graceful_shutdown": 5}
    if workers == 1:
        app: Any = create_app(settings)
    else:  # each worker process builds the app from the environment: hand the flags down through it
        settings.secret_key()  # made once here, so the workers share it
        for name, value in flags.items():
            if value is not None:
                os.environ[f"TRANSCRIPTS_{name.upper()}"] = value
        app, options = "transcripts.web.app:app_from_environment", options | {"factory": True, "workers": workers}
        create_app(settings).state.site.store.close()  # fail here, in one line, on a bad setting or database
    click.echo(f"serving on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    uvicorn.run(app, **options)
