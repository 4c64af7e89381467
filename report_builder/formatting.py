"""Locale-aware formatting of every number and date the pack shows.

One `Formatter` per render, built from the company's locale and currency. Templates use its
methods as Jinja filters and chart code uses it for labels and axis ticks, so no renderer formats a
number by hand. Missing values (None) show as a dash.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton, format_time
from babel.numbers import (
    format_compact_currency,
    format_decimal,
    format_percent,
    get_currency_symbol,
)
from babel.units import format_unit

from report_builder.periods import parse_quarter_label

MISSING = "\u2013"  # what a missing value (None) shows as
NBSP = "\u00a0"

KINDS = ("money", "money_short", "percent", "count", "ratio", "days", "date", "day_month")
_LONG_NUMBER = re.compile(r"\d{4}")  # four digits without a separator: not a short form
_FIRST_NUMBER = re.compile(r"\d+([.,]\d+)?")  # a short amount's number, with its decimal if any
# How each language names a quarter; others read "Q4 2026"
_QUARTER_PATTERNS = {"da": "{quarter}. kvt. {year}", "en": "Q{quarter} {year}"}


class Formatter:
    """Formats money, counts, ratios and dates for one locale and currency.

    Babel's output is kept as is, including its non-breaking spaces (`1.234.567\\u00a0kr.`), so
    a figure never wraps between the number and its unit.
    """

    def __init__(self, locale: str, currency: str) -> None:
        self.locale = Locale.parse(locale)
        self.currency = currency.upper()
        pattern = copy.copy(self.locale.currency_formats["standard"])
        pattern.frac_prec = (0, 0)
        self._money_pattern = pattern
        self._symbol = get_currency_symbol(self.currency, self.locale)

    @property
    def decimal_symbol(self) -> str:
        return str(self.locale.number_symbols["latn"]["decimal"])

    @property
    def group_symbol(self) -> str:
        return str(self.locale.number_symbols["latn"]["group"])

    @property
    def plotly_separators(self) -> str:
        """Plotly's `layout.separators`: the decimal mark, then the thousands separator."""
        group = self.group_symbol
        return self.decimal_symbol + (" " if group.isspace() else group)

    def money(self, x: float | None) -> str:
        """An amount in whole currency units: `1.234.567 kr.`, `€1,234,567`."""
        if x is None or _missing(x):
            return MISSING
        text = self._money_pattern.apply(round(x), self.locale, currency=self.currency,
                                         currency_digits=False, decimal_quantization=True)
        return self._space_symbol(text)

    def money_short(self, x: float | None, *, one_decimal: bool = False) -> str:
        """A rounded amount for chart axes and tiles: `35,4 tkr.`, `1,2 mio. kr.`, `€1.2m`.

        Where the locale has no short form for an amount (German thousands), the whole amount
        is written as `money` writes it, with its separators. Danish kroner in thousands are
        `tkr.`, as Danish business writing has them (CLDR's `t kr.` reads as a typo). With
        `one_decimal`, millions and more keep their decimal when it is 0 (`7,0 mio. kr.`), so
        amounts compared in one sentence read alike (`7,0 mio. kr. af 15,1 mio. kr.`).
        """
        if x is None or _missing(x):
            return MISSING
        if abs(x) < 1000:
            return self.money(x)
        text = format_compact_currency(x, self.currency, locale=self.locale, fraction_digits=1)
        if _LONG_NUMBER.search(text):  # no compact pattern: Babel wrote the bare digits
            return self.money(x)
        text = self._space_symbol(text)
        if self.locale.language == "da" and self._symbol == "kr.":
            text = text.replace(f"{NBSP}t{NBSP}kr.", f"{NBSP}tkr.")
        if one_decimal and abs(x) >= 1_000_000:
            text = _FIRST_NUMBER.sub(
                lambda n: n.group() if n.group(1) else f"{n.group()}{self.decimal_symbol}0",
                text, count=1)
        return text

    def percent(self, x: float | None) -> str:
        """A fraction as a whole percentage: 0.253 -> `25 %` (da), `25%` (en)."""
        if x is None or _missing(x):
            return MISSING
        return format_percent(x, locale=self.locale)

    def count(self, n: float | None) -> str:
        """A whole number with thousands separators: `1.234`."""
        if n is None or _missing(n):
            return MISSING
        return format_decimal(round(n), locale=self.locale)

    def ratio(self, x: float | None) -> str:
        """A multiple with one decimal, such as pipeline coverage: `2,4×`."""
        if x is None or _missing(x):
            return MISSING
        return format_decimal(x, "#,##0.0", locale=self.locale) + "\u00d7"

    def days(self, n: float | None) -> str:
        """A number of days, whole: `12 dage`, `1 day`."""
        if n is None or _missing(n):
            return MISSING
        return format_unit(round(n), "duration-day", length="long", locale=self.locale)

    def date(self, d: dt.date | None) -> str:
        """A date in the locale's medium form: `24. nov. 2026`, `24 Nov 2026`."""
        if d is None:
            return MISSING
        return format_date(d, "medium", locale=self.locale)

    def date_range(self, start: dt.date | None, end: dt.date | None) -> str:
        """Two dates as the locale writes a span, the shared month and year once:
        `11.–24. nov. 2026`, `11 – 24 Nov 2026`, `27. okt.–12. nov. 2026`."""
        if start is None or end is None:
            return f"{self.date(start)} \u2013 {self.date(end)}"
        return str(format_interval(start, end, "yMMMd", locale=self.locale))

    def full_date(self, d: dt.date | None) -> str:
        """A date with its weekday, for an event: `tirsdag den 8. december 2026`,
        `Tuesday, 8 December 2026`."""
        if d is None:
            return MISSING
        return format_date(d, "full", locale=self.locale)

    def time_of_day(self, t: dt.time | None) -> str:
        """A time of day in the locale's short form: `14.00`, `14:00`, `2:00 PM`."""
        if t is None:
            return MISSING
        return format_time(t, "short", locale=self.locale)

    def day_month(self, d: dt.date | None) -> str:
        """A short date without the year, for chart ticks: `24. nov.`, `24 Nov`."""
        if d is None:
            return MISSING
        return format_skeleton("MMMd", d, locale=self.locale)

    def month_year(self, d: dt.date | None) -> str:
        """A month: `november 2026`, `November 2026`."""
        if d is None:
            return MISSING
        return format_skeleton("yMMMM", d, locale=self.locale)

    def quarter(self, label: str | None) -> str:
        """A fiscal quarter as the locale writes it: `2026-Q4` -> `4. kvt. 2026`, `Q4 2026`.
        The quarter is the fiscal one; its year is the year it ends in, as the model names it."""
        if label is None:
            return MISSING
        parsed = parse_quarter_label(label)
        if parsed is None:
            raise ValueError(f"not a quarter label: {label!r}; expected the form 2026-Q4")
        year, number = parsed
        pattern = _QUARTER_PATTERNS.get(self.locale.language, "Q{quarter} {year}")
        return pattern.format(quarter=number, year=year)

    def value(self, x: float | dt.date | None, kind: str) -> str:
        """Format by kind name: one of KINDS (money, percent, count, ratio, days, date...)."""
        if kind not in KINDS:
            raise ValueError(f"unknown figure kind {kind!r}; expected one of {', '.join(KINDS)}")
        method = getattr(self, kind)
        return str(method(x))

    def filters(self) -> dict[str, object]:
        """The methods as Jinja filters, by name."""
        return {name: getattr(self, name) for name in KINDS} | {
            "fmt": self.value, "quarter": self.quarter, "date_range": self.date_range}

    def _space_symbol(self, text: str) -> str:
        """CLDR currency spacing: a letter symbol next to a digit gets a no-break space.

        Babel does not apply it, which gives `DKK1,234` in en_GB; CLDR says `DKK 1,234`.
        """
        symbol = self._symbol
        if not symbol or not symbol[-1].isalpha():
            return text
        start = text.find(symbol)
        end = start + len(symbol)
        if start >= 0 and end < len(text) and text[end].isdigit():
            text = text[:end] + NBSP + text[end:]
        if start > 0 and symbol[0].isalpha() and text[start - 1].isdigit():
            text = text[:start] + NBSP + text[start:]
        return text


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))
