"""Calendar arithmetic for the meeting: fiscal quarters, the cadence and the periods it defines.

Fiscal years are named by the calendar year in which they end, as most ERPs do: with a fiscal year
starting in July, July 2026 - June 2027 is FY2027, and July-September 2026 is "2027-Q1". With the
default start month (January) this is the calendar year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Period:
    """An inclusive range of dates."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Quarter(Period):
    """A fiscal quarter, labelled like 2026-Q4."""

    fiscal_year: int
    number: int

    @property
    def label(self) -> str:
        return f"{self.fiscal_year}-Q{self.number}"


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def fiscal_quarter(day: dt.date, fiscal_year_start_month: int = 1) -> Quarter:
    """The fiscal quarter containing `day`."""
    offset = (day.month - fiscal_year_start_month) % 12
    number = offset // 3 + 1
    start_year, start_month = _add_months(day.year, day.month, -(offset % 3))
    end_year, end_month = _add_months(start_year, start_month, 3)
    end = dt.date(end_year, end_month, 1) - dt.timedelta(days=1)
    fy_start_year, _ = _add_months(day.year, day.month, -offset)
    fiscal_year = fy_start_year + (1 if fiscal_year_start_month != 1 else 0)
    return Quarter(dt.date(start_year, start_month, 1), end, fiscal_year, number)


def parse_quarter_label(label: str) -> tuple[int, int] | None:
    """'2026-Q4' -> (2026, 4); None when the label is not of that form."""
    text = label.strip().upper().replace(" ", "")
    if len(text) != 7 or text[4:6] != "-Q" or not text[:4].isdigit() or text[6] not in "1234":
        return None
    return int(text[:4]), int(text[6])


def next_meeting(today: dt.date, anchor: dt.date, every_days: int) -> dt.date:
    """The first meeting day of the cadence on or after `today`."""
    remainder = (today - anchor).days % every_days
    return today if remainder == 0 else today + dt.timedelta(days=every_days - remainder)


def is_meeting_day(day: dt.date, anchor: dt.date, every_days: int) -> bool:
    return (day - anchor).days % every_days == 0


def since_last_meeting(as_of: dt.date, every_days: int) -> Period:
    """The `every_days` days up to and including the meeting day: (as_of - 14, as_of]."""
    return Period(as_of - dt.timedelta(days=every_days - 1), as_of)
