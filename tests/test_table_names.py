"""Tables never cut a name into ambiguity.

By hand-made cases: `distinct_shortened` keeps a column's different names apart however narrow
the cell, and `keep_whole` keeps a legal form ("A/S") and a number's unit together. On the
example: every table of the meeting deck, read back with python-pptx, shows no cut name that
could be another of its column's names, in both languages; no line of the example's PDF ends
inside "A/S" or between a number and its unit; the campaign owner is headed as such in every
format.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pptx import Presentation

from report_builder.build import BuildResult, build
from report_builder.config import load_config
from report_builder.decks import tables
from report_builder.decks.meeting import build_meeting_deck
from report_builder.decks.shapes import Box, inches
from report_builder.decks.tables import Column, TableBlock, size_table
from report_builder.decks.text_fit import clean_text, text_width, wrap
from report_builder.i18n import translator
from report_builder.model.agenda import Agenda
from report_builder.names import (
    ELLIPSIS,
    breakable,
    distinct_shortened,
    keep_whole,
    keep_whole_runs,
    reads_as,
    without_legal_form,
)
from report_builder.renderers.context import RenderOptions, render_context
from tests.browser import HAVE_BROWSER, NO_BROWSER

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "nordlys" / "report.toml"
MEETING = dt.date(2026, 11, 24)
CAMPAIGNS = ["Google Ads: Lagerstyring & ERP H1 2026", "Google Ads: Lagerstyring & ERP H1 2027",
             "Google Ads: Lagerstyring & ERP H2 2025", "Google Ads: Lagerstyring & ERP H2 2026",
             "Google Ads: Lagerstyring H2 2024", "Webinar: Lagerstyring i praksis",
             "Webinar: Lagerstyring i praksis 2026",
             "Webinar: Lagerstyring i praksis – efterår 2026",
             "LinkedIn: Produktionsplanlægning Q1 2025",
             "LinkedIn: Produktionsplanlægning Q1 2026", "Nordlys Kundedag 2026"]


def at_most(characters: int) -> Callable[[str], bool]:
    return lambda text: len(text) <= characters


def assert_apart(values: list[str], shown: list[str], fits: Callable[[str], bool]) -> None:
    """Every shown text fits, is the value itself where that fits, and could be no other
    value of the column."""
    for value, text in zip(values, shown, strict=True):
        assert fits(text), text
        if fits(value):
            assert text == value
        others = [o for o in set(values) if o != value and reads_as(text, o)]
        assert not others, f"{text!r} reads as {value!r} and {others}"


# -- shortening apart, by hand ---------------------------------------------------------------
@pytest.mark.parametrize("width", [14, 18, 22, 26, 30, 34, 40, 60])
def test_names_cut_to_fit_never_read_as_another(width: int) -> None:
    shown = distinct_shortened(CAMPAIGNS, at_most(width))
    assert_apart(CAMPAIGNS, shown, at_most(width))


def test_the_cut_keeps_the_part_that_tells_two_names_apart() -> None:
    values = ["Google Ads: Lagerstyring & ERP H1 2027", "Google Ads: Lagerstyring & ERP H2 2026"]
    # cut at the end, both would read "Google Ads: Lagerstyring &…"
    assert distinct_shortened(values, at_most(28)) == ["Google Ads: Lagerst… H1 2027",
                                                       "Google Ads: Lagerst… H2 2026"]


def test_a_name_cut_alone_is_cut_at_its_end() -> None:
    values = ["Webinar: Sporbarhed i fødevareproduktionen", "Nordlys Kundedag 2026"]
    assert distinct_shortened(values, at_most(21)) == ["Webinar: Sporbarhed…",
                                                       "Nordlys Kundedag 2026"]


def test_a_cut_name_is_not_left_as_the_start_of_another() -> None:
    # "LinkedIn: Produktionsplanlægning Q…" alone would do for either quarter
    values = ["LinkedIn: Produktionsplanlægning Q1 2026", "LinkedIn: Produktionsplanlægning"]
    shown = distinct_shortened(values, at_most(34))
    assert shown[1] == values[1]
    assert shown[0].endswith("2026") or "Q1" in shown[0]
    assert_apart(values, shown, at_most(34))


def test_the_legal_form_goes_before_the_name_is_cut() -> None:
    values = ["Hansen Fødevarer ApS", "Hvidsten Farma A/S", "Nordlys ApS"]
    assert distinct_shortened(values, at_most(17)) == ["Hansen Fødevarer", "Hvidsten Farma",
                                                       "Nordlys ApS"]
    # unless it tells two companies apart
    twins = ["Hansen Fødevarer ApS", "Hansen Fødevarer A/S"]
    assert_apart(twins, distinct_shortened(twins, at_most(17)), at_most(17))
    assert without_legal_form("Acme, Inc.") == "Acme"
    assert without_legal_form("A/S") == "A/S"
    assert without_legal_form("JAS Foods") == "JAS Foods"


def test_equal_names_read_the_same_and_a_whole_name_is_never_touched() -> None:
    values = ["Google Ads: Lagerstyring & ERP H1 2027"] * 2 + ["Google Ads: Lagerstyring"]
    shown = distinct_shortened(values, at_most(24))
    assert shown[0] == shown[1] != shown[2] == "Google Ads: Lagerstyring"
    assert ELLIPSIS in shown[0]


# -- the deck: wrap before cutting, by hand and on every table of the example ----------------
def test_a_deck_cell_wraps_to_two_lines_before_it_is_cut() -> None:
    name = "Webinar: Lagerstyring i praksis – efterår 2026"
    block = TableBlock("Kampagner", (Column("Kampagne"), Column("Leads", True)),
                       ((name, "12"), ("Nordlys Kundedag 2026", "3")))
    narrow = text_width(name, 14) * 2 // 3  # too narrow for one line, wide enough for two
    sized = size_table(block, narrow + inches(1.2))
    cell = sized.cells[0][0]
    assert cell == name
    assert len(wrap(cell, sized.widths[0] - 2 * tables.CELL_X, sized.size)) == 2


def test_an_empty_deck_cell_is_as_high_as_its_row_measures() -> None:
    """An empty cell holds no run, only the paragraph's end at the table's size (with an empty
    run, LibreOffice sets its line at 18 pt and the row outgrows its measured height)."""
    block = TableBlock(None, (Column("Kunde"), Column("Hvorfor med")),
                       (("Jensen Glas Group A/S", ""), ("Horsens Farma A/S", "Beløb hævet")))
    sized = size_table(block, inches(6))
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    tables.draw_table(slide, Box(0, 0, inches(6), inches(3)), block, sized, [0, 1])
    (shape,) = [s for s in slide.shapes if s.has_table]
    empty = shape.table.cell(1, 1)._tc  # noqa: SLF001
    namespace = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    assert not empty.findall(".//a:r", namespace)
    (end,) = empty.findall(".//a:endParaRPr", namespace)
    assert end.get("sz") == str(sized.size * 100)
    assert shape.table.cell(2, 1).text == "Beløb hævet"


def deck_tables(agenda: Agenda, monkeypatch: pytest.MonkeyPatch) -> list[tuple[
        str, list[tuple[str, ...]], list[list[str]]]]:
    """Each table of the meeting deck in slide order: its name, the full rows it was given
    and its body as read back from the file (whose headers are whole)."""
    drawn: list[tuple[str, list[tuple[str, ...]]]] = []
    draw = tables.draw_table

    def recording(slide, box, block, sized, rows):  # type: ignore[no-untyped-def]
        drawn.append((block.name, [block.rows[r] for r in rows]))
        return draw(slide, box, block, sized, rows)

    monkeypatch.setattr(tables, "draw_table", recording)
    deck = build_meeting_deck(agenda, render_context(agenda, RenderOptions()))
    shapes = [shape for slide in Presentation(io.BytesIO(deck)).slides
              for shape in slide.shapes if shape.has_table]
    read = [[[cell.text for cell in row.cells] for row in list(shape.table.rows)[1:]]
            for shape in shapes]
    assert len(read) == len(drawn)
    headers = [cell.text for shape in shapes for cell in shape.table.rows[0].cells]
    assert not [h for h in headers if ELLIPSIS in h]  # a header is never cut
    return [(name, rows, body) for (name, rows), body in zip(drawn, read, strict=True)]


@pytest.fixture(scope="module")
def example_agenda(tmp_path_factory: pytest.TempPathFactory) -> Agenda:
    config = load_config(EXAMPLE)
    return build(config, as_of=MEETING, formats=("json",), out_dir=tmp_path_factory.mktemp("out"),
                 history=False).agenda


@pytest.mark.parametrize("language", ["da", "en"])
def test_no_table_of_the_example_deck_reads_one_name_as_another(
        example_agenda: Agenda, language: str, monkeypatch: pytest.MonkeyPatch) -> None:
    agenda = example_agenda if language == "da" else dataclasses.replace(
        example_agenda, language="en", locale="en_GB")
    found = deck_tables(agenda, monkeypatch)
    cut = 0
    # every row of a block, on whichever slide: the column's values a cut name must not match
    columns: dict[tuple[str, int], set[str]] = {}
    for name, rows, _ in found:
        for row in rows:
            for index, value in enumerate(row):
                columns.setdefault((name, index), set()).add(clean_text(value))
    for name, rows, body in found:
        assert len(rows) == len(body), name
        for full, shown in zip(rows, body, strict=True):
            for index, (value, text) in enumerate(zip(full, shown, strict=True)):
                value = clean_text(value)
                if text == value:
                    continue
                cut += 1
                others = {o for o in columns[(name, index)] if o != value and reads_as(text, o)}
                assert not others, f"{name}: {text!r} is {value!r}, but reads as {others}"
    print(f"\n{language}: {sum(len(r) for _, r, _ in found)} rows in {len(found)} tables, "
          f"{cut} cells shortened, none ambiguous")


def test_the_campaign_owner_is_headed_as_such(example_agenda: Agenda,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    for language, locale in (("da", "da_DK"), ("en", "en_GB")):
        agenda = dataclasses.replace(example_agenda, language=language, locale=locale)
        deck = build_meeting_deck(agenda, render_context(agenda, RenderOptions()))
        t = translator(language)
        headers = [[cell.text for cell in shape.table.rows[0].cells]
                   for slide in Presentation(io.BytesIO(deck)).slides
                   for shape in slide.shapes
                   if shape.has_table and shape.name == "upcoming_campaigns"]
        assert headers
        for row in headers:
            assert t("campaign_owner") in row and t("owner") not in row
    assert translator("da")("campaign_owner") == "Kampagneansvarlig"
    assert translator("en")("campaign_owner") == "Campaign owner"


# -- HTML and PDF: no break inside a legal form or between a number and its unit -------------
@pytest.mark.parametrize(("text", "whole"), [
    ("Sorø Møbler A/S", ["Møbler A/S"]),
    ("Lykkegaard Elteknik Group A/S – Lagerstyring", ["Group A/S"]),
    ("Nordlys ApS", ["Nordlys ApS"]),
    ("Acme GmbH, Berlin", ["Acme GmbH"]),
    ("Tesco Stores Ltd.", ["Stores Ltd."]),
    ("Won 1.693.264\u00a0kr. of 35,4 tkr. and 8,3 mio. kr.",
     ["1.693.264\u00a0kr.", "35,4 tkr.", "8,3 mio. kr."]),
    ("€1,234 and DKK 500, 12 % and 37 dage", ["€1,234", "DKK 500", "12 %", "37 dage"]),
    ("JAS Foods H1 2027", []),
    ("Apsis Nordic", []),
])
def test_keep_whole_finds_legal_forms_and_units(text: str, whole: list[str]) -> None:
    runs = keep_whole_runs(text)
    assert "".join(part for part, _ in runs) == text
    assert [part for part, kept in runs if kept] == whole


def test_keep_whole_escapes_and_wraps_in_nowrap_spans() -> None:
    assert str(keep_whole("<b>Sorø & Møbler</b> A/S")) == (
        '&lt;b&gt;Sorø &amp; <span class="nb">Møbler&lt;/b&gt; A/S</span>')
    assert str(keep_whole("Nordlys")) == "Nordlys"


@dataclasses.dataclass(frozen=True)
class Line:
    words: list[str]
    left: float
    right: float

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2


def pdf_lines(pdf: Path) -> list[list[Line]]:
    """The PDF's text as blocks of lines of words (pdftotext -bbox-layout)."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    soup = BeautifulSoup(xml, "html.parser")
    return [[Line([word.get_text() for word in line.find_all("word")],
                  float(line["xmin"]), float(line["xmax"]))
             for line in block.find_all("line")] for block in soup.find_all("block")]


def stacked_label(this: Line, after: Line) -> bool:
    """An amount written over its unit on purpose, both centred on one point: a chart's value
    label over a narrow bar (the waterfall's). A wrapped table cell or sentence is aligned at
    its left or right edge instead."""
    return len(this.words) == 1 and abs(this.centre - after.centre) < 1.0 \
        and abs(this.left - after.left) > 1.0


BROKEN_FORM = re.compile(r"(?:^|\w)[AIKP]/$")
UNIT = re.compile(r"^(?:kr\.|tkr\.|mio\.|mia\.|%|dage?|days?)$")


@pytest.mark.browser
@pytest.mark.skipif(not HAVE_BROWSER, reason=NO_BROWSER)
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_no_line_of_the_example_pdf_breaks_a_legal_form_or_a_unit(
        example_pack: BuildResult) -> None:
    pdf = example_pack.files["pdf"]
    breaks, lines = [], 0
    for block in pdf_lines(pdf):
        lines += len(block)
        for this_line, after_line in zip(block, block[1:], strict=False):
            this, after = this_line.words, after_line.words
            if not this or not after:
                continue
            if BROKEN_FORM.search(this[-1]) or (this[-1].endswith("/") and after[0] == "S"):
                breaks.append((" ".join(this), " ".join(after)))
            if re.fullmatch(r"[\d.,]+", this[-1]) and UNIT.match(after[0]) \
                    and not stacked_label(this_line, after_line):
                breaks.append((" ".join(this), " ".join(after)))
    assert lines > 1000
    assert not breaks
    # the HTML holds the same names, their legal forms in nowrap spans
    page = example_pack.files["html"]
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    kept = [span.get_text() for span in soup.select("table.data span.nb")]
    assert any(text.endswith(" A/S") for text in kept)
    assert any(text.endswith(" ApS") for text in kept)
    owners = [p.get_text() for p in soup.select("#campaigns article .meta")]
    assert owners and all("Kampagneansvarlig:" in p for p in owners if "·" in p)


@pytest.mark.parametrize(("text", "shown"), [
    ("Nordics Enterprise A/S", "Nordics Enterprise A/S"),  # no word over 12 letters
    ("Existing relationship”", "Existing relationship”"),  # 12: whole, its quote with it
    ("Afvisningsårsager", "Afvisning\u200bsårsager"),  # 17: two even parts, 9 + 8
    ("Opfølgningsaktiviteter", "Opfølgnings\u200baktiviteter"),
    ("A" * 30, "AAAAAAAAAA\u200bAAAAAAAAAA\u200bAAAAAAAAAA"),  # 30: three parts of 10
    ("=" * 40, "==========\u200b==========\u200b==========\u200b=========="),  # no letters: 40
    ("1.693.264 kr.", "1.693.264 kr."),
])
def test_the_pdf_may_break_long_words_only_between_letters(text: str, shown: str) -> None:
    """The PDF's text gets invisible break opportunities in long words (and in long runs
    without a space), so its table cells need no break-anywhere rule."""
    assert breakable(text) == shown
