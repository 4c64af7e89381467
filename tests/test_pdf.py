"""The PDF pack: same figures as JSON and HTML, page structure, whole charts, safety, errors.

Uses the real Chromium (through Kaleido) and the real WeasyPrint.
"""

from __future__ import annotations

import copy
import dataclasses
import io
import json
import multiprocessing
import re
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from report_builder.build import BuildResult, build, typesetting
from report_builder.charts.export import ChartExporter
from report_builder.charts.figures import FIGURE_KEYS
from report_builder.cli import main
from report_builder.config import load_config
from report_builder.data.load import load_dataset
from report_builder.formatting import Formatter
from report_builder.i18n import labels
from report_builder.model.build import build_agenda
from report_builder.renderers.base import get_renderer
from report_builder.renderers.context import RenderOptions, render_context
from report_builder.renderers.pdf import layout, render_pdf, write_pdf
from tests.browser import BROWSER_TESTS
from tests.pdf_layout import page_layout
from tests.small_company import DEALS, write_company

pytestmark = BROWSER_TESTS

SECTIONS = ("section_headline", "section_targets", "section_pipeline", "section_sources",
            "section_customers", "section_campaigns", "section_data_notes", "section_definitions")


@pytest.fixture(scope="module")
def exporter() -> ChartExporter:
    with ChartExporter() as shared:
        yield shared


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small company built as a user would, in all three formats at once."""
    folder = tmp_path_factory.mktemp("small")
    out = folder / "out"
    config = write_company(folder)
    assert main(["build", str(config), "--format", "pdf,html,json", "--out", str(out)]) == 0
    return out


def pages_text(pdf: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def test_headline_figures_read_the_same_in_pdf_html_and_json(built: Path) -> None:
    agenda = json.loads((built / "pipeline-meeting-2026-11-24.json").read_text())["agenda"]
    soup = BeautifulSoup((built / "pipeline-meeting-2026-11-24.html").read_text(), "lxml")
    pages = pages_text((built / "pipeline-meeting-2026-11-24.pdf").read_bytes())
    fmt = Formatter(agenda["locale"], agenda["currency"])
    t = labels(agenda["language"])
    # labels are set in capitals on the page, so they are compared in capitals
    glance = next(p for p in pages if t["won_to_date"].upper() in p)
    assert t["section_headline"] in glance
    for figure in agenda["headline"]:
        shown = fmt.value(figure["value"], figure["kind"])
        tile = soup.select_one(f'#headline .tile[data-key="{figure["key"]}"] .tile-value')
        assert tile is not None and tile.get_text() == shown
        assert shown.replace("\u00a0", " ") in glance, (figure["key"], shown)
    assert "£157,500" not in glance and "DKK 157,500" in glance  # en_GB with DKK


def test_page_structure(built: Path) -> None:
    pdf = (built / "pipeline-meeting-2026-11-24.pdf").read_bytes()
    pages = pages_text(pdf)
    t = labels("en")
    assert "SMALL CO" in pages[0] and t["report_title"] in pages[0] and "Q4 2026" in pages[0]
    assert re.search(r"\b11\s*–\s*24 Nov 2026", pages[0])  # the period covered, as a span
    contents = pages[1]
    assert t["agenda"] in contents
    total = len(pages)
    starts = {}
    for key in SECTIONS:
        # the contents page gives each section's page; the section's title is on that page
        match = re.search(re.escape(t[key]) + r"[ .]*?(\d+)", contents)
        assert match, key
        starts[key] = int(match.group(1))
        assert t[key] in pages[starts[key] - 1], key
    assert list(starts.values()) == sorted(starts.values())
    assert len(set(starts.values())) == len(SECTIONS)  # each starts a new page
    for number, text in enumerate(pages[1:], start=2):
        assert f"Page {number} of {total}" in text


def test_a_first_packs_one_line_on_the_movement_follows_the_flow(built: Path) -> None:
    """The first pack has no earlier snapshot: its one line saying so follows the flow since
    the last meeting, on point 2's first page, not a page of its own (the movement's
    waterfall starts one)."""
    pages = pages_text((built / "pipeline-meeting-2026-11-24.pdf").read_bytes())
    t = labels("en")
    (page,) = [p for p in pages if t["movement_none"] in p]
    assert t["movement"] in page and t["funnel_flow"] in page and t["section_pipeline"] in page


def test_metadata_and_same_bytes_twice(built: Path, tmp_path: Path) -> None:
    pdf = (built / "pipeline-meeting-2026-11-24.pdf").read_bytes()
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta is not None
    assert meta.title == "Small Co · Pipeline meeting · 24 Nov 2026"
    assert meta.author == "Small Co"
    assert meta.creation_date is not None and meta.creation_date.date().isoformat() == "2026-11-24"
    config = write_company(tmp_path)
    assert main(["build", str(config), "--format", "pdf", "--out", str(tmp_path / "o")]) == 0
    assert (tmp_path / "o" / "pipeline-meeting-2026-11-24.pdf").read_bytes() == pdf


def test_fonts_are_embedded(built: Path) -> None:
    reader = PdfReader(io.BytesIO((built / "pipeline-meeting-2026-11-24.pdf").read_bytes()))
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor") or \
                font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[font["/BaseFont"]] = any(k in descriptor.get_object()
                                           for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts


def agenda_of(tmp_path: Path, **kw: object):  # type: ignore[no-untyped-def]
    config = load_config(write_company(tmp_path, **kw))  # type: ignore[arg-type]
    return build_agenda(load_dataset(config), config, config.meeting.as_of)


def test_landscape_is_the_default(built: Path) -> None:
    box = PdfReader(io.BytesIO((built / "pipeline-meeting-2026-11-24.pdf").read_bytes()))\
        .pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)


def test_nothing_outside_our_folders_is_read(tmp_path: Path, exporter: ChartExporter,
                                             caplog: pytest.LogCaptureFixture) -> None:
    """A deal name holding an <img> is text; a template asking for other files gets nothing."""
    deals = copy.deepcopy(DEALS)
    deals[4][1] = '<img src="file:///etc/passwd">'
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "_cover.html").write_text(
        '<img src="file:///etc/passwd"><img src="http://example.com/track.png">'
        '<link rel="stylesheet" href="file:///etc/hostname">{% include "default:_cover.html" %}')
    agenda = agenda_of(tmp_path, deals=deals)
    context = render_context(agenda, RenderOptions(charts=exporter, templates=templates))
    document, fetcher = layout(agenda, context)
    assert sorted(fetcher.refused) == ["file:///etc/hostname", "file:///etc/passwd",
                                       "http://example.com/track.png"]
    pdf = write_pdf(agenda, document, fetcher)  # as render_pdf does
    text = " ".join(pages_text(pdf))
    assert '<img src="file:///etc/passwd">' in text  # the deal's name, shown as text
    assert b"root:x:0:0" not in pdf
    assert "may not load: file:///etc/passwd" in caplog.text


def test_a_pdf_laid_out_in_another_process_is_the_same_pdf(
        tmp_path: Path, exporter: ChartExporter, caplog: pytest.LogCaptureFixture) -> None:
    """A build of several packs lays out their PDFs in a pool of processes (build.py
    typesetting): the same bytes as laid out here, and what it left out still said."""
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "_cover.html").write_text(
        '<img src="file:///etc/passwd">{% include "default:_cover.html" %}')
    agenda = agenda_of(tmp_path)
    options = RenderOptions(charts=exporter, templates=templates)
    here = render_pdf(agenda, render_context(agenda, options))
    assert isinstance(here, bytes)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        elsewhere = render_pdf(agenda, render_context(
            agenda, dataclasses.replace(options, typesetter=pool)))
        assert isinstance(elsewhere, Future)
        assert elsewhere.result(timeout=120) == here
    assert caplog.text.count("may not load: file:///etc/passwd") == 2


def test_the_pdfs_are_laid_out_in_processes_only_for_several_packs() -> None:
    pdf, html = get_renderer("pdf"), get_renderer("html")
    for renderers, packs in (([pdf, html], 1), ([html], 5)):
        with typesetting(renderers, packs) as pool:
            assert pool is None


def test_no_browser_is_a_clear_error_and_nothing_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_company(tmp_path, extra_config='\n[output]\nbrowser = "/nonexistent/chrome"\n')
    out = tmp_path / "out"
    assert main(["build", str(config), "--format", "html,pdf", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "/nonexistent/chrome" in err and "apt-get install chromium" in err
    assert not out.exists()


def test_example_company_pdf(example_pack: BuildResult) -> None:
    pages = pages_text(example_pack.files["pdf"].read_bytes())
    # the main body (at most 12 pages: tests/test_pack_length.py), then the appendix with every
    # list in full, which grows with the data
    assert 12 <= len(pages) <= 50
    assert "Pipelinemøde" in pages[0] and "Side 2 af" in pages[1]
    assert any("6.969.164 kr." in p for p in pages)  # won this quarter, Danish format


@pytest.mark.parametrize(("orientation", "size"), [("landscape", (842, 595)),
                                                   ("portrait", (595, 842))])
def test_nothing_runs_past_the_right_margin_and_every_chart_is_whole_on_one_page(
        orientation: str, size: tuple[int, int], exporter: ChartExporter) -> None:
    """The example company's widest tables fit the text block in both orientations (A4, in
    points), each figure's text its tile, and each of its charts is whole on one page."""
    config = load_config(Path(__file__).resolve().parent.parent / "examples" / "nordlys" /
                         "report.toml")
    assert config.meeting.as_of is not None
    agenda = build_agenda(load_dataset(config), config, config.meeting.as_of)
    document, _ = layout(agenda, render_context(agenda, RenderOptions(
        charts=exporter, page_orientation=orientation)))
    assert {(round(p.width * 0.75), round(p.height * 0.75)) for p in document.pages} == {size}
    found = page_layout(document)
    assert found.overflowing == []
    assert found.out_of_box == []
    assert found.cut_charts == []
    assert set(found.chart_pages) == set(FIGURE_KEYS)
    assert all(len(pages) == 1 for pages in found.chart_pages.values()), found.chart_pages


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_a_large_companys_tables_fit_the_page(orientation: str, large_company: Path,
                                              exporter: ChartExporter, tmp_path: Path) -> None:
    """At 100,000 deals the targets' table holds seven sums of nine digits and counts of five
    (conftest.py); on the narrower portrait page too it keeps inside the text block, as does
    every figure's text inside its tile."""
    config = load_config(large_company)
    agenda = build(config, as_of=config.meeting.as_of, formats=("json",), out_dir=tmp_path,
                   history=False).agenda
    document, _ = layout(agenda, render_context(agenda, RenderOptions(
        charts=exporter, page_orientation=orientation)))
    found = page_layout(document)
    assert found.overflowing == []
    assert found.out_of_box == []
