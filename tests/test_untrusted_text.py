"""Hostile CRM text (tests/hostile_company.py) is shown as text: it never becomes chart markup, a
link, a style that fetches a URL, a script, or a formula in a workbook we write."""

from __future__ import annotations

import datetime as dt
import http.server
import io
import json
import re
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import pytest
from lxml import etree

from report_builder.build import BuildResult, build
from report_builder.charts.export import ChartExporter
from report_builder.charts.figures import build_figures
from report_builder.charts.text import escape_figure, plotly_template, plotly_text
from report_builder.config import load_config
from report_builder.formatting import Formatter
from report_builder.i18n import shown
from tests.browser import chromium
from tests.hostile_company import FORMULA, LINK, Hostile, beacon, write_hostile_company

CHROMIUM = Path("/usr/bin/chromium")
SVG = "{http://www.w3.org/2000/svg}"
# what Plotly reads as a tag: its own split pattern (svg_text_utils SPLIT_TAGS)
PLOTLY_TAG = re.compile(r"<[^<>]*>")
KEPT_TAGS = {"<br>", "<extra>", "</extra>"}
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the http.server name)
        self.seen.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[int, list[str]]]:
    """A web server on loopback recording every request (the beacon payload points at it)."""
    seen: list[str] = []
    handler = type("Handler", (_Recorder,), {"seen": seen})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1], seen
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory,
         server: tuple[int, list[str]]) -> tuple[BuildResult, Hostile, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    config_path, hostile = write_hostile_company(folder, port=server[0])
    config = load_config(config_path)
    formats = ["html", "json", "pptx", "customer-deck"] + (["pdf"] if CHROMIUM.exists() else [])
    result = build(config, as_of=dt.date(2026, 11, 24), formats=formats,
                   out_dir=folder / "out", history=False)
    return result, hostile, folder


@pytest.fixture(scope="module")
def figures(pack: tuple[BuildResult, Hostile, Path]) -> dict[str, go.Figure]:
    agenda = pack[0].agenda
    return build_figures(agenda, Formatter(agenda.locale, agenda.currency))


def _strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, k)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v, key)


def _shown(value: str) -> str:
    """A data label as a chart shows it (in English): the model's placeholders in words,
    control characters gone, white space collapsed."""
    text = shown(value, "en") or ""
    return " ".join(re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", "", text).split())


# -- the helper ---------------------------------------------------------------------------------
def test_plotly_text_escapes_markup_and_keeps_line_breaks() -> None:
    assert plotly_text('A<a href="x">b</a> & c') == 'A&lt;a href="x"&gt;b&lt;/a&gt; &amp; c'
    assert plotly_text("&lt;b&gt;") == "&amp;lt;b&amp;gt;"  # shown as typed, not decoded
    assert plotly_text("one\r\ntwo\rthree\nfour") == "one<br>two<br>three<br>four"
    assert plotly_text("a\x1b[31mb\x00\x07c\td") == "a[31mbc d"
    assert plotly_text("Café 50% $x$") == "Café 50% $x$"


def test_templates_keep_only_their_own_tags() -> None:
    template = "%{y}: %{text}<br>%{customdata}<extra>Won <b>x</b> & co</extra>"
    assert plotly_template(template) == \
        "%{y}: %{text}<br>%{customdata}<extra>Won &lt;b&gt;x&lt;/b&gt; &amp; co</extra>"


def test_escape_figure_reaches_every_text_field() -> None:
    bad = '<a href="https://evil.example">x</a>'
    fig = go.Figure(go.Bar(x=[1], y=[bad], name=bad, text=[bad], customdata=[bad],
                           hovertemplate=bad + "%{y}<extra></extra>"))
    fig.update_layout(title={"text": bad}, xaxis={"ticktext": [bad], "tickvals": [1],
                                                  "tickformat": ",.0f"})
    fig.add_annotation(text=bad, x=1, y=0)
    out = json.dumps(escape_figure(fig).to_plotly_json())
    assert "<a" not in out
    assert out.count("&lt;a href") == 8  # y, name, text, customdata, template, title, tick, note
    assert '"tickformat": ",.0f"' in out  # formats are not text


# -- the figures --------------------------------------------------------------------------------
def test_every_figure_string_holds_no_markup_from_data(figures: dict[str, go.Figure]) -> None:
    for key, figure in figures.items():
        for field, text in _strings(figure.to_plotly_json()):
            tags = set(PLOTLY_TAG.findall(text))
            assert tags <= KEPT_TAGS, (key, field, text)
            if not field.endswith("template"):
                assert tags <= {"<br>"}, (key, field, text)


def test_hostile_labels_reach_the_figures_escaped(
        pack: tuple[BuildResult, Hostile, Path], figures: dict[str, go.Figure]) -> None:
    agenda = pack[0].agenda
    channels = [c.name for c in agenda.sources.channels]
    assert any(LINK in c for c in channels) and any("fill:url(" in c for c in channels)
    assert list(figures["channels"].data[0].y) == [plotly_text(_shown(c)) for c in channels]
    reasons = [r.reason for r in agenda.customers.win_reasons]
    assert list(figures["win_reasons"].data[0].y) == [plotly_text(_shown(r)) for r in reasons]
    stages = [s.stage for s in agenda.pipeline.stages]
    assert list(figures["pipeline_stages"].data[0].y) == [plotly_text(_shown(s)) for s in stages]


@needs_chromium
def test_exported_svgs_show_the_labels_as_text(
        pack: tuple[BuildResult, Hostile, Path], figures: dict[str, go.Figure]) -> None:
    agenda = pack[0].agenda
    with ChartExporter(CHROMIUM) as exporter:
        charts = exporter.export(figures, width=1016, height=500)
    expected = {
        "channels": [_shown(c.name) for c in agenda.sources.channels],
        "win_reasons": [_shown(r.reason) for r in agenda.customers.win_reasons],
        "loss_reasons": [_shown(r.reason) for r in agenda.customers.loss_reasons],
        "pipeline_stages": [_shown(s.stage) for s in agenda.pipeline.stages],
        "campaigns": [_shown(c.name) for c in agenda.campaigns.upcoming + agenda.campaigns.ended],
        "targets_teams": [_shown(t.name) for t in agenda.targets.teams],
        "pipeline_breakdown": [_shown(p.pipeline) for p in agenda.pipeline.pipelines],
    }
    assert len(expected["pipeline_breakdown"]) == 2
    for key, chart in charts.items():
        assert chart.format == "svg", key
        root = etree.fromstring(chart.data)
        assert root.findall(f".//{SVG}a") == [], key
        assert root.findall(".//a") == [], key
        for element in root.iter():
            for name, value in element.attrib.items():
                assert "evil.example" not in value, (key, name, value)
                for target in re.findall(r"url\(([^)]*)\)", value):
                    assert target.strip("'\"").startswith("#"), (key, name, value)
            if element.tag == f"{SVG}tspan":  # no bold or styled runs from <b> or <span>
                assert "font-weight" not in element.get("style", ""), (key, element.attrib)
        texts = ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]
        for label in expected.get(key, []):
            assert label in texts, (key, label)
    assert any(LINK in label for label in expected["channels"])


# -- the written pack ---------------------------------------------------------------------------
@needs_chromium
def test_html_pack_opened_runs_nothing_and_fetches_nothing(
        pack: tuple[BuildResult, Hostile, Path], server: tuple[int, list[str]]) -> None:
    html = pack[0].files["html"]
    requests: list[str] = []
    dialogs: list[str] = []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("request", lambda r: requests.append(r.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(html.as_uri(), wait_until="load")
        page.wait_for_selector("#chart-channels .main-svg", state="attached")
        page.wait_for_timeout(500)
        links = page.evaluate("document.querySelectorAll('svg a').length")
        styled = page.evaluate(
            "[...document.querySelectorAll('svg [style]')].map(e => e.getAttribute('style'))"
            ".filter(s => /url\\((?!\\s*['\"]?#)/.test(s)).length")
        channel_text = page.evaluate(
            "[...document.querySelectorAll('#chart-channels text')].map(t => t.textContent)")
        hover_text = []
        for point in range(len(pack[0].agenda.sources.channels)):
            page.evaluate(f"Plotly.Fx.hover('chart-channels', "
                          f"[{{curveNumber: 1, pointNumber: {point}}}], 'x2y2')")
            page.wait_for_timeout(150)  # Plotly throttles hover events
            hover_text += page.evaluate(
                "[...document.querySelectorAll('#chart-channels .hoverlayer text')]"
                ".map(t => t.textContent)")
            links += page.evaluate("document.querySelectorAll('svg a').length")
    assert dialogs == []  # no alert() from a <script> or onerror payload
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    assert links == 0 and styled == 0
    assert any(LINK in t for t in channel_text)
    assert any(LINK in t for t in hover_text), hover_text  # the hover label too, as text
    assert any(beacon(server[0]) in t for t in hover_text)
    assert server[1] == []  # the beacon URL was never fetched (neither by the PDF build)


def test_deck_chart_workbooks_hold_no_formula(pack: tuple[BuildResult, Hostile, Path]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    strings: list[str] = []
    books = 0
    for deck in (pack[0].files["pptx"], pack[0].files["customer-deck"]):
        with zipfile.ZipFile(deck) as archive:
            for name in archive.namelist():
                if not name.endswith(".xlsx"):
                    continue
                books += 1
                book = openpyxl.load_workbook(io.BytesIO(archive.read(name)))
                for sheet in book:
                    for row in sheet.iter_rows():
                        for cell in row:
                            assert cell.data_type != "f", (deck.name, name, cell.coordinate,
                                                           cell.value)
                            if isinstance(cell.value, str):
                                strings.append(cell.value)
                assert not any(sheet._hyperlinks for sheet in book)  # noqa: SLF001
    assert books >= 5
    formula = FORMULA.format(value="Outbound")
    assert formula in strings  # the channel is there, as the text it is
    assert any(s.startswith("=HYPERLINK(") and "Discovery" in s for s in strings)


@needs_chromium
def test_pdf_holds_no_link_to_the_data(pack: tuple[BuildResult, Hostile, Path]) -> None:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(pack[0].files["pdf"])
    uris = [str(a.get_object().get("/A", {}).get("/URI"))
            for page in reader.pages for a in page.get("/Annots") or []]
    assert not any("evil.example" in u or "127.0.0.1" in u for u in uris)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "evil.example/x" in text  # shown as text (in the charts and the tables)


def test_json_pack_keeps_the_data_as_it_is(pack: tuple[BuildResult, Hostile, Path],
                                           server: tuple[int, list[str]]) -> None:
    data = json.loads(pack[0].files["json"].read_text(encoding="utf-8"))
    found = {text for _, text in _strings(data)}
    assert f'Partner {beacon(server[0])}' in found
