"""Edit the actions sheet of an XLSX workbook with openpyxl, keeping the other sheets, the
formatting and the drop-down lists; dates are written as real dates in the column's format, and
text always as text (never a formula)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from report_builder.actions.table import COLUMNS, Record, column_positions
from report_builder.errors import ActionsEditError

DATE_COLUMNS = ("agreed_on", "due", "closed_on")
DEFAULT_DATE_FORMAT = "yyyy-mm-dd"


class XlsxActions:
    def __init__(self, path: Path, sheet: str, *, overrides: dict[str, str] | None) -> None:
        from openpyxl import load_workbook
        from openpyxl.styles import Font

        self.path = path
        self.book = load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm", keep_links=True)
        names = {n.strip().lower(): n for n in self.book.sheetnames}
        if sheet.strip().lower() in names:
            self.sheet = self.book[names[sheet.strip().lower()]]
        else:  # a workbook without an actions sheet: add it, with the header
            self.sheet = self.book.create_sheet(sheet)
            for index, column in enumerate(COLUMNS, start=1):
                self.sheet.cell(1, index, column).font = Font(bold=True)
            self.sheet.freeze_panes = "A2"
        self.label = f"{path.name}, sheet '{self.sheet.title}'"
        header = [c.value for c in self.sheet[1]]
        self.positions = column_positions(header, self.label, overrides)

    def _last_row(self) -> int:
        for row in range(self.sheet.max_row, 1, -1):
            if any(self.sheet.cell(row, p + 1).value not in (None, "")
                   for p in self.positions.values()):
                return row
        return 1

    def records(self) -> list[Record]:
        out = []
        for row in range(2, self._last_row() + 1):
            values: dict[str, str | dt.date | None] = {}
            for column, position in self.positions.items():
                value = self.sheet.cell(row, position + 1).value
                values[column] = value.date() if isinstance(value, dt.datetime) else \
                    value if isinstance(value, dt.date) or value is None else str(value)
            if any(v not in (None, "") for v in values.values()):
                out.append(Record(row, values))
        return out

    def _set(self, row: int, column: str, value: str | dt.date | None) -> None:
        cell: Any = self.sheet.cell(row, self.positions[column] + 1)
        cell.value = value
        if isinstance(value, str) and cell.data_type != "s":
            # openpyxl reads a leading `=` as a formula: text from the command line stays text
            # (the quote prefix keeps it text when the cell is edited in Excel too)
            cell.data_type = "s"
            cell.quotePrefix = True
        if isinstance(value, dt.date):
            above = self.sheet.cell(row - 1, self.positions[column] + 1) if row > 2 else None
            fmt = above.number_format if above is not None and above.is_date else \
                DEFAULT_DATE_FORMAT
            cell.number_format = fmt

    def append(self, values: dict[str, str | dt.date | None]) -> None:
        row = self._last_row() + 1
        for column, value in values.items():
            self._set(row, column, value)

    def update(self, record: Record, values: dict[str, str | dt.date | None]) -> None:
        for column, value in values.items():
            self._set(record.row, column, value)

    def save(self) -> None:
        from report_builder.actions.files import replace_file

        buffer = io.BytesIO()
        try:
            self.book.save(buffer)
        except Exception as exc:  # openpyxl raises plain exceptions for what it cannot write
            raise ActionsEditError(f"{self.path.name} could not be saved: {exc}") from exc
        replace_file(self.path, buffer.getvalue())
