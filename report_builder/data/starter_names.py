"""The starter workbook's names in every language it is written in, read back as the canonical
tables' names and values.

`report-builder init` writes the workbook (and the CSV folder) in the config's language: Danish
sheet names, column headers and drop-down values for a Danish company. The words live in
locales/starter/<language>.toml (`sheet.<table>`, `header.<table>.<column>`,
`value.<list>.<value>`); here every language's are accepted, whatever the config's language, so
a workbook filled in by a Danish and an English colleague reads the same. Matching ignores case,
spaces and hyphens, as for every header; a name that is no starter word is left as it is, so the
usual checks still name it.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from report_builder.data.headers import normalise_header
from report_builder.i18n import LANGUAGES, starter_words

# The drop-down lists whose values are words, by (table, column); yes/no columns are read as
# booleans, which take ja/nej as well.
CHOICE_LISTS = {("leads", "status"): "status", ("targets", "scope"): "scope",
                ("actions", "team"): "action_team", ("actions", "status"): "action_status"}


def _key(text: object) -> str:
    return normalise_header(text)


@cache
def _names(prefix: str) -> dict[str, dict[str, str]]:
    """`prefix`.<group>.<canonical> words of every language: group -> {word: canonical}."""
    found: dict[str, dict[str, str]] = {}
    for language in LANGUAGES:
        for key, word in starter_words(language).items():
            if key.startswith(prefix + "."):
                group, _, canonical = key[len(prefix) + 1:].rpartition(".")
                found.setdefault(group, {})[_key(word)] = canonical
    return found


def starter_headers(table: str) -> dict[str, str]:
    """The starter's headers of `table` in every language, normalised: {header: canonical}."""
    return _names("header").get(table, {})


def starter_values(table: str, column: str) -> dict[str, str]:
    """The drop-down words of `table.column` in every language, normalised: {word: value}."""
    list_key = CHOICE_LISTS.get((table, column))
    return _names("value").get(list_key, {}) if list_key else {}


def table_of_sheet(sheet: str) -> str | None:
    """The table a sheet holds by its name in any language ("Aftaler" -> deals), else None."""
    return _names("sheet").get("", {}).get(_key(sheet))


def canonical_frame(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with the starter's headers and drop-down values of any language as canonical:
    "Aftale-id" -> deal_id, "afvist" -> rejected. A header is renamed only where the frame
    has no column of the canonical name already."""
    headers = _names("header").get(table, {})
    renames: dict[str, str] = {}
    present = {_key(c) for c in frame.columns}
    for column in frame.columns:
        canonical = headers.get(_key(column))
        if canonical is not None and canonical != column and canonical not in present \
                and canonical not in renames.values():
            renames[column] = canonical
    frame = frame.rename(columns=renames) if renames else frame
    for (list_table, column), list_key in CHOICE_LISTS.items():
        if list_table != table or column not in frame.columns:
            continue
        words = _names("value").get(list_key, {})
        text = frame[column].astype("string")
        known = text.map(_key, na_action="ignore").map(words)
        if known.notna().any():
            frame = frame.assign(**{column: known.fillna(text)})
    return frame
