"""The reader beyond its own page, over HTTP: the article page and who may see it, the embed routes and who
may frame them, oEmbed, the published-only JSON that embed.js reads from other sites, each page's
Content-Security-Policy allowing exactly its players, and the interactive HTML export's options."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import run_cli, run_json
from players_site import CMS
from starlette.testclient import TestClient
from webserver import EDITOR, client

from transcripts.config import load_settings
from transcripts.errors import ConfigError
from transcripts.web.app import create_app
from transcripts.web.players import content_security_policy, linked_player


@pytest.fixture(scope="module")
def web(article_db: str) -> TestClient:
    return client(article_db, TRANSCRIPTS_FRAME_ANCESTORS=f"{CMS}, https://news.example")


def policy(response: object) -> dict[str, str]:
    header = response.headers["content-security-policy"]  # type: ignore[attr-defined]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str, name: str) -> list[dict[str, str | None]]:
    parser = _Tags()
    parser.feed(html)
    return [attrs for tag, attrs in parser.tags if tag == name]


def test_the_article_page_shows_its_text_and_a_reader_beside_each_linked_video(web: TestClient) -> None:
    page = web.get("/a/1")
    assert page.status_code == 200
    assert "Ask not: the speech at sixty" in page.text and "Historians still argue" in page.text
    readers = tags(page.text, "article")
    assert [(r["data-id"], r["data-offset"]) for r in readers] == [("1", "2.5"), ("2", "1.25"), ("3", "0.0")]
    players = [(f["data-player"], (f["src"] or "").split("?")[0]) for f in tags(page.text, "iframe")]
    assert players == [("youtube", "https://www.youtube.com/embed/dQw4w9WgXcQ"),
                       ("vimeo", "https://player.vimeo.com/video/76979871"),
                       ("youtube", "https://www.youtube.com/embed/jNQXAC9IVRw")]
    assert all("enablejsapi=1" in (f["src"] or "") for f in tags(page.text, "iframe") if f["data-player"] == "youtube")
    assert [s["src"] for s in tags(page.text, "script")] == ["/static/players.js", "/static/reader.js"]


def test_each_page_allows_exactly_the_players_on_it(web: TestClient) -> None:
    article = policy(web.get("/a/1"))
    assert article["script-src"] == "'self' https://player.vimeo.com https://www.youtube.com"
    assert article["frame-src"] == "https://player.vimeo.com https://www.youtube.com"
    for route in ("/t/1", "/", "/oembed?url=x"):
        plain = policy(web.get(route))
        assert plain["script-src"] == "'self'" and "frame-src" not in plain, route
        assert "youtube" not in web.get(route).headers["content-security-policy"], route


def test_embed_routes_may_be_framed_by_the_configured_origins_only_and_no_other_page_at_all(
        web: TestClient, article_db: str) -> None:
    for route in ("/t/1/embed", "/a/1/embed"):
        response = web.get(route)
        assert response.status_code == 200 and "<header class=\"site\"" not in response.text, route
        assert policy(response)["frame-ancestors"] == f"{CMS} https://news.example", route
        assert "x-frame-options" not in response.headers, route  # it cannot name origins: it would contradict
    for route in ("/t/1", "/a/1", "/", "/search?q=ask", "/api/transcripts/1"):
        response = web.get(route)
        assert policy(response)["frame-ancestors"] == "'none'", route
        assert response.headers["x-frame-options"] == "DENY", route
    unconfigured = client(article_db).get("/t/1/embed")
    assert policy(unconfigured)["frame-ancestors"] == "'none'" and unconfigured.headers["x-frame-options"] == "DENY"


def test_frame_ancestors_take_plain_origins_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSCRIPTS_FRAME_ANCESTORS", "https://ok.example, *")
    with pytest.raises(ConfigError, match="'\\*'"):
        _ = load_settings().frame_ancestors
    assert load_settings(frame_ancestors="https://a.example/ http://b.test:8080").frame_ancestors == (
        "https://a.example", "http://b.test:8080")
    with pytest.raises(ConfigError, match="'\\*'"):  # when the app is made: `serve` stops, not each embed request
        create_app(load_settings())


def test_an_imported_media_url_cannot_add_directives_to_the_policy() -> None:
    """The URL of an article's own <video> comes from someone else's page and its origin enters our CSP."""
    hostile = {"provider": "video", "url": "https://cdn.example; frame-ancestors *; x/v.mp4"}
    player = linked_player(hostile, 1, True, 0.0, "http://127.0.0.1")
    assert player.src == "/media/1"  # not a plain origin: the stored recording plays instead
    plain = linked_player({"provider": "video", "url": "https://cdn.example:8443/v.mp4"}, 1, True, 0.0, "")
    assert plain.origin == "https://cdn.example:8443"
    policy = content_security_policy([player, plain])
    assert policy.count("frame-ancestors") == 1 and "frame-ancestors 'none'" in policy
    assert "media-src 'self' https://cdn.example:8443;" in policy


def test_oembed_answers_a_rich_iframe_to_the_embed_route_within_the_bounds(web: TestClient) -> None:
    base = "http://testserver"
    answer = web.get("/oembed", params={"url": f"{base}/t/2", "maxwidth": "300", "maxheight": "200",
                                         "format": "json"})
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    data = answer.json()
    assert {k: data[k] for k in ("type", "version", "width", "height", "title", "provider_name", "provider_url")} == {
        "type": "rich", "version": "1.0", "width": 300, "height": 200, "title": "jfk",
        "provider_name": "Transcripts", "provider_url": f"{base}/"}
    [frame] = tags(data["html"], "iframe")
    assert (frame["src"], frame["width"], frame["height"]) == (f"{base}/t/2/embed", "300", "200")
    unbounded = web.get("/oembed", params={"url": f"{base}/a/1"}).json()
    assert (unbounded["width"], unbounded["height"], unbounded["title"]) == (640, 480, "Ask not: the speech at sixty")
    assert tags(unbounded["html"], "iframe")[0]["src"] == f"{base}/a/1/embed"
    assert web.get("/oembed", params={"url": f"{base}/t/2/embed", "maxwidth": "2000"}).json()["width"] == 640


def test_oembed_refuses_unknown_and_unpublished_urls_and_formats_other_than_json(web: TestClient,
                                                                                article_db: str) -> None:
    base = "http://testserver"
    for url in (f"{base}/t/999", f"{base}/a/999", "https://elsewhere.example/t/1", f"{base}/search", "nonsense"):
        assert web.get("/oembed", params={"url": url}).status_code == 404, url
    assert web.get("/oembed", params={"url": f"{base}/t/1", "format": "xml"}).status_code == 501
    assert web.get("/oembed", params={"url": f"{base}/t/1", "maxwidth": "wide"}).status_code == 400
    run_json("publish", "4", "--unpublish", "--db", article_db)
    try:
        for who in ({}, EDITOR):  # the answer is for other sites: unpublished is not embeddable, whoever asks
            assert web.get("/oembed", params={"url": f"{base}/t/4"}, headers=who).status_code == 404
    finally:
        run_json("publish", "4", "--db", article_db)


def test_the_reader_and_article_pages_carry_the_oembed_discovery_link(web: TestClient) -> None:
    for route in ("/t/1", "/a/1", "/t/1/embed"):
        [link] = [t for t in tags(web.get(route).text, "link") if t.get("rel") == "alternate"]
        assert link["type"] == "application/json+oembed", route
        discovered = web.get(str(link["href"]).removeprefix("http://testserver"))
        assert discovered.status_code == 200 and discovered.json()["type"] == "rich", route


def test_anonymous_readers_see_published_articles_with_published_interviews_only(article_db: str,
                                                                                 web: TestClient) -> None:
    run_json("publish", "2", "--unpublish", "--db", article_db)
    try:
        shown = [r["data-id"] for r in tags(web.get("/a/1").text, "article")]
        assert shown == ["1", "3"]
        assert [r["data-id"] for r in tags(web.get("/a/1", headers=EDITOR).text, "article")] == ["1", "2", "3"]
        assert web.get("/api/transcripts/2/public", headers=EDITOR).status_code == 404
        run_json("article", "publish", "1", "--unpublish", "--db", article_db)
        for route in ("/a/1", "/a/1/embed"):
            hidden, missing = web.get(route), web.get(route.replace("/1", "/999", 1))
            assert (hidden.status_code, missing.status_code) == (404, 404), route
            assert hidden.text == missing.text.replace("/a/999", "/a/1"), route
            assert web.get(route, headers=EDITOR).status_code == 200, route
    finally:
        run_json("publish", "2", "--db", article_db)
        run_json("article", "publish", "1", "--db", article_db)


def test_the_published_json_for_other_sites_allows_any_origin_without_credentials(web: TestClient,
                                                                                 article_db: str) -> None:
    response = web.get("/api/transcripts/2/public", headers={"Origin": "http://cms.test"})
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    assert response.json() == web.get("/api/transcripts/2").json()
    assert "path" not in response.text
    assert web.post("/api/transcripts/2/public").status_code == 405
    run_json("publish", "2", "--unpublish", "--db", article_db)
    try:
        for missing in ("/api/transcripts/999/public", "/api/transcripts/2/public"):  # unknown, unpublished
            answer = web.get(missing, headers={"Origin": "http://cms.test"})
            assert (answer.status_code, answer.json()) == (404, {"error": "not found"})
            assert answer.headers["access-control-allow-origin"] == "*"  # so embed.js can tell it is a 404
    finally:
        run_json("publish", "2", "--db", article_db)


def test_html_export_plays_a_recording_only_when_given_one(article_db: str, home: Path, tmp_path: Path) -> None:
    def export(*options: str) -> str:
        target = tmp_path / "out.html"
        result = run_cli("export", "2", "--format", "html", *options, "-o", str(target), "--db", article_db)
        assert result.exit_code == 0, result.output
        return target.read_text(encoding="utf-8")

    static = export()
    assert "<script" not in static and not tags(static, "audio")
    with_media = export("--media-url", "jfk.mp3")
    [audio] = tags(with_media, "audio")
    assert (audio["src"], audio["data-player"]) == ("jfk.mp3", "html5")
    assert with_media.count("<script>") == 2 and "<script src" not in with_media  # inline: it works from disk
    [frame] = tags(export("--youtube", "dQw4w9WgXcQ"), "iframe")
    assert frame["src"] == "https://www.youtube.com/embed/dQw4w9WgXcQ?enablejsapi=1&playsinline=1"
    for options, problem in ((["--format", "md", "--media-url", "x.mp3"], "go with --format html"),
                             (["--format", "html", "--youtube", "x/../y"], "give the video's id"),
                             (["--format", "html", "--youtube", "dQw4w9WgXcQ", "--media-url", "x"], "not both"),
                             (["--all", "-o", str(tmp_path), "--format", "html", "--media-url", "x"], "one transcript")):
        result = run_cli("export", *(["2"] if "--all" not in options else []), *options, "--db", article_db)
        assert result.exit_code == 2 and problem in result.output, result.output
