"""What the commands need of an actions table, whatever file holds it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from report_builder.data.schema import ACTIONS
from report_builder.data.sources import normalise_header
from report_builder.errors import ActionsEditError

COLUMNS = tuple(c.name for c in ACTIONS.columns)


@dataclass(frozen=True)
class Record:
    """One row as the file holds it: its number in the file and each canonical column's text
    (dates as dt.date where the file holds a real date, as in a workbook)."""

    row: int
    values: dict[str, str | dt.date | None]

    def text(self, column: str) -> str:
        value = self.values.get(column)
        return "" if value is None else str(value).strip()


class ActionsTable(Protocol):
    label: str

    def records(self) -> list[Record]: ...

    def append(self, values: dict[str, str | dt.date | None]) -> None: ...

    def update(self, record: Record, values: dict[str, str | dt.date | None]) -> None: ...

    def save(self) -> None: ...


def column_positions(header: list[object], label: str,
                     overrides: dict[str, str] | None) -> dict[str, int]:
    """Canonical column -> its position in `header` (headers match like the loader's); raise
    when a column the commands write is missing."""
    positions: dict[str, int] = {}
    names = [normalise_header(h) if h is not None else "" for h in header]
    for column in COLUMNS:
        wanted = normalise_header((overrides or {}).get(column, column))
        if wanted in names:
            positions[column] = names.index(wanted)
    missing = [c for c in COLUMNS if c not in positions]
    if missing:
        raise ActionsEditError(f"{label}: the header lacks the column(s) {', '.join(missing)} "
                               f"(found: {', '.join(str(h) for h in header if h) or 'none'}); "
                               f"the actions table has {', '.join(COLUMNS)}")
    return positions
