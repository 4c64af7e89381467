# ruff: noqa: E501  (the rows are laid out as tables, one record a line)
"""How far the open value can be trusted, on tests/small_company.py by hand: open deals
without an amount, the share of the open value the largest deals hold, and a deal that holds
more than half of a figure (in the pipeline section and the data notes).

The small company's open deals: D5 200,000, D6 100,000, D7 40,000, D8 30,000 (370,000); closing
in the quarter: D5 and D6 (300,000); won this quarter: D1 100,000 + D2 50,000 + D3 1,000 EUR at
7.5 = 157,500.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from report_builder.config import load_config
from report_builder.data.load import load_dataset
from report_builder.i18n import note_text, translator
from report_builder.model.agenda import Agenda
from report_builder.model.build import build_agenda
from tests.small_company import DEALS, write_company

AS_OF = dt.date(2026, 11, 24)
BLANK = ["", "", "", "", "", "", "", ""]
# id, name, account, owner, team, stage, amount, currency, created, close, then the rest empty
MORE = [
    ["D10", "Iota - Pro", "Iota", "Bo", "North", "Discovery", "", "", "2026-11-03", "2026-12-10", *BLANK[:7]],
    ["D11", "Kappa - Pro", "Kappa", "Bo", "North", "Proposal", "30000", "", "2026-11-03", "2026-12-01", *BLANK[:7]],
    ["D12", "Lambda - Pro", "Lambda", "Cy", "South", "Discovery", "30000", "", "2026-11-03", "2026-12-05", *BLANK[:7]],
    ["D13", "Mu - Lite", "Mu", "Cy", "South", "Discovery", "25000", "", "2026-11-03", "2026-12-06", *BLANK[:7]],
]


def agenda_of(folder: Path, deals: list[list[str]] | None = None) -> Agenda:
    config = load_config(write_company(folder, deals=deals))
    return build_agenda(load_dataset(config), config, AS_OF)


def test_small_company(tmp_path: Path) -> None:
    p = agenda_of(tmp_path).pipeline
    assert p.open_without_amount == 0
    assert (p.largest_share, p.largest_share_deals) == (1.0, 4)  # four open deals, all counted
    got = {d.figure: (d.deal_id, d.value, round(d.share, 4)) for d in p.dominant}
    # the quarter's open pipeline is two deals (D5, D6): one of two is always the larger
    assert got == {"open_value": ("D5", 200_000, round(200_000 / 370_000, 4)),
                   "won_value": ("D1", 100_000, round(100_000 / 157_500, 4))}


def test_notes_say_it(tmp_path: Path) -> None:
    english = translator("en")
    notes = {n.key: note_text(english, n) for n in agenda_of(tmp_path).data_notes.notes}
    assert notes["dominant_open_value"] == \
        "one deal, 'Acme - Add-on', holds 54% of the open pipeline"
    assert notes["dominant_won_value"] == \
        "one deal, 'Acme - Pro', holds 63% of the value won this quarter"
    assert "open_without_amount" not in notes


def test_more_deals_one_without_amount(tmp_path: Path) -> None:
    """Open: 370,000 + 0 + 30,000 + 30,000 + 25,000 = 455,000; the five largest hold
    200,000 + 100,000 + 40,000 + 30,000 + 30,000 = 400,000; D5 holds 200,000 / 455,000 = 44%
    (not more than half), but 200,000 / 385,000 = 52% of the quarter's open pipeline."""
    p = agenda_of(tmp_path, [*DEALS, *MORE]).pipeline
    assert (p.open_count, p.open_value, p.open_without_amount) == (8, 455_000, 1)
    assert p.largest_share == pytest.approx(400_000 / 455_000)
    assert p.largest_share_deals == 5
    assert {d.figure: d.deal_id for d in p.dominant} == {"quarter_open_value": "D5",
                                                         "won_value": "D1"}
    english = translator("en")
    notes = {n.key: (n.count, note_text(english, n))
             for n in agenda_of(tmp_path / "again", [*DEALS, *MORE]).data_notes.notes}
    assert notes["open_without_amount"] == (
        1, "open deals without an amount (1 of 8): counted as 0 in the open pipeline")


def test_no_open_value(tmp_path: Path) -> None:
    closed = [d for d in DEALS if d[5] in ("Won", "Lost")]
    p = agenda_of(tmp_path, closed).pipeline
    assert (p.largest_share, p.largest_share_deals, p.open_without_amount) == (None, 0, 0)
    assert [d.figure for d in p.dominant] == ["won_value"]


def test_pages_and_deck_say_it(tmp_path: Path) -> None:
    """The HTML pipeline section and the meeting deck's pipeline notes carry the sentences."""
    from bs4 import BeautifulSoup
    from pptx import Presentation

    from report_builder.cli import main

    config = write_company(tmp_path, deals=[*DEALS, *MORE])
    out = tmp_path / "out"
    assert main(["build", str(config), "--format", "html,pptx", "--out",
                 str(out), "-q"]) == 0
    html = BeautifulSoup((out / f"pipeline-meeting-{AS_OF}.html").read_text(), "lxml")
    shown = html.select_one("#pipeline p.data-quality")
    assert shown is not None
    expected = [
        "1 of 8 open deals have no amount: they count as 0.",
        "The 5 largest of 8 open deals hold 88% of the open value.",
        "One deal, Acme - Add-on (DKK\u00a0200,000), is 52% of the quarter's open pipeline.",
        "One deal, Acme - Pro (DKK\u00a0100,000), is 63% of the value won this quarter.",
    ]
    assert shown.get_text(" ", strip=True) == " ".join(expected)
    deck = Presentation(str(out / f"pipeline-meeting-{AS_OF}.pptx"))
    notes = [s.notes_slide.notes_text_frame.text for s in deck.slides if s.has_notes_slide]
    assert any(all(line in n for line in expected) for n in notes)
