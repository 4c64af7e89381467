"""One raw table in the engine (a Parquet scan, a DuckDB file's table, a warehouse table) as a
canonical table, mapped and typed the way the data layer maps and types a frame.

The headers are mapped as data/presets/base.py `apply_mapping` maps them (the preset's
candidates, `[data.columns.<table>]` over them, the first candidate holding values), then
`data.empty_values` and `[data.defaults.<table>]` (data/mapped.py `_fill`), the preset's value
conversions (engine/presets.py), rows with every cell empty dropped, `data.pipelines` kept
(data/pipelines.py), and each column typed as data/parse.py types it (`date_format`,
`decimal`, percentages). A value that does not read is not fetched: it becomes a `Check`, a
condition the checks (engine/checks.py) count and name examples of in one query per table.

Our own tables (no preset mapping) also take the starter workbook's headers and drop-down
words in any language (data/starter_names.py). Not done here: times of day with an offset (the
stage history's `entered`); a dataset with one is read through the data layer
(engine/sources.py decides).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import ibis
import ibis.expr.datatypes as dtypes
import ibis.expr.types as ir

from report_builder.config import Config
from report_builder.data.dataset import DataNote
from report_builder.data.event_values import LINK_EXAMPLE, TIME_EXAMPLE, time_of_day, web_link
from report_builder.data.headers import normalise_header
from report_builder.data.parse import _DAY_MONTH_PAIRS, DATE_FORMATS, FALSE_WORDS, TRUE_WORDS
from report_builder.data.presets import PRESETS
from report_builder.data.schema import Column, Kind, Table
from report_builder.data.starter_names import starter_headers, starter_values
from report_builder.engine.presets import engine_conversions
from report_builder.errors import Problem
from report_builder.text_limits import LISTED, clip, listed

ROW = "__row"  # the row number a user sees in the source (null where a table has no order)
TYPED = "__typed_"  # a typed column beside the value as read, in MappedTable.checked
_TYPES: dict[Kind, dtypes.DataType] = {
    Kind.ID: dtypes.string, Kind.TEXT: dtypes.string, Kind.QUARTER: dtypes.string,
    Kind.TIME: dtypes.string, Kind.LINK: dtypes.string, Kind.DATE: dtypes.timestamp,
    Kind.TIMESTAMP: dtypes.Timestamp(timezone="UTC"), Kind.AMOUNT: dtypes.float64,
    Kind.PROBABILITY: dtypes.float64, Kind.BOOL: dtypes.boolean,
}
# what data/parse.py strips from an amount (RE2 has no \\u escapes: the no-break space as is)
_MONEY_NOISE = r"[\s" + "\u00a0" + r"']|kr\.?|DKK|EUR|USD|SEK|NOK|GBP|[€$£]"
_TIME_PART = re.compile(r"[ T]*%[HIMSfpzZ].*$")
_THOUSANDS_DOT = r"^\s*(\d{1,3}(\.\d{3})+(,\d+)?|\d+,\d{1,2})\s*$"  # data/mapped.py's


@ibis.udf.scalar.builtin(name="try_strptime")
def _try_strptime(text: str, fmt: str) -> dt.datetime:  # type: ignore[empty-body]
    """DuckDB's strptime, null where the text does not fit the format."""


@dataclass(frozen=True)
class EngineRaw:
    """One table as the engine reads it: its own headers, and `ROW`."""

    name: str  # the canonical table it holds
    source: str  # what the user calls it: "deals.parquet", "crm.duckdb, table 'deals'"
    table: ir.Table
    preset: str = "canonical"
    date_format: str | None = None  # the table's own, else data.date_format


@dataclass(frozen=True)
class Check:
    """Rows of `table` where `condition` holds are a problem: `message` about `column`, each
    distinct `value` named once (the first MAX_VALUES unless `every_value`)."""

    table: str
    column: str | None
    condition: ir.BooleanValue
    message: str | Callable[[str], str]  # a function of the value where the text names it
    value: ir.Value | None = None
    every_value: bool = False
    over: ir.Table | None = None  # the table the condition is over; None: the mapped table
    # counted instead of the rows where `condition` holds, where that is cheaper (not 0 when
    # some row fails: the ids repeated, counted without a subquery)
    counted: ir.IntegerScalar | None = None


@dataclass(frozen=True)
class MappedTable:
    """The canonical, typed columns (and ROW) as a lazy expression, with what was found."""

    name: str
    source: str
    table: ir.Table
    problems: tuple[Problem, ...] = ()  # found while mapping (a missing column, a pipeline)
    checks: tuple[Check, ...] = ()  # counted by engine/checks.py
    notes: tuple[DataNote, ...] = ()
    empty_rows: ir.IntegerScalar | None = None  # rows with every cell empty, left out
    # the table's ids as read, without typing the other columns (for checks across tables)
    id_values: ir.Value | None = None
    # the rows as read with the typed columns beside them (TYPED + name); None: no rows read
    checked: ir.Table | None = None

    @property
    def ids(self) -> ir.Value:
        return self.id_values if self.id_values is not None else \
            self.table[_id_column(self.name)]


def _id_column(name: str) -> str:
    from report_builder.data.schema import DATASET_TABLES

    return DATASET_TABLES[name].id_column or ""


@dataclass
class _Typing:
    """What typing a table needs to know of its data (asked in one query) and found."""

    raw: EngineRaw
    config: Config
    checks: list[Check] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)  # the date columns read from text


def empty_canonical(table: Table) -> ir.Table:
    """The table's canonical columns and ROW, no rows."""
    schema = ibis.schema({**{c.name: _TYPES[c.kind] for c in table.columns}, ROW: "int64"})
    return ibis.memtable(schema.to_pyarrow().empty_table())


def map_table(raw: EngineRaw, table: Table, config: Config) -> MappedTable:
    """`raw` as the canonical `table`: headers mapped, values typed; bad values as checks."""
    renamed, passed_over, ignored = _renamed(raw, table, config)
    notes = [DataNote(table.name, "column_with_values", 0,
                      {"column": column, "header": header,
                       "empty": ", ".join(f"'{h}'" for h in empty)})
             for column, (header, empty) in passed_over.items()]
    mapping = PRESETS[raw.preset].tables.get(table.name)
    if mapping is None:
        renamed = _starter_values(renamed, table.name)
    for column in mapping.fill_missing if mapping else ():
        if column not in renamed.columns:
            renamed = renamed.mutate(**{column: ibis.null("string")})
    for convert in engine_conversions(raw.preset, table.name) or ():
        renamed = convert(renamed)
    renamed = _filled(renamed, config.data.empty_values, config.data.defaults.get(table.name, {}))
    missing = [c.name for c in table.columns if c.required and c.name not in renamed.columns]
    if missing:
        found = [c for c in raw.table.columns if c != ROW]
        return MappedTable(table.name, raw.source, empty_canonical(table), (Problem(
            raw.source, 1, None, None, f"missing required column(s): {', '.join(missing)} "
            f"(found: {listed(found) or 'none'})"),))
    if ignored:
        notes.append(DataNote(table.name, "ignored_columns", len(ignored),
                              {"source": raw.source}, tuple(clip(c) for c in ignored[:LISTED])))
    cells = [c for c in renamed.columns if c != ROW]
    blank = ibis.and_(*(_blank(renamed[c]) for c in cells))
    # counted among the rows whose first cell is empty (few: the usual case decided on one)
    maybe = renamed.filter(_blank(renamed[cells[0]]))
    empty_rows = maybe.count(where=ibis.and_(*(_blank(maybe[c]) for c in cells[1:])))
    problems: list[Problem] = []
    kept = renamed
    if table.name == "deals" and config.data.pipelines:
        kept = _kept_pipelines(kept, config.data.pipelines, raw.source, problems)
    ids = text_of(kept[table.id_column]) if table.id_column in kept.columns else None
    typing = _Typing(raw, config, problems=problems)
    checked, typed = _typed(kept.filter(~blank), table, typing)
    return MappedTable(table.name, raw.source, typed, tuple(typing.problems),
                       tuple(typing.checks), tuple(notes), empty_rows, ids, checked)


# -- headers ------------------------------------------------------------------------------------
def _renamed(raw: EngineRaw, table: Table, config: Config,
             ) -> tuple[ir.Table, dict[str, tuple[str, tuple[str, ...]]], list[str]]:
    """The raw columns under canonical names (the rest under their normalised headers), the
    candidates passed over for one holding values, and the headers ignored."""
    originals = [c for c in raw.table.columns if c != ROW]
    first_of: dict[str, str] = {}  # normalised header -> the first original with it
    for original in originals:
        first_of.setdefault(normalise_header(original), original)
    mapping = PRESETS[raw.preset].tables.get(table.name)
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
    passed_over: dict[str, tuple[str, tuple[str, ...]]] = {}
    for canonical, keys in present.items():
        keys = [k for k in keys if k not in renames]
        if not keys:
            continue
        filled = [k for k in keys if holding.get(first_of[k])] if len(keys) > 1 else []
        key = filled[0] if filled else keys[0]
        renames[key] = canonical
        if keys.index(key):
            passed_over[canonical] = (first_of[key],
                                      tuple(first_of[k] for k in keys[:keys.index(key)]))
    taken = set(renames.values())
    known = {c.name for c in table.columns}
    columns: dict[str, ir.Value] = {}
    ignored = []
    for key, original in first_of.items():
        name = renames.get(key, key)
        if name in taken and key not in renames:
            continue  # named like a canonical column another header was mapped to
        columns[name] = raw.table[original]
        if name not in known and name not in taken:
            ignored.append(key)
    return raw.table.select(**columns, **{ROW: raw.table[ROW]}), passed_over, ignored


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
    counts = table.aggregate(**{f"c{i}": (~_blank(table[c])).sum()
                                for i, c in enumerate(columns)}).to_pyarrow().to_pylist()[0]
    return {c: bool(counts[f"c{i}"]) for i, c in enumerate(columns)}


def _blank(value: ir.Value) -> ir.BooleanValue:
    """True where the cell is empty (null, or only spaces)."""
    if value.type().is_string():
        return value.isnull() | (value.strip() == "")
    return value.isnull()


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
            table = table.mutate(**{column: _blank(text).ifelse(ibis.literal(default), text)})
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
def _typed(table: ir.Table, canonical: Table, typing: _Typing) -> tuple[ir.Table, ir.Table]:
    """`table` with the canonical columns typed beside the values as read (TYPED + name: the
    checks ask both in one query), and the canonical columns alone (a column the source
    lacks: all null), with ROW."""
    profile = _profile(table, canonical, typing)
    columns: dict[str, ir.Value] = {}
    for column in canonical.columns:
        if column.name not in table.columns:
            columns[column.name] = ibis.null(_TYPES[column.kind])
            continue
        columns[column.name] = _read(table, column, typing, profile)
        if column.not_empty:
            blank = columns[column.name].isnull()
            if column.kind not in (Kind.ID, Kind.TEXT):  # unreadable values are reported apart
                blank &= _blank(table[column.name])
            typing.checks.append(Check(canonical.name, column.name, blank,
                                       "is empty; every row needs a value here",
                                       over=table))
    # the checks' conditions and values as columns of the same table, so that they are asked
    # of it (with the typed columns' checks) in one query
    checks = typing.checks
    extra: dict[str, ir.Value] = {}
    for i, check in enumerate(checks):
        extra[f"__check{i}"] = check.condition
        if check.value is not None:
            extra[f"__value{i}"] = check.value
    checked = table.mutate(**{TYPED + name: value for name, value in columns.items()}, **extra)
    typing.checks = [replace(c, condition=checked[f"__check{i}"], over=checked,
                             value=checked[f"__value{i}"] if c.value is not None else None)
                     for i, c in enumerate(checks)]
    canonical_columns = {name: checked[TYPED + name] for name in columns}
    return checked, checked.select(**canonical_columns, **{ROW: checked[ROW]})


def _profile(table: ir.Table, canonical: Table, typing: _Typing) -> dict[str, object]:
    """What reading the columns depends on, in one query: which date formats fit every date
    (unless the config names one), whether a probability column is in percent."""
    asks: dict[str, ir.Scalar] = {}
    dates = [c.name for c in canonical.columns if c.kind is Kind.DATE and c.name in table.columns
             and table[c.name].type().is_string()]
    typing.dates = dates
    fmt = typing.raw.date_format or typing.config.data.date_format
    if dates and not fmt:
        texts = [text_of(table[c]) for c in dates]
        for i, f in enumerate(DATE_FORMATS):
            asks[f"fmt{i}"] = _total([(t.notnull() & _try_strptime(t, f).isnull()).sum()
                                      for t in texts])
        asks["dated"] = _total([t.notnull().sum() for t in texts])
    for c in canonical.columns:
        if c.kind is Kind.PROBABILITY and c.name in table.columns:
            value = table[c.name]
            if value.type().is_string():
                asks[f"pct_{c.name}"] = value.contains("%").any()
                value = value.replace("%", "")
            asks[f"max_{c.name}"] = _number(value, typing.config.data.decimal).max()
    ambiguous = [c.name for c in canonical.columns if c.kind is Kind.AMOUNT
                 and c.name in table.columns and table[c.name].type().is_string()] \
        if typing.config.data.mapped and not typing.config.data.decimal_given else []
    for name in ambiguous:
        asks[f"dot_{name}"] = table[name].re_search(_THOUSANDS_DOT).fill_null(False).any()
    if not asks:
        return {}
    profile = dict(table.aggregate(**asks).to_pyarrow().to_pylist()[0])
    for name in (n for n in ambiguous if profile[f"dot_{n}"]):
        typing.problems.append(_ambiguous_amount(table, name, typing.raw.source))
    return profile


def _ambiguous_amount(table: ir.Table, column: str, source: str) -> Problem:
    """data/mapped.py ambiguous_amounts: `1.234` is 1234 or 1.234; data.decimal must say."""
    hits = table.filter(table[column].re_search(_THOUSANDS_DOT).fill_null(False))
    first = hits.order_by(hits[ROW]).limit(1).select(v=hits[column]).to_pyarrow()
    return Problem(source, None, column, str(first["v"][0].as_py()),
                   "could be a whole number with '.' between thousands (European) or a "
                   "decimal fraction; set data.decimal in report.toml: \",\" for 1.234,50 or "
                   "\".\" for 1,234.50")


def _total(counts: list[ir.IntegerScalar]) -> ir.IntegerScalar:
    total = counts[0]
    for count in counts[1:]:
        total = total + count
    return total


def _detected_format(profile: dict[str, object], typing: _Typing,
                     columns: list[str]) -> str | None:
    """The one format that fits every date, as data/parse.py detects it (both day-first and
    month-first fitting: a problem asking for data.date_format)."""
    if "dated" not in profile:
        return DATE_FORMATS[0]
    if not profile["dated"]:
        return DATE_FORMATS[0]
    misses = {f: int(profile[f"fmt{i}"] or 0) for i, f in enumerate(DATE_FORMATS)}  # type: ignore
    full = [f for f, n in misses.items() if n == 0]
    both = next((pair for pair in _DAY_MONTH_PAIRS if set(pair) <= set(full)), None)
    if both is not None:
        key = "_ambiguous"
        if key not in profile:
            profile[key] = True
            typing.problems.append(Problem(
                typing.raw.source, None, ", ".join(columns), None,
                "every date fits both day-first and month-first; set data.date_format in "
                f"report.toml, e.g. \"{both[0]}\" or \"{both[1]}\""))
        return None
    if full:
        return full[0]
    best = min(misses, key=lambda f: misses[f])
    return best if misses[best] < int(profile["dated"]) else None  # type: ignore[call-overload]


def _read(table: ir.Table, column: Column, typing: _Typing,
          profile: dict[str, object]) -> ir.Value:
    value = table[column.name]
    name, kind = column.name, column.kind
    check = typing.checks.append
    tname = typing.raw.name
    if kind in (Kind.ID, Kind.TEXT):
        return text_of(value)
    if kind is Kind.DATE:
        return _date(table, column, typing, profile)
    if kind in (Kind.AMOUNT, Kind.PROBABILITY):
        if kind is Kind.PROBABILITY and value.type().is_string():
            value = value.replace("%", "")
        number, unreadable = _amount(value, typing.config.data.decimal)
        if unreadable is not None:
            example = "1234567,50" if typing.config.data.decimal == "," else "1234567.50"
            check(Check(tname, name, unreadable, "is not an amount; expected a number like "
                        f"{example} (decimal separator '{typing.config.data.decimal}', set by "
                        "data.decimal)", table[name], over=table))
        infinite = number.isinf().fill_null(False)
        check(Check(tname, name, infinite, "is not a finite number; expected an amount like "
                    "1234567.50", table[name], over=table))
        number = infinite.ifelse(ibis.null("float64"), number)
        check(Check(tname, name, (number < 0).fill_null(False),
                    "is negative; amounts must be 0 or more", table[name], over=table))
        if kind is Kind.AMOUNT:
            return number
        percent = bool(profile.get(f"pct_{name}")) or float(
            profile.get(f"max_{name}") or 0) > 1  # type: ignore[arg-type]
        number = number / 100 if percent else number
        above = (number > 1).fill_null(False)
        check(Check(tname, name, above, "is over 100%; probabilities are 0-1 or 0-100 per column",
                    table[name], over=table))
        return above.ifelse(ibis.null("float64"), number)
    if kind is Kind.BOOL:
        if value.type().is_boolean():
            return value
        words = value.cast("string").strip().lower()
        read = ibis.cases((words.isin(sorted(TRUE_WORDS)), True),
                          (words.isin(sorted(FALSE_WORDS)), False), else_=ibis.null("boolean"))
        check(Check(tname, name, words.notnull() & (words != "") & read.isnull(),
                    "is not yes/no; expected true or false (also yes/no, 1/0)", table[name],
                    over=table))
        return read
    if kind is Kind.QUARTER:
        text = text_of(value)
        label = text.upper().replace(" ", "")
        ok = label.re_search(r"^[0-9]{4}-Q[1-4]$")
        check(Check(tname, name, text.notnull() & ~ok,
                    "is not a quarter; expected a label like 2026-Q4", table[name], over=table))
        return ok.ifelse(label, ibis.null("string"))
    if kind in (Kind.TIME, Kind.LINK):
        read_one, message = (time_of_day, f"is not a time; expected {TIME_EXAMPLE}") \
            if kind is Kind.TIME else (web_link, f"is not a web link; expected {LINK_EXAMPLE}")
        return _each(table, name, read_one, message, typing)
    raise ValueError(f"the engine does not read {kind.value} columns ({tname}.{name})")


def text_of(value: ir.Value) -> ir.StringValue:
    """Text as data/parse.py `text` reads it: trimmed, empty as null, whole floats as ints."""
    if value.type().is_floating():
        whole = (value == value.floor()) & (value.abs() < 2**53)
        value = whole.ifelse(value.cast("int64").cast("string"), value.cast("string"))
    elif not value.type().is_string():
        value = value.cast("string")
    text = value.strip()
    return (text == "").ifelse(ibis.null("string"), text)


def _number(value: ir.Value, decimal: str) -> ir.FloatingValue:
    return _amount(value, decimal)[0]


def _amount(value: ir.Value, decimal: str) -> tuple[ir.FloatingValue, ir.BooleanValue | None]:
    """The number, and where text was given that is no number (None: a numeric column)."""
    if value.type().is_numeric() and not value.type().is_boolean():
        return value.cast("float64"), None
    raw = value.cast("string")
    text = raw.strip().re_replace(_MONEY_NOISE, "")
    text = text.replace(".", "").replace(",", ".") if decimal == "," else text.replace(",", "")
    number = text.try_cast("float64")
    number = number.isnan().fill_null(False).ifelse(ibis.null("float64"), number)
    return number, ~_blank(raw) & number.isnull()


def _date(table: ir.Table, column: Column, typing: _Typing,
          profile: dict[str, object]) -> ir.Value:
    value = table[column.name]
    if value.type().is_temporal():
        return value.cast(dtypes.timestamp).truncate("D")
    text = text_of(value)
    fmt = typing.raw.date_format or typing.config.data.date_format or \
        _detected_format(profile, typing, typing.dates)
    if fmt is None:  # no format fits (or two do: asked for apart)
        if "_ambiguous" not in profile:
            typing.checks.append(Check(
                typing.raw.name, column.name, text.notnull(), "is not a date; expected dates "
                "in one format, e.g. 2026-11-24; set data.date_format in report.toml",
                table[column.name], over=table))
        return ibis.null(dtypes.timestamp)
    read = _try_strptime(text, fmt)
    day_only = _TIME_PART.sub("", fmt)
    if day_only != fmt:
        read = read.coalesce(_try_strptime(text, day_only))
    if "_ambiguous" not in profile:
        sample = dt.date(2026, 11, 24).strftime(fmt)
        typing.checks.append(Check(typing.raw.name, column.name, text.notnull() & read.isnull(),
                                   f"is not a date; expected dates like {sample} ({fmt})",
                                   table[column.name], over=table))
    return read.cast(dtypes.timestamp).truncate("D")


def _each(table: ir.Table, name: str, read_one: Callable[[object], str | None], message: str,
          typing: _Typing) -> ir.Value:
    """A column read value by value in Python: its distinct values fetched (campaign times
    and links: a few), read, and mapped back in the engine."""
    text = text_of(table[name])
    distinct = table.select(v=text).filter(lambda t: t.v.notnull()).distinct()
    values = [str(v) for v in distinct.to_pyarrow()["v"].to_pylist()]
    read = {v: read_one(v) for v in values}
    good = {v: r for v, r in read.items() if r is not None}
    out = text.cases(*((ibis.literal(v), ibis.literal(r)) for v, r in good.items()),
                     else_=ibis.null("string")) if good else ibis.null("string")
    typing.checks.append(Check(typing.raw.name, name, text.notnull() & out.isnull(), message,
                               table[name], over=table))
    return out
