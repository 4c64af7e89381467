"""Whether the chart browser (Chrome/Chromium) is on this machine, for the tests that need it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from report_builder.charts.export import find_browser
from report_builder.errors import BrowserNotFoundError

try:
    find_browser()
    HAVE_BROWSER = True
except BrowserNotFoundError:
    HAVE_BROWSER = False

NO_BROWSER = "no Chrome/Chromium (make test installs it)"
# a module of tests that all draw charts: `pytestmark = BROWSER_TESTS`
BROWSER_TESTS = [pytest.mark.browser, pytest.mark.skipif(not HAVE_BROWSER, reason=NO_BROWSER)]

# headless Chromium as Playwright drives it for the tests that read the HTML as a browser shows it
PAGE_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync")


@contextmanager
def chromium() -> Iterator[Any]:
    """The chart browser launched by Playwright (skips where Playwright is missing); closed
    on the way out."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(find_browser()), args=list(PAGE_ARGS))
        try:
            yield browser
        finally:
            browser.close()


def wait_until(page: Any, expression: str, timeout: float = 20.0) -> None:
    """Polls from Python: the page's Content-Security-Policy forbids the eval that
    page.wait_for_function uses (it fails wherever the condition is not true at once)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"waited {timeout} s for {expression}"
        page.wait_for_timeout(100)
