"""Our partial plotly.js bundle (assets/plotly-partial.min.js, built by
scripts/build-plotly-bundle.sh): the plotly.js version plotly.py writes figures for, with every
trace type the charts draw, and small enough that the example's HTML stays under 1.5 MB."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from plotly.offline import get_plotlyjs_version

from report_builder.charts.figures import build_figures
from report_builder.cli import main
from report_builder.formatting import Formatter
from report_builder.renderers.html import plotly_bundle
from tests.browser import HAVE_BROWSER, NO_BROWSER, chromium
from tests.sample_agenda import sample_agenda

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
BANNER = re.compile(r"/\*! plotly\.js v(\S+), partial bundle: ([a-z ]+) \(")
MAX_HTML_BYTES = 1_500_000


def banner() -> tuple[str, set[str]]:
    """The version and trace types the build script wrote on the bundle's first line."""
    match = BANNER.match(plotly_bundle())
    assert match is not None, plotly_bundle()[:200]
    return match[1], set(match[2].split())


def drawn_trace_types() -> set[str]:
    """Every trace type the charts draw for the sample agenda, in both languages."""
    types = set()
    for language in ("en", "da"):
        agenda = sample_agenda(language)
        for figure in build_figures(agenda, Formatter(agenda.locale, agenda.currency)).values():
            types |= {trace.type for trace in figure.data}
    return types


def test_bundle_is_the_plotly_js_version_plotly_py_writes_for() -> None:
    version, _ = banner()
    assert version == get_plotlyjs_version(), (
        "rebuild the bundle for the installed plotly: scripts/build-plotly-bundle.sh")


def test_bundle_holds_every_trace_type_the_charts_draw() -> None:
    _, traces = banner()
    missing = drawn_trace_types() - traces - {"scatter"}  # scatter comes with plotly.js's core
    assert not missing, f"add {sorted(missing)} to TRACES in scripts/build-plotly-bundle.sh"
    assert "scattergeo" not in plotly_bundle()  # maps and the rest are left out


def test_example_html_is_under_one_and_a_half_megabytes(tmp_path: Path) -> None:
    config = ROOT / "examples" / "nordlys" / "report.toml"
    assert main(["build", str(config), "--format", "html", "--out", str(tmp_path),
                 "--no-history", "-q"]) == 0
    (page,) = tmp_path.glob("*.html")
    size = page.stat().st_size
    print(f"example HTML: {size / 1e6:.2f} MB")
    assert size < MAX_HTML_BYTES


@pytest.mark.browser
@pytest.mark.skipif(not (HAVE_BROWSER and CHROMIUM.exists()), reason=NO_BROWSER)
def test_bundle_registers_the_trace_types_in_a_browser(tmp_path: Path) -> None:
    """What the bundle itself says it holds, not its banner: Plotly.version and the trace
    types it registered."""
    page_file = tmp_path / "bundle.html"
    page_file.write_text(f"<!DOCTYPE html><script>{plotly_bundle()}</script>", encoding="utf-8")
    with chromium() as browser:
        page = browser.new_page()
        page.goto(page_file.as_uri())
        version = page.evaluate("Plotly.version")
        registered = set(page.evaluate("Object.keys(Plotly.PlotSchema.get().traces)"))
    assert version == get_plotlyjs_version()
    assert drawn_trace_types() <= registered
    assert banner()[1] | {"scatter"} == registered
