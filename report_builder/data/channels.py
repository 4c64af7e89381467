"""One channel, one spelling: `LinkedIn`, `linkedin` and ` Linkedin ` (or HubSpot's `PAID_SOCIAL`
beside `Paid social`) are the same channel, in the deals, the leads and the campaigns alike.

Spellings that differ only in case, spacing or `_` for a space are merged into the most frequent
spelling across the three tables (ties: `preferred_spelling`, never the order of the rows), so
channel figures and the joins between tables agree. Each table where a spelling was changed
gets a data note naming the spellings merged. `data.merge_channel_spellings = false` keeps them
apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np
import pandas as pd

from report_builder.data.dataset import DataNote
from report_builder.text_limits import LISTED, clip

CHANNEL_COLUMNS = (("deals", "source_channel"), ("leads", "source_channel"),
                   ("campaigns", "channel"))


def channel_key(spelling: str) -> str:
    """'  Paid_Social ' -> 'paid social': what makes two spellings the same channel."""
    return " ".join(spelling.replace("_", " ").split()).casefold()


def preferred_spelling(spellings: list[str], counts: Counter[str]) -> str:
    """The spelling a channel's group is shown in: the most frequent; of spellings as frequent,
    one in mixed case before one in capitals or in lower case alone (`Paid social` before
    `PAID_SOCIAL` and `paid social`), then the first in code-point order (`LinkedIn` before
    `Linkedin`)."""
    return min(spellings, key=lambda s: (-counts[s], s == s.upper(), s == s.lower(), s))


def spelling_winners(seen: Iterable[tuple[str, int]]) -> tuple[dict[str, str], dict[str, int]]:
    """From each spelling and its rows, in the order first seen: the winning spelling of each
    group (by channel_key), and each tidied spelling's place in that order (for listing)."""
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for spelling, n in seen:
        tidy = " ".join(spelling.split())
        if tidy:
            counts[tidy] += n
            first_seen.setdefault(tidy, len(first_seen))
    groups: dict[str, list[str]] = {}
    for spelling in sorted(counts, key=first_seen.__getitem__):
        groups.setdefault(channel_key(spelling), []).append(spelling)
    return ({key: preferred_spelling(spellings, counts) for key, spellings in groups.items()},
            first_seen)


def merge_channel_spellings(frames: dict[str, pd.DataFrame]) -> list[DataNote]:
    """Respell every channel in `frames` (in place) as its group's winning spelling.

    Works on each column's distinct values (a few dozen channels over millions of rows)."""
    present = [(t, c) for t, c in CHANNEL_COLUMNS if t in frames and c in frames[t].columns]
    distinct = {(t, c): _distinct(frames[t][c]) for t, c in present}
    winner, first_seen = spelling_winners(
        (spelling, n) for _, uniques, rows in distinct.values()
        for spelling, n in zip(uniques, rows, strict=True))
    notes = []
    for (table, column), (codes, uniques, rows) in distinct.items():
        respelled = [winner.get(channel_key(u), u) if u.strip() else u for u in uniques]
        values = np.array([*respelled, None], dtype=object)[codes]  # code -1 (empty): None
        frames[table][column] = pd.array(values, dtype="string")
        changed: dict[str, list[tuple[str, int]]] = {}
        for before, after, n in zip(uniques, respelled, rows, strict=True):
            if before != after:
                changed.setdefault(after, []).append((before, n))
        for channel in sorted(changed):
            spellings = sorted(changed[channel], key=lambda item: first_seen.get(
                " ".join(item[0].split()), len(first_seen)))
            notes.append(DataNote(table, "merged_channel_spellings",
                                  sum(n for _, n in spellings),
                                  {"channel": channel, "column": column},
                                  tuple(repr(clip(s)) for s, _ in spellings[:LISTED])))
    return notes


def _distinct(series: pd.Series) -> tuple[np.ndarray, list[str], list[int]]:
    """Each row's code, the distinct values as text in order of first appearance, and how
    many rows hold each."""
    codes, uniques = pd.factorize(series.astype("string"))
    rows = np.bincount(codes[codes >= 0], minlength=len(uniques))
    return codes, [str(u) for u in uniques], [int(n) for n in rows]
