"""Every value label of every chart legible where the pack draws it, measured on the laid-out
output in Chromium (tests/chart_labels.py): each chart's SVG as the PDF embeds it, at the
PDF's widths (landscape and portrait), and each chart of the HTML at 1440 px. A label must be
there, at a readable size, inside its plot, clear of the other labels, of the other texts, of
the other bars and of the markers. The meeting deck's charts are read back: every value has
its label, and no label sits where a target's mark is; printed by LibreOffice, no two words of
a chart's slide overlap."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_LABEL_POSITION

from report_builder.build import build
from report_builder.charts.describe import describe_charts, figure_keys
from report_builder.charts.export import ChartExporter
from report_builder.config import load_config
from report_builder.decks.meeting import build_meeting_deck
from report_builder.decks.text_fit import text_width
from report_builder.model.agenda import Agenda
from report_builder.renderers.context import RenderOptions, render_context
from report_builder.renderers.html import chart_div_id, render_html
from report_builder.renderers.pdf import draw_charts
from tests.browser import chromium
from tests.chart_labels import LAYOUT_JS, drawn_labels, label_problems
from tests.office import convert_to_pdf, libreoffice, needs_libreoffice, profile_dir
from tests.two_pipelines import write_two_pipelines

CHROMIUM = Path("/usr/bin/chromium")
EXAMPLE = Path(__file__).parent.parent / "examples" / "nordlys"
MEETING = dt.date(2026, 11, 24)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="needs Debian chromium at /usr/bin/chromium "
                              "(apt-get install -y chromium)"),
]


@pytest.fixture(scope="module", params=["example", "two_pipelines"])
def agenda(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Agenda:
    """The example company (Danish, with its stored snapshot, so the waterfall is drawn) and
    a company whose deals span pipelines (English, the small multiples)."""
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "example":
        shutil.copytree(EXAMPLE, folder / "nordlys")
        config_path = folder / "nordlys" / "report.toml"
    else:
        config_path = write_two_pipelines(folder / "company")
    config = load_config(config_path)
    return build(config, as_of=config.meeting.as_of or MEETING, formats=("json",),
                 out_dir=folder / "out", history=True).agenda


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    with chromium() as browser:
        yield browser.new_page(viewport={"width": 1440, "height": 1000})


def expected_labels(agenda: Agenda) -> dict[str, list[str]]:
    context = render_context(agenda)
    charts = describe_charts(agenda, context.fmt, context.t, context.theme)
    return {key: drawn_labels(chart) for key, chart in charts.items()}


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_pdf_charts_keep_every_label(agenda: Agenda, page: Any, orientation: str) -> None:
    """The SVG of each chart the PDF embeds, laid out in Chromium at the size it is drawn."""
    context = render_context(agenda, RenderOptions(page_orientation=orientation))
    with ChartExporter() as exporter:
        charts = draw_charts(agenda, context, exporter)
        drawn = charts.export.result()
    expected = expected_labels(agenda)
    assert set(charts.images) == set(drawn) == set(figure_keys(agenda))
    problems, measured = {}, 0
    for key, chart in drawn.items():
        assert chart.format == "svg" or not expected[key], \
            f"{key}: a labelled chart exported as a picture"
        if chart.format != "svg":
            continue
        svg = chart.data.decode("utf-8")
        page.set_content(f'<html><body style="margin:0">{svg}</body></html>')
        layout = page.evaluate(LAYOUT_JS, page.query_selector("svg"))
        measured += len(layout["labels"])
        problems[key] = label_problems(layout, expected[key])
    assert {k: v for k, v in problems.items() if v} == {}
    assert measured == sum(len(labels) for labels in expected.values())


def test_a_large_companys_channel_ticks_stay_apart(large_company: Path, page: Any,
                                                   tmp_path: Path) -> None:
    """Point 3's two panels side by side: the meetings' last tick (`15.000` at 100,000 deals)
    and the revenue's first (`0 kr.`) meet at the gap between them unless it holds half of
    each, on the narrower portrait page too."""
    config = load_config(large_company)
    agenda = build(config, as_of=config.meeting.as_of or MEETING, formats=("json",),
                   out_dir=tmp_path, history=False).agenda
    context = render_context(agenda, RenderOptions(page_orientation="portrait"))
    with ChartExporter() as exporter:
        chart = draw_charts(agenda, context, exporter).export.result()["channels"]
    page.set_content(f'<html><body style="margin:0">{chart.data.decode("utf-8")}</body></html>')
    layout = page.evaluate(LAYOUT_JS, page.query_selector("svg"))
    assert "15.000" in [text["text"] for text in layout["texts"]]
    assert label_problems(layout, expected_labels(agenda)["channels"]) == []


def test_html_charts_keep_every_label(agenda: Agenda, page: Any, tmp_path: Path) -> None:
    """Each chart of the HTML as the browser draws it at 1440 px (folded sections opened)."""
    html = tmp_path / "pack.html"
    html.write_bytes(render_html(agenda, render_context(agenda)))
    page.goto(html.as_uri(), wait_until="load")
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; });"
                  "window.dispatchEvent(new Event('resize'))")
    expected = expected_labels(agenda)
    problems = {}
    for key, labels in expected.items():
        chart = page.wait_for_selector(f"#{chart_div_id(key)} .main-svg", state="attached")
        assert chart is not None
        chart.scroll_into_view_if_needed()
        root = page.query_selector(f"#{chart_div_id(key)}")
        problems[key] = label_problems(page.evaluate(LAYOUT_JS, root), labels)
    assert {k: v for k, v in problems.items() if v} == {}


def test_deck_charts_label_every_value_clear_of_targets(agenda: Agenda) -> None:
    """Every bar of the deck's charts has its label (a bullet's segment too thin for one
    excepted: its amount is in the targets table), the waterfall's amounts are under its
    names, and no bullet label is left in the middle of a segment where the target's dash
    crosses it."""
    deck = Presentation(io.BytesIO(build_meeting_deck(agenda, render_context(agenda))))
    charts = {shape.name: shape.chart for slide in deck.slides for shape in slide.shapes
              if shape.has_chart}
    descriptions = expected_labels(agenda)
    for name, chart in charts.items():
        plot = chart.plots[0]
        if name == "pipeline_movement":
            shown = [c.rsplit("\n", 1)[1] for c in plot.categories]
            assert shown == descriptions[name]
            continue
        for series in plot.series:
            for index, value in enumerate(series.values):
                label = series.points[index].data_label
                if value is None:
                    continue
                if name == "targets":
                    continue  # checked below
                assert label.has_text_frame and label.text_frame.text, (name, index)
    bullet = charts["targets"]
    stacked, line = bullet.plots
    top = bullet.value_axis.maximum_scale
    (marks,) = line.series
    floor = [0.0] * len(stacked.categories)  # where each column's next segment starts
    for series in stacked.series:
        for index, value in enumerate(series.values):
            label = series.points[index].data_label
            if not label.has_text_frame:
                assert value <= 0.1 * top  # left out only where the segment is thin
                floor[index] += value
                continue
            target = marks.values[index]
            if label.position == XL_LABEL_POSITION.CENTER and target is not None:
                middle = floor[index] + value / 2
                assert abs(target - middle) > 0.05 * top, (series.name, index)
            floor[index] += value


def test_deck_bullet_labels_fit_their_bars(agenda: Agenda) -> None:
    assert_bullet_labels_fit_their_bars(agenda)


def test_a_large_companys_deck_bullet_labels_fit_their_bars(large_company: Path,
                                                            tmp_path: Path) -> None:
    """`379,8 mio. kr.` is wider than `7 mio. kr.`: it is set smaller, not run past its bar
    (white on the dark bar, the part outside it is lost on the white slide)."""
    config = load_config(large_company)
    agenda = build(config, as_of=config.meeting.as_of or MEETING, formats=("json",),
                   out_dir=tmp_path, history=False).agenda
    assert_bullet_labels_fit_their_bars(agenda)


def assert_bullet_labels_fit_their_bars(agenda: Agenda) -> None:
    """Each label on a segment of the deck's targets chart is no wider than its bar: the
    chart's width shared by its columns, less the gap between them (the plot is narrower
    still)."""
    deck = Presentation(io.BytesIO(build_meeting_deck(agenda, render_context(agenda))))
    (frame,) = [shape for slide in deck.slides for shape in slide.shapes
                if shape.has_chart and shape.name == "targets"]
    stacked = frame.chart.plots[0]
    bar = frame.width / len(stacked.categories) / (1 + stacked.gap_width / 100)
    labels = 0
    for series in stacked.series:
        for point in range(len(series.values)):
            label = series.points[point].data_label
            if not label.has_text_frame:
                continue
            (run,) = label.text_frame.paragraphs[0].runs
            assert text_width(run.text, run.font.size.pt) <= bar, (series.name, run.text)
            labels += 1
    assert labels >= len(stacked.categories)  # each won segment at the least


@libreoffice
@needs_libreoffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_deck_chart_slides_print_without_overlapping_words(
        agenda: Agenda, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The deck as LibreOffice lays it out (its own label positions): on every slide with a
    chart, no two words overlap (lines of one label may touch)."""
    deck = tmp_path / "deck.pptx"
    deck.write_bytes(build_meeting_deck(agenda, render_context(agenda)))
    pdf = convert_to_pdf([deck], tmp_path, profile_dir(tmp_path_factory))[deck]
    pages = [number for number, slide in enumerate(Presentation(str(deck)).slides, start=1)
             if any(shape.has_chart for shape in slide.shapes)]
    assert pages
    overlapping = {page: _overlapping_words(pdf, page) for page in pages}
    assert {page: words for page, words in overlapping.items() if words} == {}


def _overlapping_words(pdf: Path, page: int) -> list[tuple[str, str]]:
    """The pairs of words on `page` whose boxes overlap by more than a rounding's worth
    across and by more than 40 % of a line's height down (pdftotext's boxes of two lines of
    one label touch)."""
    found = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf),
                            "-"], capture_output=True, text=True, check=True, timeout=60).stdout
    words = [(float(x0), float(y0), float(x1), float(y1), word) for x0, y0, x1, y1, word
             in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                           r'yMax="([\d.]+)">([^<]*)</word>', found)]
    assert words, f"page {page}: no words"
    pairs = []
    for index, (x0, y0, x1, y1, word) in enumerate(words):
        for a0, b0, a1, b1, other in words[index + 1:]:
            if (min(x1, a1) - max(x0, a0) > 0.5
                    and min(y1, b1) - max(y0, b0) > 0.4 * min(y1 - y0, b1 - b0)):
                pairs.append((word, other))
    return pairs
