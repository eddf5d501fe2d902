"""The reader in a real browser: Debian's Chromium driven by Playwright, on the real sample interview served by
the app on a free port. Click-to-play, the highlight against the media clock, quote links, "Copy quote",
the keyboard, find, following the speech, captions, no console errors, no serious axe-core violations, and
a phone-width screenshot (tests/artifacts/reader-390x844.png)."""

from __future__ import annotations

import math
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from browsing import open_reader, until
from helpers import run_json
from playwright.sync_api import Page, Playwright
from sqlalchemy import create_engine, update
from webserver import CHROMIUM, CHROMIUM_ARGS, serving

from transcripts.config import load_settings
from transcripts.store.schema import Transcript
from transcripts.web.app import create_app

ARTIFACTS = Path(__file__).parent / "artifacts"


def _site(template: str, folder: Path, prepare: Any = None) -> Iterator[str]:
    """A copy of a store, its transcript 1 published, served on a free port; yields the base URL."""
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "site.db"
    shutil.copyfile(template.removeprefix("sqlite:///"), database)
    url = f"sqlite:///{database}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRANSCRIPTS_HOME", str(folder))
        if prepare:
            prepare(url)
        run_json("publish", "1", "--db", url)
        app = create_app(load_settings(db=url))
    with serving(app) as base:
        yield base


@pytest.fixture(scope="module")
def site(sqlite_conversation: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _site(sqlite_conversation, tmp_path_factory.mktemp("reader"))


def stored_words(site: str, page: Page, transcript_id: int = 1) -> list[dict[str, Any]]:
    document = page.request.get(f"{site}/api/transcripts/{transcript_id}").json()
    return sorted((w for s in document["segments"] for w in s["words"]), key=lambda w: w["start"])


def media_state(page: Page) -> dict[str, Any]:
    return page.evaluate("""() => { const m = document.getElementById('media'), now = document.querySelector(
        '#transcript .now'); return {t: m.currentTime, paused: m.paused, rate: m.playbackRate,
        now: now ? +now.dataset.m : null}; }""")


def wait_seeked(page: Page, action: Any) -> float:
    """Run `action` and return the media time at the seek it causes."""
    page.evaluate("""() => { window.seekedAt = null; document.getElementById('media').addEventListener('seeked',
        () => { window.seekedAt = document.getElementById('media').currentTime; }, {once: true}); }""")
    action()
    until(page, "window.seekedAt !== null")
    return float(page.evaluate("window.seekedAt"))


def last_started(words: list[dict[str, Any]], t: float) -> float | None:
    starts = [w["start"] for w in words if w["start"] <= t]
    return max(starts) if starts else None


def test_clicking_a_word_seeks_to_its_start_and_plays(site: str, page: Page) -> None:
    open_reader(page, f"{site}/t/1")
    word = page.locator("#transcript [data-m]").nth(12)
    start = int(word.get_attribute("data-m") or 0) / 1000
    assert abs(wait_seeked(page, word.click) - start) <= 0.1
    until(page, "!document.getElementById('media').paused")


def test_the_highlight_is_the_word_being_spoken_while_playing_and_after_a_seek_while_paused(site: str,
                                                                                            page: Page) -> None:
    open_reader(page, f"{site}/t/1")
    words = stored_words(site, page)
    page.locator("#transcript [data-m]").first.click()
    until(page, "document.getElementById('media').currentTime > 0 && !document.getElementById('media')"
                           ".paused")
    samples = page.evaluate("""() => new Promise(resolve => { const out = [], m = document.getElementById('media');
        const id = setInterval(() => requestAnimationFrame(() => { const now = document.querySelector(
          '#transcript .now'); out.push([m.currentTime, now ? +now.dataset.m / 1000 : null]);
          if (out.length === 8) { clearInterval(id); resolve(out); } }), 250); })""")
    assert samples[-1][0] - samples[0][0] > 1.5  # it played for about two seconds
    for t, highlighted in samples:
        allowed = {last_started(words, t - 0.05), last_started(words, t + 0.02)}
        assert highlighted in allowed, (t, highlighted, allowed)
        spoken = [w for w in words if w["start"] <= t <= w["end"]]
        if spoken:
            assert abs(highlighted - t) <= max(0.3, spoken[-1]["end"] - spoken[-1]["start"]), (t, highlighted)
    page.evaluate("document.getElementById('media').pause()")
    target = words[len(words) // 2]
    for moment in (target["start"] + 0.01, (words[-2]["end"] + words[-1]["start"]) / 2):
        wait_seeked(page, lambda moment=moment: page.evaluate(f"document.getElementById('media').currentTime = {moment}"))
        state = media_state(page)
        assert state["paused"] and state["now"] == round(last_started(words, moment) * 1000)  # type: ignore[operator]


def _tenth(seconds: float) -> float:
    return math.floor(seconds * 10 + 0.5) / 10


def test_a_quote_link_plays_from_its_start_stops_at_its_end_and_marks_its_words(site: str, page: Page) -> None:
    words = stored_words(site, page)
    start, end = _tenth(words[8]["start"]), _tenth(words[14]["end"])
    page.add_init_script("""document.addEventListener('playing', event => {
        if (window.playedFrom === undefined) window.playedFrom = event.target.currentTime; }, true);""")
    open_reader(page, f"{site}/t/1#t={start},{end}")
    until(page, f"""window.playedFrom !== undefined && document.getElementById('media').paused
        && document.getElementById('media').currentTime > {start + 0.5}""", timeout=15_000)
    assert abs(page.evaluate("window.playedFrom") - start) <= 0.15
    assert end - 0.05 <= media_state(page)["t"] <= end + 0.25
    marked = page.eval_on_selector_all("#transcript .quoted", "els => els.map(e => +e.dataset.m)")
    inside = [round(w["start"] * 1000) for w in words if start <= (w["start"] + w["end"]) / 2 <= end]
    assert marked == inside and len(marked) >= 6


def test_where_autoplay_is_blocked_a_quote_link_waits_at_its_start_for_play(site: str, playwright: Playwright
                                                                             ) -> None:
    arguments = [a for a in CHROMIUM_ARGS if not a.startswith("--autoplay")]
    strict = playwright.chromium.launch(executable_path=CHROMIUM,
                                        args=[*arguments, "--autoplay-policy=document-user-activation-required"])
    try:
        page = strict.new_page()
        words = stored_words(site, page)
        start, end = _tenth(words[20]["start"]), _tenth(words[26]["end"])
        open_reader(page, f"{site}/t/1#t={start},{end}")
        until(page, "document.getElementById('status').textContent.startsWith('Press play to listen from')")
        state = media_state(page)
        assert state["paused"] and abs(state["t"] - start) <= 0.1
        page.click("[data-action=toggle]")  # the reader's own gesture starts it
        until(page, f"document.getElementById('media').paused && document.getElementById('media').currentTime"
                    f" > {start + 0.5}", timeout=15_000)
        assert end - 0.05 <= media_state(page)["t"] <= end + 0.25
    finally:
        strict.close()


def test_copy_quote_puts_the_stored_words_the_attribution_and_a_link_on_the_clipboard(
        site: str, page: Page, sqlite_conversation: str) -> None:
    open_reader(page, f"{site}/t/1")
    page.evaluate("""() => { const w = document.querySelectorAll('#transcript [data-m]');
        getSelection().setBaseAndExtent(w[20].firstChild, 0, w[31].firstChild, w[31].firstChild.length); }""")
    until(page, "!document.getElementById('copy-quote').disabled")
    first, last = (page.locator("#transcript [data-m]").nth(i) for i in (20, 31))
    start = int(first.get_attribute("data-m") or 0) / 1000
    end = (int(last.get_attribute("data-m") or 0) + int(last.get_attribute("data-d") or 0)) / 1000
    page.click("#copy-quote")
    until(page, "document.getElementById('status').textContent === 'Quote copied.'")
    quoted = run_json("quote", "1", "--start", str(start), "--end", str(end), "--db", sqlite_conversation)
    link = f"{site}/t/1#t={_tenth(start):.1f},{_tenth(end):.1f}"
    assert page.evaluate("navigator.clipboard.readText()") == f"“{quoted['text']}”\n{quoted['attribution']}\n{link}"
    assert quoted["attribution"].startswith("— Sheila Brown, ") or quoted["attribution"].startswith("— Diane Miller, ")
    assert len(quoted["text"].split()) == 12


def test_the_keyboard_plays_pauses_skips_changes_speed_and_plays_a_focused_word(site: str, page: Page) -> None:
    open_reader(page, f"{site}/t/1")
    page.click("h1")
    page.keyboard.press("k")
    until(page, "!document.getElementById('media').paused")
    page.keyboard.press("k")
    until(page, "document.getElementById('media').paused")
    before = media_state(page)["t"]
    assert abs(wait_seeked(page, lambda: page.keyboard.press("l")) - (before + 5)) <= 0.1
    assert abs(wait_seeked(page, lambda: page.keyboard.press("j")) - before) <= 0.1
    page.keyboard.press(">")
    assert media_state(page)["rate"] == 1.25 and page.input_value("#speed") == "1.25"
    page.keyboard.press("<")
    assert media_state(page)["rate"] == 1.0
    page.select_option("#speed", "2.0")
    assert media_state(page)["rate"] == 2.0
    page.locator("#transcript [data-m]").first.focus()
    page.keyboard.press("ArrowRight")
    second = page.locator("#transcript [data-m]").nth(1)
    assert page.evaluate("document.activeElement === document.querySelectorAll('#transcript [data-m]')[1]")
    start = int(second.get_attribute("data-m") or 0) / 1000
    assert abs(wait_seeked(page, lambda: page.keyboard.press("Enter")) - start) <= 0.1
    page.keyboard.press("k")  # on a word, k still pauses
    until(page, "document.getElementById('media').paused")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "find"


def test_find_marks_every_match_and_steps_through_them(site: str, page: Page) -> None:
    open_reader(page, f"{site}/t/1")
    tokens = [re.sub(r"[^\w']", "", w["word"].lower()) for w in stored_words(site, page)]
    expected = sum(1 for i in range(len(tokens) - 1) if tokens[i] == "new" and tokens[i + 1].startswith("jersey"))
    assert expected >= 2
    page.fill("#find", "New Jersey")
    page.press("#find", "Enter")
    assert page.locator("#transcript .found").count() == 2 * expected
    assert page.text_content("#find-count") == f"1 of {expected}"
    page.press("#find", "Enter")
    assert page.text_content("#find-count") == f"2 of {expected}"
    page.press("#find", "Escape")
    assert page.locator("#transcript .found").count() == 0


def test_the_page_follows_the_speech_until_the_reader_scrolls_away_and_offers_back_to_the_speech(
        site: str, page: Page) -> None:
    page.emulate_media(reduced_motion="reduce")
    page.set_viewport_size({"width": 390, "height": 600})
    open_reader(page, f"{site}/t/1")
    page.locator("#transcript [data-m]").first.click()
    until(page, "!document.getElementById('media').paused")
    assert page.locator("#follow").is_hidden()
    page.mouse.move(200, 500)
    page.mouse.wheel(0, 4000)
    page.wait_for_selector("#follow", state="visible")
    scrolled = page.evaluate("scrollY")
    page.wait_for_timeout(700)  # it no longer pulls the page back to the speech
    assert page.evaluate("scrollY") == scrolled
    page.click("#follow")
    page.wait_for_selector("#follow", state="hidden")
    until(page, """() => { const now = document.querySelector('#transcript .now').getBoundingClientRect();
        const deck = document.querySelector('.deck').getBoundingClientRect();
        return now.top >= deck.bottom && now.bottom <= innerHeight; }""")
    page.evaluate("document.getElementById('media').pause()")


def test_at_phone_width_the_player_stays_on_screen(site: str, page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    open_reader(page, f"{site}/t/1")
    page.locator("#transcript [data-m]").nth(30).click()
    page.evaluate("document.getElementById('media').pause()")
    page.mouse.move(200, 600)
    page.mouse.wheel(0, 3000)
    page.wait_for_timeout(300)
    box = page.locator(".deck").bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844 * 0.4
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    for control in ("#media", "[data-action=toggle]", "#speed", "#find", "#copy-quote"):
        assert page.locator(control).is_visible(), control
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "reader-390x844.png"))
    assert (ARTIFACTS / "reader-390x844.png").stat().st_size > 10_000


def test_pages_have_labelled_controls_and_no_serious_accessibility_violations(site: str, page: Page) -> None:
    axe = Axe()
    not_found = page.context.new_page()  # its 404 is logged in the console, as it should be
    for route, width in (("/", 1280), ("/t/1", 1280), ("/t/1", 390), ("/search?q=Yankee", 1280),
                         ("/signin", 1280), ("/t/999", 1280)):
        page = not_found if route == "/t/999" else page
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{site}{route}")
        if route == "/t/1":
            page.wait_for_selector("[data-reader][data-ready]")
        violations = axe.run(page).response["violations"]
        serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations
                   if v["impact"] in ("serious", "critical")]
        assert serious == [], route


@pytest.fixture(scope="module")
def video_site(formats_store: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _site(formats_store, tmp_path_factory.mktemp("video"))


def test_a_video_plays_beside_its_transcript_with_the_transcript_as_captions(video_site: str, page: Page) -> None:
    open_reader(page, f"{video_site}/t/1")  # fw_jfk as WebM (VP9 and Opus)
    until(page, """() => { const t = document.querySelector('video').textTracks[0];
        return t && t.mode === 'showing' && t.cues && t.cues.length > 0; }""")
    captions = page.request.get(f"{video_site}/t/1/captions.vtt").text()
    assert page.evaluate("document.querySelector('video').textTracks[0].cues.length") == captions.count(" --> ")
    word = page.locator("#transcript [data-m]").nth(5)
    start = int(word.get_attribute("data-m") or 0) / 1000
    assert abs(wait_seeked(page, word.click) - start) <= 0.1
    page.evaluate("document.getElementById('media').pause()")


def _make_hostile(url: str) -> None:
    payload = '<script>alert(1)</script>" onmouseover="alert(2)'
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(update(Transcript).values(title=payload))
    engine.dispose()
    run_json("speakers", "rename", "1", "S1", payload, "--db", url)


def test_hostile_text_stays_text_in_the_browser(sqlite_conversation: str, tmp_path: Path, page: Page) -> None:
    for base in _site(sqlite_conversation, tmp_path / "hostile", _make_hostile):
        for route in ("/", "/t/1", "/search?q=Yankee&mode=words"):
            page.goto(f"{base}{route}")
            page.hover("main h1, main h2 a")
            assert page.evaluate("document.querySelectorAll('[onmouseover]').length") == 0
            assert "<script>alert(1)</script>" in page.inner_text("main")
