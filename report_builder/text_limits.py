"""How much of a data text the pack shows: one helper every renderer uses.

CRM text has no length limit (a deal name can be a million characters); a table cell, a chart
label or a slide cannot show that, and laying it out stalls the PDF. Shown text is cut at a
length that fits where it goes, ending in "…" so the reader sees it was cut. The JSON keeps
the whole value.
"""

from __future__ import annotations

from collections.abc import Sequence

ELLIPSIS = "\u2026"
NAME_LIMIT = 80  # a name in a table cell, a chart label, a slide or a mail
TEXT_LIMIT = 1_000  # any text on an HTML or PDF page (a safety net behind the tighter ones)


def clip(text: str, limit: int = NAME_LIMIT) -> str:
    """`text` when at most `limit` characters, else its first `limit - 1` and "…"."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS

LISTED = 8  # values a message or data note names before it gives the count of the rest


def listed(values: Sequence[str], limit: int = LISTED) -> str:
    """`values` joined with commas, the first `limit` of them and "… and N more" for the rest;
    each value clipped, so one long name cannot make the message long."""
    shown = ", ".join(clip(v) for v in values[:limit])
    rest = len(values) - limit
    return f"{shown}, {ELLIPSIS} and {rest:,} more" if rest > 0 else shown
