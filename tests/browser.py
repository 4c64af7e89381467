"""Whether the chart browser (Chrome/Chromium) is on this machine, for the tests that need it."""

from __future__ import annotations

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
