"""The web app over HTTP: privacy (nothing public until published, 404 either way), the JSON API in the CLI's
shapes without private fields, editor sign-in, media by id with Range, and the security rules: escaped
text, a Content-Security-Policy without inline script, no path ever reaching the file system."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import av
import pytest
from helpers import run_cli, run_json
from markupsafe import Markup
from sqlalchemy import create_engine, select, update
from starlette.testclient import TestClient
from webserver import EDITOR, TOKEN, client, serving

from transcripts import timefmt
from transcripts.config import load_settings
from transcripts.document import TranscriptDoc
from transcripts.errors import NotFound
from transcripts.store.db import Store
from transcripts.store.schema import Article, Transcript, Word
from transcripts.web.app import create_app
from transcripts.web.auth import COOKIE, MAX_FAILURES
from transcripts.web.cache import ReaderCache

HOSTILE = ('<script>alert(1)</script>', '" onmouseover="x')
sqlite_only = pytest.mark.parametrize("backend", ["sqlite"])  # the web reads through the same store code




@pytest.fixture
def web(conversation: str, home: Path) -> TestClient:
    return client(conversation)


def private_routes(transcript_id: int) -> list[str]:
    return [f"/t/{transcript_id}", f"/t/{transcript_id}/captions.vtt", f"/media/{transcript_id}",
            f"/api/transcripts/{transcript_id}", f"/api/transcripts/{transcript_id}/topics",
            f"/api/transcripts/{transcript_id}/quote?start=0&end=30"]


@sqlite_only
def test_anonymous_requests_for_anything_unpublished_get_the_same_404_as_for_nothing(web: TestClient,
                                                                                     conversation: str) -> None:
    for route in private_routes(1):
        other = route.replace("/1", "/999", 1)
        private, missing = web.get(route), web.get(other)
        assert (private.status_code, missing.status_code) == (404, 404), route
        assert private.text.replace(route.split("?")[0], "") == missing.text.replace(other.split("?")[0], ""), route
        assert web.get(route, headers=EDITOR).status_code == 200, route
    assert web.get("/api/transcripts").json() == []
    assert web.get("/api/search", params={"q": "Yankee", "mode": "words"}).json() == []
    assert "/t/1" not in web.get("/").text and "/t/1" not in web.get("/search?q=Yankee&mode=words").text
    run_json("publish", "1", "--db", conversation)
    for route in private_routes(1):
        assert web.get(route).status_code == 200, route
    assert 'href="/t/1"' in web.get("/").text
    run_json("publish", "1", "--unpublish", "--db", conversation)
    assert all(web.get(route).status_code == 404 for route in private_routes(1))


def _keys(data: Any) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {key for value in data.values() for key in _keys(value)}
    if isinstance(data, list):
        return {key for value in data for key in _keys(value)}
    return set()


@sqlite_only
def test_the_api_answers_in_the_cli_shapes_and_tells_anonymous_callers_no_path_or_settings(
        web: TestClient, conversation: str, data_dir: Path) -> None:
    run_json("publish", "1", "--db", conversation)
    listed = run_json("list", "--db", conversation)
    answers = {
        "/api/transcripts": [{k: v for k, v in row.items() if k != "path"} for row in listed],
        "/api/transcripts/1": run_json("show", "1", "--db", conversation),
        "/api/transcripts/1/topics": run_json("topics", "1", "--db", conversation),
        "/api/search?q=Yankee&mode=words": run_json("search", "Yankee", "--mode", "words", "--db", conversation),
        "/api/transcripts/1/quote?start=18&end=22": run_json("quote", "1", "--start", "18", "--end", "22",
                                                              "--db", conversation),
    }
    for route, expected in answers.items():
        response = web.get(route)
        assert response.status_code == 200 and response.json() == expected, route
        assert not _keys(response.json()) & {"path", "original_path", "settings", "voiceprint", "vocabulary"}
        assert str(data_dir) not in response.text
    assert web.get("/api/transcripts", headers=EDITOR).json() == listed  # an editor's script gets the paths
    assert web.get("/api/search?q=Yankee&mode=fuzzy").json() == {"error": "mode must be one of both, words, meaning"}
    assert web.get('/api/search?q="Yankee').status_code == 400
    assert web.get("/api/transcripts/1/quote?start=x&end=2").json() == {"error": "start must be a number of seconds"}


@sqlite_only
def test_an_anonymous_api_carries_no_decoding_settings_even_when_they_name_people(
        conversation: str, home: Path, data_dir: Path) -> None:
    names = "Diane Miller, Sheila Brown"
    [result] = run_json("ingest", str(data_dir / "fw_jfk.flac"), "--vocab", names, "--no-copy", "--db", conversation)
    run_json("publish", str(result["id"]), "--db", conversation)
    web = client(conversation)
    for route in ("/api/transcripts", f"/api/transcripts/{result['id']}", f"/t/{result['id']}", "/"):
        response = web.get(route)
        assert response.status_code == 200 and "Sheila Brown" not in response.text, route


def with_cookie(web: TestClient, value: str) -> TestClient:
    web.cookies.set(COOKIE, value)
    return web


@sqlite_only
def test_signing_in_sets_a_signed_httponly_strict_cookie_and_signing_out_ends_it(web: TestClient,
                                                                                conversation: str) -> None:
    assert web.get("/t/1").status_code == 404
    form = web.get("/signin?next=/t/1")
    assert form.status_code == 200 and 'name="token"' in form.text and 'type="password"' in form.text
    wrong = web.post("/signin", data={"token": "not-the-token", "next": "/t/1"})
    assert wrong.status_code == 401 and COOKIE not in web.cookies
    signed_in = web.post("/signin", data={"token": TOKEN, "next": "/t/1"}, follow_redirects=False)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/t/1"
    cookie = signed_in.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie and "Secure" not in cookie
    assert web.get("/t/1").status_code == 200 and "Sign out" in web.get("/").text
    value = web.cookies[COOKIE]
    tampered = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    assert with_cookie(client(conversation), value).get("/t/1").status_code == 200
    assert with_cookie(client(conversation), tampered).get("/t/1").status_code == 404  # nobody's
    new_token = client(conversation, TRANSCRIPTS_EDITOR_TOKEN="another-token-0123456789")
    assert with_cookie(new_token, value).get("/t/1").status_code == 404  # a new token signs everyone out
    assert web.post("/signout", headers={"Origin": "https://elsewhere.example"}).status_code == 403
    signed_out = web.post("/signout", follow_redirects=False)
    assert signed_out.status_code == 303 and f'{COOKIE}=""' in signed_out.headers["set-cookie"]
    assert web.get("/t/1").status_code == 404
    assert web.post("/signin", data={"token": TOKEN, "next": "//evil.example/"},
                    follow_redirects=False).headers["location"] == "/"
    secure = client(conversation, TRANSCRIPTS_PUBLIC_URL="https://news.example/transcripts")
    assert "Secure" in secure.post("/signin", data={"token": TOKEN}, follow_redirects=False).headers["set-cookie"]


@sqlite_only
def test_sign_in_attempts_and_wrong_bearer_tokens_are_rate_limited(conversation: str, home: Path) -> None:
    web = client(conversation)
    for _ in range(MAX_FAILURES):
        assert web.post("/signin", data={"token": "guess"}).status_code == 401
    limited = web.post("/signin", data={"token": TOKEN}, follow_redirects=False)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0  # even the right token waits
    scripts = client(conversation)
    for _ in range(MAX_FAILURES):
        assert scripts.get("/api/transcripts", headers={"Authorization": "Bearer guess"}).status_code == 401
    assert scripts.get("/api/transcripts", headers=EDITOR).status_code == 429


class Page(HTMLParser):
    """What matters for injection: every script element, every attribute name, the text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.attributes: set[str] = set()
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes.update(name for name, _ in attrs)
        if tag == "script":
            self.scripts.append(dict(attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@sqlite_only
def test_hostile_text_renders_inert_in_every_page(conversation: str, home: Path, tmp_path: Path) -> None:
    script, attribute = HOSTILE
    engine = create_engine(conversation)
    with engine.begin() as connection:
        connection.execute(update(Transcript).values(title=f"{script} {attribute}"))
        connection.execute(update(Word).where(Word.id == 5).values(text=f" {script}"))
        connection.execute(update(Word).where(Word.id == 6).values(text=f" {attribute}"))
    engine.dispose()
    run_json("speakers", "rename", "1", "S1", f"{attribute} {script}", "--db", conversation)
    topic = run_json("topics", "1", "--db", conversation)[0]["id"]
    run_json("topics", "retitle", str(topic), f"{script}{attribute}", "--db", conversation)
    story = tmp_path / "story.md"
    story.write_text(f"# {script} {attribute}\n\nBy {script}\n\n{attribute} {script} Yankee.\n")
    article = run_json("article", "add", str(story), "--link", "1", "--db", conversation)["id"]
    run_json("publish", "1", "--db", conversation)
    run_json("article", "publish", str(article), "--db", conversation)
    web = client(conversation)
    pages = ["/", "/t/1", "/search?q=Yankee&mode=words", "/search?q=<script>alert(1)</script>",
             f"/signin?next=/{attribute}{script}", "/t/999", f"/a/{article}", "/t/1/embed", f"/a/{article}/embed"]
    reader_scripts = [{"src": "/static/players.js", "defer": None}, {"src": "/static/reader.js", "defer": None}]
    for route in pages:
        response = web.get(route)
        page = Page(response.text)
        assert page.scripts == [] or page.scripts == reader_scripts, route
        assert not {name for name in page.attributes if name.startswith("on")}, route
        assert "style" not in page.attributes, route  # the CSP allows no inline style either
        if route in ("/", "/t/1", "/search?q=Yankee&mode=words", f"/a/{article}", "/t/1/embed"):
            assert script in "".join(page.text) and attribute.strip() in "".join(page.text), route
    captions = web.get("/t/1/captions.vtt").text
    assert "<script>" not in captions and "&lt;script&gt;" in captions


def test_a_reader_page_made_once_still_shows_every_change_on_the_next_request(web: TestClient,
                                                                               conversation: str) -> None:
    run_json("publish", "1", "--db", conversation)
    first = web.get("/t/1")
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "public, no-cache" and etag.startswith('W/"')
    assert "Cookie" in first.headers["vary"]
    unchanged = web.get("/t/1", headers={"If-None-Match": etag})
    assert (unchanged.status_code, unchanged.content, unchanged.headers["etag"]) == (304, b"", etag)
    assert "unsafe" not in unchanged.headers["content-security-policy"]
    assert web.get("/t/1", headers=EDITOR).headers["cache-control"] == "private, no-cache"

    run_json("speakers", "rename", "1", "S1", "Renamed Speaker", "--db", conversation)
    renamed = web.get("/t/1", headers={"If-None-Match": etag})
    assert renamed.status_code == 200 and '<span class="who">Renamed Speaker</span>' in renamed.text
    topic = run_json("topics", "1", "--db", conversation)[0]["id"]
    run_json("topics", "retitle", str(topic), "A new heading", "--db", conversation)
    assert f'<h2 id="topic-{topic}">A new heading</h2>' in web.get("/t/1").text
    engine = create_engine(conversation)
    with engine.begin() as connection:  # a word's time alone, its segment untouched
        connection.execute(update(Word).where(Word.id == 3).values(start=Word.start + 0.5))
        moved = connection.scalar(select(Word.start).where(Word.id == 3))
    engine.dispose()
    assert f'data-m="{round(moved * 1000)}"' in web.get("/t/1").text
    run_json("publish", "1", "--unpublish", "--db", conversation)
    assert web.get("/t/1").status_code == 404 and web.get("/t/1", headers={"If-None-Match": etag}).status_code == 404


@sqlite_only
def test_the_reader_cache_makes_a_page_once_per_version_within_its_size(conversation: str) -> None:
    made: list[int] = []

    def render(doc: TranscriptDoc) -> Markup:
        made.append(doc.id)
        return Markup("x" * 100)

    store = Store(conversation)
    cache, small = ReaderCache(render), ReaderCache(render, max_bytes=99)
    with store.session() as session:
        first, again = cache.get(session, 1), cache.get(session, 1)
        assert made == [1] and again is first and first.doc.segments == [] and first.doc.title
        small.get(session, 1), small.get(session, 1)  # too big to keep: made each time
        assert made == [1, 1, 1]
        with pytest.raises(NotFound):
            cache.get(session, 999)
    run_json("speakers", "rename", "1", "S1", "Someone Else", "--db", conversation)
    with store.session() as session:
        renamed = cache.get(session, 1)
    assert made == [1, 1, 1, 1] and "Someone Else" in [s.display for s in renamed.doc.speakers]
    store.close()


@sqlite_only
def test_the_article_page_prints_its_byline_once(web: TestClient, conversation: str, tmp_path: Path) -> None:
    page = tmp_path / "story.html"
    page.write_text("<!DOCTYPE html><html><head><title>The bridge</title></head><body><article>"
                    "<h1>The bridge</h1><p>By Jane Doe</p><p>The council voted on Tuesday night to build the "
                    "new bridge over the river, after three years of debate and two public inquiries.</p>"
                    "<p>Work is due to start in the spring, and the first lane should open within two years.</p>"
                    "</article></body></html>", encoding="utf-8")
    article = run_json("article", "add", str(page), "--link", "1", "--db", conversation)
    run_json("publish", "1", "--db", conversation)
    run_json("article", "publish", str(article["id"]), "--db", conversation)
    assert article["author"] == "Jane Doe"
    assert web.get(f"/a/{article['id']}").text.count("By Jane Doe") == 1
    engine = create_engine(conversation)
    with engine.begin() as connection:  # as stored before the byline left the body
        connection.execute(update(Article).values(body="By Jane Doe\n\n" + Article.body))
    engine.dispose()
    shown = web.get(f"/a/{article['id']}").text
    assert shown.count("By Jane Doe") == 1 and "<p>The council voted" in shown


@sqlite_only
def test_every_answer_carries_a_content_security_policy_without_inline_script(web: TestClient,
                                                                              conversation: str) -> None:
    run_json("publish", "1", "--db", conversation)
    for route in ("/", "/t/1", "/search?q=hello", "/signin", "/t/999", "/api/transcripts", "/api/transcripts/9",
                  "/media/1", "/static/reader.js"):
        response = web.get(route)
        policy = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
        assert policy["script-src"] == "'self'" and policy["default-src"] == "'none'", route
        assert "unsafe" not in response.headers["content-security-policy"], route
        assert policy["frame-ancestors"] == "'none'" and response.headers["x-content-type-options"] == "nosniff"


@pytest.fixture
def formats(formats_store: str, home: Path) -> TestClient:
    return client(formats_store)


def test_media_is_served_by_id_with_ranges_in_the_formats_browsers_play(formats: TestClient, formats_store: str
                                                                         ) -> None:
    listed = {Path(row["path"]).suffix: row for row in run_json("list", "--db", formats_store)}
    expected = {".webm": "video/webm", ".mp3": "audio/mpeg", ".ogg": "audio/ogg"}
    for suffix, kind in expected.items():
        row = listed[suffix]
        whole = formats.get(f"/media/{row['id']}")
        assert whole.status_code == 200 and whole.headers["content-type"] == kind
        assert whole.headers["accept-ranges"] == "bytes" and "gzip" not in whole.headers.get("content-encoding", "")
        assert whole.content == Path(row["path"]).read_bytes()
        size = len(whole.content)
        part = formats.get(f"/media/{row['id']}", headers={"Range": "bytes=100-199"})
        assert part.status_code == 206 and part.headers["content-range"] == f"bytes 100-199/{size}"
        assert part.content == whole.content[100:200]
        beyond = formats.get(f"/media/{row['id']}", headers={"Range": f"bytes={size}-"})
        assert beyond.status_code == 416 and beyond.headers["content-range"] == f"bytes */{size}"
    assert formats.head(f"/media/{listed['.mp3']['id']}").status_code == 200


def test_a_format_no_browser_plays_gets_an_opus_rendition_made_once(formats: TestClient, formats_store: str,
                                                                    home: Path) -> None:
    wma = next(row for row in run_json("list", "--db", formats_store) if row["path"].endswith(".wma"))
    first = formats.get(f"/media/{wma['id']}")
    assert first.status_code == 200 and first.headers["content-type"] == "audio/webm"
    [rendition] = (home / "renditions").iterdir()
    with av.open(str(rendition)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "opus"
        assert abs(float(container.duration or 0) / av.time_base - wma["duration"]) < 0.1
    made = rendition.stat().st_mtime_ns
    part = formats.get(f"/media/{wma['id']}", headers={"Range": "bytes=0-1023"})
    assert part.status_code == 206 and part.content == first.content[:1024]
    assert rendition.stat().st_mtime_ns == made and first.content == rendition.read_bytes()


def _raw_get(base: str, path: str) -> tuple[int, bytes]:
    """A request line sent as written: no client tidies `..` or percent-escapes away."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.putrequest("GET", path, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


@sqlite_only
def test_no_request_path_reaches_the_file_system(conversation: str, home: Path) -> None:
    with serving(create_app(load_settings(db=conversation))) as base:
        for path in ("/media/../../etc/passwd", "/media/..%2f..%2fetc%2fpasswd", "/media/%2e%2e/%2e%2e/etc/passwd",
                     "/media/%252e%252e%252fetc%252fpasswd", "/media/1/../../../../etc/passwd",
                     "/static/../../../../etc/passwd", "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
                     "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/media/-1", "/media/1.0", "/media/1",
                     "/media/999"):
            status, body = _raw_get(base, path)
            assert status == 404 and b"root:" not in body, path


def test_a_reader_page_links_its_recording_by_id_and_a_video_gets_its_captions(formats: TestClient,
                                                                               formats_store: str) -> None:
    video = next(row for row in run_json("list", "--db", formats_store) if row["path"].endswith(".webm"))
    page = formats.get(f"/t/{video['id']}").text
    assert f'<video id="media" data-player="html5" controls preload="metadata" playsinline src="/media/{video["id"]}"' in page
    assert f'<track kind="captions" src="/t/{video["id"]}/captions.vtt"' in page
    assert video["path"] not in page
    captions = formats.get(f"/t/{video['id']}/captions.vtt")
    assert captions.headers["content-type"].startswith("text/vtt")
    assert captions.text == run_cli("export", str(video["id"]), "--format", "vtt", "--db", formats_store).stdout


def test_the_library_lists_transcripts_newest_first_with_their_date_length_speakers_and_topics(
        formats: TestClient, formats_store: str) -> None:
    page = formats.get("/").text
    listed = run_json("list", "--db", formats_store)
    positions = [page.index(f'href="/t/{row["id"]}"') for row in listed]
    assert positions == sorted(positions, reverse=True)  # ingested one after another: the last is newest
    for row in listed:
        card = page[page.index(f'href="/t/{row["id"]}"'):].split("</li>")[0]
        assert row["title"] in card and timefmt.hms(row["duration"]) in card and row["created_at"][:10] in card
        assert ", ".join(row["speakers"]) in card and f"{row['topics']} topic" in card


def test_the_library_pages_through_the_older_interviews(formats: TestClient, formats_store: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from transcripts.web.routes import library

    monkeypatch.setattr(library, "PAGE", 3)
    ids = [row["id"] for row in run_json("list", "--db", formats_store)][::-1]  # newest first
    first, second = formats.get("/").text, formats.get("/?page=2").text
    assert [i for i in ids if f'href="/t/{i}"' in first] == ids[:3] and 'href="/?page=2"' in first
    assert [i for i in ids if f'href="/t/{i}"' in second] == ids[3:] and 'href="/?page=1"' in second
    assert "No older interviews" in formats.get("/?page=3").text


@sqlite_only
def test_search_results_open_the_reader_at_their_moment(web: TestClient, conversation: str) -> None:
    run_json("publish", "1", "--db", conversation)
    [hit] = run_json("search", "Yankee", "--mode", "words", "--db", conversation)
    page = web.get("/search", params={"q": "Yankee", "mode": "words"}).text
    assert f'href="/t/1#t={hit["start"]:.2f}"' in page and "<mark>Yankee</mark>" in page
    assert "Sheila Brown" in page


def test_the_secret_key_is_made_once_readable_by_its_owner_only(home: Path, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    monkeypatch.delenv("TRANSCRIPTS_SECRET_KEY", raising=False)
    key = load_settings().secret_key()
    path = home / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(key) >= 40
    assert load_settings().secret_key() == key
    monkeypatch.setenv("TRANSCRIPTS_SECRET_KEY", "shared-by-every-web-process")
    assert load_settings().secret_key() == "shared-by-every-web-process"
    monkeypatch.setenv("TRANSCRIPTS_EDITOR_TOKEN", TOKEN)
    shown = run_json("config")
    assert shown["secret_key"]["value"] == "(set)" and shown["editor_token"]["value"] == "(set)"
    assert "shared-by-every-web-process" not in json.dumps(shown) and TOKEN not in json.dumps(shown)


def test_web_settings_come_from_the_flag_the_environment_or_the_config_file(home: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    (home / "config.toml").write_text('public_url = "https://file.example/"\nsecure_cookies = false\n')
    settings = load_settings()
    assert (settings.public_url, settings.secure_cookies) == ("https://file.example", False)
    monkeypatch.setenv("TRANSCRIPTS_PUBLIC_URL", "https://env.example")
    assert load_settings().public_url == "https://env.example"
    assert load_settings(public_url="http://flag.example").public_url == "http://flag.example"
    (home / "config.toml").write_text('public_url = "https://file.example/"\n')
    assert load_settings().secure_cookies is True  # on by default for an https public URL
    assert run_cli("serve", "--public-url", "ftp://x").exit_code == 1  # one-line error, no server


@pytest.fixture
def free_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    yield port


@sqlite_only
def test_transcripts_serve_answers_on_the_port_it_was_given(conversation: str, home: Path, free_port: int) -> None:
    env = {**os.environ, "TRANSCRIPTS_EDITOR_TOKEN": TOKEN, "PYTHONPATH": str(Path(__file__).parent.parent)}
    server = subprocess.Popen([sys.executable, "-m", "transcripts", "serve", "--port", str(free_port), "--db",
                               conversation], env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", free_port, timeout=5)
                connection.request("GET", "/api/transcripts", headers=EDITOR)
                response = connection.getresponse()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "transcripts serve did not start"
                time.sleep(0.2)
        assert response.status == 200 and [row["id"] for row in json.loads(response.read())] == [1]
    finally:
        server.terminate()
        server.wait(10)
    assert re.search(rf"serving on http://127\.0\.0\.1:{free_port}/", server.stderr.read() if server.stderr else "")



def test_the_readme_documents_every_route(home: Path) -> None:
    from starlette.routing import Mount, Route

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    section = readme[readme.index("## The web app"):]
    app = create_app(load_settings())
    paths = [route.path.replace(":int", "") for route in app.routes if isinstance(route, Route | Mount)]
    assert len(paths) >= 12
    for path in paths:
        assert f"`GET {path}" in section or f"`POST {path}" in section or f"`GET {path}/…`" in section, path
