"""Pipeline movement: snapshots in the history store, the change lists and the waterfall.

Three exports of the small company's deals, for the meetings of 2026-10-27, 2026-11-10 and
2026-11-24 (quarter 2026-Q4: Oct 1 - Dec 31), with every kind of change between the last two
(amounts in DKK; Discovery is 20 %, Proposal 60 %):

deal  2026-11-10                        2026-11-24                          bar; lists
A     Discovery 100000 closes 12-15     Proposal  100000 closes 12-15       -; advanced
B     Proposal   50000 closes 12-01     Proposal   70000                    increased +20000
C     Proposal   40000 closes 12-10     Proposal   30000                    decreased -10000
D     Proposal   60000 closes 11-30     Won        60000 closes 11-20       won -60000
E     Discovery  25000 closes 12-20     Lost       25000                    lost -25000
F     Proposal   80000 closes 12-05     Proposal   80000 closes 2027-01-15  pushed -80000; later
G     Discovery  35000 closes 2027-02-01 Discovery 35000 closes 12-28       pulled +35000; earlier
H     Discovery  15000 closes 12-12     (absent)                            deleted -15000
I     (absent)                          Discovery  45000 closes 12-30       new +45000
J     Proposal   90000 closes 12-18     Discovery  90000 closes 12-22       -; went back, later
K     Won       500000 closed 10-10     Won       500000                    (unchanged)
L     Proposal   20000 closes 12-02     Won        26000 closes 11-20       increased +6000,
                                                                            won -26000
M     (absent)                          Lost       30000 closes 11-20       -; new (created 11-12
                                                                            and lost), lost
N     Proposal   70000 closes 2026-09-15 Lost      70000 closes 11-23       -; lost (overdue,
                                                                            outside the quarter)
P     Proposal   20000 closes 12-20     Proposal   20000 closes 12-05       -; earlier
Q     Proposal   40000 closes 2027-03-01 Proposal  30000 closes 2027-03-01  -; decreased (outside)
R     Proposal   10000 closes 2026-09-30 Proposal  10000 closes 2026-09-30  (overdue before Q4)
S     Proposal    5000 closes 11-15     Proposal    5000 closes 11-15       (overdue in Q4)

start = A+B+C+D+E+F+H+J+L+P+S = 505000; end = A+B+C+G+I+J+P+S = 395000
505000 + 45000 + 26000 - 10000 - 86000 - 25000 - 80000 + 35000 - 15000 = 395000.
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
from tests.test_pdf import pages_text


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
    deal("N", "Proposal", 70000, "2026-09-15"),
    deal("P", "Proposal", 20000, "2026-12-20"),
    deal("Q", "Proposal", 40000, "2027-03-01"),
    deal("R", "Proposal", 10000, "2026-09-30"),
    deal("S", "Proposal", 5000, "2026-11-15"),
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
    deal("M", "Lost", 30000, "2026-11-20", created="2026-11-12"),
    deal("N", "Lost", 70000, "2026-11-23"),
    deal("P", "Proposal", 20000, "2026-12-05"),
    deal("Q", "Proposal", 30000, "2027-03-01"),
    deal("R", "Proposal", 10000, "2026-09-30"),
    deal("S", "Proposal", 5000, "2026-11-15"),
]
MEETINGS = [(dt.date(2026, 10, 27), FIRST), (dt.date(2026, 11, 10), EARLIER),
            (dt.date(2026, 11, 24), NOW)]


def build_meetings(folder: Path, meetings: list[tuple[dt.date, list[list[str]]]],
                   formats: tuple[str, ...] = ("json",)) -> Agenda:
    """Build each meeting from its export in turn (as a company would); the last agenda.
    The earlier meetings are built as JSON, the last in `formats`."""
    agenda = None
    for number, (as_of, deals) in enumerate(meetings, start=1):
        config = load_config(write_company(folder, deals=deals, as_of=as_of.isoformat()))
        agenda = build(config, as_of=as_of, out_dir=folder / "out",
                       formats=formats if number == len(meetings) else ("json",)).agenda
    assert agenda is not None
    return agenda


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Agenda]:
    folder = tmp_path_factory.mktemp("movement")
    return folder, build_meetings(folder, MEETINGS, ("json", "html", "pdf", "pptx"))


def ids(rows: tuple) -> list[str]:
    return sorted(r.deal_id for r in rows)


def test_the_bars_add_up(company: tuple[Path, Agenda]) -> None:
    mv = company[1].movement
    assert mv is not None
    assert (mv.compared_to, mv.previous_date) == ("2026-11-10", dt.date(2026, 11, 10))
    assert (mv.start_value, mv.start_count, mv.end_value, mv.end_count) == (505000, 11, 395000, 8)
    bars = {b.key: (b.amount, b.deals) for b in mv.bars}
    assert bars == {"new": (45000, 1), "increased": (26000, 2), "decreased": (-10000, 1),
                    "won": (-86000, 2), "lost": (-25000, 1), "pushed": (-80000, 1),
                    "pulled": (35000, 1), "deleted": (-15000, 1)}
    assert mv.start_value + sum(b.amount for b in mv.bars) == mv.end_value


# every change list, largest first (by the change for increased and decreased), and its total
LISTS = {
    "new": (["I", "M"], 75000), "won": (["D", "L"], 86000), "lost": (["N", "M", "E"], 125000),
    "reopened": ([], 0), "advanced": (["A"], 100000), "went_back": (["J"], 90000),
    "close_later": (["J", "F"], 170000), "close_earlier": (["G", "P"], 55000),
    "increased": (["B", "L"], 26000), "decreased": (["C", "Q"], 20000),
    "deleted": (["H"], 15000),
}


def test_the_change_lists_hold_every_deal_that_changed(company: tuple[Path, Agenda]) -> None:
    mv = company[1].movement
    assert mv is not None
    assert {c.key: ([r.deal_id for r in c.rows], c.total) for c in mv.changes} == LISTS
    assert all(c.count == len(c.rows) for c in mv.changes)
    assert (mv.changed_deals, mv.changed_outside_quarter) == (15, 3)  # M, N and Q outside
    assert (mv.overdue_count, mv.overdue_value) == (2, 15000)  # R and S
    assert (mv.overdue_before_quarter_count, mv.overdue_before_quarter_value) == (1, 10000)
    rows = {r.deal_id: r for c in mv.changes for r in c.rows}
    m = rows["M"]  # created and lost between the meetings
    assert (m.created_and_closed, m.changes, m.bars, m.previous_stage, m.stage) == (
        True, ("new", "lost"), (), None, "Lost")
    n = rows["N"]  # overdue from last quarter, lost with its close date moved to the meeting week
    assert (n.previous_close_date, n.close_date, n.changes, n.bars) == (
        dt.date(2026, 9, 15), dt.date(2026, 11, 23), ("lost",), ())
    assert rows["Q"].changes == ("decreased",) and rows["Q"].previous_value == 40000
    assert rows["J"].changes == ("went_back", "close_later")
    f = rows["F"]
    assert (f.previous_close_date, f.close_date, f.slips, f.bars) == (
        dt.date(2026, 12, 5), dt.date(2027, 1, 15), 2, ("pushed",))
    assert rows["J"].slips == 1
    h = rows["H"]
    assert (h.stage, h.previous_stage, h.value, h.previous_value, h.bars) == (
        None, "Discovery", 15000, 15000, ("deleted",))
    won_l = rows["L"]
    assert (won_l.previous_value, won_l.value, won_l.changes, won_l.bars) == (
        20000, 26000, ("won", "increased"), ("increased", "won"))
    assert "K" not in rows and "R" not in rows and "S" not in rows  # unchanged


def test_the_headline_says_how_each_figure_moved(company: tuple[Path, Agenda]) -> None:
    tiles = {h.key: h for h in company[1].headline}
    # won in Q4: K then; K + D + L now
    assert (tiles["won_to_date"].change, tiles["won_to_date"].change_basis) == (86000,
                                                                                 "since_last")
    # weighted: 247000 then (A .2, B C D F J L P S .6, E H .2) -> 169000 now
    weighted = tiles["weighted_pipeline_quarter"]
    assert (weighted.value, weighted.change) == (169000, -78000)
    assert (weighted.context_value, weighted.context_change) == (395000, -110000)
    # D and L are new customers (none in the window before); L4 and L8 booked meetings
    assert (tiles["new_customers"].value, tiles["new_customers"].change) == (2, 2)
    assert tiles["new_customers"].change_basis == "previous_window"
    assert (tiles["meetings_booked"].value, tiles["meetings_booked"].change) == (2, 2)
    assert tiles["attainment"].change is None


def html_rows(table) -> list[list[str]]:
    return [[c.get_text(" ", strip=True) for c in r.select("th, td")]
            for r in table.select("tbody tr")]


def test_every_format_shows_the_movement(company: tuple[Path, Agenda]) -> None:
    folder, agenda = company
    out = folder / "out"
    mv = agenda.movement
    assert mv is not None
    fmt = Formatter(agenda.locale, agenda.currency)
    document = json.loads((out / "pipeline-meeting-2026-11-24.json").read_text(encoding="utf-8"))
    movement = document["agenda"]["movement"]
    assert (movement["start_value"], movement["end_value"]) == (505000, 395000)
    assert [b["key"] for b in movement["bars"]] == ["new", "increased", "decreased", "won",
                                                    "lost", "pushed", "pulled", "deleted"]
    assert {c["key"]: ([r["deal_id"] for r in c["rows"]], c["total"])
            for c in movement["changes"]} == LISTS
    assert movement["timezone"] == "UTC"

    html = BeautifulSoup((out / "pipeline-meeting-2026-11-24.html").read_text(encoding="utf-8"),
                         "lxml")
    section = html.select_one("#pipeline #pipeline-movement")
    assert section is not None
    assert section.select_one('[data-chart="pipeline_movement"]') is not None
    assert "after 10 Nov 2026 up to and including 24 Nov 2026" in \
        section.select_one(".window").get_text(" ", strip=True)
    rows = html_rows(section.select_one("table.waterfall"))
    assert rows[0][0] == "Open pipeline then" and rows[-1][0] == "Open pipeline now"
    assert len(rows) == 10
    summary = {r[0]: (r[1], r[2]) for r in html_rows(section.select_one("table.change-summary"))}
    assert summary["Lost"] == ("3", fmt.money(125000))
    assert summary["Reopened"] == ("0", fmt.money(0))
    assert [r.get("id") for r in section.select(".movement-list")] == [
        "movement-" + key.replace("_", "-") for key, (ids_, _) in LISTS.items() if ids_]
    lost = html_rows(section.select_one("#movement-lost table"))
    assert [r[0] for r in lost] == ["N deal", "M deal", "E deal"]
    assert lost[0][5] == f"{fmt.date(dt.date(2026, 9, 15))} → {fmt.date(dt.date(2026, 11, 23))}"
    assert lost[1][3] == "Lost" and "Created and closed since the last meeting" in lost[1][6]
    outside = section.select_one(".outside").get_text(" ", strip=True)
    assert outside.startswith("3 of the changed deals")
    assert f"Open deals overdue now: 2 worth {fmt.money(15000)} (close date before" in \
        section.select_one(".overdue").get_text(" ", strip=True)
    tile = html.select_one('.tile[data-key="won_to_date"] .tile-change')
    assert tile.get_text(strip=True) == f"▲ +{fmt.money(86000)} since 10 Nov 2026"
    assert "up" in tile["class"]
    weighted = html.select_one('.tile[data-key="weighted_pipeline_quarter"]')
    assert weighted.select_one(".tile-change").get_text(strip=True).startswith(
        f"▼ −{fmt.money(78000)}")
    earliest = json.loads((out / "pipeline-meeting-2026-10-27.json").read_text(encoding="utf-8"))
    assert earliest["agenda"]["movement"] is None
    assert all(h["change"] is None for h in earliest["agenda"]["headline"])  # no made-up zero

    text = " ".join(" ".join(pages_text((out / "pipeline-meeting-2026-11-24.pdf").read_bytes()))
                    .split())
    for key, (ids_, total) in LISTS.items():
        if ids_:
            assert " ".join(f"· {len(ids_)} · {fmt.money(total)}".split()) in text, key
    assert "N deal" in text and "M deal" in text and "Q deal" in text
    assert " ".join(f"+{fmt.money(86000)} since 10 Nov 2026".split()) in text


def test_the_meeting_deck_shows_the_changes(company: tuple[Path, Agenda]) -> None:
    deck = Presentation(str(company[0] / "out" / "pipeline-meeting-2026-11-24.pptx"))
    tables = {s.name: s.table for slide in deck.slides for s in slide.shapes
              if s.name.startswith("movement_") and s.has_table}
    assert set(tables) == {"movement_changes"} | {
        f"movement_{key}" for key, (ids_, _) in LISTS.items() if ids_}
    fmt = Formatter(company[1].locale, company[1].currency)
    summary = {r.cells[0].text: (r.cells[1].text, r.cells[2].text)
               for r in list(tables["movement_changes"].rows)[1:]}
    assert summary["Lost"] == ("3", fmt.money(125000))
    lost = [[c.text for c in r.cells] for r in list(tables["movement_lost"].rows)[1:]]
    assert [r[0] for r in lost] == ["N A/S", "M A/S", "E A/S"]
    assert "Created and closed since the last meeting" in lost[1][5]
    texts = [s.text_frame.text for slide in deck.slides for s in slide.shapes
             if s.has_text_frame]
    assert any(f"+{fmt.money(86000)} since 10 Nov 2026" in t for t in texts)


def test_the_meeting_deck_draws_the_waterfall(company: tuple[Path, Agenda]) -> None:
    deck = Presentation(str(company[0] / "out" / "pipeline-meeting-2026-11-24.pptx"))
    charts = [s for slide in deck.slides for s in slide.shapes if s.name == "pipeline_movement"]
    assert len(charts) == 1
    chart = charts[0].chart
    assert chart.chart_type == XL_CHART_TYPE.COLUMN_STACKED
    base, total, good, bad = (tuple(s.values) for s in chart.plots[0].series)
    assert total == (505000, None, None, None, None, None, None, None, None, 395000)
    # good news: new, increased, won (it leaves the open pipeline, yet it is a win), pulled in
    assert good == (None, 45000, 26000, None, 86000, None, None, 35000, None, None)
    assert bad == (None, None, None, 10000, None, 25000, 80000, None, 15000, None)
    # the invisible base lifts each step to the running total
    assert base == (0, 505000, 550000, 566000, 480000, 455000, 375000, 375000, 395000, 0)
    # each bar's amount is under its name (the name in short lines), signed (no labels to run
    # over thin bars)
    fmt = Formatter(company[1].locale, company[1].currency)
    amounts = [c.rsplit("\n", 1)[1] for c in chart.plots[0].categories]
    assert amounts[0] == fmt.money_short(505000) and amounts[-1] == fmt.money_short(395000)
    assert amounts[1] == "+" + fmt.money_short(45000)
    assert amounts[4] == "−" + fmt.money_short(86000)



def test_a_rerun_replaces_the_meetings_snapshot(tmp_path: Path) -> None:
    agenda = build_meetings(tmp_path, MEETINGS[1:])
    again = build_meetings(tmp_path, MEETINGS[2:])  # the same meeting once more
    assert again.movement == agenda.movement  # against 2026-11-10, not itself
    store = tmp_path / "report.history.sqlite"
    counts = {day: len(frame) for day, frame in read_snapshots(store, dt.date(2027, 1, 1)).items()}
    assert counts == {dt.date(2026, 11, 10): 16, dt.date(2026, 11, 24): 17}
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
    assert (movement["start_value"], movement["end_value"]) == (505000, 395000)
    assert not (tmp_path / "now" / "report.history.sqlite").exists()


def test_history_can_be_turned_off_or_moved(tmp_path: Path) -> None:
    off = write_company(tmp_path / "off", extra_config="\n[history]\nenabled = false\n")
    build(load_config(off), as_of=dt.date(2026, 11, 24), formats=["json"], out_dir=tmp_path / "o")
    assert not list((tmp_path / "off").glob("*.sqlite"))
    moved = write_company(tmp_path / "moved", extra_config="\n[history]\npath = \"h/store.db\"\n")
    build(load_config(moved), as_of=dt.date(2026, 11, 24), formats=["json"], out_dir=tmp_path / "o")
    assert (tmp_path / "moved" / "h" / "store.db").is_file()


def test_the_email_summary_counts_each_change_list(company: tuple[Path, Agenda]) -> None:
    from report_builder.delivery.message import summary
    from report_builder.renderers.context import render_context

    agenda = company[1]
    fmt = Formatter(agenda.locale, agenda.currency)
    # after the pipeline's opening sentences
    pipeline = next(line.detail for line in summary(agenda, render_context(agenda))
                    if line.key == "section_pipeline")
    assert f"Changed since 10 Nov 2026: New deals 2 ({fmt.money(75000)}); Won 2 " \
           f"({fmt.money(86000)}); Lost 3 ({fmt.money(125000)});" in pipeline
    assert "Reopened" not in pipeline  # empty lists are left out


def test_a_long_change_list_shows_its_largest_and_counts_every_deal() -> None:
    """30 new deals of 1,000 to 29,000 (two tied at 29,000): the list counts and sums all 30
    and shows the 25 largest, ties by id."""
    from report_builder.model.movement import EarlierSnapshots, build_movement
    from report_builder.periods import fiscal_quarter

    config = load_config(Path(__file__).resolve().parents[1] / "examples/nordlys/report.toml")
    day = dt.date(2026, 11, 24)
    amounts = {f"N{i:02d}": 1000.0 * i for i in range(1, 30)} | {"N00": 29000.0}
    current = pd.DataFrame({
        "deal_id": list(amounts), "name": list(amounts), "account": "A", "owner": "O",
        "stage": "Discovery", "value": list(amounts.values()),
        "close_date": pd.Timestamp("2026-12-15"), "win_probability": 0.2})
    previous = current.iloc[:0].assign(slips=0)
    movement = build_movement(current, EarlierSnapshots(previous, "2026-11-10"), config,
                              fiscal_quarter(day), day)
    new = movement.change("new")
    assert (new.count, new.total) == (30, 29000 + 29 * 30 * 1000 / 2)  # 464,000
    assert len(new.rows) == 25
    assert [r.deal_id for r in new.rows[:3]] == ["N00", "N29", "N28"]  # 29,000 twice: by id
    assert [r.value for r in new.rows[-2:]] == [7000.0, 6000.0]
    assert movement.changed_deals == 30
