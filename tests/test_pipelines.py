"""Several CRM pipelines in one dataset: the per-pipeline breakdown, the data.pipelines filter,
and the same figures in every format.

The fixture (tests/two_pipelines.py) has "New business" and "Renewals" with their own stages;
its docstring computes every figure below by hand.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from pptx import Presentation
from pypdf import PdfReader

from report_builder.charts.export import ChartExporter
from report_builder.charts.figures import BREAKDOWN_KEY, FIGURE_KEYS
from report_builder.cli import main
from report_builder.config import load_config
from report_builder.data.load import load_dataset
from report_builder.errors import DataError
from report_builder.model.agenda import Agenda, PipelineBreakdown, StageRow
from report_builder.model.build import build_agenda
from report_builder.renderers.context import RenderOptions, render_context
from report_builder.renderers.html import render_html
from report_builder.renderers.pdf import layout
from tests.browser import HAVE_BROWSER
from tests.office import convert_to_pdf, libreoffice, needs_libreoffice, page_count, profile_dir
from tests.pdf_layout import page_layout
from tests.small_company import write_csv
from tests.test_pptx import _cells_fit, _shapes, _text_fits
from tests.test_presets import csv_bytes
from tests.two_pipelines import DEAL_COLUMNS, DEALS, NEW, RENEWALS, write_two_pipelines

AS_OF = dt.date(2026, 11, 24)
PIPE = DEAL_COLUMNS.index("pipeline")
STEM = "pipeline-meeting-2026-11-24"

needs_browser = [pytest.mark.browser,
                 pytest.mark.skipif(not HAVE_BROWSER, reason="no Chrome/Chromium")]

EXPECTED = (
    PipelineBreakdown(NEW, (StageRow("Discovery", "opportunity", 0.2, 2, 250_000, 50_000),
                            StageRow("Proposal", "quote", 0.6, 1, 100_000, 50_000)),
                      open_count=3, open_value=350_000, open_weighted=100_000,
                      won_in_quarter=1, won_value=100_000, lost_in_quarter=1, win_rate=0.5),
    PipelineBreakdown(RENEWALS, (StageRow("Renewal due", "opportunity", 0.5, 1, 60_000, 30_000),
                                 StageRow("Renewal quote", "quote", 0.8, 1, 30_000, 24_000)),
                      open_count=2, open_value=90_000, open_weighted=54_000,
                      won_in_quarter=2, won_value=60_000, lost_in_quarter=1, win_rate=2 / 3),
)
# the pipelines table as every format shows it: the two pipelines and the company's total
TABLE = [["New business", "3", "DKK 350,000", "DKK 100,000", "DKK 100,000", "1", "50%"],
         ["Renewals", "2", "DKK 90,000", "DKK 54,000", "DKK 60,000", "2", "67%"],
         ["Total", "5", "DKK 440,000", "DKK 154,000", "DKK 160,000", "3", "60%"]]


def agenda_of(config: Path) -> Agenda:
    cfg = load_config(config)
    return build_agenda(load_dataset(cfg), cfg, AS_OF)


def deals_with(**pipelines: str) -> list[list[str]]:
    """The fixture's deals with some deals moved to another pipeline (or to none: '')."""
    rows = [list(r) for r in DEALS]
    for row in rows:
        if row[0] in pipelines:
            row[PIPE] = pipelines[row[0]]
    return rows


# -- the model ----------------------------------------------------------------------------------
def test_each_pipeline_by_hand_and_they_add_up(tmp_path: Path) -> None:
    agenda = agenda_of(write_two_pipelines(tmp_path))
    p = agenda.pipeline
    assert p.pipelines == EXPECTED
    # the company-wide figures are those of all deals, and the pipelines add up to them
    assert (p.open_count, p.open_value, p.open_weighted) == (5, 440_000, 154_000)
    assert sum(b.open_count for b in p.pipelines) == p.open_count
    assert sum(b.open_value for b in p.pipelines) == p.open_value
    assert sum(b.open_weighted for b in p.pipelines) == p.open_weighted
    assert sum(b.won_value for b in p.pipelines) == agenda.targets.company.won == 160_000
    assert sum(b.won_in_quarter for b in p.pipelines) == agenda.customers.won_in_quarter == 3
    assert sum(b.lost_in_quarter for b in p.pipelines) == agenda.customers.lost_in_quarter == 2
    # every open stage of the company is in exactly one pipeline here
    assert sorted(s.stage for b in p.pipelines for s in b.stages) == sorted(
        s.stage for s in p.stages if s.count)


def test_one_pipeline_changes_nothing(tmp_path: Path) -> None:
    """All deals in one pipeline: no breakdown, and the section equals the one built from the
    same deals without a pipeline column."""
    one = deals_with(**{r[0]: NEW for r in DEALS})
    with_column = agenda_of(write_two_pipelines(tmp_path / "a", deals=one))
    columns = DEAL_COLUMNS[:PIPE]
    without = [r[:PIPE] for r in one]
    config = write_two_pipelines(tmp_path / "b")
    write_csv(tmp_path / "b" / "data" / "deals.csv", columns, without)
    assert with_column.pipeline.pipelines == ()
    assert with_column.pipeline == agenda_of(config).pipeline


def test_deals_without_a_pipeline_are_a_group_of_their_own(tmp_path: Path) -> None:
    agenda = agenda_of(write_two_pipelines(tmp_path, deals=deals_with(R4="")))
    names = [b.pipeline for b in agenda.pipeline.pipelines]
    assert names == [NEW, RENEWALS, "(no pipeline)"]  # the group without one comes last
    none = agenda.pipeline.pipelines[2]
    assert (none.open_count, none.open_value, none.open_weighted) == (1, 60_000, 30_000)
    assert agenda.pipeline.pipelines[1].open_value == 30_000
    note = next(n for n in agenda.data_notes.notes if n.key == "no_pipeline")
    assert (note.count, note.examples) == (1, ("R4",))


def test_largest_open_value_first(tmp_path: Path) -> None:
    """Renewals gets N3 (200,000 open): 290,000 against New business' 150,000."""
    agenda = agenda_of(write_two_pipelines(tmp_path, deals=deals_with(N3=RENEWALS)))
    assert [(b.pipeline, b.open_value) for b in agenda.pipeline.pipelines] == [
        (RENEWALS, 290_000), (NEW, 150_000)]


# -- data.pipelines ---------------------------------------------------------------------------
def test_data_pipelines_keeps_those_pipelines_in_canonical_data(tmp_path: Path) -> None:
    agenda = agenda_of(write_two_pipelines(tmp_path, data='pipelines = ["Renewals"]'))
    assert agenda.pipeline.pipelines == ()  # one pipeline reported: nothing more shown
    assert (agenda.pipeline.open_count, agenda.pipeline.open_value) == (2, 90_000)
    assert agenda.targets.company.won == 60_000
    assert [s.stage for s in agenda.pipeline.stages if s.count] == ["Renewal due",
                                                                     "Renewal quote"]


def test_data_pipelines_order_is_the_shown_order(tmp_path: Path) -> None:
    agenda = agenda_of(write_two_pipelines(
        tmp_path, data='pipelines = ["Renewals", "New business"]'))
    assert [b.pipeline for b in agenda.pipeline.pipelines] == [RENEWALS, NEW]
    assert agenda.pipeline.pipelines == EXPECTED[::-1]


def test_other_pipelines_rows_are_not_checked(tmp_path: Path) -> None:
    """A bad row in a pipeline left out stops nothing; kept rows keep their row numbers."""
    rows = deals_with()
    rows[0][DEAL_COLUMNS.index("amount")] = "lots"  # N1, row 2
    rows[8][DEAL_COLUMNS.index("close_date")] = "soon"  # R4, row 10
    config = write_two_pipelines(tmp_path, deals=rows, data='pipelines = ["Renewals"]')
    with pytest.raises(DataError) as info:
        load_dataset(load_config(config))
    assert [(p.row, p.column) for p in info.value.problems] == [(10, "close_date")]


def test_unknown_pipeline_is_an_error_listing_the_pipelines(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_two_pipelines(tmp_path, data='pipelines = ["Renewal", "New business"]')
    with pytest.raises(DataError) as info:
        load_dataset(load_config(config))
    assert [str(p) for p in info.value.problems] == [
        "deals.csv, column 'pipeline': value 'Renewal': data.pipelines in report.toml names a "
        "pipeline no deal is in; pipelines found: 'New business', 'Renewals'"]
    assert main(["validate", str(config)]) == 2
    assert "pipelines found: 'New business', 'Renewals'" in capsys.readouterr().err


def test_data_pipelines_without_a_pipeline_column(tmp_path: Path) -> None:
    config = write_two_pipelines(tmp_path / "c", data='pipelines = ["Renewals"]')
    write_csv(tmp_path / "c" / "data" / "deals.csv", DEAL_COLUMNS[:PIPE],
              [r[:PIPE] for r in DEALS])
    with pytest.raises(DataError) as info:
        load_dataset(load_config(config))
    assert [p.message for p in info.value.problems] == [
        "data.pipelines in report.toml names a pipeline no deal is in; pipelines found: none: "
        "the deals have no pipeline column"]


# -- every format -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not HAVE_BROWSER:
        pytest.skip("no Chrome/Chromium for the PDF")
    folder = tmp_path_factory.mktemp("two")
    out = folder / "out"
    config = write_two_pipelines(folder)
    assert main(["build", str(config), "--format", "html,json,pdf,pptx", "--out", str(out),
                 "--no-history"]) == 0
    return out


def plain(text: str) -> str:
    """Text with its spaces (the formats' non-breaking ones too) as single spaces."""
    return " ".join(text.split())


def cells(row: Any) -> list[str]:
    return [" ".join(c.get_text().split()) for c in row.find_all(["th", "td"])]


@pytest.mark.browser
def test_json_holds_the_breakdown(built: Path) -> None:
    agenda = json.loads((built / f"{STEM}.json").read_text())["agenda"]
    shown = [(b["pipeline"], b["open_count"], b["open_value"], b["open_weighted"],
              b["won_in_quarter"], b["won_value"], b["lost_in_quarter"], b["win_rate"],
              [(s["stage"], s["count"], s["value"], s["weighted_value"]) for s in b["stages"]])
             for b in agenda["pipeline"]["pipelines"]]
    assert shown == [
        (NEW, 3, 350_000, 100_000, 1, 100_000, 1, 0.5,
         [("Discovery", 2, 250_000, 50_000), ("Proposal", 1, 100_000, 50_000)]),
        (RENEWALS, 2, 90_000, 54_000, 2, 60_000, 1, 0.6667,
         [("Renewal due", 1, 60_000, 30_000), ("Renewal quote", 1, 30_000, 24_000)])]


@pytest.mark.browser
def test_html_shows_each_pipeline(built: Path) -> None:
    soup = BeautifulSoup((built / f"{STEM}.html").read_text(), "lxml")
    section = soup.select_one("#by-pipeline")
    assert section is not None
    assert [cells(r) for r in section.select("table.pipelines tbody tr")] == TABLE
    renewals = section.select_one('.pipeline-stages[data-pipeline="Renewals"]')
    assert renewals is not None
    assert [cells(r) for r in renewals.select("tbody tr")] == [
        ["Renewal due", "Opportunities", "50%", "1", "DKK 60,000", "DKK 30,000"],
        ["Renewal quote", "Quotes", "80%", "1", "DKK 30,000", "DKK 24,000"],
        ["Total", "", "", "2", "DKK 90,000", "DKK 54,000"]]
    assert section.select_one(f'figure[data-chart="{BREAKDOWN_KEY}"] .plotly-graph-div')


@pytest.mark.browser
def test_pdf_text_has_the_same_figures(built: Path) -> None:
    reader = PdfReader(io.BytesIO((built / f"{STEM}.pdf").read_bytes()))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "Open pipeline by pipeline" in text
    for row in TABLE:
        assert " ".join(row) in text, row
    assert "Renewal quote Quotes 80% 1 DKK 30,000 DKK 24,000" in text
    assert "Discovery Opportunities 20% 2 DKK 250,000 DKK 50,000" in text


@pytest.mark.browser
def test_pptx_has_a_slide_per_pipeline_and_the_tables(built: Path) -> None:
    prs = Presentation(str(built / f"{STEM}.pptx"))
    slides = {s.shapes.title.text: s for s in prs.slides if s.shapes.title is not None}
    for b in EXPECTED:
        slide = slides[f"2. Pipeline: {b.pipeline}"]
        chart = next(s.chart for s in slide.shapes if s.has_chart)
        assert list(chart.plots[0].categories) == [s.stage for s in b.stages]
        assert [list(s.values) for s in chart.plots[0].series] == [
            [s.value for s in b.stages], [s.weighted_value for s in b.stages]]
        tiles = plain(" ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame))
        assert f"DKK {b.open_value:,.0f}" in tiles and f"DKK {b.won_value:,.0f}" in tiles
        assert f"DKK {b.open_weighted:,.0f}" in plain(slide.notes_slide.notes_text_frame.text)
    tables = [[[plain(c.text) for c in r.cells] for r in s.table.rows]
              for slide in prs.slides for s in slide.shapes if s.has_table]
    summary = next(t for t in tables if t[0][0] == "Pipeline")
    assert summary[1:] == TABLE
    stages = [t for t in tables if t[0][:2] == ["Stage", "Funnel step"]]
    assert ["Renewal quote", "Quotes", "80%", "1", "DKK 30,000", "DKK 24,000"] in stages[-1]


@pytest.mark.browser
@libreoffice
@needs_libreoffice
def test_deck_fits_its_slides_and_opens(built: Path,
                                        tmp_path_factory: pytest.TempPathFactory) -> None:
    deck = built / f"{STEM}.pptx"
    prs = Presentation(str(deck))
    width = int(prs.slide_width or 0)
    bottom = int(prs.slide_height or 0) * 0.92
    for number, slide in enumerate(prs.slides, start=1):
        for shape in _shapes(slide.shapes):
            low = shape.top + (sum(r.height for r in shape.table.rows) if shape.has_table
                               else shape.height)
            assert shape.left >= 0 and shape.left + shape.width <= width, (number, shape.name)
            if not shape.is_placeholder:
                assert low <= bottom + 5000, (number, shape.name)
            if shape.has_table:
                _cells_fit(shape.table, number)
            elif shape.has_text_frame and not shape.is_placeholder and shape.text_frame.text:
                frame = shape.text_frame
                _text_fits(frame, shape.width - frame.margin_left - frame.margin_right,
                           shape.height - frame.margin_top - frame.margin_bottom, number)
    out = tmp_path_factory.mktemp("deck-pdf")
    pdf = convert_to_pdf([deck], out, profile_dir(tmp_path_factory))[deck]
    assert page_count(pdf) == len(prs.slides)


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
@pytest.mark.browser
def test_pdf_charts_whole_and_nothing_past_the_margin(tmp_path: Path, orientation: str) -> None:
    if not HAVE_BROWSER:
        pytest.skip("no Chrome/Chromium")
    agenda = agenda_of(write_two_pipelines(tmp_path))
    with ChartExporter() as exporter:
        document, _ = layout(agenda, render_context(agenda, RenderOptions(
            charts=exporter, page_orientation=orientation)))
    found = page_layout(document)
    assert found.overflowing == [] and found.out_of_box == [] and found.cut_charts == []
    assert set(found.chart_pages) == {*FIGURE_KEYS, BREAKDOWN_KEY}
    assert all(len(pages) == 1 for pages in found.chart_pages.values()), found.chart_pages


# -- a HubSpot export with two pipelines ------------------------------------------------------
HUBSPOT_HEADER = [
    "Record ID", "Deal Name", "Associated Company", "Deal owner", "HubSpot Team", "Pipeline",
    "Deal Stage", "Amount", "Create Date", "Close Date", "Original Source Type",
    "Closed Won Reason", "Closed Lost Reason", "Deal probability", "Is Deal Closed?",
    'Date entered "Discovery (New business)"', 'Date entered "Proposal (New business)"',
    'Date entered "Won (New business)"', 'Date entered "Lost (New business)"',
    'Date entered "Renewal due (Renewals)"', 'Date entered "Renewal quote (Renewals)"',
    'Date entered "Won (Renewals)"', 'Date entered "Lost (Renewals)"']


def hubspot_rows() -> list[list[str]]:
    """The fixture's deals as HubSpot exports them: times on dates, the stage change in the
    `Date entered "<stage> (<pipeline>)"` column of the deal's stage and pipeline."""
    rows = []
    for d in DEALS:
        r = dict(zip(DEAL_COLUMNS, d, strict=True))
        entered = [f"{r['last_stage_change_date']} 09:30"
                   if h == f'Date entered "{r["stage"]} ({r["pipeline"]})"' else ""
                   for h in HUBSPOT_HEADER[15:]]
        rows.append([r["deal_id"], r["name"], r["account"], r["owner"], r["team"],
                     r["pipeline"], r["stage"], r["amount"], f"{r['created_date']} 10:00",
                     f"{r['close_date']} 16:00", r["source_channel"], r["won_reason"],
                     r["lost_reason"], r["probability"],
                     "true" if r["stage"] in ("Won", "Lost") else "false", *entered])
    return rows


def test_hubspot_export_with_two_pipelines(tmp_path: Path) -> None:
    canonical = agenda_of(write_two_pipelines(tmp_path / "canonical"))
    config = write_two_pipelines(tmp_path / "hubspot",
                                 data='preset = "hubspot"\ndeals = "exports/deals.csv"')
    exports = tmp_path / "hubspot" / "exports"
    exports.mkdir()
    (exports / "deals.csv").write_bytes(csv_bytes(HUBSPOT_HEADER, hubspot_rows(), bom=True,
                                                  crlf=True))
    agenda = agenda_of(config)
    assert agenda.pipeline.pipelines == EXPECTED
    assert agenda.pipeline == canonical.pipeline
    assert agenda.targets == canonical.targets
    report = load_dataset(load_config(config)).mappings[0]
    assert report.mapped["pipeline"] == "Pipeline"
    assert report.mapped["last_stage_change_date"] == "(from the stage history)"
    out = tmp_path / "out"
    assert main(["build", str(config), "--format", "json,pptx", "--out", str(out),
                 "--no-history"]) == 0
    shown = json.loads((out / f"{STEM}.json").read_text())["agenda"]["pipeline"]["pipelines"]
    assert [(b["pipeline"], b["open_value"], b["won_value"]) for b in shown] == [
        (NEW, 350_000, 100_000), (RENEWALS, 90_000, 60_000)]
    titles = [s.shapes.title.text for s in Presentation(str(out / f"{STEM}.pptx")).slides
              if s.shapes.title is not None]
    assert "2. Pipeline: New business" in titles and "2. Pipeline: Renewals" in titles
    # and data.pipelines on the export keeps one of them
    config.write_text(config.read_text().replace('preset = "hubspot"',
                                                 'preset = "hubspot"\npipelines = ["Renewals"]'))
    kept = agenda_of(config)
    assert (kept.pipeline.open_value, kept.targets.company.won, kept.pipeline.pipelines) == (
        90_000, 60_000, ())


def test_danish_labels_and_the_group_without_a_pipeline(tmp_path: Path) -> None:
    agenda = agenda_of(write_two_pipelines(tmp_path, deals=deals_with(R4=""),
                                           locale="da_DK"))
    soup = BeautifulSoup(render_html(agenda, render_context(agenda)), "lxml")
    section = soup.select_one("#by-pipeline")
    assert section is not None and section.h3 is not None
    assert section.h3.get_text() == "Åben pipeline pr. pipeline"
    assert [cells(r)[0] for r in section.select("table.pipelines tbody tr")] == [
        "New business", "Renewals", "(ingen pipeline)", "I alt"]
    notes = soup.select_one("#data-notes")
    assert notes is not None and "aftaler uden pipeline" in notes.get_text()
