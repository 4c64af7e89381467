"""Where the actions table lives, as the config says: its own source under [data], else a file
or sheet named `actions` at data.path; or where `add` should create it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from report_builder.config import Config
from report_builder.data.sources import EXCEL_SUFFIXES, locate_tables
from report_builder.errors import ActionsEditError


@dataclass(frozen=True)
class TableLocation:
    path: Path  # the CSV file or the workbook
    sheet: str | None  # the sheet of a workbook; None for a CSV
    exists: bool  # False: `add` creates the file or the sheet

    @property
    def label(self) -> str:
        return f"{self.path.name}, sheet '{self.sheet}'" if self.sheet else self.path.name


def _read_only(what: str) -> ActionsEditError:
    return ActionsEditError(
        f"The actions table comes from {what}, which report-builder only reads; record the "
        "action there, or point data.actions in report.toml at a CSV or XLSX file "
        "(e.g. actions = \"actions.csv\") to edit it with report-builder actions")


def locate_actions(config: Config) -> TableLocation:
    """The actions table's file (and sheet); raise ActionsEditError for a read-only source."""
    data = config.data
    own = data.tables.get("actions")
    if own is not None:
        if own.sql is not None:
            raise _read_only(f"a SQL query (data.actions, {own.url})")
        assert own.path is not None
        return _file_location(own.path, own.sheet)
    if data.tables and not data.path_given:
        raise ActionsEditError(
            "report.toml gives each table its own source and no data.path, so there is no "
            "place for an actions table; add one under [data], e.g. actions = \"actions.csv\"")
    found = locate_tables(data.path, ["actions"]).get("actions")
    if found is not None:
        return _file_location(*found)
    if data.path.is_file():  # a workbook without an actions sheet: add one
        return TableLocation(data.path, "actions", exists=False)
    return TableLocation(data.path / "actions.csv", None, exists=False)


def _file_location(path: Path, sheet: str | None) -> TableLocation:
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        if sheet is None:
            from openpyxl import load_workbook

            sheet = load_workbook(path, read_only=True).sheetnames[0]
        return TableLocation(path, sheet, exists=True)
    if suffix == ".csv":
        return TableLocation(path, None, exists=True)
    raise _read_only(f"{path.name} (a {suffix} file)")
