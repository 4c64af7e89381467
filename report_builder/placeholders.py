"""The values the model writes where the data has no name, and the name of a folded "Other" row.

They are values, not words: the model groups and compares by them, the JSON keeps them as they
are, and `i18n.shown` shows each in the pack's language. They live here, below both the model
and i18n, so that neither has to import the other.
"""

from __future__ import annotations

import re

NO_CHANNEL = "(none)"
NO_REASON = "(no reason given)"
NO_ACCOUNT = "(no account)"
NO_PIPELINE = "(no pipeline)"

# the name of the row that folds the rest of a capped list (model/caps.py); shown as
# "Other (M more)"
OTHER_NAME = "(other: {count} more)"
_OTHER = re.compile(r"\(other: (\d+) more\)")


def other_count(name: str) -> int | None:
    """M for the name of a folded row ("(other: M more)"), else None."""
    found = _OTHER.fullmatch(name)
    return int(found.group(1)) if found else None
