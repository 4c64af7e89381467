"""Where the engine reads the dataset from, lazily where the source allows it.

- Parquet: `data.path` a folder with `deals.parquet` (or a folder `deals/` of Parquet files),
  or a table's own `deals = "exports/deals.parquet"`: scanned where it lies (read_parquet).
- A DuckDB database file: `deals = { path = "crm.duckdb", table = "deals" }`, or `data.path =
  "crm.duckdb"` holding tables named after ours: attached read-only, never loaded.
- A table of the engine's own connection (the company's warehouse, or DuckDB):
  `deals = { table = "crm.opportunities" }`.
Each is mapped by engine/mapping.py (the config's columns, presets, date format, ...) and
checked by engine/checks.py. A dataset with a source only the data layer reads (CSV, XLSX, a
SQL query, a stage history, the actions, tables of names, a preset whose conversions the
engine lacks) is read, checked and handed over by the data layer (`register_dataset`).
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

import ibis
import ibis.common.exceptions as ibis_errors
import ibis.expr.types as ir
import sqlglot as sg
import sqlglot.expressions as sge
from ibis.backends.sql import SQLBackend

from report_builder.config import Config, TableSource
from report_builder.data.dataset import DataFacts, DataNote, Dataset
from report_builder.data.presets import MappingReport, hubspot
from report_builder.data.rates import CurrencyRates, read_rates
from report_builder.data.schema import DATASET_TABLES
from report_builder.data.sources import SUFFIXES
from report_builder.engine.backends import engine_kind
from report_builder.engine.checks import (
    NotClean,
    dataset_checks,
    in_note_order,
    run_checks,
    unique_id_checks,
)
from report_builder.engine.derive import with_deal_columns
from report_builder.engine.mapping import EngineRaw, MappedTable, empty_canonical, map_table
from report_builder.engine.presets import engine_conversions
from report_builder.engine.spellings import merged_channel_spellings
from report_builder.engine.tables import TABLES, EngineTables, register_dataset
from report_builder.engine.values import ROW
from report_builder.errors import DataError, MappedDataError, Problem, SourceError

PARQUET_SUFFIXES = (".parquet", ".pq")
DUCKDB_SUFFIXES = (".duckdb", ".ddb")


@dataclass(frozen=True)
class EngineDataset:
    """The dataset's tables in the engine, and what the data notes read of them."""

    tables: EngineTables
    facts: DataFacts
    # how each source's columns were mapped (tables read through a mapping), for `validate`
    mappings: tuple[MappingReport, ...] = ()
    # the data layer's dataset where it read the sources (its actions, stage history and
    # mapping reports are the build's); None where the engine read them itself
    dataset: Dataset | None = None


def read_engine_dataset(con: SQLBackend, config: Config, *,
                        as_of: dt.date | None = None) -> EngineDataset:
    """The dataset in `con`: scanned lazily and checked by queries where every source allows
    it, else read and checked by the data layer and handed over; DataError lists every
    problem."""
    raws = lazy_sources(con, config)
    if raws is None:
        from report_builder.data.load import load_dataset

        dataset = load_dataset(config, as_of=as_of)
        return EngineDataset(register_dataset(con, dataset), dataset.facts,
                             tuple(dataset.mappings), dataset)
    return checked_dataset(con, raws, config)


def lazy_sources(con: SQLBackend, config: Config) -> dict[str, EngineRaw] | None:
    """Each table's source as the engine reads it, or None when one needs the data layer."""
    data = config.data
    if data.lookups or "stage_history" in data.tables:
        return None
    raws: dict[str, EngineRaw] = {}
    in_path = _in_path(data.path) if not data.tables or data.path_given else {}
    if in_path is None:
        return None
    for name in TABLES:
        source = data.tables.get(name)
        preset = (source.preset if source else None) or data.preset
        if engine_conversions(preset, name) is None:
            return None
        if source is None:
            if name in in_path:
                raws[name] = _raw(con, name, in_path[name], preset, data.date_format)
            continue
        location = _location(source)
        if location is None:
            return None
        raws[name] = _raw(con, name, location, preset, source.date_format or data.date_format)
    if "stage_history" in in_path or "actions" in in_path or "actions" in data.tables:
        return None  # the data layer fills the last stage change, and reads the actions
    deals = raws.get("deals")
    if deals is not None and deals.preset == "hubspot" and any(
            hubspot.stage_of_header(c) for c in deals.table.columns):
        return None  # `Date entered` columns: the stage history, read by the data layer
    return raws


Location = tuple[str, Path | None, str | None]  # kind (parquet, duckdb, table), path, table


def _location(source: TableSource) -> Location | None:
    if source.path is None:
        return ("table", None, source.table) if source.table and not source.sql else None
    suffix = source.path.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        return ("parquet", source.path, None)
    if suffix in DUCKDB_SUFFIXES and source.table:
        return ("duckdb", source.path, source.table)
    return None


def _in_path(path: Path) -> dict[str, Location] | None:
    """The tables at `data.path`: a folder's <table>.parquet files (or <table>/ folders of
    them), or a DuckDB file's tables; None when a table there is in a format the engine does
    not scan (CSV, XLSX)."""
    if path.is_file():
        if path.suffix.lower() not in DUCKDB_SUFFIXES:
            return None
        import duckdb

        with duckdb.connect(str(path), read_only=True) as db:
            names = {str(r[0]).lower(): str(r[0]) for r in db.execute(
                "SELECT table_name FROM information_schema.tables").fetchall()}
        return {name: ("duckdb", path, names[name]) for name in DATASET_TABLES if name in names}
    if not path.is_dir():
        return {}
    found: dict[str, Location] = {}
    for name in DATASET_TABLES:
        files = [p for p in path.iterdir() if p.stem.lower() == name and (
            p.suffix.lower() in SUFFIXES or (p.is_dir() and any(p.glob("*.parquet"))))]
        if not files:
            continue
        if len(files) > 1 or files[0].suffix.lower() not in (*PARQUET_SUFFIXES, ""):
            return None  # several files, or CSV/XLSX: the data layer reads (and says) which
        found[name] = ("parquet", files[0], None)
    return found


def _raw(con: SQLBackend, name: str, location: Location, preset: str,
         date_format: str | None) -> EngineRaw:
    kind, path, table = location
    if kind == "parquet":
        assert path is not None
        return _parquet(con, name, path, preset, date_format)
    if kind == "duckdb":
        assert path is not None and table is not None
        alias = _attached(con, path)
        scan = con.sql(f'SELECT *, rowid + 1 AS "{ROW}" FROM "{alias}".{_quoted_name(table)}')
        return EngineRaw(name, f"{path.name}, table '{table}'", scan, preset, date_format)
    assert table is not None
    *database, own = table.split(".")
    where = None if not database else database[0] if len(database) == 1 else tuple(database)
    try:
        found = con.table(own, database=where)  # type: ignore[arg-type]
    except ibis_errors.TableNotFound:
        raise SourceError(f"data.{name}: the engine ({con.name}) has no table {table!r}; "
                          "name it as the database does (schema.table), and check that the "
                          "engine's user may read it") from None
    return EngineRaw(name, table, found.mutate(**{ROW: ibis.null("int64")}), preset,
                     date_format)


def _parquet(con: SQLBackend, name: str, path: Path, preset: str,
             date_format: str | None) -> EngineRaw:
    """A Parquet file (row numbers from 1) or a folder of them (no row order: ids name rows)."""
    if path.is_dir():
        scan = _parquet_view(con, f"scan_{name}", str(path / "*.parquet"), row_numbers=False)
        return EngineRaw(name, path.name, scan.mutate(**{ROW: ibis.null("int64")}), preset,
                         date_format)
    scan = _parquet_view(con, f"scan_{name}", str(path), row_numbers=True)
    scan = scan.mutate(**{ROW: scan.file_row_number + 1}).drop("file_row_number")
    return EngineRaw(name, path.name, scan, preset, date_format)


def _parquet_view(con: SQLBackend, name: str, path: str, *, row_numbers: bool) -> ir.Table:
    """The Parquet file (or glob) `path` as a view named `name`. On DuckDB a view of the
    database rather than of this connection (Ibis's read_parquet makes a temporary one), so
    that queries run at once on cursors of their own read it too (engine/fetch.py
    results_at_once); the database is this build's own, in memory."""
    options = {"file_row_number": True} if row_numbers else {}
    if engine_kind(con) != "duckdb":
        return con.read_parquet(path, table_name=name, **options)  # type: ignore[attr-defined,no-any-return]
    scan = sg.select(sge.Star()).from_(sge.func("read_parquet", sge.convert(path), *(
        sge.EQ(this=sg.to_identifier(key), expression=sge.convert(value))
        for key, value in options.items())))
    view = sge.Create(this=sg.table(name, quoted=True), kind="VIEW", replace=True,
                      expression=scan)
    con.raw_sql(view.sql("duckdb"))  # type: ignore[attr-defined]
    return con.table(name)


def _attached(con: SQLBackend, path: Path) -> str:
    """The alias of the DuckDB file `path` attached read-only to `con` (attached once)."""
    alias = "db_" + re.sub(r"\W", "_", path.stem)[:40] + f"_{zlib.crc32(str(path).encode())}"
    attached = {str(r[0]) for r in con.raw_sql(  # type: ignore[attr-defined]
        "SELECT database_name FROM duckdb_databases()").fetchall()}
    if alias not in attached:
        con.attach(path, name=alias, read_only=True)  # type: ignore[attr-defined]
    return alias


def _quoted_name(name: str) -> str:
    """`schema.table` or `table` as quoted SQL identifiers."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in name.split("."))


def checked_dataset(con: SQLBackend, raws: dict[str, EngineRaw], config: Config, *,
                    clean: frozenset[str] = frozenset(TABLES)) -> EngineDataset:
    """The raw tables mapped, their spellings merged and checked by queries; the deals'
    derived columns added. DataError: every problem found, in every table.

    The tables named `clean` are first read as clean ones, their profile's questions asked
    with the checks (engine/values.py `assumed_profile`): one pass over the rows less where
    they are, as a Parquet export usually is; a table that is not is read again, its profile
    asked first."""
    config, rate_table = with_rate_table(config)
    problems: list[Problem] = []
    mapped: dict[str, MappedTable] = {}
    missing: dict[str, DataNote] = {}
    for name in TABLES:
        table = DATASET_TABLES[name]
        if name in raws:
            mapped[name] = map_table(raws[name], table, config, assume_clean=name in clean)
            problems += mapped[name].problems
        elif table.required:
            problems.append(Problem(str(config.data.path), None, None, None,
                                    f"no '{name}' table found: add {name}.csv, {name}.xlsx or "
                                    f"{name}.parquet (or a sheet named '{name}')"))
        else:
            missing[name] = DataNote(name, "missing_table", 0)
    reports = [m.report for m in mapped.values() if m.report is not None] \
        if config.data.mapped else []
    if "deals" not in mapped:
        raise _error(problems, reports)
    notes = [n for m in mapped.values() for n in m.notes if n.key == "column_with_values"]
    for name, m in mapped.items():
        if m.empty_rows:
            notes.append(DataNote(name, "empty_rows", m.empty_rows, {"source": m.source}))
    tables = {name: m.table for name, m in mapped.items()}
    if config.data.merge_channel_spellings:
        tables, merged = merged_channel_spellings(tables)
    else:
        merged = []
    mapped = {name: _with_table(m, tables[name]) for name, m in mapped.items()}
    checks = [c for m in mapped.values() for c in m.checks]
    checks += unique_id_checks(mapped) + dataset_checks(mapped, config)
    try:
        found_problems, tolerable, rows = run_checks(mapped, checks, config)
    except NotClean as found:
        return checked_dataset(con, raws, config, clean=clean - found.tables)
    problems += found_problems
    if rows["deals"] == 0:
        if rows.get("leads"):
            notes.append(DataNote("deals", "no_deal_rows", 0, {"source": mapped["deals"].source}))
        else:
            problems.append(Problem(mapped["deals"].source, None, None, None,
                                    "has no deals: a header but no rows below it; export the "
                                    "deals again (the pack needs deals, or leads)"))
    if problems:
        raise _error(problems, reports)
    for name in TABLES:
        notes += [n for n in mapped[name].notes if n.key != "column_with_values"] \
            if name in mapped else [missing[name]]
    notes.append(DataNote("actions", "missing_table", 0))  # a dataset with actions: data layer
    notes += merged
    notes += in_note_order(tolerable)
    final = {name: mapped[name].table.drop(ROW) if name in mapped
             else empty_canonical(DATASET_TABLES[name]).drop(ROW) for name in TABLES}
    final["deals"] = with_deal_columns(final["deals"], config, rate_table)
    facts = DataFacts(tuple(notes), {name: rows.get(name, 0) for name in TABLES},
                      {name: m.source for name, m in mapped.items()})
    return EngineDataset(EngineTables(con, **final), facts, tuple(reports))


def _error(problems: list[Problem], reports: list[MappingReport]) -> DataError:
    """The problems, with the mapping reports where the tables were read through a mapping."""
    return MappedDataError(problems, list(reports)) if reports else DataError(problems)


def with_rate_table(config: Config) -> tuple[Config, CurrencyRates | None]:
    """The config with the CRM rate table's rates under data.currency_rates (those written out
    kept for currencies the table lacks), and the table, for rates by close date (as
    data/load.py reads them)."""
    if config.data.rate_table is None:
        return config, None
    rates = read_rates(config.data.rate_table, config.company.currency)
    merged = {**config.data.currency_rates, **rates.company_rates()}
    merged.pop(config.company.currency.upper(), None)
    data = replace(config.data, currency_rates=merged)
    return replace(config, data=data), rates


def _with_table(mapped: MappedTable, table: ir.Table) -> MappedTable:
    return replace(mapped, table=table)


def scan_parquet_folder(con: SQLBackend, folder: Path, config: Config) -> EngineTables:
    """The dataset's tables from `folder`'s <table>.parquet files, scanned lazily and checked
    by queries; DataError lists every problem (a table's file missing among them)."""
    missing = [Problem(str(folder), None, None, None,
                       f"no {name}.parquet: the engine scans Parquet files here")
               for name in TABLES if not (folder / f"{name}.parquet").is_file()]
    if missing:
        raise DataError(missing)
    raws = {name: _parquet(con, name, folder / f"{name}.parquet", config.data.preset,
                           config.data.date_format) for name in TABLES}
    return checked_dataset(con, raws, config).tables
