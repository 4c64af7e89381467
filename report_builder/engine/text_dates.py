"""Dates written as text, read in the engine with a strptime format (data/parse.py's
DATE_FORMATS): null where the text does not fit the format or names no real day.

DuckDB has `try_strptime`. PostgreSQL's `to_timestamp` and Spark's (in ANSI mode) fail the
query on a text that does not fit instead of giving null, so on every other engine the text is
matched with a pattern made from the format, its parts taken out as numbers and checked (month
1-12, the day within its month, leap years included, the time within the day), and only then
made a timestamp. Both read what DuckDB reads: 1 to 4 digits of year for %Y, 1 or 2 for every
other part, %y 69-99 as 19xx and 00-68 as 20xx. The portable reading gives the day at
midnight (the time is checked, not kept; the pack reads days, and not every engine makes a
timestamp from parts).
"""

from __future__ import annotations

import datetime as dt
import re

import ibis
import ibis.expr.types as ir

from report_builder.engine.backends import expression_kind

# each directive a format may hold: its pattern, and the part of the timestamp it gives
_DIRECTIVES = {"Y": (r"(\d{1,4})", "year"), "y": (r"(\d{1,2})", "year2"),
               "m": (r"(\d{1,2})", "month"), "d": (r"(\d{1,2})", "day"),
               "H": (r"(\d{1,2})", "hour"), "M": (r"(\d{1,2})", "minute"),
               "S": (r"(\d{1,2})", "second")}


@ibis.udf.scalar.builtin(name="try_strptime")
def _try_strptime(text: str, fmt: str) -> dt.datetime:  # type: ignore[empty-body]
    """DuckDB's strptime, null where the text does not fit the format."""


def parse_date(text: ir.StringValue, fmt: str) -> ir.TimestampValue:
    """`text` (trimmed) read with `fmt` on the engine `text` is on; null where it does not fit.
    Its day is what counts (the time of a format with one may be dropped: the pack reads days)."""
    if expression_kind(text) in ("duckdb", None):
        return _try_strptime(text, fmt)  # type: ignore[no-any-return]
    return portable_parse_date(text, fmt)


def _format_pattern(fmt: str) -> tuple[str, list[str]]:
    """The regular expression a text of `fmt` matches whole, and the part each group gives."""
    pattern, parts, i = "^", [], 0
    while i < len(fmt):
        if fmt[i] == "%" and i + 1 < len(fmt):
            directive = _DIRECTIVES.get(fmt[i + 1])
            if directive is None:
                raise ValueError(f"the engine reads no %{fmt[i + 1]} in a date format ({fmt})")
            pattern += directive[0]
            parts.append(directive[1])
            i += 2
        else:
            pattern += re.escape(fmt[i])
            i += 1
    return pattern + "$", parts


def portable_parse_date(text: ir.StringValue, fmt: str) -> ir.TimestampValue:
    """`parse_date` in operations every engine has (a pattern, numbers, a made date)."""
    pattern, parts = _format_pattern(fmt)
    number = {part: text.re_extract(pattern, i + 1).cast("int64") for i, part in enumerate(parts)}
    if "year2" in number:
        two = number.pop("year2")
        number["year"] = (two < 69).ifelse(2000 + two, 1900 + two)
    year, month, day = number["year"], number["month"], number["day"]
    hour, minute, second = (number.get(p, ibis.literal(0)) for p in ("hour", "minute", "second"))
    leap = ((year % 4) == 0) & (((year % 100) != 0) | ((year % 400) == 0))
    days = ibis.cases((month == 2, leap.ifelse(29, 28)), (month.isin([4, 6, 9, 11]), 30),
                      else_=31)
    real = ((year >= 1) & month.between(1, 12) & (day >= 1) & (day <= days) & (hour < 24)
            & (minute < 60) & (second < 60))
    made = ibis.date(year, month, day).cast("timestamp")  # every engine makes a date
    none = ibis.null("timestamp")
    # nested: an engine that fails on a bad number or day never sees one (the parts are taken
    # out only where the text matches, the timestamp made only where they name a real time)
    return text.re_search(pattern).ifelse(real.ifelse(made, none), none)  # type: ignore[no-any-return]
