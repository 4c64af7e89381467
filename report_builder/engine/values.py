"""The values of a mapped table typed as data/parse.py types a frame's, in the engine.

Each canonical column is read by its kind: text trimmed (whole floats as ints), dates with the
table's `date_format` (else data.date_format, else the one format that fits every date: asked
of the data in one profile query, as data/parse.py detects it), amounts with data.decimal,
probabilities in percent for a whole column when one is, booleans in the words data/parse.py
reads, quarters, and times and links read per distinct value in Python. A value that does not
read is not fetched: it becomes a `Check`, a condition that engine/checks.py counts, with the
other checks of the table, in one query, and describes with examples where it holds.
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
from report_builder.data.event_values import LINK_EXAMPLE, TIME_EXAMPLE, time_of_day, web_link
from report_builder.data.parse import _DAY_MONTH_PAIRS, DATE_FORMATS, FALSE_WORDS, TRUE_WORDS
from report_builder.data.schema import Column, Kind, Table
from report_builder.engine.text_dates import parse_date
from report_builder.errors import Problem

ROW = "__row"  # the row number a user sees in the source (null where a table has no order)
TYPED = "__typed_"  # a typed column beside the value as read, in MappedTable.checked
TYPES: dict[Kind, dtypes.DataType] = {
    Kind.ID: dtypes.string, Kind.TEXT: dtypes.string, Kind.QUARTER: dtypes.string,
    Kind.TIME: dtypes.string, Kind.LINK: dtypes.string, Kind.DATE: dtypes.timestamp,
    Kind.TIMESTAMP: dtypes.Timestamp(timezone="UTC"), Kind.AMOUNT: dtypes.float64,
    Kind.PROBABILITY: dtypes.float64, Kind.BOOL: dtypes.boolean,
}
# what data/parse.py strips from an amount (RE2 has no \\u escapes: the no-break space as is)
_MONEY_NOISE = r"[\s" + "\u00a0" + r"']|kr\.?|DKK|EUR|USD|SEK|NOK|GBP|[€$£]"
_TIME_PART = re.compile(r"[ T]*%[HIMSfpzZ].*$")
_THOUSANDS_DOT = r"^\s*(\d{1,3}(\.\d{3})+(,\d+)?|\d+,\d{1,2})\s*$"  # data/mapped.py's


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


@dataclass
class Reading:
    """What typing a table needs to know of its data (asked in one query) and found."""

    table: str  # the canonical table's name
    source: str  # what the user calls it
    date_format: str | None  # the table's own, else data.date_format
    config: Config
    checks: list[Check] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)  # the date columns read from text
    # read as a clean table is read (no text to trim, no percent, no empty rows) without
    # asking the profile first, where only such questions are asked (see `assumed_profile`)
    assume_clean: bool = False
    assumed: bool = False  # it was: the profile's answers are those of a clean table
    # then the profile's questions, of the rows as read beside the typed columns: counted
    # with the checks (engine/checks.py), which have the table read again unless
    # `profile_holds`
    unasked: dict[str, ir.Scalar] = field(default_factory=dict)


def blank(value: ir.Value) -> ir.BooleanValue:
    """True where the cell is empty (null, or only spaces)."""
    if value.type().is_string():
        return value.isnull() | (value.strip() == "")
    return value.isnull()


# What strip() removes sorts before "!", as "" does: comparing a value's first (and last)
# character with it tells cheaply, without trimming every value, where trimming may matter.
_BELOW_TRIMMED = "!"


def maybe_blank(value: ir.Value) -> ir.BooleanValue:
    """True where the cell is empty and in a few other rows (text starting with a character
    below "!"): a cheap first test before `blank`."""
    if value.type().is_string():
        return value.isnull() | (value < _BELOW_TRIMMED)
    return value.isnull()


# what Ibis's strip() removes from either end, on every engine
TRIMMED = " \t\n\r\v\f"


def maybe_padded(value: ir.StringValue) -> ir.BooleanValue:
    """True where trimming may change the text or leave it empty (its first character is
    below "!", or it is "", or it ends in a character strip() removes); False where it surely
    does not. The end is tested with endswith, which compares bytes: right(1) counts the
    characters of every value, and made the profile of 1M deals 0.1 s slower."""
    return ibis.or_(value < _BELOW_TRIMMED, *(value.endswith(c) for c in TRIMMED))


@dataclass(frozen=True)
class EmptyRows:
    """How a table's rows of empty cells are found: `empty` holds for them; the first cell
    may be empty (`maybe`) for them and a few others, cheap to count; `count` counts them."""

    empty: ir.BooleanValue
    first_cell: str
    count: Callable[[], int]

    def maybe(self, table: ir.Table) -> ir.BooleanValue:
        return maybe_blank(table[self.first_cell])


def typed_table(table: ir.Table, canonical: Table, typing: Reading,
                empty_rows: EmptyRows | None = None) -> tuple[ir.Table, ir.Table, int]:
    """`table` with the canonical columns typed beside the values as read (TYPED + name: the
    checks ask both in one query), and the canonical columns alone (a column the source
    lacks: all null), with ROW; and how many rows of empty cells were left out. Those are
    counted only where the query that profiles the columns finds a row whose first cell is
    empty: the test reads every column, and later queries skip it where there are none."""
    asked = {} if empty_rows is None else {
        _MAYBE_EMPTY: table.count(where=empty_rows.maybe(table))}
    profile = _profile(table, canonical, typing, asked)
    left_out = empty_rows.count() if empty_rows and profile.get(_MAYBE_EMPTY) else 0
    if left_out:
        assert empty_rows is not None
        table = table.filter(~empty_rows.empty)
    columns: dict[str, ir.Value] = {}
    for column in canonical.columns:
        if column.name not in table.columns:
            columns[column.name] = ibis.null(TYPES[column.kind])
            continue
        columns[column.name] = _read(table, column, typing, profile)
        if column.not_empty:
            empty = columns[column.name].isnull()
            if column.kind not in (Kind.ID, Kind.TEXT):  # unreadable values are reported apart
                empty &= blank(table[column.name])
            typing.checks.append(Check(canonical.name, column.name, empty,
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
    if typing.assumed:
        typing.unasked = _profile_asks(checked, canonical, typing)
        if empty_rows is not None:
            typing.unasked[_MAYBE_EMPTY] = checked.count(where=empty_rows.maybe(checked))
    typing.checks = [replace(c, condition=checked[f"__check{i}"], over=checked,
                             value=checked[f"__value{i}"] if c.value is not None else None)
                     for i, c in enumerate(checks)]
    canonical_columns = {name: checked[TYPED + name] for name in columns}
    return checked, checked.select(**canonical_columns, **{ROW: checked[ROW]}), left_out


_MAYBE_EMPTY = "__maybe_empty"


def _profile(table: ir.Table, canonical: Table, typing: Reading,
             asked: dict[str, ir.Scalar]) -> dict[str, object]:
    """What reading the columns depends on, in one query: which date formats fit every date
    (unless the config names one), whether a probability column is in percent, which text
    columns hold a value to trim or an empty one (`padded_<column>`); and what is `asked`.
    Where the reading may assume a clean table and every question has an answer for one,
    that answer (`Reading.assumed`), the questions left to the checks."""
    asks = {**asked, **_profile_asks(table, canonical, typing)}
    if not asks:
        return {}
    assumed = assumed_profile(asks) if typing.assume_clean else None
    if assumed is not None:
        typing.assumed = True
        return assumed
    profile = dict(table.aggregate(**asks).to_pyarrow().to_pylist()[0])
    for name in (n for n in _ambiguous(asks) if profile[f"dot_{n}"]):
        typing.problems.append(_ambiguous_amount(table, name, typing.source))
    return profile


def assumed_profile(asks: dict[str, ir.Scalar]) -> dict[str, object] | None:
    """The answers of a clean table (no text to trim, no probability in percent, no row that
    may be empty), where every question asked has one: a date format or a thousands
    separator (text dates and amounts) has none. Reading a Parquet file or a database's
    table, whose columns are typed, asks only these: asked with the checks instead, the
    profile's own pass over the rows (0.6 s for 1M deals) is saved where they hold."""
    answers: dict[str, object] = {}
    for key in asks:
        if key.startswith(("padded_", "pct_")):
            answers[key] = False
        elif key.startswith("max_"):
            answers[key] = None
        elif key == _MAYBE_EMPTY:
            answers[key] = 0
        else:
            return None
    return answers


def profile_holds(found: dict[str, object]) -> bool:
    """Whether the answers `found` to the questions of `assumed_profile` read the table as
    its answers do: no text to trim, no percent (no value over 1), no row that may be
    empty."""
    return all(float(value or 0) <= 1 if key.startswith("max_") else not value  # type: ignore[arg-type]
               for key, value in found.items())


def _ambiguous(asks: dict[str, ir.Scalar]) -> list[str]:
    return [key.removeprefix("dot_") for key in asks if key.startswith("dot_")]


def _profile_asks(table: ir.Table, canonical: Table, typing: Reading) -> dict[str, ir.Scalar]:
    """The profile's questions of `table`'s columns as read (see `_profile`)."""
    asks: dict[str, ir.Scalar] = {}
    dates = [c.name for c in canonical.columns if c.kind is Kind.DATE and c.name in table.columns
             and table[c.name].type().is_string()]
    typing.dates = dates
    fmt = typing.date_format or typing.config.data.date_format
    if dates and not fmt:
        texts = [text_of(table[c]) for c in dates]
        for i, f in enumerate(DATE_FORMATS):
            asks[f"fmt{i}"] = _total([(t.notnull() & parse_date(t, f).isnull()).sum()
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
    for c in canonical.columns:  # text needing no trimming is read as it is by every query
        if c.kind in (Kind.ID, Kind.TEXT) and c.name in table.columns \
                and table[c.name].type().is_string():
            asks[f"padded_{c.name}"] = maybe_padded(table[c.name]).any()
    return asks


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


def _detected_format(profile: dict[str, object], typing: Reading,
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
                typing.source, None, ", ".join(columns), None,
                "every date fits both day-first and month-first; set data.date_format in "
                f"report.toml, e.g. \"{both[0]}\" or \"{both[1]}\""))
        return None
    if full:
        return full[0]
    best = min(misses, key=lambda f: misses[f])
    return best if misses[best] < int(profile["dated"]) else None  # type: ignore[call-overload]


def _read(table: ir.Table, column: Column, typing: Reading,
          profile: dict[str, object]) -> ir.Value:
    value = table[column.name]
    name, kind = column.name, column.kind
    check = typing.checks.append
    tname = typing.table
    if kind in (Kind.ID, Kind.TEXT):
        padded = f"padded_{name}"
        if padded in profile and not profile[padded]:  # no value to trim, none empty
            return value
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
    return number, ~blank(raw) & number.isnull()


def _date(table: ir.Table, column: Column, typing: Reading,
          profile: dict[str, object]) -> ir.Value:
    value = table[column.name]
    if value.type().is_temporal():
        return value.cast(dtypes.timestamp).truncate("D")
    text = text_of(value)
    fmt = typing.date_format or typing.config.data.date_format or \
        _detected_format(profile, typing, typing.dates)
    if fmt is None:  # no format fits (or two do: asked for apart)
        if "_ambiguous" not in profile:
            typing.checks.append(Check(
                typing.table, column.name, text.notnull(), "is not a date; expected dates "
                "in one format, e.g. 2026-11-24; set data.date_format in report.toml",
                table[column.name], over=table))
        return ibis.null(dtypes.timestamp)
    read = parse_date(text, fmt)
    day_only = _TIME_PART.sub("", fmt)
    if day_only != fmt:
        read = read.coalesce(parse_date(text, day_only))
    if "_ambiguous" not in profile:
        sample = dt.date(2026, 11, 24).strftime(fmt)
        typing.checks.append(Check(typing.table, column.name, text.notnull() & read.isnull(),
                                   f"is not a date; expected dates like {sample} ({fmt})",
                                   table[column.name], over=table))
    return read.cast(dtypes.timestamp).truncate("D")


def _each(table: ir.Table, name: str, read_one: Callable[[object], str | None], message: str,
          typing: Reading) -> ir.Value:
    """A column read value by value in Python: its distinct values fetched (campaign times
    and links: a few), read, and mapped back in the engine."""
    text = text_of(table[name])
    distinct = table.select(v=text).filter(lambda t: t.v.notnull()).distinct()
    values = [str(v) for v in distinct.to_pyarrow()["v"].to_pylist()]
    read = {v: read_one(v) for v in values}
    good = {v: r for v, r in read.items() if r is not None}
    out = text.cases(*((ibis.literal(v), ibis.literal(r)) for v, r in good.items()),
                     else_=ibis.null("string")) if good else ibis.null("string")
    typing.checks.append(Check(typing.table, name, text.notnull() & out.isnull(), message,
                               table[name], over=table))
    return out
