"""Read the dataset's tables from their configured sources through the CRM presets.

Each table comes from its own source (`data.deals = "exports/deals.csv"`, a sheet, or a SQL
query) or else from the `data.path` folder/workbook. Its headers are mapped onto the canonical
columns by the table's preset (`data.preset`, or the source's own `preset`), with
`[data.columns.<table>]` overriding single columns; what was mapped and what was ignored is
recorded in a MappingReport per source, which `validate` prints.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd

from report_builder.config import Config, TableSource
from report_builder.data.encoding import read_csv_raw, read_excel_raw
from report_builder.data.pipelines import keep_pipelines
from report_builder.data.presets import PRESETS, MappingReport, TableMapping, apply_mapping
from report_builder.data.schema import DATASET_TABLES, Kind
from report_builder.data.sources import (
    EMPTY_MARKERS,
    EXCEL_SUFFIXES,
    RawTable,
    _read_parquet,
    locate_tables,
)
from report_builder.data.starter_names import canonical_frame
from report_builder.errors import DataError, MappedDataError, Problem
from report_builder.text_limits import listed

IDENTITY = TableMapping(columns={})


def read_source(name: str, source: TableSource, config: Config,
                as_of: dt.date | None = None) -> RawTable:
    """One table's source as read: original headers, cells as the file or database gives them.
    `as_of`, the meeting date, gives a SQL query the dates it may bind (`:since`, ...)."""
    preset = PRESETS[source.preset or config.data.preset]
    if source.sql is not None:
        from report_builder.data.sql import meeting_parameters, read_query

        parameters = meeting_parameters(config, as_of) if as_of else None
        frame = read_query(source, config.path.resolve().parent, parameters)
        return RawTable(name, f"{name} query", frame, 1)
    path = source.path
    if path is None:
        raise DataError([Problem(str(source.table), None, None, None, "is a table of the "
                                 "engine's connection: only the engine reads it where it is")])
    suffix = path.suffix.lower()
    if source.table is not None:  # a table of a DuckDB file
        return RawTable(name, f"{path.name}, table '{source.table}'",
                        _read_duckdb_table(path, source.table), 1)
    if suffix in EXCEL_SUFFIXES:
        frame = read_excel_raw(path, source.sheet)
        label = f"{path.name}, sheet '{source.sheet}'" if source.sheet else path.name
        return RawTable(name, label, frame, 2)
    if suffix in (".parquet", ".pq"):
        return RawTable(name, path.name, _read_parquet(path), 1)
    encodings = (config.data.encoding,) if config.data.encoding else preset.encodings
    frame, _ = read_csv_raw(path, encodings=encodings, separator=config.data.separator,
                            empty_markers=EMPTY_MARKERS)
    return RawTable(name, path.name, frame, 2)


def _read_duckdb_table(path: Path, table: str) -> pd.DataFrame:
    """A table of a DuckDB database file, read whole (the engine scans it where it lies)."""
    import duckdb

    from report_builder.data.sources import arrow_to_frame

    quoted = ".".join('"' + part.replace('"', '""') + '"' for part in table.split("."))
    with duckdb.connect(str(path), read_only=True) as db:
        try:
            arrow = db.execute(f"SELECT * FROM {quoted}").fetch_arrow_table()
        except duckdb.CatalogException:
            raise DataError([Problem(path.name, None, None, table, "no such table in the "
                                     "database file")]) from None
    return arrow_to_frame(arrow)


def read_mapped(config: Config, as_of: dt.date | None = None,
                ) -> tuple[dict[str, RawTable], list[MappingReport]]:
    """Every table that has a source, with canonical column names; and how each was mapped."""
    data = config.data
    raws: dict[str, RawTable] = {}
    rest = [n for n in DATASET_TABLES if n not in data.tables]
    sources = dict(data.tables)
    if rest and (not data.tables or data.path_given) and data.path.exists():
        sources.update(_path_sources(data.path, rest))
    problems: list[Problem] = []
    for name, source in sources.items():
        try:
            raws[name] = read_source(name, source, config, as_of)
        except DataError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DataError(problems)
    reports: list[MappingReport] = []
    mapped: dict[str, RawTable] = {}
    for name in DATASET_TABLES:
        own = data.tables.get(name) if name in raws else data.tables.get("deals")
        preset = PRESETS[(own.preset if own else None) or data.preset]  # derived: as deals
        mapping = preset.tables.get(name, IDENTITY)
        derived = mapping.derived_from if name not in raws else None
        if mapping.derived_from and not derived:
            mapping = IDENTITY  # a file of its own is in our columns
        if name not in raws and (derived is None or derived not in raws):
            continue
        raw = raws[name] if derived is None else raws[derived]
        report = MappingReport(name, raw.source, preset.name if mapping is not IDENTITY
                               else "canonical")
        known = frozenset(c.name for c in DATASET_TABLES[name].columns)
        source = mapping.reshape(raw.frame) if mapping.reshape else raw.frame
        if mapping is IDENTITY:  # our own tables: the starter's names in any language
            source = canonical_frame(name, source)
        frame = apply_mapping(source, mapping, report, data.columns.get(name), known)
        frame = _fill(frame, data.empty_values, data.defaults.get(name, {}), report)
        if derived is not None and frame.empty:
            continue  # the export has no `Date entered` columns: no stage history
        positions = frame.index.to_numpy()  # each row's position in the source
        rows = tuple(raw.row_number(int(p)) for p in positions) \
            if derived is not None or len(positions) != len(raw.frame) else None
        table = RawTable(name, raw.source, frame.reset_index(drop=True), raw.first_row, rows,
                         derived)
        if name in ("deals", "stage_history"):  # unknown names are reported for the deals
            table = keep_pipelines(table, data.pipelines, problems if name == "deals" else [])
        if "pipeline" in table.frame.columns and "pipeline" not in known:
            table = dataclasses.replace(table, frame=table.frame.drop(columns=["pipeline"]))
        if not data.decimal_given:
            problems.extend(ambiguous_amounts(table.frame, raw.source, name))
        mapped[name] = table
        reports.append(report)
    if problems:
        raise MappedDataError(problems, list(reports))
    return mapped, reports


# 1.234, 1.234.567,50 or 1234,5: European thousands or decimal comma, unless told otherwise
_THOUSANDS_DOT = r"^\s*(\d{1,3}(\.\d{3})+(,\d+)?|\d+,\d{1,2})\s*$"


def ambiguous_amounts(frame: pd.DataFrame, source: str, table: str) -> list[Problem]:
    """Amounts like `1.234` are 1234 in a European export and 1.234 in an English one: when
    data.decimal is not set, such a column is an error asking for it rather than a guess."""
    problems = []
    for column in (c.name for c in DATASET_TABLES[table].columns if c.kind is Kind.AMOUNT):
        if column not in frame.columns:
            continue
        text = frame[column].dropna().astype("string")
        if not len(text) or not (text.dtype == object or isinstance(text.dtype, pd.StringDtype)):
            continue
        hit = text[text.str.match(_THOUSANDS_DOT).fillna(False).astype(bool)]
        if len(hit):
            problems.append(Problem(source, None, column, str(hit.iloc[0]),
                                    "could be a whole number with '.' between thousands "
                                    "(European) or a decimal fraction; set data.decimal in "
                                    "report.toml: \",\" for 1.234,50 or \".\" for 1,234.50"))
    return problems


def _path_sources(path: Path, names: list[str]) -> dict[str, TableSource]:
    """The tables in the data.path folder (files named after them) or workbook (sheets)."""
    return {name: TableSource(path=file, sheet=sheet)
            for name, (file, sheet) in locate_tables(path, names).items()}


def _fill(frame: pd.DataFrame, empty_values: tuple[str, ...], defaults: dict[str, str],
          report: MappingReport) -> pd.DataFrame:
    """`data.empty_values` read as empty; then `[data.defaults.<table>]` fill empty cells."""
    if empty_values:
        for column in frame.columns:
            series = frame[column]
            if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
                frame[column] = series.mask(series.astype("string").str.strip()
                                            .isin(list(empty_values)).fillna(False))
    for column, value in defaults.items():
        if column in report.added_empty:
            report.added_empty.remove(column)
        if column not in frame.columns:
            frame[column] = value
        else:
            series = frame[column]
            blank = series.isna() | (series.astype("string").str.strip() == "").fillna(False)
            frame[column] = series.astype("string").mask(blank, value)
        report.mapped.setdefault(column, f"default {value!r}")
        report.defaults[column] = value
    return frame


def describe(reports: list[MappingReport]) -> list[str]:
    """The mapping reports as lines for `validate`."""
    lines = []
    for r in reports:
        lines.append(f"{r.table} from {r.source} ({r.preset}):")
        lines.extend(f"    {canonical} <- {header!r}" for canonical, header in r.mapped.items())
        for column, empty in r.passed_over.items():
            lines.append(f"    {column}: {r.mapped[column]!r} holds values; passed over, empty "
                         f"in every row: {', '.join(map(repr, empty))}")
        if r.defaults:
            lines.append("    empty cells filled: " + ", ".join(
                f"{c} = {v!r}" for c, v in r.defaults.items()))
        if r.added_empty:
            lines.append(f"    not in the source, left empty: {', '.join(r.added_empty)}")
        if r.duplicates:
            lines.append(f"    duplicate headers, the first used: {', '.join(r.duplicates)}")
        if r.ignored:
            lines.append(f"    ignored ({len(r.ignored)}): {listed(r.ignored)}")
    return lines
