"""Load the dataset named in the config: read, parse, check, and derive the model's columns.

`load_dataset` raises one DataError listing every fatal problem in every table, or returns a
Dataset whose notes list every tolerable one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from report_builder.config import Config
from report_builder.data.channels import merge_channel_spellings
from report_builder.data.dataset import DataNote, Dataset
from report_builder.data.parse import ColumnParser
from report_builder.data.pipelines import keep_pipelines
from report_builder.data.rates import CurrencyRates, read_rates
from report_builder.data.schema import DATASET_TABLES, Kind, Table
from report_builder.data.sources import RawTable, read_tables, without_empty_rows
from report_builder.data.stage_history import (
    derive_history,
    fill_last_stage_change,
    without_deleted_rows,
)
from report_builder.data.validate import check_dataset
from report_builder.errors import DataError, MappedDataError, Problem
from report_builder.text_limits import LISTED, clip, listed

_EMPTY_DTYPES = {
    Kind.ID: "string", Kind.TEXT: "string", Kind.QUARTER: "string",
    Kind.DATE: "datetime64[s]", Kind.AMOUNT: "float64", Kind.PROBABILITY: "float64",
    Kind.BOOL: "boolean", Kind.TIMESTAMP: "datetime64[us, UTC]", Kind.TIME: "string",
    Kind.LINK: "string",
}


def _empty_column(kind: Kind, index: pd.Index) -> pd.Series:
    dtype = _EMPTY_DTYPES[kind]
    return pd.Series(pd.NA if dtype in ("string", "boolean") else None, index=index, dtype=dtype)


def empty_table(table: Table, rows: int = 0) -> pd.DataFrame:
    """A frame with the table's canonical columns, all empty."""
    index = pd.RangeIndex(rows)
    return pd.DataFrame({c.name: _empty_column(c.kind, index) for c in table.columns})


def _date_format(raw: RawTable, config: Config) -> str | None:
    """The table's own date_format (a table read from the deals export: the deals'), else
    data.date_format: a day-first CRM export can sit beside ISO-dated files of our own."""
    source = config.data.tables.get(raw.derived_from or raw.name)
    return source.date_format if source and source.date_format else config.data.date_format


def parse_table(raw: RawTable, table: Table, config: Config,
                problems: list[Problem], notes: list[DataNote],
                detect_also: tuple[pd.Series, ...] = ()) -> pd.DataFrame:
    """The canonical, typed columns of one raw table; bad values go to `problems`."""
    frame = raw.frame
    missing = [c.name for c in table.columns if c.required and c.name not in frame.columns]
    if missing:
        problems.append(Problem(raw.source, 1, None, None,
                                f"missing required column(s): {', '.join(missing)} "
                                f"(found: {listed(list(map(str, frame.columns))) or 'none'})"))
        return empty_table(table)
    known = {c.name for c in table.columns}
    ignored = [str(c) for c in frame.columns if c not in known]
    if ignored:
        notes.append(DataNote(table.name, "ignored_columns", len(ignored), {"source": raw.source},
                              tuple(clip(c) for c in ignored[:LISTED])))
    parser = ColumnParser(raw, date_format=_date_format(raw, config), decimal=config.data.decimal,
                          date_columns=_date_columns(table), detect_also=detect_also,
                          timestamp_columns=tuple(c.name for c in table.columns
                                                  if c.kind is Kind.TIMESTAMP),
                          timezone=config.company.timezone)
    columns = {}
    for column in table.columns:
        if column.name not in frame.columns:
            columns[column.name] = _empty_column(column.kind, frame.index)
            continue
        columns[column.name] = parser.parse(column)
        if column.not_empty:
            blank = columns[column.name].isna()
            if column.kind not in (Kind.ID, Kind.TEXT):  # unreadable values are reported apart
                blank &= parser.blank(frame[column.name])
            if blank.any():
                parser.report(column.name, blank, "is empty; every row needs a value here")
    problems.extend(parser.problems)
    return pd.DataFrame(columns).reset_index(drop=True)


def _date_columns(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.columns if c.kind in (Kind.DATE, Kind.TIMESTAMP))


def _same_file_dates(name: str, raws: dict[str, RawTable]) -> tuple[pd.Series, ...]:
    """The date columns of the tables read from the same file as `name` (HubSpot's deals and
    the stage history from their `Date entered` columns), so both are read in one format."""
    raw = raws[name]
    kin = [r for r in raws.values() if r.derived_from == name or r.name == raw.derived_from]
    return tuple(r.frame[c] for r in kin for c in _date_columns(DATASET_TABLES[r.name])
                 if c in r.frame.columns)


def _with_table_rates(config: Config) -> tuple[Config, CurrencyRates | None]:
    """The config with the CRM rate table's rates (company currency per unit, turned the right
    way round) under data.currency_rates (rates written out only for currencies the table
    lacks); and the table, for rates by close date."""
    if config.data.rate_table is None:
        return config, None
    rates = read_rates(config.data.rate_table, config.company.currency)
    merged = {**config.data.currency_rates, **rates.company_rates()}
    merged.pop(config.company.currency.upper(), None)
    data = dataclasses.replace(config.data, currency_rates=merged)
    return dataclasses.replace(config, data=data), rates


def _derive_deal_columns(deals: pd.DataFrame, config: Config,
                         table: CurrencyRates | None = None) -> pd.DataFrame:
    stage_step = {s.name: s.step for s in config.stages.values()}
    stage_p = {s.name: s.probability for s in config.stages.values()}
    deals["step"] = deals["stage"].map(stage_step).astype("string")
    rate = deals["currency"].str.upper().map(
        {**config.data.currency_rates, config.company.currency: 1.0}).astype("float64")
    if table is not None and not table.dated.empty:  # the rate in force on the close date
        dated = table.per_deal(deals["currency"], deals["close_date"])
        rate = dated.where(dated.notna(), rate)
    rate = rate.where(deals["currency"].notna(), 1.0)
    deals["value"] = (deals["amount"].fillna(0.0) * rate).astype("float64")
    default_p = deals["stage"].map(stage_p).astype("float64")
    deals["win_probability"] = deals["probability"].fillna(default_p).astype("float64")
    return deals


def _with_names(raws: dict[str, RawTable], config: Config, as_of: dt.date | None,
                ) -> tuple[dict[str, RawTable], list[DataNote]]:
    """Owners, accounts (and leads' campaigns) from the CRM's tables of names, where given."""
    if not config.data.lookups:
        return raws, []
    from report_builder.data.mapped import read_source
    from report_builder.data.names import apply_members, apply_names

    lookups = {name: read_source(name, source, config, as_of)
               for name, source in config.data.lookups.items()}
    members = lookups.pop("campaign_members", None)
    if members is not None:
        raws = apply_members(raws, members, config)
    return apply_names(raws, lookups, config)


def load_dataset(config: Config, *, as_of: dt.date | None = None) -> Dataset:
    """Read and check every table of the dataset; raise DataError listing all fatal problems.
    `as_of`, the meeting date, is what SQL queries may bind as `:as_of`, `:since`, ..."""
    reports: list = []
    name_notes: list[DataNote] = []
    config, rate_table = _with_table_rates(config)
    if config.data.mapped:
        from report_builder.data.mapped import read_mapped

        raws, reports = read_mapped(config, as_of)
        raws, name_notes = _with_names(raws, config, as_of)
    else:
        raws = read_tables(config.data.path, list(DATASET_TABLES))
    problems: list[Problem] = []
    notes: list[DataNote] = [*name_notes] if config.data.mapped else []
    notes += [
        DataNote(report.table, "column_with_values", 0,
                 {"column": column, "header": report.mapped[column],
                  "empty": ", ".join(f"'{h}'" for h in empty)})
        for report in reports for column, empty in report.passed_over.items()]
    for name, raw in list(raws.items()):
        raws[name], empty_rows = without_empty_rows(raw)
        if empty_rows:
            notes.append(DataNote(name, "empty_rows", empty_rows, {"source": raw.source}))
    if "deals" in raws and raws["deals"].frame.empty:
        # a failed or over-filtered export, unless the leads make a pack of their own
        if "leads" in raws and not raws["leads"].frame.empty:
            notes.append(DataNote("deals", "no_deal_rows", 0, {"source": raws["deals"].source}))
        else:
            problems.append(Problem(raws["deals"].source, None, None, None,
                                    "has no deals: a header but no rows below it; export the "
                                    "deals again (the pack needs deals, or leads)"))
    if "stage_history" in raws:
        raws["stage_history"], deleted = without_deleted_rows(raws["stage_history"])
        notes.extend([deleted] if deleted else [])
    if "deals" in raws and not config.data.mapped:  # mapped sources are filtered as mapped
        raws["deals"] = keep_pipelines(raws["deals"], config.data.pipelines, problems)
    frames: dict[str, pd.DataFrame] = {}
    for name, table in DATASET_TABLES.items():
        if name in raws:
            frames[name] = parse_table(raws[name], table, config, problems, notes,
                                       _same_file_dates(name, raws))
        elif name == "stage_history":
            continue  # optional, and only a CRM or a database has one: nothing to note
        elif table.required:
            problems.append(Problem(str(config.data.path), None, None, None,
                                    f"no '{name}' table found: add {name}.csv, {name}.xlsx or "
                                    f"{name}.parquet (or a sheet named '{name}')"))
        else:
            frames[name] = empty_table(table)
            notes.append(DataNote(name, "missing_table", 0))
    if config.data.merge_channel_spellings:
        notes.extend(merge_channel_spellings(frames))
    if "deals" not in frames:
        raise MappedDataError(problems, reports) if reports else DataError(problems)
    sources = {name: raw.source for name, raw in raws.items()}
    first_rows = {name: raw.first_row for name, raw in raws.items()}
    row_numbers = {name: raw.rows for name, raw in raws.items() if raw.rows is not None}
    history = frames.get("stage_history")
    dataset = Dataset(frames["deals"], frames["leads"], frames["targets"], frames["campaigns"],
                      sources=sources, notes=notes, mappings=reports,
                      actions=frames["actions"] if "actions" in raws else None,
                      stage_history=history if history is not None and len(history) else None)
    check_dataset(dataset, config, first_rows=first_rows, problems=problems,
                  row_numbers=row_numbers)
    if problems:
        raise MappedDataError(problems, reports) if reports else DataError(problems)
    _derive_deal_columns(dataset.deals, config, rate_table)
    dataset.currency_rates = dict(config.data.currency_rates)
    if dataset.stage_history is not None:
        dataset.stage_history, unknown = derive_history(dataset.stage_history, dataset.deals,
                                                        config)
        notes.extend([unknown] if unknown else [])
        fill_last_stage_change(dataset.deals, dataset.stage_history)
        for report in reports:
            if report.table == "deals":
                report.mapped.setdefault("last_stage_change_date", "(from the stage history)")
    return dataset
