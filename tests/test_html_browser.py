"""The HTML pack in a real headless Chromium: no console or page errors, every chart drawn."""

from __future__ import annotations

from pathlib import Path

import pytest

from report_builder.charts.figures import FIGURE_KEYS
from report_builder.renderers.context import render_context
from report_builder.renderers.html import chart_div_id, render_html
from tests.browser import chromium
from tests.sample_agenda import sample_agenda

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="needs Debian chromium at /usr/bin/chromium "
                              "(apt-get install -y chromium)"),
]


@pytest.mark.parametrize("language", ["en", "da"])
def test_pack_opens_without_errors_and_draws_every_chart(tmp_path: Path, language: str) -> None:
    page_file = tmp_path / "pack.html"
    agenda = sample_agenda(language)
    page_file.write_bytes(render_html(agenda, render_context(agenda)))
    errors: list[str] = []
    requests: list[str] = []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_file.as_uri(), wait_until="load")
        for key in FIGURE_KEYS:
            page.wait_for_selector(f"#{chart_div_id(key)} .plot-container .main-svg",
                                   state="attached", timeout=10_000)
        drawn = page.evaluate(
            "(ids) => ids.map(id => document.querySelectorAll("
            "'#' + id + ' .plot-container .main-svg').length)",
            [chart_div_id(k) for k in FIGURE_KEYS])
        bars = page.evaluate("document.querySelectorAll('#chart-channels .point').length")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        page.emulate_media(media="print")
        print_errors = list(errors)
    assert errors == []
    assert print_errors == []
    assert all(n > 0 for n in drawn), dict(zip(FIGURE_KEYS, drawn, strict=True))
    assert bars == 2 * len(sample_agenda(language).sources.channels)
    assert overflow <= 0  # nothing sticks out sideways at 1600 px
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
