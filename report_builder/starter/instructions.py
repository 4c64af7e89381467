"""The words of the starter workbook and its README (locales/starter/<language>.toml).

The Instructions sheet explains each column in one line and the meeting's five points. Column keys
are `<table>.<column>` for every column of data/schema.py (a test checks).
"""

from __future__ import annotations

from report_builder.i18n import starter_words


def starter_text(language: str) -> dict[str, str]:
    """The starter's words in `language` (anything without labels gets English)."""
    return starter_words(language)
