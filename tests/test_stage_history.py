"""Pipeline movement from the stage history agrees with the movement from stored snapshots.

Eight deals (amounts DKK; B in EUR at 7.5), meetings every 14 days: 2026-10-27, 2026-11-10 and
2026-11-24 (quarter 2026-Q4). Each deal's history, one row per change:

deal  history                                                        2026-11-10 -> 2026-11-24
A     10-01 Discovery 100000 closes 12-15; 11-15 Proposal            advanced
B     10-01 Proposal 5000 EUR closes 12-01; 11-12 7000 EUR           increased +15000
C     10-05 Proposal 60000 closes 11-30; 11-20 Won, closes 11-20     won -60000
D     10-01 Discovery 25000 closes 12-20; 11-18 Tabt – ingen budget  lost -25000
E     10-01 Proposal 80000 closes 11-28; 11-05 closes 12-05;
      11-16 closes 2027-01-15                                        pushed -80000, 2 slips
F     10-10 Discovery 35000 closes 2027-02-01; 11-19 closes 12-28    pulled +35000
G     11-15 Discovery 45000 closes 12-30                             new +45000
H     10-01 Proposal 90000 closes 12-18; 11-21 Discovery, 12-22      went back, slipped

start (11-10) = A+B+C+D+E+H = 100000+37500+60000+25000+80000+90000 = 392500 (6 deals)
end (11-24) = A+B+F+G+H = 100000+52500+35000+45000+90000 = 322500 (5 deals)
392500 + 45000 + 15000 - 60000 - 25000 - 80000 + 35000 = 322500.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from pptx import Presentation

from report_builder.build import build
from report_builder.cli import main
from report_builder.config import load_config
from report_builder.data.load import load_dataset
from report_builder.errors import ConfigError, DataError
from report_builder.model.agenda import MovementSection
from tests.small_company import write_company, write_csv
from tests.test_presets import csv_bytes

LOST = "Tabt – ingen budget"  # an en dash: a byte of its own in cp1252
EXTRA_STAGE = f'"{LOST}" = {{ step = "lost" }}\n'
MEETINGS = (dt.date(2026, 10, 27), dt.date(2026, 11, 10), dt.date(2026, 11, 24))
NOW = MEETINGS[-1]

Change = tuple[str, str, int, str, str]  # day, stage, amount, currency, close date
TIMELINE: dict[str, list[Change]] = {
    "A": [("2026-10-01", "Discovery", 100000, "", "2026-12-15"),
          ("2026-11-15", "Proposal", 100000, "", "2026-12-15")],
    "B": [("2026-10-01", "Proposal", 5000, "EUR", "2026-12-01"),
          ("2026-11-12", "Proposal", 7000, "EUR", "2026-12-01")],
    "C": [("2026-10-05", "Proposal", 60000, "", "2026-11-30"),
          ("2026-11-20", "Won", 60000, "", "2026-11-20")],
    "D": [("2026-10-01", "Discovery", 25000, "", "2026-12-20"),
          ("2026-11-18", LOST, 25000, "", "2026-12-20")],
    "E": [("2026-10-01", "Proposal", 80000, "", "2026-11-28"),
          ("2026-11-05", "Proposal", 80000, "", "2026-12-05"),
          ("2026-11-16", "Proposal", 80000, "", "2027-01-15")],
    "F": [("2026-10-10", "Discovery", 35000, "", "2027-02-01"),
          ("2026-11-19", "Discovery", 35000, "", "2026-12-28")],
    "G": [("2026-11-15", "Discovery", 45000, "", "2026-12-30")],
    "H": [("2026-10-01", "Proposal", 90000, "", "2026-12-18"),
          ("2026-11-21", "Discovery", 90000, "", "2026-12-22")],
}
PROBABILITY = {"Discovery": 20, "Proposal": 60, "Won": 100, LOST: 0}


def deal_row(deal_id: str, change: Change, created: str) -> list[str]:
    day, stage, amount, currency, close = change
    return [deal_id, f"{deal_id} deal", f"{deal_id} A/S", "Anna", "North", stage, str(amount),
            currency, created, close, "", "", "", "", "", "", ""]


def export_at(day: dt.date, *, stage_only: bool = False) -> list[list[str]]:
    """The deals export of `day`; `stage_only`: amounts and close dates as they are now."""
    rows = []
    for deal_id, changes in TIMELINE.items():
        then = [c for c in changes if dt.date.fromisoformat(c[0]) <= day]
        if then:
            change = (*then[-1][:2], *changes[-1][2:]) if stage_only else then[-1]
            rows.append(deal_row(deal_id, change, changes[0][0]))  # type: ignore[arg-type]
    return rows


HISTORY_COLUMNS = ["deal_id", "stage", "entered", "amount", "currency", "close_date"]


def canonical_history() -> list[list[str]]:
    rows = [[d, stage, day, str(amount), currency, close]
            for d, changes in TIMELINE.items() for day, stage, amount, currency, close in changes]
    return [*rows, ["X", "Discovery", "2026-11-02", "1000", "", "2026-12-01"]]  # unknown deal


def company(folder: Path, deals: list[list[str]], as_of: dt.date, extra: str = "") -> Path:
    return write_company(folder, deals=deals, as_of=as_of.isoformat(),
                         extra_config=EXTRA_STAGE + extra)


def movement_of(config: Path, *, history: bool = True) -> MovementSection:
    movement = build(load_config(config), as_of=NOW, formats=["json"], out_dir=config.parent /
                     "out", history=history).agenda.movement
    assert movement is not None
    return movement


@pytest.fixture(scope="module")
def from_snapshots(tmp_path_factory: pytest.TempPathFactory) -> MovementSection:
    """Three builds, one per meeting, each from that meeting's export: stored snapshots."""
    folder = tmp_path_factory.mktemp("snapshots")
    for day in MEETINGS:
        config = company(folder, export_at(day), day)
        build(load_config(config), as_of=day, formats=["json"], out_dir=folder / "out")
    return movement_of(config)


def same_movement(history: MovementSection, snapshots: MovementSection) -> None:
    assert (history.compared_to, history.previous_date) == ("stage_history", MEETINGS[1])
    assert dataclasses.replace(history, compared_to=snapshots.compared_to) == snapshots


def ids(rows: tuple) -> list[str]:
    return sorted(r.deal_id for r in rows)


def test_the_snapshots_by_hand(from_snapshots: MovementSection) -> None:
    mv = from_snapshots
    assert (mv.start_value, mv.start_count, mv.end_value, mv.end_count) == (392500, 6, 322500, 5)
    assert {b.key: (b.amount, b.deals) for b in mv.bars} == {
        "new": (45000, 1), "increased": (15000, 1), "decreased": (0, 0), "won": (-60000, 1),
        "lost": (-25000, 1), "pushed": (-80000, 1), "pulled": (35000, 1), "deleted": (0, 0)}
    assert (ids(mv.change("advanced").rows), ids(mv.change("went_back").rows),
            ids(mv.change("close_later").rows)) == (["A"], ["H"], ["E", "H"])
    assert {r.deal_id: r.slips for r in mv.change("close_later").rows} == {"E": 2, "H": 1}


def test_a_canonical_stage_history_agrees(tmp_path: Path,
                                          from_snapshots: MovementSection) -> None:
    config = company(tmp_path, export_at(NOW), NOW)
    write_csv(tmp_path / "data" / "stage_history.csv", HISTORY_COLUMNS, canonical_history())
    same_movement(movement_of(config, history=False), from_snapshots)
    dataset = load_dataset(load_config(config))
    note = next(n for n in dataset.notes if n.key == "history_unknown_deal")
    assert (note.table, note.count, note.examples) == ("stage_history", 1, ("X",))
    assert dataset.stage_history is not None and "X" not in set(dataset.stage_history["deal_id"])
    # the last stage change comes from the history where the deals table has none
    changed = dict(zip(dataset.deals["deal_id"], dataset.deals["last_stage_change_date"],
                       strict=True))
    assert (changed["A"], changed["B"], changed["H"]) == (
        dt.datetime(2026, 11, 15), dt.datetime(2026, 10, 1), dt.datetime(2026, 11, 21))


SALESFORCE_HEADER = ["Id", "OpportunityId", "CreatedById", "CreatedDate", "StageName", "Amount",
                     "ExpectedRevenue", "CloseDate", "Probability", "ForecastCategory",
                     "SystemModstamp", "IsDeleted", "CurrencyIsoCode"]


def opportunity_history() -> bytes:
    rows = []
    for n, (deal_id, day, stage, amount, currency, close) in enumerate(
            (d, *c) for d, changes in TIMELINE.items() for c in changes):
        stamp = f"{day}T10:{n:02d}:12.000Z"
        p = PROBABILITY[stage]
        rows.append([f"008000000000{n:03d}AAA", f"006{deal_id}", "005000000000001AAA", stamp,
                     stage, str(amount), str(amount * p // 100), close, str(p),
                     "Closed" if p in (0, 100) else "Pipeline", stamp, "0", currency or "DKK"])
    # in the recycle bin: were it read, A would have been won before the last meeting
    rows.append(["008000000000999AAA", "006A", "005000000000001AAA", "2026-11-01T09:00:00.000Z",
                 "Won", "100000", "100000", "2026-11-01", "100", "Closed",
                 "2026-11-01T09:00:00.000Z", "1", "DKK"])
    return csv_bytes(SALESFORCE_HEADER, rows, encoding="cp1252", crlf=True)


def test_a_salesforce_opportunity_history_agrees(tmp_path: Path,
                                                 from_snapshots: MovementSection) -> None:
    deals = [[f"006{r[0]}", *r[1:]] for r in export_at(NOW)]
    config = company(tmp_path, deals, NOW)
    (tmp_path / "OpportunityHistory.csv").write_bytes(opportunity_history())
    config.write_text(config.read_text().replace('path = "data"', 'path = "data"\nstage_history '
                      '= { path = "OpportunityHistory.csv", preset = "salesforce" }'))
    movement = movement_of(config, history=False)
    unprefixed = tuple(dataclasses.replace(c, rows=tuple(
        dataclasses.replace(r, deal_id=r.deal_id.removeprefix("006")) for r in c.rows))
        for c in movement.changes)
    same_movement(dataclasses.replace(movement, changes=unprefixed), from_snapshots)
    dataset = load_dataset(load_config(config))
    note = next(n for n in dataset.notes if n.key == "deleted_history_rows")
    assert (note.count, note.examples, note.values) == (1, ("006A",),
                                                        {"source": "OpportunityHistory.csv"})
    assert dataset.stage_history is not None
    assert len(dataset.stage_history) == 16
    assert set(dataset.stage_history["stage"]) == {"Discovery", "Proposal", "Won", LOST}
    b = dataset.stage_history[dataset.stage_history["deal_id"] == "006B"]
    assert list(b["value"]) == [37500, 52500] and list(b["probability"]) == [0.6, 0.6]


def test_inspect_knows_an_opportunity_history(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Not taken for deals (it has no name or account): a stage_history line and its stages."""
    path = tmp_path / "OpportunityHistory.csv"
    path.write_bytes(opportunity_history())
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "looks like a Salesforce stage history export" in out
    assert 'preset = "salesforce"' in out and f'stage_history = "{path}"' in out
    assert "# deal_id <- 'OpportunityId'" in out and "# entered <- 'CreatedDate'" in out
    assert 'Won = {step = "won"}  # ' in out and f'"{LOST}" = {{step = "lost"}}' in out
    assert "change(s)" in out


HUBSPOT_STAGES = ("Discovery", "Proposal", "Won", LOST)


def hubspot_export(date_format: str) -> bytes:
    header = ["Record ID", "Deal Name", "Associated Company", "Deal owner", "Deal Stage",
              "Amount", "Currency", "Create Date", "Close Date", "Pipeline",
              *(f'Date entered "{s} (Sales Pipeline)"' for s in HUBSPOT_STAGES)]

    def day(text: str) -> str:
        return dt.datetime.strptime(f"{text} 11:48", "%Y-%m-%d %H:%M").strftime(date_format)

    rows = []
    for deal_id, changes in TIMELINE.items():
        _, stage, amount, currency, close = changes[-1]
        entered = {c[1]: day(c[0]) for c in changes}  # a stage re-entered: its latest date
        rows.append([deal_id, f"{deal_id} deal", f"{deal_id} A/S", "Anna", stage, str(amount),
                     currency, day(changes[0][0]), day(close), "Sales Pipeline",
                     *(entered.get(s, "") for s in HUBSPOT_STAGES)])
    return csv_bytes(header, rows, bom=True, crlf=True)


@pytest.mark.parametrize("date_format", ["%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M", "%d.%m.%Y"])
def test_hubspot_date_entered_columns_agree(tmp_path: Path, date_format: str) -> None:
    """HubSpot's history has stages only: it agrees with snapshots whose amounts and close
    dates did not change (the export's own values stand in for the earlier ones)."""
    stored = tmp_path / "stored"
    company(stored, export_at(MEETINGS[1], stage_only=True), MEETINGS[1])
    build(load_config(stored / "report.toml"), as_of=MEETINGS[1], formats=["json"],
          out_dir=tmp_path / "out")
    config = company(stored, export_at(NOW), NOW)
    (stored / "deals.csv").write_bytes(hubspot_export(date_format))
    config.write_text(config.read_text().replace(
        'path = "data"', 'path = "data"\npreset = "hubspot"\ndeals = "deals.csv"'))
    (stored / "data" / "deals.csv").unlink()
    from_snapshots = movement_of(config)
    assert from_snapshots.compared_to == "2026-11-10"
    assert {b.key: b.amount for b in from_snapshots.bars if b.amount} == {
        "won": -60000, "lost": -25000, "new": 45000}
    assert (ids(from_snapshots.change("advanced").rows),
            ids(from_snapshots.change("went_back").rows)) == (["A"], ["H"])
    same_movement(movement_of(config, history=False), from_snapshots)
    deals = load_dataset(load_config(config)).deals.set_index("deal_id")
    assert deals.loc["H", "last_stage_change_date"] == dt.datetime(2026, 11, 21)
    assert deals.loc["C", "created_date"] == dt.datetime(2026, 10, 5)


def test_ambiguous_day_and_month_ask_for_the_date_format(tmp_path: Path) -> None:
    header = ["Record ID", "Deal Name", "Deal owner", "Deal Stage", "Amount", "Create Date",
              "Close Date", 'Date entered "Discovery (Sales Pipeline)"',
              'Date entered "Proposal (Sales Pipeline)"']
    rows = [["A", "A deal", "Anna", "Proposal", "1000", "01-10-2026 09:00", "12-12-2026 09:00",
             "01-10-2026 09:00", "05-11-2026 11:48"]]
    config = company(tmp_path, export_at(NOW), NOW)
    (tmp_path / "deals.csv").write_bytes(csv_bytes(header, rows))
    config.write_text(config.read_text().replace(
        'path = "data"', 'path = "data"\npreset = "hubspot"\ndeals = "deals.csv"'))
    with pytest.raises(DataError) as info:
        load_dataset(load_config(config))
    messages = [str(p) for p in info.value.problems]
    assert any("deals.csv" in m and "every date fits both day-first and month-first; set "
               "data.date_format in report.toml, e.g. \"%d-%m-%Y\" or \"%m-%d-%Y\"" in m
               for m in messages), messages
    # the export is day-first, the company's own leads, targets and campaigns are ISO: the
    # export's source says its format, and its Date entered columns follow it
    config.write_text(config.read_text().replace(
        'deals = "deals.csv"', 'deals = { path = "deals.csv", date_format = "%d-%m-%Y %H:%M" }'))
    dataset = load_dataset(load_config(config))
    assert dataset.stage_history is not None
    assert list(dataset.stage_history["entered"]) == [  # times kept, in company.timezone
        pd.Timestamp("2026-10-01 09:00", tz="UTC"), pd.Timestamp("2026-11-05 11:48", tz="UTC")]
    assert dataset.deals.loc[0, "close_date"] == dt.datetime(2026, 12, 12)
    assert len(dataset.leads) and len(dataset.campaigns)  # read in ISO as before
    config.write_text(config.read_text().replace('"%d-%m-%Y %H:%M"', '"%d-%m"'))
    with pytest.raises(ConfigError, match=r"Config value 'data.deals.date_format': '%d-%m' is "
                                          "not a date format with day, month and year"):
        load_config(config)


def test_a_stage_history_stage_not_in_the_stage_map_stops_the_build(tmp_path: Path) -> None:
    config = company(tmp_path, export_at(NOW), NOW)
    rows = canonical_history()
    rows[1][1] = "Negotiation"
    write_csv(tmp_path / "data" / "stage_history.csv", HISTORY_COLUMNS, rows)
    with pytest.raises(DataError) as info:
        load_dataset(load_config(config))
    assert [str(p) for p in info.value.problems] == [
        "stage_history.csv, row 3, column 'stage': value 'Negotiation': unknown stage: map it in "
        f"[stages] of report.toml (mapped now: Discovery, Proposal, Won, Lost, {LOST})"]


def test_the_cli_shows_the_movement_from_the_history_without_a_store(tmp_path: Path) -> None:
    config = company(tmp_path, export_at(NOW), NOW)
    write_csv(tmp_path / "data" / "stage_history.csv", HISTORY_COLUMNS, canonical_history())
    assert not list(tmp_path.glob("*.sqlite"))
    out = tmp_path / "out"
    assert main(["build", str(config), "--format", "html,json,pptx", "--out", str(out)]) == 0
    movement = json.loads((out / "pipeline-meeting-2026-11-24.json").read_text(
        encoding="utf-8"))["agenda"]["movement"]
    assert (movement["compared_to"], movement["previous_date"]) == ("stage_history",
                                                                    "2026-11-10")
    assert (movement["start_value"], movement["end_value"]) == (392500, 322500)
    html = BeautifulSoup((out / "pipeline-meeting-2026-11-24.html").read_text(encoding="utf-8"),
                         "lxml")
    section = html.select_one("#pipeline-movement")
    assert section is not None
    assert section.select_one(".from-history").get_text(strip=True) == (
        "Reconstructed from the deals' stage history: no snapshot of that meeting was stored.")
    assert section.select_one('[data-chart="pipeline_movement"]') is not None
    notes = html.get_text(" ", strip=True)
    assert "stage history rows of 1 deals not in the deals table: skipped" in notes
    deck = Presentation(str(out / "pipeline-meeting-2026-11-24.pptx"))
    slide = next(s for s in deck.slides
                 if any(shape.name == "pipeline_movement" for shape in s.shapes))
    texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
    assert "Reconstructed from the deals' stage history: no snapshot of that meeting was " \
        "stored." in texts  # a line of its own, not cut off after the caption
    assert "Reconstructed from the deals' stage history" in \
        slide.notes_slide.notes_text_frame.text
