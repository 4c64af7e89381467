"""The campaigns' event columns that are neither dates nor plain text: a start time and a
sign-up link, each read into one canonical form or refused (the parser reports the cell)."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

# 14:00, 14.00, 9:30, 09:30:00, 14, kl. 14.30, 2 pm, 2:30 PM
_TIME = re.compile(r"(?:kl\.?\s*)?(\d{1,2})(?:[:.](\d{2}))?(?::(\d{2}))?\s*([ap]\.?m\.?)?",
                   re.IGNORECASE)
_HOST = re.compile(r"(?:[A-Za-z0-9\u00c0-\uffff](?:[A-Za-z0-9\u00c0-\uffff-]*"
                   r"[A-Za-z0-9\u00c0-\uffff])?\.)+[A-Za-z\u00c0-\uffff]{2,}")

TIME_EXAMPLE = "a time of day like 14:00, 14.00 or 2 pm"
LINK_EXAMPLE = "a web address like https://nordlys.dk/webinar or nordlys.dk/webinar"


def time_of_day(value: object) -> str | None:
    """`value` as HH:MM, or None when it is not a time of day. Spreadsheet times come as times,
    date-times or fractions of a day."""
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, dt.timedelta) and dt.timedelta(0) <= value < dt.timedelta(days=1):
        minutes = round(value.total_seconds() / 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}" if minutes < 24 * 60 else None
    if isinstance(value, float) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}" if minutes < 24 * 60 else None
    match = _TIME.fullmatch(str(value).strip())
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    half = (match.group(4) or "").lower().replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def web_link(value: object) -> str | None:
    """`value` as written when it is a web address (http, https, or a host name without a
    scheme), else None: no other scheme (javascript:, file:) and no spaces."""
    text = str(value).strip()
    if not text or any(c.isspace() or ord(c) < 32 for c in text):
        return None
    split = urlsplit(text if "://" in text else f"https://{text}")
    if split.scheme.lower() not in ("http", "https") or not _HOST.fullmatch(split.hostname or ""):
        return None
    return text


def link_address(link: str) -> str:
    """The address to open for a link as written: https:// added when it has no scheme."""
    return link if "://" in link else f"https://{link}"
