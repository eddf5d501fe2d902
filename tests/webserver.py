"""The web app for the tests: on a real socket for the browser tests and the raw-HTTP security tests (uvicorn
in a thread, on a free port of 127.0.0.1 chosen by the system, port 0, stopped on exit), or in process
through Starlette's TestClient, with the editor's token set."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn
from starlette.testclient import TestClient
from starlette.types import ASGIApp

from transcripts.config import load_settings
from transcripts.web.app import create_app

CHROMIUM = "/usr/bin/chromium"  # Debian's package (.ci/run installs it); no browser is ever downloaded
CHROMIUM_ARGS = ["--no-sandbox", "--autoplay-policy=no-user-gesture-required", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

TOKEN = "editor-token-for-the-tests-0123"
EDITOR = {"Authorization": f"Bearer {TOKEN}"}


def client(db_url: str, **env: str) -> TestClient:
    """A fresh app (fresh rate limits) over the store, with the editor token and any other settings given."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRANSCRIPTS_EDITOR_TOKEN", TOKEN)
        for name, value in env.items():
            patch.setenv(name, value)
        return TestClient(create_app(load_settings(db=db_url)))


@contextmanager
def serving(app: ASGIApp) -> Iterator[str]:
    """Serve `app` until the block ends; yields its base URL (`http://127.0.0.1:PORT`)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web app did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
