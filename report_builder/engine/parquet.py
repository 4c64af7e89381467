"""A canonical table in a Parquet file, scanned lazily by DuckDB and never loaded whole.

The columns are mapped (canonical name -> the file's header) and typed as the data layer types
them, and the checks that need no row-by-row Python run as queries returning counts and a few
example rows: a required column missing, an empty value where every row needs one, a value that
does not read as its kind. Not yet checked here (data/validate.py checks them on loaded frames):
duplicate ids, unknown stages or currencies, probabilities given as 0-100, amounts below 0,
dates in a format of the config's `date_format`, links and times, and the checks across tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
from ibis.backends.duckdb import Backend as DuckDBBackend

from report_builder.data.schema import Kind, Table
from report_builder.errors import Problem

EXAMPLES = 3  # example rows named in a problem
_ROW = "__row"  # the file's row number (1 for the first row: Parquet has no header row)
_TYPES: dict[Kind, dt.DataType] = {
    Kind.ID: dt.string, Kind.TEXT: dt.string, Kind.QUARTER: dt.string, Kind.TIME: dt.string,
    Kind.LINK: dt.string, Kind.DATE: dt.timestamp, Kind.TIMESTAMP: dt.Timestamp(timezone="UTC"),
    Kind.AMOUNT: dt.float64, Kind.PROBABILITY: dt.float64, Kind.BOOL: dt.boolean,
}


@dataclass(frozen=True)
class ParquetScan:
    """The table as canonical, typed columns (a lazy expression) and what its checks found."""

    table: ir.Table
    problems: tuple[Problem, ...]


def scan_parquet(con: DuckDBBackend, path: Path, table: Table, *,
                 headers: dict[str, str] | None = None) -> ParquetScan:
    """The canonical columns of `table` read lazily from `path`; `headers` maps a canonical
    column to the file's header where they differ. A column the file lacks is all null."""
    headers = headers or {}
    raw = con.read_parquet(path, table_name=f"scan_{table.name}", file_row_number=True)
    source = str(path)
    found = set(raw.columns)
    missing = [c.name for c in table.columns
               if c.required and headers.get(c.name, c.name) not in found]
    if missing:
        return ParquetScan(_empty(table), (Problem(
            source, 1, None, None, f"missing required column(s): {', '.join(missing)} (found: "
            f"{', '.join(c for c in raw.columns if c != 'file_row_number') or 'none'})"),))
    rows = raw.mutate(**{_ROW: raw["file_row_number"] + 1})
    typed: dict[str, ir.Value] = {_ROW: rows[_ROW]}
    problems: list[Problem] = []
    for column in table.columns:
        header = headers.get(column.name, column.name)
        target = _TYPES[column.kind]
        if header not in found:
            typed[column.name] = ibis.null(target)
            continue
        value = rows[header]
        typed[column.name] = value if value.type() == target else value.try_cast(target)
        problems += _unreadable(rows, header, typed[column.name], column.kind, source)
        if column.not_empty:
            problems += _empty_values(rows, typed[column.name], header, source)
    scanned = rows.select(**typed)
    return ParquetScan(scanned.drop(_ROW), tuple(problems))


def _unreadable(rows: ir.Table, header: str, typed: ir.Value, kind: Kind,
                source: str) -> list[Problem]:
    """One problem for the values that do not read as `kind` (given, but null once typed)."""
    if typed.type() == rows[header].type():
        return []
    bad = rows.filter(rows[header].notnull() & typed.isnull())
    return _problem(bad, header, source, f"does not read as a {kind.value} value",
                    with_value=True)


def _empty_values(rows: ir.Table, typed: ir.Value, header: str, source: str) -> list[Problem]:
    return _problem(rows.filter(typed.isnull()), header, source,
                    "is empty; every row needs a value here")


def _problem(bad: ir.Table, header: str, source: str, message: str, *,
             with_value: bool = False) -> list[Problem]:
    """One Problem naming the count and the first EXAMPLES rows of `bad`, or none."""
    count = int(bad.count().to_pyarrow().as_py())
    if not count:
        return []
    columns = [bad[_ROW]] + ([bad[header].cast("string").name("value")]
                             if with_value else [])
    first = bad.select(*columns).order_by(_ROW).limit(EXAMPLES).to_pyarrow().to_pylist()
    value = str(first[0]["value"]) if with_value else None
    return [Problem(source, int(first[0][_ROW]), header, value, message,
                    rows=tuple(int(r[_ROW]) for r in first), count=count)]


def _empty(table: Table) -> ir.Table:
    """The table with its canonical columns and no rows."""
    schema = ibis.schema({c.name: _TYPES[c.kind] for c in table.columns})
    return ibis.memtable(schema.to_pyarrow().empty_table())
