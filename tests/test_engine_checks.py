"""The data checks as queries (engine/checks.py): the small company with one fault at a time,
its cells written to Parquet files and to a DuckDB database file, is stopped with the problems
the data layer finds in the same cells as CSV (column, value, count, message), each naming the
file and the first ids; and the counts behind the data notes are the data layer's."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from report_builder.config import load_config
from report_builder.data.load import load_dataset
from report_builder.engine import connect, read_engine_dataset, register_dataset
from report_builder.errors import DataError, Problem
from report_builder.model.view import make_view
from tests.small_company import CAMPAIGNS, DEALS, LEADS, write_company

AS_OF = dt.date(2026, 11, 24)
KINDS = ("parquet", "duckdb")
Rows = list[list[str]]


def engine_copy(config: Path, kind: str) -> Path:
    """The company's CSV cells (text, empty as null) as Parquet files or as the tables of a
    DuckDB file, and a config that reads them there."""
    frames = {csv.stem: pd.read_csv(csv, dtype=str, keep_default_na=False)
              for csv in sorted((config.parent / "data").glob("*.csv"))}
    arrows = {name: pa.Table.from_pandas(frame.mask(frame == ""), preserve_index=False)
              for name, frame in frames.items()}
    folder = config.parent / kind
    folder.mkdir()
    if kind == "parquet":
        for name, arrow in arrows.items():
            pq.write_table(arrow, folder / f"{name}.parquet")
        where = "parquet"
    else:
        with duckdb.connect(str(folder / "crm.duckdb")) as db:
            for name, arrow in arrows.items():
                db.register("arrow_rows", arrow)
                db.execute(f'CREATE TABLE "{name}" AS SELECT * FROM arrow_rows')
                db.unregister("arrow_rows")
        where = "duckdb/crm.duckdb"
    text = config.read_text(encoding="utf-8").replace('path = "data"', f'path = "{where}"')
    copy = config.parent / f"report-{kind}.toml"
    copy.write_text(text, encoding="utf-8")
    return copy


def source_of(kind: str, table: str) -> str:
    return f"{table}.parquet" if kind == "parquet" else f"crm.duckdb, table '{table}'"


def changed(rows: Rows, row_id: str, column: int, value: str) -> Rows:
    return [[*r[:column], value, *r[column + 1:]] if r[0] == row_id else r for r in rows]


def with_deals(*changes: tuple[str, int, str]) -> dict[str, Rows]:
    rows = DEALS
    for change in changes:
        rows = changed(rows, *change)
    return {"deals": rows}


def with_leads(*changes: tuple[str, int, str]) -> dict[str, Rows]:
    rows = LEADS
    for change in changes:
        rows = changed(rows, *change)
    return {"leads": rows}


OWNER, STAGE, AMOUNT, CURRENCY, CREATED, CLOSE, PROBABILITY = 3, 5, 6, 7, 8, 9, 15
FAULTS: dict[str, tuple[dict[str, Rows], str]] = {
    "empty owner": (with_deals(("D2", OWNER, ""), ("D5", OWNER, "")), "owner"),
    "duplicate id": ({"deals": [*DEALS, changed(DEALS, "D8", 1, "Eta again")[7]]}, "deal_id"),
    "unknown stage": (with_deals(("D7", STAGE, "Negotiating"), ("D8", STAGE, "Negotiating"),
                                 ("D2", STAGE, "Parked")), "stage"),
    "no rate": (with_deals(("D4", CURRENCY, "SEK"), ("D5", CURRENCY, "sek")), "currency"),
    "over 100 %": (with_deals(("D6", PROBABILITY, "150"), ("D7", PROBABILITY, "20")),
                   "probability"),
    "negative amount": (with_deals(("D5", AMOUNT, "-200000")), "amount"),
    "not an amount": (with_deals(("D1", AMOUNT, "lots"), ("D2", AMOUNT, "lots")), "amount"),
    "not a date": (with_deals(("D3", CREATED, "2026-31-12")), "created_date"),
    "unknown campaign": (with_leads(("L5", 3, "C9")), "campaign_id"),
    "unknown lead status": (with_leads(("L5", 10, "maybe")), "status"),
}


def write_fault(folder: Path, rows: dict[str, Rows]) -> Path:
    return write_company(folder, deals=rows.get("deals"), leads=rows.get("leads"))


_IDS = re.compile(r" \((deal_id|lead_id|campaign_id): [^)]*\)$")


def found(problems: list[Problem]) -> set[tuple[str | None, str | None, int, str]]:
    """What a problem says, whoever found it: column, value (an empty CSV cell and a null
    alike), rows and the message (the ids the engine names after it left out)."""
    return {(p.column, p.value or None, p.count, _IDS.sub("", p.message)) for p in problems}


def data_problems(load: Callable[[], object]) -> list[Problem]:
    with pytest.raises(DataError) as caught:
        load()
    return caught.value.problems


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fault", list(FAULTS))
def test_each_check_stops_the_build_as_the_data_layer_does(fault: str, kind: str,
                                                          tmp_path: Path) -> None:
    rows, column = FAULTS[fault]
    config = write_fault(tmp_path, rows)
    expected = data_problems(lambda: load_dataset(load_config(config), as_of=AS_OF))
    copy = load_config(engine_copy(config, kind))
    problems = data_problems(lambda: read_engine_dataset(connect(), copy, as_of=AS_OF))
    assert found(problems) == found(expected)
    table = "leads" if "leads" in rows else "deals"
    for problem in problems:
        assert problem.column == column
        assert str(problem).startswith(source_of(kind, table))
        ids = problem.message.rsplit(" (", 1)[-1]
        assert ids.startswith(("deal_id: D", "lead_id: L")), problem.message


@pytest.mark.parametrize("kind", KINDS)
def test_a_problem_names_rows_and_at_most_three_ids(kind: str, tmp_path: Path) -> None:
    rows = with_deals(*((d, STAGE, "Parked") for d in ("D2", "D4", "D6", "D8")))
    copy = load_config(engine_copy(write_fault(tmp_path, rows), kind))
    [problem] = data_problems(lambda: read_engine_dataset(connect(), copy))
    assert (problem.value, problem.count, problem.rows) == ("Parked", 4, (2, 4, 6))
    assert problem.message.endswith("(deal_id: D2, D4, D6, ...)")
    assert str(problem).startswith(f"{source_of(kind, 'deals')}, 4 rows (2, 4, 6, ...), "
                                   "column 'stage': value 'Parked': unknown stage")


@pytest.mark.parametrize("kind", KINDS)
def test_every_problem_of_every_table_is_raised_together(kind: str, tmp_path: Path) -> None:
    rows = {**with_deals(("D1", AMOUNT, "lots"), ("D4", CURRENCY, "SEK")),
            **with_leads(("L5", 3, "C9"))}
    copy = load_config(engine_copy(write_fault(tmp_path, rows), kind))
    problems = data_problems(lambda: read_engine_dataset(connect(), copy))
    assert {(p.file, p.column) for p in problems} == {
        (source_of(kind, "deals"), "amount"), (source_of(kind, "deals"), "currency"),
        (source_of(kind, "leads"), "campaign_id")}


NOTED: dict[str, dict[str, Rows]] = {
    "clean": {},
    "unknown deal, no reasons": {
        **with_leads(("L3", 9, "D99"), ("L5", 9, "D98")),
        **with_deals(("D1", 12, ""), ("D4", 13, ""), ("D5", 2, ""), ("D6", CLOSE, ""))},
    "channel spellings": {**with_deals(("D5", 10, "webinar "), ("D7", 10, "OUTBOUND")),
                          **with_leads(("L6", 2, "paid_search"))},
    "after the meeting": with_deals(("D3", CLOSE, "2026-12-01"), ("D8", CREATED, "2026-12-01"),
                                    ("D7", CLOSE, "2026-11-30")),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", list(NOTED))
def test_the_counts_for_the_notes_are_the_data_layers(case: str, kind: str,
                                                      tmp_path: Path) -> None:
    config = write_fault(tmp_path, NOTED[case])
    dataset = load_dataset(load_config(config), as_of=AS_OF)
    copy = load_config(engine_copy(config, kind))
    engine = read_engine_dataset(connect(), copy, as_of=AS_OF)
    assert engine.facts.notes == tuple(dataset.notes)
    assert engine.facts.row_counts == {name: len(getattr(dataset, name))
                                       for name in ("deals", "leads", "targets", "campaigns")}
    read = make_view(register_dataset(connect(), dataset), load_config(config), AS_OF)
    counted = make_view(engine.tables, copy, AS_OF)
    left_out = ("future_deals", "future_leads", "closed_after")
    assert [getattr(counted, n) for n in left_out] == [getattr(read, n) for n in left_out]
    if case != "clean":  # the case has what it is named after
        assert len(engine.facts.notes) > 1 or counted.closed_after


def test_a_campaign_table_with_an_unreadable_time_and_link(tmp_path: Path) -> None:
    """Campaigns' times and links are read value by value, as the data layer reads them."""
    config = write_company(tmp_path)
    data = tmp_path / "data"
    frame = pd.read_csv(data / "campaigns.csv", dtype=str, keep_default_na=False)
    frame["event_time"] = ["14:00", "9.30", "noon", ""]
    frame["signup_link"] = ["https://nordlys.dk/webinar", "", "nordlys dk", ""]
    frame.to_csv(data / "campaigns.csv", index=False)
    expected = data_problems(lambda: load_dataset(load_config(config)))
    copy = load_config(engine_copy(config, "parquet"))
    problems = data_problems(lambda: read_engine_dataset(connect(), copy))
    assert found(problems) == found(expected)
    assert {p.value for p in problems} == {"noon", "nordlys dk"}
    assert len(CAMPAIGNS) == 4


@pytest.mark.parametrize("kind", KINDS)
def test_past_25_bad_values_the_rest_are_counted_in_one_line(kind: str, tmp_path: Path) -> None:
    """Each distinct bad value is one problem up to 25 (data/problems.py), then one line."""
    many = [[f"D{i}", *DEALS[i % 9][1:6], f"{i} kr-ish", *DEALS[i % 9][7:]] for i in range(30)]
    config = write_fault(tmp_path, {"deals": many})
    expected = data_problems(lambda: load_dataset(load_config(config)))
    problems = data_problems(lambda: read_engine_dataset(connect(),
                                                         load_config(engine_copy(config, kind))))
    assert found(problems) == found(expected)
    assert len(problems) == 26 and problems[-1].message.startswith("and 5 more distinct values")


@pytest.mark.parametrize("kind", KINDS)
def test_amounts_like_1_234_need_the_decimal_sign_said(kind: str, tmp_path: Path) -> None:
    """Read through a mapping, `1.234` stops the build until data.decimal says what it is."""
    config = write_fault(tmp_path, with_deals(("D4", AMOUNT, "80.000"), ("D5", AMOUNT, "1.500")))
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('path = "data"', 'path = "data"\nempty_values = ["-"]'),
                      encoding="utf-8")
    expected = data_problems(lambda: load_dataset(load_config(config)))
    copy = load_config(engine_copy(config, kind))
    problems = data_problems(lambda: read_engine_dataset(connect(), copy))
    assert found(problems) == found(expected)
    assert [(p.column, p.value) for p in problems] == [("amount", "80.000")]


def day_first(rows: Rows, columns: list[int], fmt: str) -> Rows:
    """`rows` with the ISO dates in `columns` written in `fmt`."""
    def written(cell: str) -> str:
        return dt.date.fromisoformat(cell).strftime(fmt) if cell else cell
    return [[written(c) if i in columns else c for i, c in enumerate(r)] for r in rows]


DEAL_DATES, LEAD_DATES = [CREATED, CLOSE, 14], [1, 5, 6, 7, 8]


@pytest.mark.parametrize("kind", KINDS)
def test_dates_are_read_in_the_configs_date_format(kind: str, tmp_path: Path) -> None:
    deals = changed(day_first(DEALS, DEAL_DATES, "%d.%m.%Y"), "D2", CLOSE, "2026-11-20")
    config = write_company(tmp_path, deals=deals, leads=day_first(LEADS, LEAD_DATES, "%d.%m.%Y"))
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('path = "data"', 'path = "data"\ndate_format = "%d.%m.%Y"'),
                      encoding="utf-8")
    expected = data_problems(lambda: load_dataset(load_config(config)))
    copy = load_config(engine_copy(config, kind))
    problems = data_problems(lambda: read_engine_dataset(connect(), copy))
    assert found(problems) == found(expected)
    deals = [p for p in problems if p.file == source_of(kind, "deals")]
    assert [(p.value, p.message.split(";")[1].split(" (deal_id")[0]) for p in deals] == [
        ("2026-11-20", " expected dates like 24.11.2026 (%d.%m.%Y)")]
    # the campaigns' ISO dates are not in that format either
    assert {p.file for p in problems} == {source_of(kind, "deals"), source_of(kind, "campaigns")}


@pytest.mark.parametrize("kind", KINDS)
def test_dates_fitting_day_and_month_first_ask_for_the_date_format(kind: str,
                                                                   tmp_path: Path) -> None:
    """Without data.date_format, one format is detected per table; 01/02/2026 fits both."""
    early = [[*r[:8], "2026-01-02", "2026-02-03", *r[10:14], "2026-03-04", *r[15:]]
             for r in DEALS]
    config = write_company(tmp_path, deals=day_first(early, DEAL_DATES, "%d/%m/%Y"))
    expected = data_problems(lambda: load_dataset(load_config(config)))
    copy = load_config(engine_copy(config, kind))
    problems = data_problems(lambda: read_engine_dataset(connect(), copy))
    assert {p.message for p in problems} == {p.message for p in expected}
    assert "fits both day-first and month-first" in problems[0].message


@pytest.mark.parametrize("kind", KINDS)
def test_dates_in_no_known_format_ask_for_the_date_format(kind: str, tmp_path: Path) -> None:
    deals = day_first(DEALS, DEAL_DATES, "%d %b %Y")  # "24 Nov 2026": no format reads it
    config = write_company(tmp_path, deals=deals)
    expected = data_problems(lambda: load_dataset(load_config(config)))
    copy = load_config(engine_copy(config, kind))
    problems = data_problems(lambda: read_engine_dataset(connect(), copy))
    assert found(problems) == found(expected)
    assert {p.column for p in problems} == {"created_date", "close_date",
                                            "last_stage_change_date"}
