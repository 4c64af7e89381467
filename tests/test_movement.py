"""Pipeline movement: snapshots in the history store, the waterfall and the lists behind it.

Three exports of the small company's deals, for the meetings of 2026-10-27, 2026-11-10 and
2026-11-24 (quarter 2026-Q4), with every kind of change between the last two (amounts in DKK):

deal  2026-11-10                        2026-11-24                          bar
A     Discovery 100000 closes 12-15     Proposal  100000 closes 12-15       (advanced; none)
B     Proposal   50000 closes 12-01     Proposal   70000                    increased +20000
C     Proposal   40000 closes 12-10     Proposal   30000                    decreased -10000
D     Proposal   60000 closes 11-30     Won        60000 closes 11-20       won -60000
E     Discovery  25000 closes 12-20     Lost       25000                    lost -25000
F     Proposal   80000 closes 12-05     Proposal   80000 closes 2027-01-15  pushed -80000 (slipped)
G     Discovery  35000 closes 2027-02-01 Discovery 35000 closes 12-28       pulled +35000
H     Discovery  15000 closes 12-12     (absent)                            deleted -15000
I     (absent)                          Discovery  45000 closes 12-30       new +45000
J     Proposal   90000 closes 12-18     Discovery  90000 closes 12-22       (went back, slipped)
K     Won       500000 closed 10-10     Won       500000                    (none)
L     Proposal   20000 closes 12-02     Won        26000 closes 11-20       increased +6000,
                                                                            won -26000

start = A+B+C+D+E+F+H+J+L = 480000; end = A+B+C+G+I+J = 370000
480000 + 45000 + 26000 - 10000 - 86000 - 25000 - 80000 + 35000 - 15000 = 370000.
F's close date also moved later from 2026-10-27 (11-28) to 2026-11-10 (12-05): two slips.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from report_builder.build import build
from report_builder.cli import main
from report_builder.config import load_config
from report_builder.errors import HistoryError
from report_builder.formatting import Formatter
from report_builder.history.store import read_snapshots, write_snapshot
from report_builder.model.agenda import Agenda
from tests.small_company import write_company


def deal(deal_id: str, stage: str, amount: int, close: str,
         created: str = "2026-10-01") -> list[str]:
    return [deal_id, f"{deal_id} deal", f"{deal_id} A/S", "Anna", "North", stage, str(amount), "",
            created, close, "", "", "", "", created, "", ""]


EARLIER = [
    deal("A", "Discovery", 100000, "2026-12-15"),
    deal("B", "Proposal", 50000, "2026-12-01"),
    deal("C", "Proposal", 40000, "2026-12-10"),
    deal("D", "Proposal", 60000, "2026-11-30"),
    deal("E", "Discovery", 25000, "2026-12-20"),
    deal("F", "Proposal", 80000, "2026-12-05"),
    deal("G", "Discovery", 35000, "2027-02-01"),
    deal("H", "Discovery", 15000, "2026-12-12"),
    deal("J", "Proposal", 90000, "2026-12-18"),
    deal("K", "Won", 500000, "2026-10-10"),
    deal("L", "Proposal", 20000, "2026-12-02"),
]
FIRST = [deal("F", "Proposal", 80000, "2026-11-28") if d[0] == "F" else d for d in EARLIER]
NOW = [
    deal("A", "Proposal", 100000, "2026-12-15"),
    deal("B", "Proposal", 70000, "2026-12-01"),
    deal("C", "Proposal", 30000, "2026-12-10"),
    deal("D", "Won", 60000, "2026-11-20"),
    deal("E", "Lost", 25000, "2026-12-20"),
    deal("F", "Proposal", 80000, "2027-01-15"),
    deal("G", "Discovery", 35000, "2026-12-28"),
    deal("I", "Discovery", 45000, "2026-12-30", created="2026-11-15"),
    deal("J", "Discovery", 90000, "2026-12-22"),
    deal("K", "Won", 500000, "2026-10-10"),
    deal("L", "Won", 26000, "2026-11-20"),
]
MEETINGS = [(dt.date(2026, 10, 27), FIRST), (dt.date(2026, 11, 10), EARLIER),
            (dt.date(2026, 11, 24), NOW)]


def build_meetings(folder: Path, meetings: list[tuple[dt.date, list[list[str]]]],
                   formats: tuple[str, ...] = ("json",)) -> Agenda:
    """Build each meeting from its export in turn (as a company would); the last agenda."""
    agenda = None
    for as_of, deals in meetings:
        config = load_config(write_company(folder, deals=deals, as_of=as_of.isoformat()))
        agenda = build(config, as_of=as_of, formats=formats, out_dir=folder / "out").agenda
    assert agenda is not None
    return agenda


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Agenda]:
    folder = tmp_path_factory.mktemp("movement")
    return folder, build_meetings(folder, MEETINGS, ("json", "html", "pptx"))


def ids(rows: tuple) -> list[str]:
    return sorted(r.deal_id for r in rows)


def test_the_bars_add_up(company: tuple[Path, Agenda]) -> None:
    mv = company[1].movement
    assert mv is not None
    assert (mv.compared_to, mv.previous_date) == ("2026-11-10", dt.date(2026, 11, 10))
    assert (mv.start_value, mv.start_count, mv.end_value, mv.end_count) == (480000, 9, 370000, 6)
    bars = {b.key: (b.amount, b.deals) for b in mv.bars}
    assert bars == {"new": (45000, 1), "increased": (26000, 2), "decreased": (-10000, 1),
                    "won": (-86000, 2), "lost": (-25000, 1), "pushed": (-80000, 1),
                    "pulled": (35000, 1), "deleted": (-15000, 1)}
    assert mv.start_value + sum(b.amount for b in mv.bars) == mv.end_value


def test_the_lists_behind_the_bars(company: tuple[Path, Agenda]) -> None:
    mv = company[1].movement
    assert mv is not None
    assert (ids(mv.new), ids(mv.increased), ids(mv.decreased)) == (["I"], ["B", "L"], ["C"])
    assert (ids(mv.won), ids(mv.lost), ids(mv.pushed), ids(mv.pulled)) == (
        ["D", "L"], ["E"], ["F"], ["G"])
    assert ids(mv.deleted) == ["H"]  # deleted, not lost
    assert (ids(mv.advanced), ids(mv.went_back), ids(mv.slipped)) == (["A"], ["J"], ["F", "J"])
    f = mv.pushed[0]
    assert (f.previous_close_date, f.close_date, f.slips) == (
        dt.date(2026, 12, 5), dt.date(2027, 1, 15), 2)
    assert {r.deal_id: r.slips for r in mv.slipped} == {"F": 2, "J": 1}
    h = mv.deleted[0]
    assert (h.stage, h.previous_stage, h.value, h.previous_value) == (None, "Discovery", 15000,
                                                                      15000)
    won_l = next(r for r in mv.won if r.deal_id == "L")
    assert (won_l.previous_value, won_l.value) == (20000, 26000)


def test_every_format_shows_the_movement(company: tuple[Path, Agenda]) -> None:
    out = company[0] / "out"
    document = json.loads((out / "pipeline-meeting-2026-11-24.json").read_text(encoding="utf-8"))
    movement = document["agenda"]["movement"]
    assert (movement["start_value"], movement["end_value"]) == (480000, 370000)
    assert [b["key"] for b in movement["bars"]] == ["new", "increased", "decreased", "won",
                                                    "lost", "pushed", "pulled", "deleted"]
    html = BeautifulSoup((out / "pipeline-meeting-2026-11-24.html").read_text(encoding="utf-8"),
                         "lxml")
    section = html.select_one("#pipeline #pipeline-movement")
    assert section is not None
    assert section.select_one('[data-chart="pipeline_movement"]') is not None
    rows = [[c.get_text(strip=True) for c in r.select("th, td")]
            for r in section.select("table.waterfall tbody tr")]
    assert rows[0][0] == "Open pipeline then" and rows[-1][0] == "Open pipeline now"
    assert len(rows) == 10
    assert [r.get("id") for r in section.select(".movement-list")] == [
        "movement-new", "movement-won", "movement-lost", "movement-pushed", "movement-pulled",
        "movement-increased", "movement-decreased", "movement-deleted", "movement-advanced",
        "movement-went-back", "movement-slipped"]
    first = BeautifulSoup((out / "pipeline-meeting-2026-10-27.html").read_text(encoding="utf-8"),
                          "lxml")
    assert "No earlier snapshot yet" in first.select_one("#pipeline-movement").get_text()
    assert json.loads((out / "pipeline-meeting-2026-10-27.json").read_text(
        encoding="utf-8"))["agenda"]["movement"] is None


def test_the_meeting_deck_draws_the_waterfall(company: tuple[Path, Agenda]) -> None:
    deck = Presentation(str(company[0] / "out" / "pipeline-meeting-2026-11-24.pptx"))
    charts = [s for slide in deck.slides for s in slide.shapes if s.name == "pipeline_movement"]
    assert len(charts) == 1
    chart = charts[0].chart
    assert chart.chart_type == XL_CHART_TYPE.COLUMN_STACKED
    base, total, up, down = (tuple(s.values) for s in chart.plots[0].series)
    assert total == (480000, None, None, None, None, None, None, None, None, 370000)
    assert up == (None, 45000, 26000, None, None, None, None, 35000, None, None)
    assert down == (None, None, None, 10000, 86000, 25000, 80000, None, 15000, None)
    # the invisible base lifts each step to the running total
    assert base == (0, 480000, 525000, 541000, 455000, 430000, 350000, 350000, 370000, 0)
    # each bar's amount is under its name, signed (no labels to run over thin bars)
    fmt = Formatter(company[1].locale, company[1].currency)
    amounts = [c.split("\n")[1] for c in chart.plots[0].categories]
    assert amounts[0] == fmt.money_short(480000) and amounts[-1] == fmt.money_short(370000)
    assert amounts[1] == "+" + fmt.money_short(45000)
    assert amounts[4] == "−" + fmt.money_short(86000)
    lists = {s.name for slide in deck.slides for s in slide.shapes
             if s.name.startswith("movement_")}
    assert lists == {"movement_new", "movement_won", "movement_lost", "movement_pushed",
                     "movement_pulled", "movement_increased", "movement_decreased",
                     "movement_deleted", "movement_advanced", "movement_went_back",
                     "movement_slipped"}


def test_a_rerun_replaces_the_meetings_snapshot(tmp_path: Path) -> None:
    agenda = build_meetings(tmp_path, MEETINGS[1:])
    again = build_meetings(tmp_path, MEETINGS[2:])  # the same meeting once more
    assert again.movement == agenda.movement  # against 2026-11-10, not itself
    store = tmp_path / "report.history.sqlite"
    counts = {day: len(frame) for day, frame in read_snapshots(store, dt.date(2027, 1, 1)).items()}
    assert counts == {dt.date(2026, 11, 10): 11, dt.date(2026, 11, 24): 11}
    assert list(read_snapshots(store, dt.date(2026, 12, 31))) == [dt.date(2026, 11, 10),
                                                                  dt.date(2026, 11, 24)]


class Interrupt(Exception):
    pass


class Exploding(float):
    def __float__(self) -> float:
        raise Interrupt("the build was interrupted")


def test_an_interrupted_write_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    build_meetings(tmp_path, MEETINGS[1:])
    store = tmp_path / "report.history.sqlite"
    before = read_snapshots(store, dt.date(2026, 12, 31))
    snapshot = before[dt.date(2026, 11, 24)].astype({"value": object})
    snapshot.loc[5, "value"] = Exploding(1.0)  # fails half way through the rows
    with pytest.raises(Interrupt):
        write_snapshot(store, dt.date(2026, 11, 24), snapshot)
    after = read_snapshots(store, dt.date(2026, 12, 31))
    assert list(after) == list(before)
    for day, frame in before.items():
        pd.testing.assert_frame_equal(after[day], frame)


def test_a_corrupt_or_foreign_store_is_a_clear_error(tmp_path: Path, capsys) -> None:
    config = write_company(tmp_path)
    store = tmp_path / "report.history.sqlite"
    store.write_bytes(b"this is not a database\n" * 200)
    assert main(["build", str(config), "--format", "json", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "report.history.sqlite" in err and "not a readable history store" in err
    assert "Traceback" not in err
    store.unlink()
    with sqlite3.connect(store) as conn:
        conn.execute("CREATE TABLE crm (id TEXT)")
    with pytest.raises(HistoryError, match="not a report-builder history store"):
        build(load_config(config), as_of=dt.date(2026, 11, 24), formats=["json"],
              out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()  # failed before writing anything


def test_compare_to_an_earlier_export(tmp_path: Path) -> None:
    earlier = write_company(tmp_path / "earlier", deals=EARLIER, as_of="2026-11-10")
    config = write_company(tmp_path / "now", deals=NOW)
    assert main(["build", str(config), "--format", "json", "--out", str(tmp_path / "out"),
                 "--compare-to", str(earlier.parent / "data" / "deals.csv"), "--no-history"]) == 0
    document = json.loads((tmp_path / "out" / "pipeline-meeting-2026-11-24.json").read_text())
    movement = document["agenda"]["movement"]
    assert (movement["compared_to"], movement["previous_date"]) == ("deals.csv", None)
    assert (movement["start_value"], movement["end_value"]) == (480000, 370000)
    assert not (tmp_path / "now" / "report.history.sqlite").exists()


def test_history_can_be_turned_off_or_moved(tmp_path: Path) -> None:
    off = write_company(tmp_path / "off", extra_config="\n[history]\nenabled = false\n")
    build(load_config(off), as_of=dt.date(2026, 11, 24), formats=["json"], out_dir=tmp_path / "o")
    assert not list((tmp_path / "off").glob("*.sqlite"))
    moved = write_company(tmp_path / "moved", extra_config="\n[history]\npath = \"h/store.db\"\n")
    build(load_config(moved), as_of=dt.date(2026, 11, 24), formats=["json"], out_dir=tmp_path / "o")
    assert (tmp_path / "moved" / "h" / "store.db").is_file()
