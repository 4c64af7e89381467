"""Moments in time (the stage history's `entered`): date, time of day and UTC offset, held in
the company's time zone (`company.timezone`).

CRMs write when a change happened in many ways: Salesforce's Data Export
`2026-11-12T09:14:03.000+0000` or `...Z`, its Data Loader `2026-11-12 09:14:03`, a report's
`11/12/2026 9:14 AM`, HubSpot's `2026-11-12 09:14` or `12-11-2026 09:14`, a date alone. The
date is read with the table's date format, like its other dates; the time and the offset are
read apart. A time with an offset (or `Z`, `UTC`) is converted to the company's zone; a time
without one is taken as the company's local time; a date alone is its midnight.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

UNIT = "us"

_STAMP = re.compile(
    r"^(?P<date>.+?)"
    r"(?:(?:T|\s+)(?P<hour>\d{1,2})[:.](?P<minute>\d{2})"
    r"(?:[:.](?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?"
    r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?"
    r"\s*(?P<zone>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?\s*$")
_OFFSET = re.compile(r"^(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2})?$")
ACCEPTED = ("a date and time like 2026-11-24 10:11, 2026-11-24 10:11:12, "
            "2026-11-24T10:11:12.000Z or 2026-11-24T10:11:12+01:00 (or a date alone)")


def dtype(timezone: str) -> pd.DatetimeTZDtype:
    """The column type of moments in `timezone`."""
    return pd.DatetimeTZDtype(UNIT, timezone)


def date_text(values: pd.Series) -> pd.Series:
    """The date part of each text (`2026-11-12T09:14:03.000Z` -> `2026-11-12`): what the
    table's date format must read."""
    parts = values.astype("string").str.strip().str.extract(_STAMP)
    return parts["date"].fillna(values.astype("string"))


def read_timestamps(texts: pd.Series, day_format: str | None, timezone: str) -> pd.Series:
    """Each text as a moment in `timezone` (NaT where it cannot be read): the date part with
    `day_format`, the time of day and the offset apart."""
    empty = pd.Series(pd.NaT, index=texts.index, dtype=dtype(timezone))
    if not day_format or not len(texts):
        return empty
    parts = texts.astype("string").str.strip().str.extract(_STAMP)
    days = pd.to_datetime(parts["date"], format=day_format, errors="coerce")
    hour = pd.to_numeric(parts["hour"], errors="coerce").fillna(0)
    minute = pd.to_numeric(parts["minute"], errors="coerce").fillna(0)
    second = pd.to_numeric(parts["second"], errors="coerce").fillna(0)
    fraction = pd.to_numeric(("0." + parts["fraction"].fillna("0")), errors="coerce")
    ampm = parts["ampm"].str.lower().str.replace(".", "", regex=False)
    twelve = ampm.notna().to_numpy(dtype=bool)
    ok = (minute <= 59) & (second <= 59) & np.where(twelve, (hour >= 1) & (hour <= 12),
                                                    hour <= 23)
    hour = hour.where(~twelve, hour % 12 + np.where(ampm.eq("pm").fillna(False), 12, 0))
    offset = parts["zone"].map(_offset_minutes, na_action="ignore")
    wall = days + pd.to_timedelta(hour * 3600 + minute * 60 + second + fraction, unit="s")
    wall = wall.where(ok & days.notna()).astype(f"datetime64[{UNIT}]")
    zoned = offset.notna().to_numpy(dtype=bool)
    out = empty.copy()
    if zoned.any():
        utc = wall[zoned] - pd.to_timedelta(offset[zoned].astype("float64"), unit="m")
        out[zoned] = utc.dt.tz_localize("UTC").dt.tz_convert(timezone)
    if (~zoned).any():
        out[~zoned] = local_times(wall[~zoned], timezone)
    return out


def _offset_minutes(zone: str) -> float:
    match = _OFFSET.match(zone)
    if match is None:  # Z, UTC, GMT
        return 0.0
    sign = -1 if match["sign"] == "-" else 1
    return float(sign * (int(match["hours"]) * 60 + int(match["minutes"] or 0)))


def local_times(stamps: pd.Series, timezone: str) -> pd.Series:
    """Moments in `timezone`: times with a zone converted, times without one taken as local
    (a local time that occurs twice, when the clocks go back, as the first; one that does not
    occur, when they go forward, as the next that does)."""
    stamps = pd.to_datetime(stamps)
    if stamps.dt.tz is not None:
        return stamps.dt.tz_convert(timezone).astype(dtype(timezone))
    first = np.ones(len(stamps), dtype=bool)
    return stamps.dt.tz_localize(timezone, ambiguous=first, nonexistent="shift_forward")\
        .astype(dtype(timezone))


def end_of_day(day: dt.date, timezone: str) -> pd.Timestamp:
    """The first moment after `day` in `timezone`: a change counts by the end of `day` when it
    happened before this."""
    return pd.Timestamp(day + dt.timedelta(days=1)).tz_localize(
        timezone, ambiguous=True, nonexistent="shift_forward")


def local_days(stamps: pd.Series) -> pd.Series:
    """The day of each moment in its own zone (the company's), as a midnight timestamp without
    a zone, like the deals' dates."""
    stamps = pd.to_datetime(stamps)
    if stamps.dt.tz is not None:
        stamps = stamps.dt.tz_localize(None)
    return stamps.dt.normalize().astype("datetime64[s]")
