"""One channel, one spelling, in the engine: data/channels.py's merge (`LinkedIn`, `linkedin`
and `Paid_Social` beside `Paid social` as one channel) on the distinct spellings the engine
counts, then each spelling replaced in the tables' expressions.

The winner is the most frequent spelling across deals, leads and campaigns; a tie goes as
data/channels.py `preferred_spelling` says, never by the order of the rows. The spellings merged
are listed in the order first seen (deals before leads before campaigns, and within a table the
lowest row number; a warehouse table, which has no row order, by the spelling's text).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from report_builder.data.channels import CHANNEL_COLUMNS, channel_key, spelling_winners
from report_builder.data.dataset import DataNote
from report_builder.engine.values import ROW
from report_builder.text_limits import LISTED, clip


def _distinct(tables: dict[str, ir.Table], present: list[tuple[str, str]],
              ) -> dict[tuple[str, str], list[tuple[str, int]]]:
    """Each column's spellings with their rows, in the order first seen (one query)."""
    parts = []
    for i, (name, column) in enumerate(present):
        table = tables[name]
        value = table[column]
        groups = table.filter(value.notnull()).group_by(v=value).aggregate(
            n=ibis._.count(), first=table[ROW].min())
        parts.append(groups.mutate(part=ibis.literal(i)))
    if not parts:
        return {}
    union = ibis.union(*parts) if len(parts) > 1 else parts[0]
    rows = union.order_by([union.part, union.first, union.v]).to_pyarrow().to_pylist()
    found: dict[tuple[str, str], list[tuple[str, int]]] = {key: [] for key in present}
    for row in rows:
        found[present[row["part"]]].append((str(row["v"]), int(row["n"])))
    return found


def merged_channel_spellings(tables: dict[str, ir.Table],
                             ) -> tuple[dict[str, ir.Table], list[DataNote]]:
    """`tables` with every channel spelt as its group's winner, and a note per table and
    channel whose spellings were changed (data/channels.py's notes)."""
    present = [(t, c) for t, c in CHANNEL_COLUMNS if t in tables and c in tables[t].columns]
    distinct = _distinct(tables, present)
    winner, first_seen = spelling_winners(
        pair for spellings in distinct.values() for pair in spellings)
    notes = []
    result = dict(tables)
    for (name, column), spellings in distinct.items():
        changes = {before: winner.get(channel_key(before), before)
                   for before, _ in spellings if before.strip()}
        changes = {before: after for before, after in changes.items() if before != after}
        if not changes:
            continue
        value = result[name][column]
        respelled = value.cases(*((ibis.literal(b), ibis.literal(a)) for b, a in changes.items()),
                                else_=value)
        result[name] = result[name].mutate(**{column: respelled})
        changed: dict[str, list[tuple[str, int]]] = {}
        for before, n in spellings:
            if before in changes:
                changed.setdefault(changes[before], []).append((before, n))
        for channel in sorted(changed):
            found = sorted(changed[channel], key=lambda item: first_seen.get(
                " ".join(item[0].split()), len(first_seen)))
            notes.append(DataNote(name, "merged_channel_spellings", sum(n for _, n in found),
                                  {"channel": channel, "column": column},
                                  tuple(repr(clip(s)) for s, _ in found[:LISTED])))
    return result, notes
