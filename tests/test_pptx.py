"""The meeting deck: slides and titles, native charts holding the model's numbers, speaker
notes, tables that continue, text that fits, and LibreOffice opening it.

Decks are re-opened with python-pptx and converted by the real LibreOffice (once per module).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation
from pptx.chart.plot import LinePlot
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Emu

from report_builder.cli import main
from report_builder.config import load_config
from report_builder.data.load import load_dataset
from report_builder.decks.text_fit import line_height, text_width, wrap
from report_builder.formatting import Formatter
from report_builder.i18n import labels, shown
from report_builder.model.agenda import Agenda
from report_builder.model.build import build_agenda
from tests.office import (
    convert_to_pdf,
    libreoffice,
    needs_libreoffice,
    page_count,
    profile_dir,
)
from tests.small_company import DEALS, write_company

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "nordlys" / "report.toml"
DECK = "pipeline-meeting-2026-11-24.pptx"
CONTROL = "\x00\x01\x07\x0b\x1b\x7f"


def messy_deals() -> list[list[str]]:
    """The small company plus 40 overdue deals with long names and control characters."""
    deals = copy.deepcopy(DEALS)
    deals[4][1] = f"Acme{CONTROL} – Add-on for the whole warehouse, every site and every shift"
    deals[0][12] = f"Price{CONTROL}"  # a won reason: a chart category
    deals[5][10] = f"Part{CONTROL}ner"  # a channel: a chart category
    for n in range(40):
        deals.append([f"X{n}", f"Big deal {n}\x0b with a name that goes on and on and on",
                      f"Account number {n} Holding{CONTROL} A/S", "Anna", "North", "Proposal",
                      str(1000 + n), "", "2026-09-01", "2026-11-01", "Partner", "", "", "",
                      "2026-09-01", "", ""])
    return deals


def agenda_for(config: Path) -> Agenda:
    loaded = load_config(config)
    return build_agenda(load_dataset(loaded), loaded, loaded.meeting.as_of)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Agenda]:
    folder = tmp_path_factory.mktemp("small")
    config = write_company(folder)
    assert main(["build", str(config), "--format", "pptx", "--out", str(folder / "out")]) == 0
    return folder / "out" / DECK, agenda_for(config)


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("messy")
    config = write_company(folder, deals=messy_deals())
    assert main(["build", str(config), "--format", "pptx", "--out", str(folder / "out")]) == 0
    return folder / "out" / DECK


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Agenda]:
    out = tmp_path_factory.mktemp("nordlys")
    assert main(["build", str(EXAMPLE), "--format", "pptx", "--out", str(out)]) == 0
    return out / DECK, agenda_for(EXAMPLE)


def titles(deck: Path) -> list[str]:
    return [s.shapes.title.text if s.shapes.title is not None else "" for s in
            Presentation(str(deck)).slides]


def charts(deck: Path) -> dict[str, Any]:
    return {shape.name: shape.chart for slide in Presentation(str(deck)).slides
            for shape in slide.shapes if shape.has_chart}


def notes(slide: Any) -> str:
    return slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""


def test_slides_in_agenda_order(small: tuple[Path, Agenda]) -> None:
    """The main body (a slide per point, two where it has two key charts), the divider titled
    with the appendix's name, then the backup slides with the full tables."""
    deck, _ = small
    t = labels("en")
    shown_titles = titles(deck)
    assert shown_titles[:3] == [t["report_title"], t["agenda"], t["section_headline"]]
    sections = [f"1. {t['section_targets']}", f"2. {t['section_pipeline']}",
                f"3. {t['section_sources']}", f"4. {t['section_customers']}",
                f"5. {t['section_campaigns']}"]
    movement = f"2. {t['movement']}"  # says there is no earlier snapshot yet
    divider = shown_titles.index(t["appendix"])
    assert shown_titles[3:divider] == [sections[0], sections[1], movement, sections[2],
                                       sections[2], sections[3], sections[3], sections[4],
                                       sections[4]]
    base = [title.removesuffix(f" ({t['continued']})") for title in shown_titles[divider + 1:]]
    order = [title for i, title in enumerate(base) if i == 0 or title != base[i - 1]]
    assert order == [*sections, t["section_data_notes"]]
    assert len(Presentation(str(deck)).slides) == len(shown_titles) == 21
    prs = Presentation(str(deck))
    assert (prs.slide_width, prs.slide_height) == (Emu(12_192_000), Emu(6_858_000))  # 16:9


def test_agenda_slide_lists_the_points(small: tuple[Path, Agenda]) -> None:
    t = labels("en")
    agenda_slide = Presentation(str(small[0])).slides[1]
    body = [p.text for shape in agenda_slide.placeholders if shape.placeholder_format.idx == 1
            for p in shape.text_frame.paragraphs]
    assert body == [t["section_headline"], f"1. {t['section_targets']}",
                    f"2. {t['section_pipeline']}", f"3. {t['section_sources']}",
                    f"4. {t['section_customers']}", f"5. {t['section_campaigns']}",
                    t["section_data_notes"]]


def test_native_charts_hold_the_model_numbers(small: tuple[Path, Agenda]) -> None:
    deck, agenda = small
    t = labels("en")
    ts, p, s, c = agenda.targets, agenda.pipeline, agenda.sources, agenda.customers
    rows = (ts.company, *ts.teams)
    expected = {  # the targets: won and the weighted pipeline stacked, the targets marked
        "targets": ([r.name for r in rows], [[r.won for r in rows],
                                             [r.weighted_pipeline for r in rows]]),
        "funnel_flow": ([t[f"step_{x.step}"] for x in p.flow], [[x.count for x in p.flow]]),
        "funnel_cohort": ([t[f"step_{x.step}"] for x in p.cohort],
                          [[x.count for x in p.cohort]]),
        "pipeline_stages": ([x.stage for x in p.stages], [[x.value for x in p.stages],
                                                          [x.weighted_value for x in p.stages]]),
        "channel_meetings": ([shown(x.name, "en") for x in s.channels],
                             [[x.meetings for x in s.channels]]),
        "channel_revenue": ([shown(x.name, "en") for x in s.channels],
                            [[x.revenue for x in s.channels]]),
        "win_reasons": ([shown(x.reason, "en") for x in c.win_reasons],
                        [[x.count for x in c.win_reasons]]),
        "loss_reasons": ([shown(x.reason, "en") for x in c.loss_reasons],
                         [[x.count for x in c.loss_reasons]]),
    }
    found = charts(deck)
    assert set(found) == set(expected)
    for name, (categories, series) in expected.items():
        chart = found[name]
        plot = chart.plots[0]
        assert list(plot.categories) == categories, name
        assert [list(x.values) for x in plot.series] == [
            [None if v is None else pytest.approx(v) for v in values] for values in series], name
        # bars read top-down in the model's order; the targets' columns left to right
        assert chart.category_axis.reverse_order == (name != "targets")
    assert list(found["funnel_flow"].plots[0].categories)[0] == t["step_lead"]
    (marks,) = found["targets"].plots[1].series  # a line chart of markers only
    assert list(marks.values) == [r.target for r in rows]
    assert found["targets"].chart_type == XL_CHART_TYPE.COLUMN_STACKED
    assert isinstance(found["targets"].plots[1], LinePlot)


def test_chart_labels_are_formatted(example: tuple[Path, Agenda]) -> None:
    """Danish figures on the bars: `1,2 mio. kr.`, `187 (44 %)`."""
    deck, agenda = example
    fmt = Formatter(agenda.locale, agenda.currency)
    found = charts(deck)
    funnel = found["funnel_flow"].plots[0].series[0]
    second = agenda.pipeline.flow[1]
    assert funnel.points[1].data_label.text_frame.text == \
        f"{fmt.count(second.count)} ({fmt.percent(second.conversion)})"
    won = found["targets"].plots[0].series[0]
    assert won.points[0].data_label.text_frame.text == fmt.money_short(agenda.targets.company.won)
    assert "\u00a0mio.\u00a0kr." in won.points[0].data_label.text_frame.text


def test_every_slide_has_notes_and_the_headline_figures_are_read_out(
        example: tuple[Path, Agenda]) -> None:
    deck, agenda = example
    fmt = Formatter(agenda.locale, agenda.currency)
    slides = list(Presentation(str(deck)).slides)
    assert all(notes(slide).strip() for slide in slides)
    headline = notes(slides[2])
    for figure in agenda.headline:
        assert fmt.value(figure.value, figure.kind) in headline, figure.key
        if figure.context:
            assert fmt.value(figure.context_value, figure.context_kind or figure.kind) in headline
    assert "6.969.164\u00a0kr." in headline
    assert agenda.actions is not None  # the example opens with its actions, then point 1
    assert "Handlingspunkter med frist siden sidste møde: 6, heraf 2 udført." in notes(slides[3])
    targets = next(notes(s) for s in slides if s.shapes.title is not None
                   and s.shapes.title.text.startswith("1. "))
    assert fmt.money(agenda.targets.company.forecast) in targets


def test_tables_continue_on_the_next_slide(messy: Path) -> None:
    t = labels("en")
    shown_titles = titles(messy)
    continued = [x for x in shown_titles if x.endswith(f"({t['continued']})")]
    assert f"2. {t['section_pipeline']} ({t['continued']})" in continued
    prs = Presentation(str(messy))
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_table:  # every table part repeats the header row
                assert shape.table.cell(0, 0).text in (t["account"], t["team"], t["owner"],
                                                       t["channel"], t["campaign"], t["reason"],
                                                       t["table"])


def test_nothing_leaves_the_slide_and_text_fits_its_box(messy: Path) -> None:
    prs = Presentation(str(messy))
    width, height = int(prs.slide_width or 0), int(prs.slide_height or 0)
    bottom = height - round(height * 0.08)
    checked = 0
    for number, slide in enumerate(prs.slides, start=1):
        for shape in _shapes(slide.shapes):
            right = shape.left + shape.width
            low = shape.top + (sum(r.height for r in shape.table.rows) if shape.has_table
                               else shape.height)
            assert shape.left >= 0 and shape.top >= 0 and right <= width, (number, shape.name)
            if not shape.is_placeholder:
                assert low <= bottom + Emu(5000), (number, shape.name)
            if shape.has_table:
                checked += _cells_fit(shape.table, number)
            elif shape.has_text_frame and not shape.is_placeholder and shape.text_frame.text:
                frame = shape.text_frame
                checked += _text_fits(
                    frame, shape.width - frame.margin_left - frame.margin_right,
                    shape.height - frame.margin_top - frame.margin_bottom, number)
    assert checked > 500


def _shapes(shapes: Any) -> Any:
    for shape in shapes:
        if shape.shape_type == 6:  # a group: the campaign timeline
            yield from _shapes(shape.shapes)
        else:
            yield shape


def _text_fits(frame: Any, inner_w: int, inner_h: int, number: int) -> int:
    lines = 0
    for paragraph in frame.paragraphs:
        size = paragraph.runs[0].font.size.pt
        bold = bool(paragraph.runs[0].font.bold)
        lines_here = wrap(paragraph.text, inner_w, size, bold=bold)
        assert all(text_width(line, size, bold=bold) <= inner_w for line in lines_here), \
            (number, paragraph.text)
        lines += len(lines_here) * line_height(size)
    assert lines <= inner_h + 1, (number, frame.text)
    return 1


def _cells_fit(table: Any, number: int) -> int:
    checked = 0
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            if cell.text_frame.text:
                checked += _text_fits(
                    cell.text_frame, table.columns[index].width - cell.margin_left
                    - cell.margin_right, row.height - cell.margin_top - cell.margin_bottom, number)
    return checked


def test_control_characters_are_cleaned(messy: Path) -> None:
    prs = Presentation(str(messy))
    text = "".join(shape.text_frame.text for slide in prs.slides for shape in _shapes(slide.shapes)
                   if shape.has_text_frame)
    assert "Acme \u2013 Add-on" not in text or CONTROL not in text
    assert not any(char in text for char in CONTROL[:-1])
    categories = [c for chart in charts(messy).values() for c in chart.plots[0].categories]
    assert "Partner" in categories and "Price" in categories


def test_same_data_same_bytes(small: tuple[Path, Agenda], tmp_path: Path) -> None:
    config = write_company(tmp_path)
    assert main(["build", str(config), "--format", "pptx", "--out", str(tmp_path / "o")]) == 0
    assert (tmp_path / "o" / DECK).read_bytes() == small[0].read_bytes()


@pytest.fixture(scope="module")
def pdfs(example: tuple[Path, Agenda], messy: Path,
         tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Path]:
    out = tmp_path_factory.mktemp("pdf")
    # the two decks have the same name: convert copies
    decks = [out / "example.pptx", out / "messy.pptx"]
    decks[0].write_bytes(example[0].read_bytes())
    decks[1].write_bytes(messy.read_bytes())
    return convert_to_pdf(decks, out, profile_dir(tmp_path_factory))


@libreoffice
@needs_libreoffice
def test_libreoffice_prints_one_page_per_slide(pdfs: dict[Path, Path]) -> None:
    for deck, pdf in pdfs.items():
        assert page_count(pdf) == len(Presentation(str(deck)).slides), deck.name
