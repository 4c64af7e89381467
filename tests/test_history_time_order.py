"""The stage history in true time order, cut at the end of a day in the company's time zone.

Meeting 2026-11-24, the previous one 2026-11-10 (cadence 14 days): the rebuilt earlier
snapshot takes each deal's last change at or before the end of 2026-11-10. Five deals, their
changes listed here in time order (the files list them out of order):

deal  changes (company-local times)                                   at 11-10    now
A     11-10 09:14:03 Discovery; 11-10 09:15:01 Proposal (58 s apart)   Proposal    Proposal
B     10-01 Discovery; 10-20 15:59:58 Proposal; 10-20 16:00:00 Won     Won         Won
C     10-05 09:00 Discovery; 11-03 12:00 Proposal; 11-18 10:00 Lost    Proposal    Lost
D     11-01 08:00 Discovery; 11-10 23:59:59 Proposal;
      11-11 00:00:00 Lost                                              Proposal    Lost
E     11-10 08:15 Proposal; 11-10 17:30 Discovery                      Discovery   Discovery

Taken in file order within a day, A would be in Discovery, B in Proposal (a deal won three
weeks earlier, then counted as won since the last meeting) and E in Proposal.

Quarter 2026-Q4; values A 100000, B 50000, C 30000, D 20000, E 40000, all closing in
December except B (won 10-20). The quarter's open pipeline at 11-10 is A+C+D+E = 190000 (4
deals); now A+E = 140000 (2 deals); the bars: lost -50000 (C, D), won 0 (B was won before).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pandas as pd
import pytest

from report_builder.build import build
from report_builder.cli import main
from report_builder.config import OPEN_STEPS, load_config
from report_builder.data.load import load_dataset
from report_builder.data.timestamps import read_timestamps
from report_builder.errors import ConfigError, DataError
from report_builder.model.stage_history import earlier_from_history, history_slips
from tests.small_company import write_company, write_csv
from tests.test_presets import csv_bytes

NOW = dt.date(2026, 11, 24)
BEFORE = dt.date(2026, 11, 10)
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"

# deal, when (local), stage, amount, close date
Change = tuple[str, str, str, int, str]
CHANGES: list[Change] = [  # in file order: out of time order within and across days
    ("A", "2026-11-10 09:15:01", "Proposal", 100000, "2026-12-15"),
    ("B", "2026-10-20 16:00:00", "Won", 50000, "2026-10-20"),
    ("C", "2026-11-18 10:00:00", "Lost", 30000, "2026-11-18"),
    ("D", "2026-11-11 00:00:00", "Lost", 20000, "2026-11-11"),
    ("E", "2026-11-10 08:15:00", "Proposal", 40000, "2026-12-05"),
    ("A", "2026-11-10 09:14:03", "Discovery", 100000, "2026-12-15"),
    ("B", "2026-10-20 15:59:58", "Proposal", 50000, "2026-12-01"),
    ("C", "2026-10-05 09:00:00", "Discovery", 30000, "2026-12-20"),
    ("D", "2026-11-10 23:59:59", "Proposal", 20000, "2026-12-10"),
    ("E", "2026-11-10 17:30:00", "Discovery", 40000, "2026-12-05"),
    ("B", "2026-10-01 09:00:00", "Discovery", 50000, "2026-12-01"),
    ("C", "2026-11-03 12:00:00", "Proposal", 30000, "2026-12-20"),
    ("D", "2026-11-01 08:00:00", "Discovery", 20000, "2026-12-10"),
]
THEN = {"A": "Proposal", "B": "Won", "C": "Proposal", "D": "Proposal", "E": "Discovery"}
SEEDS = (0, 1, 2, 3, 4)


def latest(deal: str) -> Change:
    return max((c for c in CHANGES if c[0] == deal), key=lambda c: c[1])


def deals_export(prefix: str = "") -> list[list[str]]:
    """The deals as exported at the meeting: each in its latest stage and values."""
    rows = []
    for deal in THEN:
        _, _, stage, amount, close = latest(deal)
        created = min(c[1] for c in CHANGES if c[0] == deal)[:10]
        rows.append([f"{prefix}{deal}", f"{deal} deal", f"{deal} A/S", "Anna", "North", stage,
                     str(amount), "", created, close, "", "", "", "", "", "", ""])
    return rows


def shuffled(rows: list, seed: int | None) -> list:
    if seed is None:
        return list(rows)
    rows = list(rows)
    random.Random(seed).shuffle(rows)
    return rows


def company(folder: Path, deals: list[list[str]], extra: str = "",
            timezone: str | None = None) -> Path:
    config = write_company(folder, deals=deals, as_of=NOW.isoformat(), extra_config=extra)
    if timezone is not None:
        config.write_text(config.read_text().replace(
            'locale = "en_GB"', f'locale = "en_GB"\ntimezone = "{timezone}"'))
    return config


def canonical(folder: Path, seed: int | None, timezone: str | None = None) -> Path:
    config = company(folder, deals_export(), timezone=timezone)
    write_csv(folder / "data" / "stage_history.csv",
              ["deal_id", "stage", "entered", "amount", "close_date"],
              [[d, stage, when, str(amount), close]
               for d, when, stage, amount, close in shuffled(CHANGES, seed)])
    return config


def stages_then(config: Path) -> dict[str, str]:
    """The rebuilt snapshot of the previous meeting: deal -> stage."""
    cfg = load_config(config)
    earlier = earlier_from_history(load_dataset(cfg), cfg, NOW, None)
    assert earlier is not None and earlier.previous_date == BEFORE
    return dict(zip(earlier.previous["deal_id"], earlier.previous["stage"], strict=True))


@pytest.mark.parametrize("seed", [None, *SEEDS])
def test_each_deal_is_in_the_stage_of_its_latest_change_by_the_cut_off(
        tmp_path: Path, seed: int | None) -> None:
    assert stages_then(canonical(tmp_path, seed)) == THEN


def test_the_rebuilt_snapshot_does_not_depend_on_row_order(tmp_path: Path) -> None:
    cfg = load_config(canonical(tmp_path / "file-order", None))
    reference = earlier_from_history(load_dataset(cfg), cfg, NOW, None)
    assert reference is not None
    for seed in SEEDS:
        cfg = load_config(canonical(tmp_path / f"seed-{seed}", seed))
        earlier = earlier_from_history(load_dataset(cfg), cfg, NOW, None)
        assert earlier is not None
        pd.testing.assert_frame_equal(earlier.previous, reference.previous)


def test_the_movement_counts_only_what_happened_since_the_cut_off(tmp_path: Path) -> None:
    config = canonical(tmp_path, 3)
    movement = build(load_config(config), as_of=NOW, formats=["json"], out_dir=tmp_path / "out",
                     history=False).agenda.movement
    assert movement is not None and movement.compared_to == "stage_history"
    assert (movement.start_value, movement.start_count) == (190000, 4)
    assert (movement.end_value, movement.end_count) == (140000, 2)
    bars = {b.key: (b.amount, b.deals) for b in movement.bars}
    assert (bars["won"], bars["lost"]) == ((0, 0), (-50000, 2))
    # the last stage change of each deal: the day of its latest stage change, not file order
    deals = load_dataset(load_config(config)).deals.set_index("deal_id")
    assert deals["last_stage_change_date"].dt.strftime("%m-%d").to_dict() == {
        "A": "11-10", "B": "10-20", "C": "11-18", "D": "11-11", "E": "11-10"}


SALESFORCE_HEADER = ["Id", "OpportunityId", "CreatedById", "CreatedDate", "StageName", "Amount",
                     "CloseDate", "Probability", "ForecastCategory", "IsDeleted"]
PROBABILITY = {"Discovery": 20, "Proposal": 60, "Won": 100, "Lost": 0}


def opportunity_history(seed: int | None, stamp: str) -> bytes:
    """OpportunityHistory.csv; `stamp`: how CreatedDate is written, from the local time."""
    rows = []
    for n, (deal, when, stage, amount, close) in enumerate(shuffled(CHANGES, seed)):
        moment = dt.datetime.fromisoformat(when)
        p = PROBABILITY[stage]
        rows.append([f"008000000000{n:03d}AAA", f"006{deal}", "005000000000001AAA",
                     moment.strftime(stamp), stage, str(amount), f"{close} 00:00:00", str(p),
                     "Closed" if p in (0, 100) else "Pipeline", "0"])
    return csv_bytes(SALESFORCE_HEADER, rows, encoding="cp1252", crlf=True, quote_all=True)


@pytest.mark.parametrize("stamp", ["%Y-%m-%dT%H:%M:%S.000+0000", "%Y-%m-%dT%H:%M:%S.000Z",
                                   "%Y-%m-%d %H:%M:%S"])
@pytest.mark.parametrize("seed", [None, 0, 1])
def test_a_salesforce_opportunity_history_in_time_order(tmp_path: Path, stamp: str,
                                                        seed: int | None) -> None:
    """The Data Export's CreatedDate in UTC (`+0000`, `Z`), or without a zone (Data Loader):
    with company.timezone UTC they all read the same."""
    config = company(tmp_path, deals_export("006"))
    (tmp_path / "OpportunityHistory.csv").write_bytes(opportunity_history(seed, stamp))
    config.write_text(config.read_text().replace('path = "data"', 'path = "data"\nstage_history '
                      '= { path = "OpportunityHistory.csv", preset = "salesforce" }'))
    assert stages_then(config) == {f"006{d}": s for d, s in THEN.items()}
    history = load_dataset(load_config(config)).stage_history
    assert history is not None
    a = history[history["deal_id"] == "006A"].sort_values("entered")
    assert list(a["entered"]) == [pd.Timestamp("2026-11-10 09:14:03", tz="UTC"),
                                  pd.Timestamp("2026-11-10 09:15:01", tz="UTC")]
    assert set(history["close_date"].dt.strftime("%H:%M")) == {"00:00"}  # close dates: days


HUBSPOT_ORDER = ("Won", "Lost", "Proposal", "Discovery")  # the columns: not in time order


def hubspot_export(stamp: str, seed: int | None) -> bytes:
    header = ["Record ID", "Deal Name", "Associated Company", "Deal owner", "Deal Stage",
              "Amount", "Create Date", "Close Date", "Pipeline",
              *(f'Date entered "{s} (Sales Pipeline)"' for s in HUBSPOT_ORDER)]

    def local(text: str) -> str:
        return dt.datetime.fromisoformat(text).strftime(stamp)

    rows = []
    for deal in THEN:
        _, _, stage, amount, close = latest(deal)
        entered = {c[2]: local(c[1]) for c in CHANGES if c[0] == deal}
        created = min(c[1] for c in CHANGES if c[0] == deal)
        rows.append([deal, f"{deal} deal", f"{deal} A/S", "Anna", stage, str(amount),
                     local(created), local(f"{close} 12:00"), "Sales Pipeline",
                     *(entered.get(s, "") for s in HUBSPOT_ORDER)])
    return csv_bytes(header, shuffled(rows, seed), bom=True, crlf=True)


@pytest.mark.parametrize("stamp", ["%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M", "%d.%m.%Y %H:%M:%S"])
def test_hubspot_date_entered_columns_in_time_order(tmp_path: Path, stamp: str) -> None:
    """HubSpot's `Date entered` cells keep their times (to the minute in its exports): a deal's
    stages are ordered by them, not by the order of the columns."""
    config = company(tmp_path, deals_export())
    (tmp_path / "deals.csv").write_bytes(hubspot_export(stamp, 2))
    config.write_text(config.read_text().replace(
        'path = "data"', 'path = "data"\npreset = "hubspot"\ndeals = "deals.csv"'))
    (tmp_path / "data" / "deals.csv").unlink()
    assert stages_then(config) == THEN
    dataset = load_dataset(load_config(config))
    assert dataset.stage_history is not None
    e = dataset.stage_history[dataset.stage_history["deal_id"] == "E"]
    assert sorted(e["entered"].dt.strftime("%m-%d %H:%M")) == ["11-10 08:15", "11-10 17:30"]
    deals = dataset.deals.set_index("deal_id")
    assert deals.loc["D", "close_date"] == dt.datetime(2026, 11, 11)  # deals' dates stay days
    assert deals.loc["D", "last_stage_change_date"] == dt.datetime(2026, 11, 11)


# -- time zones --------------------------------------------------------------------------------
# F entered Proposal at 23:30 UTC on the day of the cut-off: 00:30 the next day in Copenhagen
# (CET, UTC+1 in November) and 18:30 the same day in New York (EST, UTC-5). G entered Proposal
# at 03:00 UTC the day after: 22:00 on the cut-off day in New York. H's time has no zone: it
# is local time wherever the company is. Each was in Discovery from 11-01.
ZONED = [
    ("F", "2026-11-01T08:00:00Z", "Discovery"), ("F", "2026-11-10T23:30:00Z", "Proposal"),
    ("G", "2026-11-01T08:00:00Z", "Discovery"), ("G", "2026-11-11T03:00:00+00:00", "Proposal"),
    ("H", "2026-11-01 08:00", "Discovery"), ("H", "2026-11-10 23:30", "Proposal"),
]


def zoned_company(folder: Path, timezone: str | None) -> Path:
    deals = [[d, f"{d} deal", f"{d} A/S", "Anna", "North", "Proposal", "10000", "", "2026-11-01",
              "2026-12-15", "", "", "", "", "", "", ""] for d in "FGH"]
    config = company(folder, deals, timezone=timezone)
    write_csv(folder / "data" / "stage_history.csv", ["deal_id", "stage", "entered"],
              [list(row[::2]) + [row[1]] for row in ZONED])
    return config


@pytest.mark.parametrize(("timezone", "then", "changed"), [
    (None, {"F": "Proposal", "G": "Discovery", "H": "Proposal"},
     {"F": "11-10", "G": "11-11", "H": "11-10"}),
    ("UTC", {"F": "Proposal", "G": "Discovery", "H": "Proposal"},
     {"F": "11-10", "G": "11-11", "H": "11-10"}),
    ("Europe/Copenhagen", {"F": "Discovery", "G": "Discovery", "H": "Proposal"},
     {"F": "11-11", "G": "11-11", "H": "11-10"}),
    ("America/New_York", {"F": "Proposal", "G": "Proposal", "H": "Proposal"},
     {"F": "11-10", "G": "11-10", "H": "11-10"}),
])
def test_the_cut_off_is_the_end_of_the_day_in_the_company_time_zone(
        tmp_path: Path, timezone: str | None, then: dict[str, str],
        changed: dict[str, str]) -> None:
    config = zoned_company(tmp_path, timezone)
    assert stages_then(config) == then
    deals = load_dataset(load_config(config)).deals.set_index("deal_id")
    assert deals["last_stage_change_date"].dt.strftime("%m-%d").to_dict() == changed


@pytest.mark.parametrize(("timezone", "slips"), [("UTC", {"K": 1}),
                                                 ("Europe/Copenhagen", {})])
def test_slips_count_up_to_the_end_of_the_meeting_day(tmp_path: Path, timezone: str,
                                                      slips: dict[str, int]) -> None:
    """K's close date moved later at 23:30 UTC on the meeting day: that day in UTC, the next
    in Copenhagen (after the meeting: its close date then is the earlier one)."""
    deals = [["K", "K deal", "K A/S", "Anna", "North", "Proposal", "10000", "", "2026-11-01",
              "2027-01-15", "", "", "", "", "", "", ""]]
    config = company(tmp_path, deals, timezone=timezone)
    write_csv(tmp_path / "data" / "stage_history.csv", ["deal_id", "stage", "entered",
                                                         "close_date"],
              [["K", "Proposal", "2026-11-24T23:30:00Z", "2027-01-15"],
               ["K", "Proposal", "2026-11-01T09:00:00Z", "2026-12-15"]])
    cfg = load_config(config)
    assert history_slips(load_dataset(cfg), cfg, NOW) == slips


def test_an_unknown_time_zone_is_a_config_error(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    config = canonical(tmp_path, None, timezone="Europe/Kobenhavn")
    with pytest.raises(ConfigError) as info:
        load_config(config)
    assert "Config value 'company.timezone': 'Europe/Kobenhavn' is not a known time zone; use " \
        "an IANA name like Europe/Copenhagen, America/New_York or UTC" in str(info.value)
    assert main(["validate", str(config)]) == 2
    err = capsys.readouterr().err
    assert "'Europe/Kobenhavn' is not a known time zone" in err and "Traceback" not in err


def test_an_unreadable_time_names_the_row_and_what_is_accepted(tmp_path: Path) -> None:
    config = canonical(tmp_path, None)
    rows = [["A", "Discovery", "2026-11-10 09:14:03"], ["A", "Proposal", "2026-11-10 25:61"]]
    write_csv(tmp_path / "data" / "stage_history.csv", ["deal_id", "stage", "entered"], rows)
    with pytest.raises(DataError) as info:
        load_dataset(load_config(config))
    assert [str(p) for p in info.value.problems] == [
        "stage_history.csv, row 3, column 'entered': value '2026-11-10 25:61': is not a date and "
        "time; expected a date and time like 2026-11-24 10:11, 2026-11-24 10:11:12, "
        "2026-11-24T10:11:12.000Z or 2026-11-24T10:11:12+01:00 (or a date alone), the date as "
        "2026-11-24 (%Y-%m-%d)"]


@pytest.mark.parametrize(("text", "day_format", "moment"), [
    ("2026-11-12T09:14:03.000+0000", "%Y-%m-%d", "2026-11-12 10:14:03+01:00"),
    ("2026-11-12T23:30:00Z", "%Y-%m-%d", "2026-11-13 00:30:00+01:00"),
    ("2026-11-12T09:14:03.250-05:00", "%Y-%m-%d", "2026-11-12 15:14:03.250+01:00"),
    ("2026-11-12 09:14:03", "%Y-%m-%d", "2026-11-12 09:14:03+01:00"),
    ("2026-11-12", "%Y-%m-%d", "2026-11-12 00:00:00+01:00"),
    ("11/12/2026 9:14 PM", "%m/%d/%Y", "2026-11-12 21:14:00+01:00"),
    ("11/12/2026 12:05 AM", "%m/%d/%Y", "2026-11-12 00:05:00+01:00"),
    ("12.11.2026 09.14", "%d.%m.%Y", "2026-11-12 09:14:00+01:00"),
    ("2026-10-25 02:30", "%Y-%m-%d", "2026-10-25 02:30:00+02:00"),  # twice that night: the first
    ("2026-03-29 02:30", "%Y-%m-%d", "2026-03-29 03:00:00+02:00"),  # never: the next that is
    ("2026-11-12 24:00", "%Y-%m-%d", None),
    ("2026-11-12 13:00 PM", "%Y-%m-%d", None),
])
def test_times_as_crms_write_them(text: str, day_format: str, moment: str | None) -> None:
    read = read_timestamps(pd.Series([text], dtype="string"), day_format, "Europe/Copenhagen")
    assert str(read.dtype) == "datetime64[us, Europe/Copenhagen]"
    if moment is None:
        assert pd.isna(read[0])
    else:
        assert read[0] == pd.Timestamp(moment)


def test_the_starter_config_documents_the_time_zone(tmp_path: Path) -> None:
    from report_builder.starter.config_text import config_text
    from report_builder.starter.examples import VOCABULARIES

    text = config_text(company="Acme", currency="DKK", locale="da_DK",
                       anchor=dt.date(2026, 12, 1), data_path="data",
                       stages=VOCABULARIES["en"].stages)
    line = ('# timezone = "Europe/Copenhagen"  '
            '# the days of the CRM\'s change times (default: "UTC")')
    assert line in text.splitlines()
    config = tmp_path / "report.toml"
    (tmp_path / "data").mkdir()
    config.write_text(text, encoding="utf-8")
    assert load_config(config).company.timezone == "UTC"
    config.write_text(text.replace(line, line[2:]), encoding="utf-8")
    assert load_config(config).company.timezone == "Europe/Copenhagen"


# -- the shared real-world samples ---------------------------------------------------------------
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is absent")


def open_p(step: str) -> str:
    return ", probability = 0.2" if step in OPEN_STEPS else ""


@needs_shared
def test_the_salesforce_sample_history_keeps_its_times(tmp_path: Path) -> None:
    """OpportunityHistory.csv of a developer org: 62 changes, CreatedDate to the second without
    a zone (taken as Copenhagen time here)."""
    folder = SHARED / "salesforce_export_demo"
    config = tmp_path / "report.toml"
    config.write_text(f"""[company]
name = "Demo"
currency = "USD"
locale = "en_US"
timezone = "Europe/Copenhagen"
[meeting]
cadence_anchor = 2018-10-02
as_of = 2018-10-30
[data]
preset = "salesforce"
deals = "{folder / 'Opportunity.csv'}"
stage_history = "{folder / 'OpportunityHistory.csv'}"
[stages]
""" + "\n".join(f'"{s}" = {{ step = "{step}"{open_p(step)} }}' for s, step in (
        ("Prospecting", "opportunity"), ("Qualification", "opportunity"),
        ("Needs Analysis", "opportunity"), ("Value Proposition", "opportunity"),
        ("Id. Decision Makers", "opportunity"), ("Perception Analysis", "opportunity"),
        ("Proposal/Price Quote", "quote"), ("Negotiation/Review", "quote"),
        ("Closed Won", "won"), ("Closed Lost", "lost"))), encoding="utf-8")
    history = load_dataset(load_config(config)).stage_history
    assert history is not None and len(history) == 62
    assert str(history["entered"].dtype) == "datetime64[us, Europe/Copenhagen]"
    assert set(history["entered"]) == {pd.Timestamp("2018-10-13 17:16:45",
                                                    tz="Europe/Copenhagen")}
    out = tmp_path / "out"
    assert main(["build", str(config), "--format", "json", "--out", str(out),
                 "--no-history"]) == 0
    movement = json.loads((out / "pipeline-meeting-2018-10-30.json").read_text(
        encoding="utf-8"))["agenda"]["movement"]
    assert (movement["compared_to"], movement["previous_date"]) == ("stage_history",
                                                                    "2018-10-16")


def hubspot_step(stage: str) -> str:
    return "won" if "won" in stage.lower() else "lost" if "lost" in stage.lower() else \
        "opportunity"


@needs_shared
def test_the_hubspot_sample_date_entered_keep_their_minutes(tmp_path: Path) -> None:
    """A real portal's export: `Date entered` cells like `2026-03-20 06:24`, kept to the
    minute; the deals' own dates stay days."""
    path = SHARED / "hubspot_deals_stage_history" / "hubspot-crm-exports-deals-2026-04-14.csv"
    config = tmp_path / "report.toml"
    stages = pd.read_csv(path, usecols=["Deal Stage"])["Deal Stage"].dropna().unique()
    header = pd.read_csv(path, nrows=0).columns
    entered = {h.split('"')[1].rsplit(" (", 1)[0] for h in header
               if h.startswith('Date entered "')}
    config.write_text(f"""[company]
name = "Portal"
currency = "USD"
locale = "en_US"
[meeting]
cadence_anchor = 2026-01-06
as_of = 2026-04-14
[data]
preset = "hubspot"
deals = "{path}"
[data.defaults.deals]
created_date = "2021-01-01"
owner = "Unassigned"
[stages]
""" + "\n".join(f'"{s}" = {{ step = "{hubspot_step(s)}"{open_p(hubspot_step(s))} }}'
                for s in sorted({*stages, *entered})), encoding="utf-8")
    dataset = load_dataset(load_config(config))
    history = dataset.stage_history
    assert history is not None and len(history) > 6000
    first = history[history["deal_id"] == "58136142104"].sort_values("entered")
    assert list(first["entered"].dt.strftime("%Y-%m-%d %H:%M")) == ["2026-03-20 06:24",
                                                                     "2026-03-26 20:33"]
    assert (history["entered"].dt.strftime("%H:%M") != "00:00").mean() > 0.99
    assert (dataset.deals["close_date"].dt.strftime("%H:%M") == "00:00").all()
