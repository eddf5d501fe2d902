"""`transcripts serve`: the web app (library, reader, media, JSON API) on this machine, with uvicorn."""

from __future__ import annotations

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
@db_option
def serve(host: str, port: int, public_url: str | None, secure_cookies: bool | None, db: str | None) -> None:
    """Serve the reader: published transcripts beside their recordings, for anyone who can reach the address.

    \b
      TRANSCRIPTS_EDITOR_TOKEN=... transcripts serve --port 8000
      transcripts publish 3        # nothing is public until published
    Editors sign in at /signin with TRANSCRIPTS_EDITOR_TOKEN and see everything.
    """
    import uvicorn

    from transcripts.web.app import create_app

    settings = load_settings(db=db, public_url=public_url,
                             secure_cookies=None if secure_cookies is None else str(secure_cookies).lower())
    app = create_app(settings)
    click.echo(f"serving on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False, timeout_graceful_shutdown=5)
