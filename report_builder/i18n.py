"""The words of the pack, one data file per language: report_builder/locales/<language>.toml
(and the starter workbook's, locales/starter/<language>.toml).

`labels(language)` gives every label by key; templates call the Jinja global `t(key, **values)`,
which raises on a missing key instead of printing a blank. Label keys double as the keys of the
headline figures (HeadlineFigure.key and .context), funnel steps (`step_<step>`) and campaign
statuses (`status_<status>`). Every language has the same keys and the same `{fields}` per key
(a test checks); adding a language is adding its file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Protocol

from report_builder.placeholders import (
    NO_ACCOUNT,
    NO_CHANNEL,
    NO_PIPELINE,
    NO_REASON,
    other_count,
)
from report_builder.text_limits import NAME_LIMIT, clip

LOCALES = Path(__file__).resolve().parent / "locales"
LANGUAGES = tuple(sorted(path.stem for path in LOCALES.glob("*.toml")))
STARTER = "starter"  # locales/starter/: the starter workbook's words, in the same languages

Translator = Callable[..., str]

# Values the model writes in place of a missing channel or reason, shown in the pack's language.
PLACEHOLDERS = {NO_CHANNEL: "no_channel", NO_REASON: "no_reason", NO_ACCOUNT: "no_account",
                NO_PIPELINE: "no_pipeline"}


@cache
def _table(language: str, book: str = "") -> Mapping[str, str]:
    """The words of one language from locales/<book>/<language>.toml (the pack's: no book)."""
    if language not in LANGUAGES:
        raise ValueError(f"no labels for language {language!r}; "
                         f"expected one of {', '.join(LANGUAGES)}")
    path = LOCALES / book / f"{language}.toml"
    with path.open("rb") as file:
        table = tomllib.load(file)
    if not_text := [key for key, text in table.items() if not isinstance(text, str)]:
        raise ValueError(f"{path}: every label is text, written key = \"...\"; not text: "
                         f"{', '.join(not_text)}")
    return table


def labels(language: str) -> dict[str, str]:
    """Every label in `language` (one of LANGUAGES), by key."""
    return dict(_table(language))


def starter_words(language: str) -> dict[str, str]:
    """The starter workbook's words (locales/starter/<language>.toml) by key; a language
    without labels gets English."""
    return dict(_table(language if language in LANGUAGES else "en", STARTER))


def translator(language: str) -> Translator:
    """The Jinja global `t(key, **values)`: the label, with `{name}` fields filled in."""
    table = _table(language)

    def t(key: str, **values: object) -> str:
        try:
            text = table[key]
        except KeyError:
            raise KeyError(f"no {language!r} label for key {key!r}") from None
        return text.format(**values) if values else text

    return t


class ExplainedNote(Protocol):
    """A data note as the data layer and the agenda carry it: the kind and its figures."""

    @property
    def table(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def count(self) -> int: ...
    @property
    def values(self) -> Mapping[str, object]: ...


def note_text(t: Translator, note: ExplainedNote) -> str:
    """A data note's explanation: the label `note_<key>`, filled in with its table, count and
    values."""
    return t(f"note_{note.key}", count=note.count, table=note.table, **note.values)


def shown(value: str | None, language: str, limit: int = NAME_LIMIT) -> str | None:
    """A model value as shown: the model's placeholders (e.g. `(none)`, the "Other" row of a
    capped list) in the pack's language, and data text cut at `limit` characters."""
    if value is None:
        return value
    if value in PLACEHOLDERS:
        return _table(language)[PLACEHOLDERS[value]]
    if (others := other_count(value)) is not None:
        return _table(language)["other_more"].format(count=others)
    return clip(value, limit)
