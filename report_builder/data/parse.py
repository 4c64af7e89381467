"""Turn a raw table's columns into typed columns, collecting a Problem for every bad value.

All parsing works on the column's distinct values, so a million rows with a few thousand distinct
dates cost a few thousand parses. Dates are read with one format for the whole column: the one the
config names, or the one format that fits every value; a column where both day-first and
month-first fit every value is an error asking for `data.date_format`, never a guess per value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from report_builder.data.event_values import LINK_EXAMPLE, TIME_EXAMPLE, time_of_day, web_link
from report_builder.data.problems import grouped_problems
from report_builder.data.schema import Column, Kind
from report_builder.data.sources import RawTable
from report_builder.data.timestamps import (
    ACCEPTED,
    date_text,
    local_times,
    read_timestamps,
)
from report_builder.data.timestamps import dtype as moment_dtype
from report_builder.errors import Problem
from report_builder.periods import parse_quarter_label

DATE_FORMATS = (
    "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d",
    "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y", "%m/%d/%Y", "%m-%d-%Y", "%d.%m.%y", "%d/%m/%y",
    "%m/%d/%y",
)
# day-first and month-first formats that read the same text; both fitting is never guessed
_DAY_MONTH_PAIRS = (("%d/%m/%Y", "%m/%d/%Y"), ("%d/%m/%y", "%m/%d/%y"), ("%d-%m-%Y", "%m-%d-%Y"))
TRUE_WORDS = {"true", "yes", "y", "1", "ja", "x", "sand", "wahr", "t"}
FALSE_WORDS = {"false", "no", "n", "0", "nej", "falsk", "f"}


class ColumnParser:
    """Parses the columns of one raw table; `problems` collects what could not be read."""

    def __init__(self, raw: RawTable, *, date_format: str | None, decimal: str,
                 date_columns: tuple[str, ...] = (),
                 detect_also: tuple[pd.Series, ...] = (),
                 timestamp_columns: tuple[str, ...] = (), timezone: str = "UTC") -> None:
        self.raw = raw
        self.date_format = date_format
        self.decimal = decimal
        self.date_columns = date_columns  # detection looks at all of them together
        # columns with a time of day (and maybe an offset): detection reads their date part,
        # and they are held in `timezone` (company.timezone)
        self.timestamp_columns = timestamp_columns
        self.timezone = timezone
        # dates of a table read from the same file (HubSpot's deals and their stage history),
        # looked at too, so that both get one format
        self.detect_also = detect_also
        self.problems: list[Problem] = []
        self.ambiguous = False
        self._detected: str | None = None

    # -- helpers -------------------------------------------------------------------------------
    def report(self, column: str, bad: pd.Series, message: str) -> None:
        """Add one Problem per distinct bad value, with its count and first rows."""
        positions = np.flatnonzero(bad.to_numpy(dtype=bool, na_value=False))
        self.problems.extend(grouped_problems(
            self.raw.source, column, message, positions, self.raw.frame[column].to_numpy(),
            self.raw.row_number))

    @staticmethod
    def blank(series: pd.Series) -> pd.Series:
        if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
            return series.isna() | (series.astype("string").str.strip() == "")
        return series.isna()

    def _map_unique(self, series: pd.Series,
                    convert: Callable[[pd.Series], pd.Series]) -> pd.Series:
        """Apply `convert` to the distinct values only, then spread the results over the rows."""
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        if len(uniques) == 0:  # an empty column
            return pd.Series([None] * len(series), index=series.index, dtype=object)
        converted = convert(pd.Series(uniques, dtype=object)).reset_index(drop=True)
        out = converted.take(np.where(codes < 0, 0, codes)).reset_index(drop=True)
        out = out.where(codes >= 0)
        out.index = series.index
        return out

    # -- kinds ---------------------------------------------------------------------------------
    def text(self, column: str) -> pd.Series:
        series = self.raw.frame[column]
        if pd.api.types.is_float_dtype(series):  # Excel ids like 1001.0
            whole = series.dropna()
            # only numbers a float holds exactly: 1e19 or inf stay as written
            exact = np.isfinite(whole) & (whole.abs() < 2**53)
            if exact.all() and (whole == whole.round()).all():
                series = series.astype("Int64")
        out = series.astype("string").str.strip()
        return out.mask(out == "")

    def date(self, column: str) -> pd.Series:
        series = self.raw.frame[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            return _as_day(pd.to_datetime(series).dt.tz_localize(None))
        values = series.where(~self.blank(series))
        stamps = pd.Series(pd.NaT, index=series.index, dtype="datetime64[s]")
        if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
            # Excel gives real dates for date cells and text for the rest
            is_stamp = pd.Series([isinstance(v, (dt.date, pd.Timestamp)) for v in values],
                                 index=values.index, dtype=bool)
            stamps = _as_day(pd.to_datetime(values.where(is_stamp), errors="coerce"))
            values = values.where(~is_stamp)
        texts = values.astype("string").str.strip()
        fmt = self.date_format or self._detect_format()
        from_text = self._map_unique(texts, lambda u: _read_dates(u, fmt))
        from_text = _as_day(pd.to_datetime(from_text))
        bad = texts.notna() & from_text.isna()
        if bad.any() and not self.ambiguous:
            accepted = f"dates like {dt.date(2026, 11, 24).strftime(fmt)} ({fmt})" if fmt else \
                "dates in one format, e.g. 2026-11-24; set data.date_format in report.toml"
            self.report(column, bad, f"is not a date; expected {accepted}")
        return stamps.fillna(from_text)

    def timestamp(self, column: str) -> pd.Series:
        """Date, time of day and offset, as moments in the company's time zone."""
        series = self.raw.frame[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            return local_times(series, self.timezone)
        values = series.where(~self.blank(series))
        stamps = pd.Series(pd.NaT, index=series.index, dtype=moment_dtype(self.timezone))
        if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
            # Excel gives real date-times for date cells (local times) and text for the rest
            is_stamp = values.map(lambda v: isinstance(v, (dt.date, pd.Timestamp)),
                                  na_action="ignore").fillna(False).astype(bool)
            real = pd.to_datetime(values.where(is_stamp), errors="coerce")
            stamps = local_times(pd.Series(real, index=series.index), self.timezone)
            values = values.where(~is_stamp)
        texts = values.astype("string").str.strip()
        fmt = self.date_format or self._detect_format()
        day_format = _TIME_PART.sub("", fmt) if fmt else None
        from_text = self._map_unique(texts, lambda u: read_timestamps(u, day_format,
                                                                       self.timezone))
        from_text = local_times(pd.Series(from_text, index=series.index).astype(
            stamps.dtype), self.timezone)
        bad = texts.notna() & from_text.isna()
        if bad.any() and not self.ambiguous:
            shown = f", the date as {dt.date(2026, 11, 24).strftime(day_format)} ({day_format})" \
                if day_format else "; set data.date_format in report.toml"
            self.report(column, bad, f"is not a date and time; expected {ACCEPTED}{shown}")
        return stamps.fillna(from_text)

    def _detect_format(self) -> str | None:
        """The one format that fits every date in every date column of the table (of the
        columns with a time of day, and of `detect_also`, their date part)."""
        if self._detected is not None:
            return self._detected or None
        frame = self.raw.frame

        def distinct(series: pd.Series, date_only: bool) -> np.ndarray:
            texts = series.dropna().astype("string").str.strip()
            return (date_text(texts) if date_only else texts).unique()

        texts = [distinct(frame[c], c in self.timestamp_columns)
                 for c in self.date_columns if c in frame.columns
                 and not pd.api.types.is_datetime64_any_dtype(frame[c])]
        texts += [distinct(s, True) for s in self.detect_also
                  if not pd.api.types.is_datetime64_any_dtype(s)]
        values = pd.Series(np.concatenate(texts) if texts else [], dtype=object)
        values = values[values.map(lambda v: isinstance(v, str) and v != "")].unique()
        self._detected = ""
        if len(values) == 0:
            self._detected = DATE_FORMATS[0]
            return self._detected
        sample = pd.Series(values, dtype=object)
        fits = {f: int(pd.to_datetime(sample, format=f, errors="coerce").notna().sum())
                for f in DATE_FORMATS}
        full = [f for f, n in fits.items() if n == len(sample)]
        both = next((pair for pair in _DAY_MONTH_PAIRS if set(pair) <= set(full)), None)
        if both is not None:
            columns = [c for c in self.date_columns if c in self.raw.frame.columns]
            self.problems.append(Problem(
                self.raw.source, None, ", ".join(columns or self.date_columns), str(values[0]),
                "every date fits both day-first and month-first; set data.date_format in "
                f"report.toml, e.g. \"{both[0]}\" or \"{both[1]}\""))
            self.ambiguous = True
            return None
        best = full[0] if full else max(fits, key=lambda f: fits[f])
        self._detected = best if fits[best] > 0 else ""
        return self._detected or None

    def amount(self, column: str) -> pd.Series:
        series = self.raw.frame[column]
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            numbers = series.astype("float64")
            bad_text = pd.Series(False, index=series.index)
        else:
            numbers = self._map_unique(series.where(~self.blank(series)), self._numbers)
            numbers = pd.to_numeric(numbers, errors="coerce").astype("float64")
            bad_text = ~self.blank(series) & numbers.isna()
        if bad_text.any():
            example = "1234567,50" if self.decimal == "," else "1234567.50"
            self.report(column, bad_text, f"is not an amount; expected a number like {example} "
                         f"(decimal separator '{self.decimal}', set by data.decimal)")
        infinite = np.isinf(numbers.to_numpy(dtype="float64", na_value=np.nan))
        if infinite.any():  # `inf`, `1e999`: a broken export, never a deal's value
            self.report(column, pd.Series(infinite, index=series.index),
                        "is not a finite number; expected an amount like 1234567.50")
            numbers = numbers.mask(infinite)
        negative = numbers < 0
        if negative.any():
            self.report(column, negative, "is negative; amounts must be 0 or more")
        return numbers

    def _numbers(self, uniques: pd.Series) -> pd.Series:
        text = uniques.astype(str).str.strip()
        text = text.str.replace(r"[\s\u00a0']|kr\.?|DKK|EUR|USD|SEK|NOK|GBP|[€$£]", "", regex=True)
        if self.decimal == ",":
            text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        else:
            text = text.str.replace(",", "", regex=False)
        return pd.to_numeric(text, errors="coerce")

    def probability(self, column: str) -> pd.Series:
        series = self.raw.frame[column]
        is_text = not pd.api.types.is_numeric_dtype(series)
        percent_sign = is_text and series.astype("string").str.contains("%", regex=False).any()
        if is_text:
            stripped = series.astype("string").str.replace("%", "", regex=False)
            self.raw.frame[column] = stripped
        numbers = self.amount(column)
        if percent_sign or numbers.max(skipna=True) > 1:
            numbers = numbers / 100
        bad = numbers > 1
        if bad.any():
            self.report(column, bad, "is over 100%; probabilities are 0-1 or 0-100 per column")
        return numbers.where(~bad)

    def boolean(self, column: str) -> pd.Series:
        series = self.raw.frame[column]
        if pd.api.types.is_bool_dtype(series):
            return series.astype("boolean")
        words = series.astype("string").str.strip().str.lower()
        out = pd.Series(pd.NA, index=series.index, dtype="boolean")
        out[words.isin(TRUE_WORDS).fillna(False)] = True
        out[words.isin(FALSE_WORDS).fillna(False)] = False
        bad = words.notna() & (words != "") & out.isna()
        if bad.any():
            self.report(column, bad, "is not yes/no; expected true or false (also yes/no, 1/0)")
        return out

    def quarter(self, column: str) -> pd.Series:
        text = self.text(column)
        ok = text.map(lambda v: parse_quarter_label(v) is not None, na_action="ignore")
        bad = text.notna() & ~ok.fillna(True).astype(bool)
        if bad.any():
            self.report(column, bad, "is not a quarter; expected a label like 2026-Q4")
        return text.str.upper().str.replace(" ", "", regex=False).where(~bad)

    def time(self, column: str) -> pd.Series:
        """A time of day, as HH:MM."""
        return self._read_each(column, time_of_day, f"is not a time; expected {TIME_EXAMPLE}")

    def link(self, column: str) -> pd.Series:
        """A web address, as written."""
        return self._read_each(column, web_link, f"is not a web link; expected {LINK_EXAMPLE}")

    def _read_each(self, column: str, read: Callable[[object], str | None],
                   message: str) -> pd.Series:
        """Each distinct non-empty value read by `read` (None: unreadable, reported)."""
        series = self.raw.frame[column]
        values = series.where(~self.blank(series))
        read_values = self._map_unique(values, lambda u: u.map(read))
        out = read_values.astype("string")
        bad = values.notna() & out.isna()
        if bad.any():
            self.report(column, bad, message)
        return out

    def parse(self, column: Column) -> pd.Series:
        readers = {
            Kind.ID: self.text, Kind.TEXT: self.text, Kind.DATE: self.date,
            Kind.AMOUNT: self.amount, Kind.PROBABILITY: self.probability,
            Kind.BOOL: self.boolean, Kind.QUARTER: self.quarter,
            Kind.TIMESTAMP: self.timestamp, Kind.TIME: self.time, Kind.LINK: self.link,
        }
        return readers[column.kind](column.name)


def _as_day(series: pd.Series) -> pd.Series:
    """Dates as midnight timestamps at second resolution (what the model compares against)."""
    return series.dt.normalize().astype("datetime64[s]")


_TIME_PART = re.compile(r"[ T]*%[HIMSfpzZ].*$")


def _read_dates(values: pd.Series, fmt: str | None) -> pd.Series:
    """`values` read with `fmt`; a configured format with a time of day also reads the dates
    without one (a preset may have cut the time off, an export may leave it out)."""
    if not fmt:
        return pd.Series(pd.NaT, index=values.index)
    stamps = pd.to_datetime(values, format=fmt, errors="coerce")
    day_only = _TIME_PART.sub("", fmt)
    if day_only != fmt and stamps.isna().any():
        stamps = stamps.fillna(pd.to_datetime(values, format=day_only, errors="coerce"))
    return stamps
