"""Find and read the dataset's tables from a folder (CSV, XLSX, Parquet) or one XLSX workbook.

Reading only: values stay as the file gives them (text for CSV, cell values for Excel, typed
columns for Parquet). Parsing and checking happen in parse.py and validate.py.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from report_builder.data.encoding import sniff_separator
from report_builder.data.headers import normalise_header
from report_builder.data.starter_names import canonical_frame, table_of_sheet
from report_builder.data.workbook_size import check_unpacked_size
from report_builder.errors import DataError, Problem

if TYPE_CHECKING:
    import pyarrow as pa

SUFFIXES = (".csv", ".xlsx", ".xlsm", ".parquet", ".pq")
# What spreadsheets and CRM exports write for "no value" (Excel's #N/A, database NULLs):
# read as empty cells. Excel's other errors (#VALUE!, #REF!) stay text and are reported.
EMPTY_MARKERS = ("#N/A", "N/A", "n/a", "NULL", "null")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class RawTable:
    """One table as read. `first_row` is the row number a user sees for the frame's first row."""

    name: str
    source: str  # what the user calls it: "deals.csv" or "pipeline.xlsx, sheet 'deals'"
    frame: pd.DataFrame
    first_row: int
    rows: tuple[int, ...] | None = None  # each frame row's number in the file, when filtered
    derived_from: str | None = None  # the table whose source this one was read from

    def row_number(self, position: int) -> int:
        """The row number a user sees for the frame's row at `position`."""
        return self.rows[position] if self.rows is not None else position + self.first_row


def without_empty_rows(raw: RawTable) -> tuple[RawTable, int]:
    """The table without rows whose every cell is empty (a spreadsheet row cleared rather than
    deleted), and how many there were; the rows left keep their numbers in the file."""
    frame = raw.frame
    if frame.empty or frame.shape[1] == 0:
        return raw, 0
    first = frame.iloc[:, 0]
    maybe = first.isna() | (first.astype("string").str.strip() == "")
    if not maybe.any():  # the usual case, decided on one column
        return raw, 0
    rest = frame[maybe].astype("string")
    blank = (rest.isna() | rest.apply(lambda c: c.str.strip() == "")).all(axis=1)
    empty = pd.Series(False, index=frame.index)
    empty[blank[blank].index] = True
    if not empty.any():
        return raw, 0
    keep = [pos for pos, gone in enumerate(empty.to_numpy()) if not gone]
    rows = tuple(raw.row_number(pos) for pos in keep)
    table = replace(raw, frame=frame[~empty.to_numpy()].reset_index(drop=True), rows=rows)
    return table, int(empty.sum())


def _sniff_separator(path: Path) -> str:
    with path.open("r", encoding="utf-8-sig", errors="replace") as fh:
        return sniff_separator(fh.readline())


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        with warnings.catch_warnings():
            # a row longer than the header: pandas would make its first cells the row's index
            # (index_col=False) or drop its last ones with a warning; neither goes unsaid
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(
                path, sep=_sniff_separator(path), dtype=str, keep_default_na=False,
                na_values=list(EMPTY_MARKERS), encoding="utf-8-sig", skipinitialspace=False,
                index_col=False,
            )
    except pd.errors.ParserWarning:
        raise DataError([Problem(path.name, None, None, None,
                                 "has rows with more values than its header has columns; check "
                                 "the separator, and that a value holding it is in quotes")]) \
            from None
    except UnicodeDecodeError as exc:
        problem = Problem(path.name, None, None, None,
                          f"is not UTF-8 text ({exc.reason}); save it as CSV UTF-8")
        raise DataError([problem]) from None
    except pd.errors.EmptyDataError:
        from report_builder.data.encoding import empty_file

        raise DataError([empty_file(path.name)]) from None
    except pd.errors.ParserError as exc:
        raise DataError([Problem(path.name, None, None, None, f"is not a readable CSV: {exc}")]) \
            from None


def _read_excel(path: Path, sheet: str | int) -> pd.DataFrame:
    check_unpacked_size(path)
    return pd.read_excel(path, sheet_name=sheet, engine="calamine",
                         na_values=list(EMPTY_MARKERS))


def _read_parquet(path: Path) -> pd.DataFrame:
    """Parquet, with date columns as timestamps (pandas would make them Python objects)."""
    import pyarrow.parquet as pq

    return arrow_to_frame(pq.read_table(path))


def arrow_to_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table (Parquet, DuckDB) as a frame: dates as timestamps, decimals as floats,
    strings Arrow-backed."""
    import pyarrow as pa

    columns = [c.cast(pa.timestamp("s")) if pa.types.is_date(c.type) else
               c.cast(pa.float64()) if pa.types.is_decimal(c.type) else c
               for c in table.columns]
    text = pd.StringDtype("pyarrow", na_value=float("nan"))
    mapping = {pa.string(): text, pa.large_string(): text}
    return pa.table(columns, names=table.column_names).to_pandas(types_mapper=mapping.get)


def _read_file(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, 0)
    return _read_parquet(path)


def _with_headers(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    headers = [normalise_header(c) for c in frame.columns]
    seen: dict[str, str] = {}
    problems = []
    for original, header in zip(frame.columns, headers, strict=True):
        if header in seen:
            problems.append(Problem(source, 1, str(original), None,
                                    f"the column appears twice (also as '{seen[header]}')"))
        seen[header] = str(original)
    if problems:
        raise DataError(problems)
    frame.columns = headers
    return frame


def locate_tables(path: Path, names: list[str]) -> dict[str, tuple[Path, str | None]]:
    """Where each table named in `names` is at `path`: (file, sheet) in a workbook, or the one
    file in a folder named after the table (sheet None). Tables not found are left out."""
    if path.is_file():
        if path.suffix.lower() not in EXCEL_SUFFIXES:
            raise DataError([Problem(str(path), None, None, None,
                                     "data.path should be a folder or an .xlsx workbook")])
        from python_calamine import CalamineWorkbook

        check_unpacked_size(path)
        sheets: dict[str, str] = {}
        for sheet in CalamineWorkbook.from_path(str(path)).sheet_names:
            # a sheet named after its table, or the starter's name for it in any language
            table = sheet.strip().lower() if sheet.strip().lower() in names else \
                table_of_sheet(sheet)
            if table is not None:
                sheets.setdefault(table, sheet)
        return {name: (path, sheets[name]) for name in names if name in sheets}
    found: dict[str, tuple[Path, str | None]] = {}
    problems = []
    for name in names:
        matches = sorted(p for p in path.iterdir()
                         if p.stem.lower() == name and p.suffix.lower() in SUFFIXES)
        if len(matches) > 1:
            problems.append(Problem(str(path), None, None, None, f"several files hold table "
                                    f"'{name}' ({', '.join(m.name for m in matches)}): keep one"))
        elif matches:
            found[name] = (matches[0], None)
    if problems:
        raise DataError(problems)
    return found


def read_tables(path: Path, names: list[str]) -> dict[str, RawTable]:
    """Read the tables named `names` that exist at `path` (a folder or an .xlsx workbook)."""
    tables: dict[str, RawTable] = {}
    for name, (file, sheet) in locate_tables(path, names).items():
        if sheet is not None:
            source = f"{file.name}, sheet '{sheet}'"
            frame = canonical_frame(name, _with_headers(_read_excel(file, sheet), source))
            tables[name] = RawTable(name, source, frame, 2)
        else:
            first_row = 1 if file.suffix.lower() in (".parquet", ".pq") else 2
            frame = canonical_frame(name, _with_headers(_read_file(file), file.name))
            tables[name] = RawTable(name, file.name, frame, first_row)
    return tables
