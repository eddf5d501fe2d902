"""The reader beside YouTube and Vimeo players, in other sites' frames, in a CMS page through embed.js, and
as an exported file, in Debian's Chromium driven by Playwright.

The real YouTube IFrame API and Vimeo Player API cannot be reached from the machines these tests run on, so
their addresses (https://www.youtube.com/iframe_api, https://player.vimeo.com/api/player.js and the players'
iframes) are answered by stand-ins from tests/standins/ that implement the part of each API the adapters
use, with their own clock: the one place in these tests where something stands in for the real thing. The
pages still load them from the real addresses, so each page's Content-Security-Policy is tested as served.
Other sites are pages of a second local server (its own origin)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from browsing import until
from helpers import run_cli, run_json
from players_site import OFFSETS
from playwright.sync_api import BrowserContext, Page
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from webserver import serving

from transcripts.config import load_settings
from transcripts.web.app import create_app

STANDINS = Path(__file__).parent / "standins"
ARTIFACTS = Path(__file__).parent / "artifacts"
STANDIN_FRAME = "<!DOCTYPE html><html lang='en'><title>stand-in player</title><body></body></html>"
READERS = {1: ("", "youtube"), 2: ("-2", "vimeo"), 3: ("-3", "youtube")}  # transcript: (id suffix, player)


@pytest.fixture(scope="module")
def cms() -> Iterator[tuple[str, dict[str, str]]]:
    """Another site on this machine (its own port: another origin): pages put in the dict are served at their
    path. A real server, not intercepted requests: Chromium counts those as public pages, and public pages
    may not reach this machine's network (Local Network Access) at all."""
    pages: dict[str, str] = {}

    def page(request: Request) -> Response:
        path = request.url.path
        return HTMLResponse(pages[path]) if path in pages else Response(status_code=404)

    with serving(Starlette(routes=[Route("/{path:path}", page)])) as base:
        yield base, pages


@pytest.fixture(scope="module")
def site(article_db: str, cms: tuple[str, dict[str, str]], tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRANSCRIPTS_HOME", str(tmp_path_factory.mktemp("players-home")))
        patch.setenv("TRANSCRIPTS_FRAME_ANCESTORS", cms[0])
        app = create_app(load_settings(db=article_db))
    with serving(app) as base:
        yield base


def _fulfil(body: str, kind: str) -> Any:
    return lambda route: route.fulfill(body=body, content_type=kind)


@pytest.fixture(autouse=True)
def standins(context: BrowserContext) -> None:
    """The players' addresses answered by the stand-ins."""
    script = "text/javascript"
    context.route("https://www.youtube.com/iframe_api",
                  _fulfil((STANDINS / "youtube_iframe_api.js").read_text(), script))
    context.route("https://player.vimeo.com/api/player.js", _fulfil((STANDINS / "vimeo_player.js").read_text(), script))
    for frames in ("https://www.youtube.com/embed/**", "https://player.vimeo.com/video/**"):
        context.route(frames, _fulfil(STANDIN_FRAME, "text/html"))


def words_of(page: Page, site: str, transcript_id: int) -> list[dict[str, Any]]:
    document = page.request.get(f"{site}/api/transcripts/{transcript_id}").json()
    return sorted((w for s in document["segments"] for w in s["words"]), key=lambda w: w["start"])


def last_started(words: list[dict[str, Any]], t: float) -> int | None:
    starts = [w["start"] for w in words if w["start"] <= t]
    return round(max(starts) * 1000) if starts else None


def standin(frame: str) -> str:
    return f"document.querySelector('{frame}').standin"


def seeks(page: Page, frame: str) -> list[float]:
    return page.evaluate(f"() => {standin(frame)}.seeks.slice()")


def click_seeks_to(page: Page, frame: str, word: Any) -> float:
    """Click a word; the time the stand-in player behind `frame` was asked to seek to."""
    before = len(seeks(page, frame))
    word.click()
    until(page, f"{standin(frame)}.seeks.length > {before}")
    return seeks(page, frame)[-1]


def follows(page: Page, frame: str, transcript: str, words: list[dict[str, Any]], offset: float) -> None:
    """For two seconds, the highlighted word is the one the stand-in's clock is at (less the offset)."""
    samples = page.evaluate(f"""() => new Promise(resolve => {{ const out = [], p = {standin(frame)};
        const id = setInterval(() => requestAnimationFrame(() => {{ const now = document.querySelector(
          '{transcript} .now'); out.push([p.clock(), now ? +now.dataset.m : null]);
          if (out.length === 8) {{ clearInterval(id); resolve(out); }} }}), 250); }})""")
    assert samples[-1][0] - samples[0][0] > 1.5, samples  # the stand-in played
    for clock, highlighted in samples:
        t = clock - offset
        assert highlighted in {last_started(words, t - 0.05), last_started(words, t + 0.02)}, (t, highlighted)


def open_article(page: Page, site: str, route: str = "/a/1") -> None:
    page.goto(f"{site}{route}")
    until(page, "document.querySelectorAll('[data-reader][data-ready]').length === 3")
    for suffix, _ in READERS.values():
        until(page, f"{standin('#media' + suffix)} !== undefined")


def test_each_word_seeks_its_own_stand_in_player_to_its_time_plus_the_offset_and_each_highlight_follows_its_clock(
        site: str, page: Page) -> None:
    open_article(page, site)
    assert page.evaluate("document.querySelectorAll('script[src=\"https://www.youtube.com/iframe_api\"]').length") == 1
    for transcript, (suffix, _) in READERS.items():
        word = page.locator(f"#transcript{suffix} [data-m]").nth(4)
        start = int(word.get_attribute("data-m") or 0) / 1000
        others = {s: seeks(page, f"#media{s}") for s, _ in READERS.values() if s != suffix}
        assert click_seeks_to(page, f"#media{suffix}", word) == pytest.approx(start + OFFSETS[transcript], abs=0.001)
        assert {s: seeks(page, f"#media{s}") for s in others} == others  # the others were not touched
        until(page, f"document.querySelector('#transcript{suffix}').closest('[data-reader]')"
                    f".querySelector('[data-action=toggle]').textContent === 'Pause'")
    for transcript, (suffix, _) in READERS.items():  # all three play at once, each on its own clock
        follows(page, f"#media{suffix}", f"#transcript{suffix}", words_of(page, site, transcript), OFFSETS[transcript])
    for frame in ("#media", "#media-3"):  # YouTube is asked its time only once ready and while playing
        assert page.evaluate(f"() => {standin(frame)}.pollsBeforeReady") == 0
    page.locator("#title").scroll_into_view_if_needed()
    page.locator("[data-action=toggle]").first.click()
    until(page, f"{standin('#media')}.state === 2")
    page.wait_for_timeout(100)
    polls = page.evaluate(f"() => {standin('#media')}.pollsWhilePaused")
    page.wait_for_timeout(600)
    assert page.evaluate(f"() => {standin('#media')}.pollsWhilePaused") == polls
    highlighted = page.evaluate("+document.querySelector('#transcript .now').dataset.m")
    clock = page.evaluate(f"() => {standin('#media')}.clock()")
    assert highlighted == last_started(words_of(page, site, 1), clock - OFFSETS[1])


def test_the_keyboard_drives_the_reader_last_used(site: str, page: Page) -> None:
    open_article(page, site)
    first = page.locator("#transcript-2 [data-m]").first
    start = int(first.get_attribute("data-m") or 0) / 1000
    first.focus()
    page.keyboard.press("Enter")
    until(page, f"{standin('#media-2')}.seeks.length > 0")
    assert seeks(page, "#media-2")[-1] == pytest.approx(start + OFFSETS[2], abs=0.001)
    page.keyboard.press("k")  # pauses the Vimeo reader, whose word has the focus; YouTube never started
    until(page, "document.querySelector('#copy-quote-2').closest('[data-reader]')"
                ".querySelector('[data-action=toggle]').textContent === 'Play'")
    assert seeks(page, "#media") == [] and page.evaluate(f"() => {standin('#media')}.state") == -1


def test_the_article_page_is_accessible_and_fits_a_phone(site: str, page: Page) -> None:
    axe = Axe()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 844})
        open_article(page, site)
        violations = axe.run(page).response["violations"]
        serious = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations
                   if v["impact"] in ("serious", "critical")]
        assert serious == [], width
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "article-390x844.png"))


def test_a_configured_site_may_frame_the_embed_and_another_may_not(
        site: str, cms: tuple[str, dict[str, str]], context: BrowserContext) -> None:
    base, pages = cms
    elsewhere = base.replace("127.0.0.1", "localhost")  # the same server, another origin: not configured
    pages["/story"] = (f"<!DOCTYPE html><html lang='en'><title>story</title>"
                       f"<iframe id='reader' title='Transcript' src='{site}/t/1/embed' width='600' height='400'></iframe>"
                       f"<iframe id='page' title='Transcript page' src='{site}/t/1' width='600' height='400'></iframe>")
    page = context.new_page()  # the refused frames are logged as console errors, as they should be
    page.goto(f"{base}/story")
    reader = page.frame_locator("#reader")
    reader.locator("[data-reader][data-ready]").wait_for()
    start = int(reader.locator("[data-m]").nth(3).get_attribute("data-m") or 0) / 1000
    reader.locator("[data-m]").nth(3).click()
    until(page.frames[1], "!document.getElementById('media').paused")
    assert abs(page.frames[1].evaluate("document.getElementById('media').currentTime") - start) < 1
    assert page.frame_locator("#page").locator("[data-reader]").count() == 0  # not an embed route: refused
    page.goto(f"{elsewhere}/story")
    page.wait_for_timeout(1000)
    assert page.frame_locator("#reader").locator("[data-reader]").count() == 0
    assert page.frame_locator("#page").locator("[data-reader]").count() == 0
    page.close()


def test_embed_js_puts_a_working_transcript_beside_a_cms_pages_own_youtube_player(
        site: str, page: Page, cms: tuple[str, dict[str, str]]) -> None:
    base, pages = cms
    pages["/cms-story"] = f"""<!DOCTYPE html><html lang="en"><head><title>A CMS story</title>
<script>window.onYouTubeIframeAPIReady = function () {{ window.pagesOwnHandlerRan = true; }};</script></head>
<body><h1>A CMS story</h1>
<iframe id="video" title="video" src="https://www.youtube.com/embed/dQw4w9WgXcQ?enablejsapi=1"></iframe>
<div id="words"></div>
<script src="{site}/static/embed.js" data-transcript="2" data-container="#words" data-offset="1.5"></script>
</body></html>"""
    page.goto(f"{base}/cms-story")
    until(page, "document.querySelector('#words [data-reader][data-ready]') !== null"
                " && document.getElementById('video').standin !== undefined")
    words = words_of(page, site, 2)
    shown = page.eval_on_selector_all("#words [data-m]", "els => els.map(e => e.textContent)")
    assert shown == [w["word"].strip() for w in words]
    word = page.locator("#words [data-m]").nth(5)
    assert click_seeks_to(page, "#video", word) == pytest.approx(words[5]["start"] + 1.5, abs=0.001)
    follows(page, "#video", "#words", words, 1.5)
    assert page.evaluate("window.pagesOwnHandlerRan") is True  # chained, not replaced
    assert page.evaluate("document.getElementById('video').standin.pollsBeforeReady") == 0


def test_the_exported_page_plays_from_disk_with_click_to_seek_and_the_highlight(
        article_db: str, home: Path, tmp_path: Path, page: Page) -> None:
    recording = Path(next(row["path"] for row in run_json("list", "--db", article_db) if row["id"] == 2))
    shutil.copyfile(recording, tmp_path / "jfk.mp3")
    target = tmp_path / "jfk.html"
    result = run_cli("export", "2", "--format", "html", "--media-url", "jfk.mp3", "-o", str(target),
                     "--db", article_db)
    assert result.exit_code == 0, result.output
    page.goto(target.as_uri())
    until(page, "document.querySelector('[data-reader][data-ready]') !== null")
    word = page.locator("[data-m]").nth(6)
    start = int(word.get_attribute("data-m") or 0) / 1000
    page.evaluate("""() => { window.seekedAt = null; document.getElementById('media').addEventListener('seeked',
        () => { window.seekedAt = document.getElementById('media').currentTime; }, {once: true}); }""")
    word.click()
    until(page, "window.seekedAt !== null")
    assert abs(page.evaluate("window.seekedAt") - start) <= 0.1
    until(page, "!document.getElementById('media').paused && document.getElementById('media').currentTime > 0")
    words = [{"start": int(m) / 1000} for m in page.eval_on_selector_all("[data-m]", "els => els.map(e => e.dataset.m)")]
    samples = page.evaluate("""() => new Promise(resolve => { const out = [], m = document.getElementById('media');
        const id = setInterval(() => requestAnimationFrame(() => { const now = document.querySelector('.now');
          out.push([m.currentTime, now ? +now.dataset.m : null]); if (out.length === 6) { clearInterval(id);
          resolve(out); } }), 250); })""")
    for t, highlighted in samples:
        assert highlighted in {last_started(words, t - 0.05), last_started(words, t + 0.02)}, (t, highlighted)
    page.evaluate("document.getElementById('media').pause()")
