"""Writing report.toml with a TOML writer (tomlkit), never by formatting strings.

Every value and key goes through tomlkit, which quotes and escapes it (a stage named
`Won" = {...}\\n[email]` stays one key); comments are made single-line here, since tomlkit
writes a comment's text as it is and a line break in it would start a line of TOML.
"""

from __future__ import annotations

import re
from typing import Any

import tomlkit
from tomlkit.items import InlineTable, Item, Table

_BREAKS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]+")


def one_line(text: object) -> str:
    """The text with line breaks and other control characters as single spaces."""
    return _BREAKS.sub(" ", str(text))


def comment(text: str) -> Any:
    """A whole-line comment (`# text`)."""
    return tomlkit.comment(one_line(text))


def value(v: object, note: str | None = None) -> Item:
    """A TOML value, with a trailing `# note` when given."""
    item = tomlkit.item(v)
    if note:
        item.comment(one_line(note))
        item.trivia.comment_ws = "  "
    return item


def inline(values: dict[str, object], note: str | None = None) -> InlineTable:
    """An inline table `{ key = value, ... }`, with a trailing `# note` when given."""
    table = tomlkit.inline_table()
    table.update(values)
    if note:
        table.comment(one_line(note))
        table.trivia.comment_ws = "  "
    return table


def table(*, super_table: bool = False) -> Table:
    """A [table]; a super table writes only its sub-tables' headers ([data.columns.deals])."""
    return tomlkit.table(is_super_table=super_table or None)


def commented(key: str, v: object, note: str | None = None) -> Any:
    """A setting written commented out (`# key = value  # note`), its key and value rendered
    by tomlkit so that uncommenting it gives valid TOML."""
    line = f"{tomlkit.key(key).as_string()} = {tomlkit.item(v).as_string()}"
    return comment(f"{line}  # {note}" if note else line)


def dumps(document: tomlkit.TOMLDocument) -> str:
    return tomlkit.dumps(document)


document = tomlkit.document
