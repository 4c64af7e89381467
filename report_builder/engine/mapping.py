"""One raw table in the engine (a Parquet scan, a DuckDB file's table, a warehouse table) as a
canonical table, mapped the way the data layer maps a frame (and typed by engine/values.py).

The headers are mapped as data/presets/base.py `apply_mapping` maps them (the preset's
candidates, `[data.columns.<table>]` over them, the first candidate holding values), then
`data.empty_values` and `[data.defaults.<table>]` (data/mapped.py `_fill`), the preset's value
conversions (engine/presets.py), rows with every cell empty dropped, `data.pipelines` kept
(data/pipelines.py), and each column typed as data/parse.py types it (engine/values.py).

Our own tables (no preset mapping) also take the starter workbook's headers and drop-down
words in any language (data/starter_names.py). Not done here: times of day with an offset (the
stage history's `entered`); a dataset with one is read through the data layer
(engine/sources.py decides).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir

from report_builder.config import Config
from report_builder.data.dataset import DataNote
from report_builder.data.headers import normalise_header
from report_builder.data.presets import PRESETS, MappingReport
from report_builder.data.schema import DATASET_TABLES, Table
from report_builder.data.starter_names import starter_headers, starter_values
from report_builder.engine.presets import engine_conversions
from report_builder.engine.values import (
    ROW,
    TYPED,
    TYPES,
    Check,
    EmptyRows,
    Reading,
    blank,
    maybe_blank,
    typed_table,
)
from report_builder.errors import Problem
from report_builder.text_limits import LISTED, clip, listed


@dataclass(frozen=True)
class EngineRaw:
    """One table as the engine reads it: its own headers, and `ROW`."""

    name: str  # the canonical table it holds
    source: str  # what the user calls it: "deals.parquet", "crm.duckdb, table 'deals'"
    table: ir.Table
    preset: str = "canonical"
    date_format: str | None = None  # the table's own, else data.date_format


@dataclass(frozen=True)
class MappedTable:
    """The canonical, typed columns (and ROW) as a lazy expression, with what was found."""

    name: str
    source: str
    table: ir.Table
    problems: tuple[Problem, ...] = ()  # found while mapping (a missing column, a pipeline)
    checks: tuple[Check, ...] = ()  # counted by engine/checks.py
    notes: tuple[DataNote, ...] = ()
    empty_rows: int = 0  # rows with every cell empty, left out
    # the table's ids, none null (for checks across tables: a lead's deal, a campaign)
    id_values: ir.Value | None = None
    # the rows as read with the typed columns beside them (TYPED + name); None: no rows read
    checked: ir.Table | None = None
    report: MappingReport | None = None  # how the columns were mapped, for `validate`
    # the profile's questions, where the table was read as a clean one without asking them
    # (values.py `assumed_profile`): asked of `checked` with the checks
    unasked: dict[str, ir.Scalar] = field(default_factory=dict)

    @property
    def ids(self) -> ir.Value:
        return self.id_values if self.id_values is not None else \
            self.table[_id_column(self.name)]


def _id_column(name: str) -> str:
    return DATASET_TABLES[name].id_column or ""


def empty_canonical(table: Table) -> ir.Table:
    """The table's canonical columns and ROW, no rows."""
    schema = ibis.schema({**{c.name: TYPES[c.kind] for c in table.columns}, ROW: "int64"})
    return ibis.memtable(schema.to_pyarrow().empty_table())


def map_table(raw: EngineRaw, table: Table, config: Config, *,
              assume_clean: bool = False) -> MappedTable:
    """`raw` as the canonical `table`: headers mapped, values typed; bad values as checks.
    `assume_clean`: read as a clean table where the profile allows it (values.py
    `assumed_profile`), its questions left in `MappedTable.unasked`."""
    renamed, report, ignored = _renamed(raw, table, config)
    notes = [DataNote(table.name, "column_with_values", 0,
                      {"column": column, "header": report.mapped[column],
                       "empty": ", ".join(f"'{h}'" for h in empty)})
             for column, empty in report.passed_over.items()]
    mapping = PRESETS[raw.preset].tables.get(table.name)
    if mapping is None:
        renamed = _starter_values(renamed, table.name)
    for column in mapping.fill_missing if mapping else ():
        if column not in renamed.columns:
            renamed = renamed.mutate(**{column: ibis.null("string")})
            report.added_empty.append(column)
    for convert in engine_conversions(raw.preset, table.name) or ():
        renamed = convert(renamed)
    known = {c.name for c in table.columns}
    for column in renamed.columns:  # columns a conversion made
        if column in known and column not in report.mapped and column not in report.added_empty:
            report.mapped[column] = "(derived by the preset)"
    defaults = config.data.defaults.get(table.name, {})
    renamed = _filled(renamed, config.data.empty_values, defaults)
    for column, value in defaults.items():
        if column in report.added_empty:
            report.added_empty.remove(column)
        report.mapped.setdefault(column, f"default {value!r}")
        report.defaults[column] = value
    missing = [c.name for c in table.columns if c.required and c.name not in renamed.columns]
    if missing:
        found = [c for c in raw.table.columns if c != ROW]
        return MappedTable(table.name, raw.source, empty_canonical(table), (Problem(
            raw.source, 1, None, None, f"missing required column(s): {', '.join(missing)} "
            f"(found: {listed(found) or 'none'})"),), report=report)
    if ignored:
        notes.append(DataNote(table.name, "ignored_columns", len(ignored),
                              {"source": raw.source}, tuple(clip(c) for c in ignored[:LISTED])))
    cells = [c for c in renamed.columns if c != ROW]
    first_empty = maybe_blank(renamed[cells[0]])

    def count_empty() -> int:
        """Rows of empty cells, counted among those whose first cell may be empty (few)."""
        maybe = renamed.filter(first_empty)
        return int(maybe.count(where=ibis.and_(*(blank(maybe[c]) for c in cells[1:])))
                   .to_pyarrow().as_py() or 0)

    empty = EmptyRows(ibis.and_(*(blank(renamed[c]) for c in cells)), cells[0], count_empty)
    problems: list[Problem] = []
    typing = Reading(table.name, raw.source, raw.date_format, config, problems=problems,
                     assume_clean=assume_clean)
    if table.name == "deals" and config.data.pipelines:  # the profile is of the kept deals
        empty_rows = count_empty()
        kept = renamed.filter(~empty.empty) if empty_rows else renamed
        kept = _kept_pipelines(kept, config.data.pipelines, raw.source, problems)
        checked, typed, _ = typed_table(kept, table, typing)
    else:
        kept = renamed
        checked, typed, empty_rows = typed_table(kept, table, typing, empty)
    ids = None
    if table.id_column is not None and table.id_column in kept.columns:
        # the ids as the profile read them, trimmed only where a value needs it (trimming a
        # million deal ids for the leads' check of their deal took 0.2 s); none null, for a
        # null among them makes every `NOT IN` unknown, and no lead's deal unknown
        known = checked.filter(checked[TYPED + table.id_column].notnull())
        ids = known[TYPED + table.id_column]
    return MappedTable(table.name, raw.source, typed, tuple(typing.problems),
                       tuple(typing.checks), tuple(notes), empty_rows, ids, checked, report,
                       typing.unasked)


# -- headers ------------------------------------------------------------------------------------
def _renamed(raw: EngineRaw, table: Table, config: Config,
             ) -> tuple[ir.Table, MappingReport, list[str]]:
    """The raw columns under canonical names (the rest under their normalised headers), how
    they were mapped (as data/presets apply_mapping reports it), and the headers ignored."""
    originals = [c for c in raw.table.columns if c != ROW]
    mapping = PRESETS[raw.preset].tables.get(table.name)
    report = MappingReport(table.name, raw.source, raw.preset if mapping else "canonical")
    first_of: dict[str, str] = {}  # normalised header -> the first original with it
    for original in originals:
        if normalise_header(original) in first_of:
            report.duplicates.append(original)
        first_of.setdefault(normalise_header(original), original)
    candidates = dict(mapping.columns) if mapping else {}
    if mapping is None:  # our own tables: the starter's headers in any language
        for key, canonical in starter_headers(table.name).items():
            if key in first_of and canonical != key and canonical not in first_of:
                candidates.setdefault(canonical, (first_of[key],))
    for canonical, header in config.data.columns.get(table.name, {}).items():
        candidates[canonical] = (header,)
    present = {canonical: list(dict.fromkeys(k for k in map(normalise_header, headers)
                                             if k in first_of))
               for canonical, headers in candidates.items()}
    holding = _holding_values(raw.table, [first_of[k] for keys in present.values()
                                          if len(keys) > 1 for k in keys])
    renames: dict[str, str] = {}  # normalised header -> canonical
    for canonical, keys in present.items():
        keys = [k for k in keys if k not in renames]
        if not keys:
            continue
        filled = [k for k in keys if holding.get(first_of[k])] if len(keys) > 1 else []
        key = filled[0] if filled else keys[0]
        renames[key] = canonical
        report.mapped[canonical] = first_of[key]
        if keys.index(key):
            report.passed_over[canonical] = tuple(first_of[k] for k in keys[:keys.index(key)])
    taken = set(renames.values())
    known = {c.name for c in table.columns}
    columns: dict[str, ir.Value] = {}
    ignored = []
    for key, original in first_of.items():
        name = renames.get(key, key)
        if name in taken and key not in renames:
            continue  # named like a canonical column another header was mapped to
        columns[name] = raw.table[original]
        if name in known and name not in taken:
            report.mapped[name] = original
        elif name not in known:
            ignored.append(key)
            report.ignored.append(original)
    return raw.table.select(**columns, **{ROW: raw.table[ROW]}), report, ignored


def _starter_values(table: ir.Table, name: str) -> ir.Table:
    """The starter's drop-down words of any language as our values ("afvist" -> rejected)."""
    changes = {}
    for column in table.columns:
        words = starter_values(name, column)
        if words:
            text = table[column].cast("string")
            key = text.strip().lower().replace("-", " ").re_replace(r"\s+", "_")
            changes[column] = key.cases(*((ibis.literal(w), ibis.literal(v))
                                          for w, v in words.items()), else_=text)
    return table.mutate(**changes) if changes else table


def _holding_values(table: ir.Table, columns: list[str]) -> dict[str, bool]:
    """Which of `columns` hold a value in some row (one query; none when `columns` is empty)."""
    if not columns:
        return {}
    counts = table.aggregate(**{f"c{i}": (~blank(table[c])).sum()
                                for i, c in enumerate(columns)}).to_pyarrow().to_pylist()[0]
    return {c: bool(counts[f"c{i}"]) for i, c in enumerate(columns)}


def _filled(table: ir.Table, empty_values: tuple[str, ...],
            defaults: dict[str, str]) -> ir.Table:
    """`data.empty_values` read as empty, then `[data.defaults.<table>]` in empty cells."""
    changes: dict[str, ir.Value] = {}
    for column in table.columns:
        value = table[column]
        if empty_values and value.type().is_string():
            changes[column] = value.strip().isin(list(empty_values)).ifelse(
                ibis.null("string"), value)
    table = table.mutate(**changes) if changes else table
    for column, default in defaults.items():
        if column not in table.columns:
            table = table.mutate(**{column: ibis.literal(default)})
        else:
            text = table[column].cast("string")
            table = table.mutate(**{column: blank(text).ifelse(ibis.literal(default), text)})
    return table


def _kept_pipelines(deals: ir.Table, pipelines: tuple[str, ...], source: str,
                    problems: list[Problem]) -> ir.Table:
    """The deals of `pipelines`; a name no deal is in is a problem listing those found."""
    text = deals.pipeline.cast("string").strip() if "pipeline" in deals.columns else None
    found: list[str] = []
    if text is not None:
        names = deals.select(p=text).filter(lambda t: t.p.notnull() & (t.p != "")).distinct()
        found = sorted(str(v) for v in names.to_pyarrow()["p"].to_pylist())
    unknown = [name for name in pipelines if name.strip() not in found]
    if unknown or text is None:
        shown = ", ".join(repr(n) for n in found) if found else \
            "none: the deals have no pipeline column"
        problems.extend(Problem(source, None, "pipeline", name, "data.pipelines in report.toml "
                                f"names a pipeline no deal is in; pipelines found: {shown}")
                        for name in unknown)
        return deals
    return deals.filter(text.isin([name.strip() for name in pipelines]).fill_null(False))


# -- values -------------------------------------------------------------------------------------
