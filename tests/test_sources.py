"""The same small company read from an XLSX workbook, Parquet files and European-style CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from report_builder.config import load_config
from report_builder.data.load import load_dataset
from report_builder.errors import DataError
from report_builder.i18n import note_text, translator
from report_builder.model.build import build_agenda
from tests.small_company import (
    CAMPAIGN_COLUMNS,
    CAMPAIGNS,
    DEAL_COLUMNS,
    DEALS,
    LEAD_COLUMNS,
    LEADS,
    TARGET_COLUMNS,
    TARGETS,
    write_company,
)

TABLES = {"deals": (DEAL_COLUMNS, DEALS), "leads": (LEAD_COLUMNS, LEADS),
          "targets": (TARGET_COLUMNS, TARGETS), "campaigns": (CAMPAIGN_COLUMNS, CAMPAIGNS)}
DATE_COLUMNS = {c for cols, _ in TABLES.values() for c in cols if c.endswith("_date")} | {
    "start_date", "end_date"}
NUMBER_COLUMNS = {"amount", "probability", "revenue_target", "budget", "new_customers_target",
                  "meetings_target"}


def typed(column: str, value: str) -> object:
    """A cell as a user's Excel holds it: real dates and numbers, empty cells as None."""
    if value == "":
        return None
    if column in DATE_COLUMNS:
        return dt.datetime.fromisoformat(value)
    if column in NUMBER_COLUMNS:
        return float(value)
    return value


def company_won(config: Path) -> float:
    cfg = load_config(config)
    return build_agenda(load_dataset(cfg), cfg, dt.date(2026, 11, 24)).targets.company.won


def test_xlsx_workbook_with_real_dates_and_numbers(tmp_path: Path) -> None:
    config = write_company(tmp_path)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, (columns, rows) in TABLES.items():
        sheet = book.create_sheet(name.capitalize())  # sheet names match case-insensitively
        sheet.append([c.replace("_", " ").title() for c in columns])  # "Close Date" headers
        for row in rows:
            sheet.append([typed(c, v) for c, v in zip(columns, row, strict=True)])
    book.save(tmp_path / "pipeline.xlsx")
    config.write_text(config.read_text().replace('path = "data"', 'path = "pipeline.xlsx"'))
    assert company_won(config) == 157_500


def test_parquet_folder(tmp_path: Path) -> None:
    config = write_company(tmp_path)
    data = tmp_path / "data"
    for name, (columns, rows) in TABLES.items():
        frame = pd.DataFrame([[typed(c, v) for c, v in zip(columns, r, strict=True)]
                              for r in rows], columns=columns)
        for c in columns:
            if c in DATE_COLUMNS:
                frame[c] = pd.to_datetime(frame[c])
        (data / f"{name}.csv").unlink()
        frame.to_parquet(data / f"{name}.parquet")
    assert company_won(config) == 157_500


def test_european_csv(tmp_path: Path) -> None:
    """Semicolons, a BOM, day-first dates with dots and amounts like 100.000,00."""
    config = write_company(tmp_path)
    config.write_text(config.read_text().replace(
        'path = "data"', 'path = "data"\ndecimal = ","\ndate_format = "%d.%m.%Y"'))
    for name in TABLES:
        path = tmp_path / "data" / f"{name}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for c in frame.columns:
            if c in DATE_COLUMNS:
                frame[c] = frame[c].map(lambda v: f"{v[8:10]}.{v[5:7]}.{v[0:4]}" if v else "")
            if c in ("amount", "revenue_target"):
                frame[c] = frame[c].map(lambda v: f"{float(v):,.2f}".replace(",", "X")
                                        .replace(".", ",").replace("X", ".") if v else "")
        path.write_text(frame.to_csv(sep=";", index=False), encoding="utf-8-sig")
    assert (tmp_path / "data" / "deals.csv").read_text(encoding="utf-8-sig").count(
        "100.000,00") == 2
    assert company_won(config) == 157_500


def test_two_files_for_one_table(tmp_path: Path) -> None:
    config = write_company(tmp_path)
    (tmp_path / "data" / "deals.parquet").write_bytes(b"")
    with pytest.raises(DataError, match=r"several files hold table 'deals' \(deals.csv, "
                                        r"deals.parquet\): keep one"):
        load_dataset(load_config(config))


def test_missing_deals_table(tmp_path: Path) -> None:
    config = write_company(tmp_path)
    (tmp_path / "data" / "deals.csv").unlink()
    with pytest.raises(DataError, match="no 'deals' table found: add deals.csv, deals.xlsx or "
                                        "deals.parquet"):
        load_dataset(load_config(config))


def test_optional_tables_may_be_absent(tmp_path: Path) -> None:
    config = write_company(tmp_path)
    for name in ("leads", "campaigns", "targets"):
        (tmp_path / "data" / f"{name}.csv").unlink()
    cfg = load_config(config)
    dataset = load_dataset(cfg)
    agenda = build_agenda(dataset, cfg, dt.date(2026, 11, 24))
    assert agenda.targets.company.won == 157_500 and agenda.targets.company.target is None
    english = translator("en")
    assert [note_text(english, n).split(":")[0] for n in agenda.data_notes.notes][:3] == [
        "no leads table in the dataset", "no targets table in the dataset",
        "no campaigns table in the dataset"]


def test_empty_markers_read_as_empty(tmp_path: Path) -> None:
    """#N/A (Excel, Salesforce data loaders) and NULL mean no value, not a bad value."""
    deals = [list(r) for r in DEALS]
    deals[4][6] = "#N/A"  # D5's amount
    deals[7][9] = "NULL"  # D8's close date (already empty in the fixture)
    deals[0][11] = "#N/A"  # D1's campaign
    config = load_config(write_company(tmp_path, deals=deals))
    dataset = load_dataset(config)
    assert dataset.deals["amount"].isna().sum() == 1
    assert pd.isna(dataset.deals.loc[0, "campaign_id"])
    notes = {n.key: n for n in dataset.notes}
    assert notes["no_amount"].examples == ("D5",)


def test_an_empty_probability_column(tmp_path: Path) -> None:
    """A column left empty throughout is read as empty, and stage defaults apply."""
    deals = [list(r) for r in DEALS]
    for row in deals:
        row[15] = ""  # probability
        row[14] = ""  # last_stage_change_date
    dataset = load_dataset(load_config(write_company(tmp_path, deals=deals)))
    assert dataset.deals["probability"].isna().all()
    assert dataset.deals.loc[5, "win_probability"] == 0.6  # D6 at Proposal's default


def test_cleared_rows_are_skipped_and_counted(tmp_path: Path) -> None:
    """A spreadsheet row emptied instead of deleted is skipped, counted in the notes, and the
    rows after it keep their numbers in error messages."""
    deals = [list(r) for r in DEALS]
    deals.insert(2, [""] * len(DEAL_COLUMNS))
    deals[4][5] = "Maybe"  # D4's stage, now on the file's row 6
    config = load_config(write_company(tmp_path, deals=deals))
    with pytest.raises(DataError) as info:
        load_dataset(config)
    assert [str(p).split(": value")[0] for p in info.value.problems] == [
        "deals.csv, row 6, column 'stage'"]
    deals[4][5] = "Lost"
    dataset = load_dataset(load_config(write_company(tmp_path, deals=deals)))
    assert len(dataset.deals) == 9
    note = next(n for n in dataset.notes if n.key == "empty_rows")
    assert (note.table, note.count, note.values) == ("deals", 1, {"source": "deals.csv"})
