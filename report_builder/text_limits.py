"""How much of a data text the pack shows: one helper every renderer uses.

CRM text has no length limit (a deal name can be a million characters); a table cell, a chart
label or a slide cannot show that, and laying it out stalls the PDF. Shown text is cut at a
length that fits where it goes, ending in "…" so the reader sees it was cut. The JSON keeps
the whole value.
"""

from __future__ import annotations

ELLIPSIS = "\u2026"
NAME_LIMIT = 80  # a name in a table cell, a chart label, a slide or a mail
TEXT_LIMIT = 1_000  # any text on an HTML or PDF page (a safety net behind the tighter ones)


def clip(text: str, limit: int = NAME_LIMIT) -> str:
    """`text` when at most `limit` characters, else its first `limit - 1` and "…"."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS
