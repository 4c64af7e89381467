"""When the pack for a meeting is due: cron cannot say "every other Tuesday", so we decide.

A daily (or weekly) job runs `send --if-due`; the meeting is the next one of the cadence on or
after today (or the config's fixed as_of), and it is due from `days_before` days before it up to
and including the meeting day. Whether it was already sent is the send log's business.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Due:
    """The meeting a run is for and the days on which its pack may go out."""

    meeting: dt.date
    first_day: dt.date  # the meeting less days_before

    def on(self, today: dt.date) -> bool:
        """Is `today` within the window (first_day .. the meeting day)?"""
        return self.first_day <= today <= self.meeting


def due_window(meeting: dt.date, days_before: int) -> Due:
    return Due(meeting, meeting - dt.timedelta(days=days_before))
