"""The example's HTML pack on a phone (390 px), a tablet (768 px) and a laptop (1440 px), and
printed from the browser, in a real Chromium: nothing spills sideways, every chart and its text
inside its card, tables that scroll say so, each chart whole on a printed page, the folded lists
printed open, and "what the figures mean" at the end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from report_builder.cli import main
from tests.browser import HAVE_BROWSER, NO_BROWSER, chromium, wait_until

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "examples" / "nordlys" / "report.toml"
CHROMIUM = Path("/usr/bin/chromium")
WIDTHS = (390, 768, 1440)
# A4 landscape less the print stylesheet's 12 mm margins, in CSS pixels (96 per inch)
PRINT_WIDTH, PRINT_HEIGHT = round((297 - 24) / 25.4 * 96), round((210 - 24) / 25.4 * 96)

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not (HAVE_BROWSER and CHROMIUM.exists()), reason=NO_BROWSER)]

# each chart: its card's box, its SVG's box and the boxes of the texts it draws
CHARTS = """() => [...document.querySelectorAll('figure.chart')].map(card => {
  const box = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom});
  const svg = card.querySelector('.main-svg');
  const texts = [...card.querySelectorAll('.main-svg text')].filter(t => {
    const r = t.getBoundingClientRect(), s = getComputedStyle(t);
    return t.textContent.trim() && r.width > 0 && s.display !== 'none' && s.opacity !== '0';
  }).map(t => ({text: t.textContent, ...box(t.getBoundingClientRect())}));
  return {key: card.dataset.chart, card: box(card.getBoundingClientRect()),
          svg: box(svg.getBoundingClientRect()), texts: texts};
})"""
# each table box that is shown and narrower than its table
SCROLLING = """() => [...document.querySelectorAll('.table-wrap')]
  .filter(w => w.clientWidth > 0 && w.scrollWidth > w.clientWidth + 1)
  .map(w => {
    const cell = w.querySelector('tr > :first-child');
    return {table: w.querySelector('table').className, cls: w.className,
            mask: getComputedStyle(w).webkitMaskImage || getComputedStyle(w).maskImage,
            sticky: getComputedStyle(cell).position};
  })"""

# the boxes whose text would stick out of them (a figure wider than its tile)
BOXES_SPILLING = """() => [...document.querySelectorAll(
    '.tile, .tile-value, .stat, .stat-value, .stat-note, .card, .agenda-point, .key-list')]
  .filter(b => b.clientWidth > 0 && b.scrollWidth > b.clientWidth + 1)
  .map(b => b.className + ': ' + b.textContent.trim().slice(0, 40))"""


def example_config(language: str, folder: Path) -> Path:
    """The example company's config, in English as well (its data read from the example)."""
    if language == "da":
        return CONFIG
    text = CONFIG.read_text(encoding="utf-8")
    assert 'locale = "da_DK"' in text and 'path = "data"' in text
    english = folder / "report.toml"
    english.write_text(text.replace('locale = "da_DK"', 'locale = "en_GB"').replace(
        'path = "data"', f'path = "{(CONFIG.parent / "data").as_posix()}"'), encoding="utf-8")
    return english


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    built = {}
    for language in ("da", "en"):
        out = tmp_path_factory.mktemp(f"pack-{language}")
        assert main(["build", str(example_config(language, out)), "--format", "html",
                     "--out", str(out), "--no-history", "-q"]) == 0
        (built[language],) = out.glob("*.html")
    return built


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def open_pack(browser: Any, page_file: Path, width: int, errors: list[str]) -> Any:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri(), wait_until="load")
    # every chart drawn and fitted to its card (the page's chart-fit script marks it)
    wait_until(page, "[...document.querySelectorAll('.chart .js-plotly-plot')]"
                     ".every(gd => gd.dataset.fit && gd.querySelector('.main-svg'))")
    page.wait_for_timeout(300)  # a redraw for a narrow card settles
    return page


def inside(inner: dict[str, float], outer: dict[str, float], slack: float = 1.0) -> bool:
    return (inner["left"] >= outer["left"] - slack and inner["right"] <= outer["right"] + slack
            and inner["top"] >= outer["top"] - slack
            and inner["bottom"] <= outer["bottom"] + slack)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["da", "en"])
def test_pack_fits_the_screen(browser: Any, packs: dict[str, Path], language: str,
                              width: int) -> None:
    errors: list[str] = []
    page = open_pack(browser, packs[language], width, errors)
    try:
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        viewport = page.evaluate("document.documentElement.clientWidth")
        charts = page.evaluate(CHARTS)
        scrolling = page.evaluate(SCROLLING)
        unwrapped = page.evaluate(
            "document.querySelectorAll('table.data:not(.table-wrap > table)').length")
        spilling = page.evaluate(BOXES_SPILLING)
        modebars = page.evaluate("document.querySelectorAll('.modebar').length")
        terms = page.evaluate("document.querySelectorAll('#definitions dt').length")
    finally:
        page.close()
    print(f"{language} {width} px: scroll width {scroll_width}, "
          f"{len(scrolling)} tables scroll in their box")
    assert errors == []
    assert scroll_width == viewport == width  # nothing spills sideways
    assert len(charts) >= 9
    for chart in charts:
        assert inside(chart["svg"], chart["card"]), chart["key"]
        cut = [t["text"] for t in chart["texts"] if not inside(t, chart["svg"])]
        assert cut == [], (chart["key"], cut)  # no axis name or label cut at the edge
    assert spilling == []  # no figure runs out of its tile, box or card
    assert unwrapped == 0  # every table scrolls in its own box
    for table in scrolling:  # and says so: a fading right edge, the first column kept
        assert "scrolls" in table["cls"].split(), table
        assert "gradient" in table["mask"], table
        assert table["sticky"] == "sticky", table
    if width == 390:
        assert scrolling  # the example's wide tables do scroll on a phone
    assert modebars == 0  # no chart toolbar over the legend
    assert terms >= 19  # what the figures mean


@pytest.mark.parametrize("language", ["da", "en"])
def test_narrow_charts_come_back_when_the_screen_widens(browser: Any, packs: dict[str, Path],
                                                        language: str) -> None:
    errors: list[str] = []
    page = open_pack(browser, packs[language], 390, errors)
    try:
        fits = "[...document.querySelectorAll('.chart .js-plotly-plot')].map(gd => gd.dataset.fit)"
        narrow = page.evaluate(fits)
        movement_narrow = page.evaluate(
            "document.getElementById('chart-pipeline-movement').data[0].orientation")
        page.set_viewport_size({"width": 1440, "height": 900})
        wait_until(page, f"{fits}.every(f => f === 'wide')")
        movement_wide = page.evaluate(
            "document.getElementById('chart-pipeline-movement').data[0].orientation")
    finally:
        page.close()
    assert errors == []
    assert set(narrow) == {"narrow"}
    assert movement_narrow == "h"  # the waterfall's names one a row on a phone
    assert movement_wide in (None, "v")  # and upright, as drawn, on a wide screen


@pytest.mark.parametrize("language", ["da", "en"])
def test_printed_pack_keeps_each_chart_whole(browser: Any, packs: dict[str, Path],
                                             language: str, tmp_path: Path) -> None:
    """Printed (A4 landscape): each chart avoids a page break and fits on one page, the nav bar
    is left out, the folded lists print open and the definitions are there."""
    errors: list[str] = []
    page = open_pack(browser, packs[language], PRINT_WIDTH, errors)
    try:
        page.emulate_media(media="print")
        page.wait_for_timeout(300)
        charts = page.evaluate("""() => [...document.querySelectorAll('figure.chart')].map(c => ({
            key: c.dataset.chart, avoid: getComputedStyle(c).breakInside,
            height: c.getBoundingClientRect().height}))""")
        nav = page.evaluate("getComputedStyle(document.querySelector('.agenda-nav')).display")
        folded = page.evaluate("""() => [...document.querySelectorAll('details.full-list')]
            .map(d => [d.id, [...d.children].filter(c => c.tagName !== 'SUMMARY')
                              .reduce((h, c) => h + c.getBoundingClientRect().height, 0)])""")
        terms = page.evaluate("[...document.querySelectorAll('#definitions dt')]"
                              ".filter(dt => dt.getBoundingClientRect().height > 0).length")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        spilling = page.evaluate(BOXES_SPILLING)
        pdf = tmp_path / "printed.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True)
    finally:
        page.close()
    assert errors == []
    assert charts and all(c["avoid"] == "avoid" for c in charts), charts
    too_tall = [c["key"] for c in charts if c["height"] > PRINT_HEIGHT]
    assert too_tall == []  # so avoiding a break keeps each one whole
    assert nav == "none"
    assert folded and [d for d, height in folded if height <= 0] == []
    assert terms >= 19
    assert scroll_width <= PRINT_WIDTH and spilling == []
    assert pdf.read_bytes().startswith(b"%PDF")
