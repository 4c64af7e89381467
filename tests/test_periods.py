"""Quarters, fiscal years and the meeting cadence at their edges."""

from __future__ import annotations

import datetime as dt

import pytest

from report_builder.periods import (
    fiscal_quarter,
    is_meeting_day,
    next_meeting,
    parse_quarter_label,
    since_last_meeting,
)

D = dt.date


@pytest.mark.parametrize(("day", "start_month", "label", "start", "end"), [
    (D(2026, 11, 24), 1, "2026-Q4", D(2026, 10, 1), D(2026, 12, 31)),
    (D(2026, 10, 1), 1, "2026-Q4", D(2026, 10, 1), D(2026, 12, 31)),  # first day
    (D(2026, 12, 31), 1, "2026-Q4", D(2026, 10, 1), D(2026, 12, 31)),  # last day
    (D(2027, 1, 1), 1, "2027-Q1", D(2027, 1, 1), D(2027, 3, 31)),
    (D(2028, 2, 29), 1, "2028-Q1", D(2028, 1, 1), D(2028, 3, 31)),  # leap day
    (D(2026, 7, 1), 7, "2027-Q1", D(2026, 7, 1), D(2026, 9, 30)),  # FY July-June, named by end
    (D(2026, 6, 30), 7, "2026-Q4", D(2026, 4, 1), D(2026, 6, 30)),
    (D(2026, 2, 15), 4, "2026-Q4", D(2026, 1, 1), D(2026, 3, 31)),  # FY April-March
    (D(2026, 4, 1), 4, "2027-Q1", D(2026, 4, 1), D(2026, 6, 30)),
    (D(2026, 12, 5), 11, "2027-Q1", D(2026, 11, 1), D(2027, 1, 31)),  # quarter across a new year
])
def test_fiscal_quarter(day: dt.date, start_month: int, label: str, start: dt.date,
                        end: dt.date) -> None:
    q = fiscal_quarter(day, start_month)
    assert (q.label, q.start, q.end) == (label, start, end)
    assert day in q


def test_leap_year_quarter_length() -> None:
    assert fiscal_quarter(D(2028, 2, 1)).days == 31 + 29 + 31
    assert fiscal_quarter(D(2027, 2, 1)).days == 31 + 28 + 31


def test_cadence() -> None:
    anchor = D(2026, 1, 6)
    assert is_meeting_day(D(2026, 11, 24), anchor, 14)  # 322 days = 23 x 14
    assert not is_meeting_day(D(2026, 11, 25), anchor, 14)
    assert next_meeting(D(2026, 11, 24), anchor, 14) == D(2026, 11, 24)  # on a meeting day
    assert next_meeting(D(2026, 11, 25), anchor, 14) == D(2026, 12, 8)
    assert next_meeting(D(2025, 12, 23), anchor, 14) == D(2025, 12, 23)  # before the anchor
    assert next_meeting(D(2025, 12, 30), anchor, 14) == D(2026, 1, 6)
    period = since_last_meeting(D(2026, 11, 24), 14)
    assert (period.start, period.end, period.days) == (D(2026, 11, 11), D(2026, 11, 24), 14)
    leap = since_last_meeting(D(2028, 3, 7), 14)
    assert leap.start == D(2028, 2, 23) and D(2028, 2, 29) in leap


@pytest.mark.parametrize(("text", "parsed"), [
    ("2026-Q4", (2026, 4)), ("2026-q1", (2026, 1)), (" 2026-Q2 ", (2026, 2)),
    ("2026-Q5", None), ("Q4 2026", None), ("2026Q4", None),
])
def test_quarter_labels(text: str, parsed: tuple[int, int] | None) -> None:
    assert parse_quarter_label(text) == parsed
