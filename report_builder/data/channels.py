"""One channel, one spelling: `LinkedIn`, `linkedin` and ` Linkedin ` (or HubSpot's `PAID_SOCIAL`
beside `Paid social`) are the same channel, in the deals, the leads and the campaigns alike.

Spellings that differ only in case, spacing or `_` for a space are merged into the most frequent
spelling across the three tables (ties: the one seen first, deals before leads before campaigns),
so channel figures and the joins between tables agree. Each table where a spelling was changed
gets a data note naming the spellings merged. `data.merge_channel_spellings = false` keeps them
apart.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from report_builder.data.dataset import DataNote

CHANNEL_COLUMNS = (("deals", "source_channel"), ("leads", "source_channel"),
                   ("campaigns", "channel"))


def channel_key(spelling: str) -> str:
    """'  Paid_Social ' -> 'paid social': what makes two spellings the same channel."""
    return " ".join(spelling.replace("_", " ").split()).casefold()


def merge_channel_spellings(frames: dict[str, pd.DataFrame]) -> list[DataNote]:
    """Respell every channel in `frames` (in place) as its group's winning spelling."""
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for table, column in CHANNEL_COLUMNS:
        if table not in frames or column not in frames[table].columns:
            continue
        for spelling in frames[table][column].dropna().astype(str):
            tidy = " ".join(spelling.split())
            if tidy:
                counts[tidy] += 1
                first_seen.setdefault(tidy, len(first_seen))
    groups: dict[str, list[str]] = {}
    for spelling in sorted(counts, key=first_seen.__getitem__):
        groups.setdefault(channel_key(spelling), []).append(spelling)
    winner = {key: max(spellings, key=lambda s: (counts[s], -first_seen[s]))
              for key, spellings in groups.items()}
    notes = []
    for table, column in CHANNEL_COLUMNS:
        if table not in frames or column not in frames[table].columns:
            continue
        series = frames[table][column]
        text = series.astype("string")
        merged = text.map(lambda v: winner.get(channel_key(v), v) if v.strip() else v,
                          na_action="ignore").astype("string")
        changed = (text != merged).fillna(False).astype(bool)
        frames[table][column] = merged
        if not changed.any():
            continue
        for channel in sorted(set(merged[changed])):
            rows = changed & (merged == channel).fillna(False).astype(bool)
            respelled = sorted(set(text[rows]), key=lambda s: first_seen.get(" ".join(s.split()),
                                                                             len(first_seen)))
            notes.append(DataNote(table, "merged_channel_spellings", int(rows.sum()),
                                  {"channel": channel, "column": column},
                                  tuple(repr(s) for s in respelled)))
    return notes
