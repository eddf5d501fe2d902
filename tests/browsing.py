"""What the browser tests share: Debian's Chromium driven by Playwright (never a downloaded browser), a page
whose console errors fail the test, and waiting on the page's own state. Test modules import the fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Frame, Page, Playwright, sync_playwright
from webserver import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (never a downloaded browser)")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"],
                                  viewport={"width": 1280, "height": 800})
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page whose console errors and uncaught exceptions fail the test."""
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("dialog", lambda dialog: problems.append(f"dialog: {dialog.message}"))
    yield page
    assert problems == []


def open_reader(page: Page, url: str) -> Page:
    page.goto(url)
    page.wait_for_selector("[data-reader][data-ready]")
    return page


def until(page: Page | Frame, condition: str, timeout: float = 10_000) -> None:
    """Wait for a JavaScript condition. Given as a function: the page's CSP forbids the eval that Playwright
    uses for a bare expression, as it should."""
    function = condition if condition.lstrip().startswith("() =>") else f"() => ({condition})"
    page.wait_for_function(function, timeout=timeout)


