"""The opening point: the actions agreed in earlier meetings and where they stand now.

Read as a snapshot at the meeting date, like the deals: actions agreed after the meeting are
not shown, and an action counts as closed only when it was closed on or before the meeting (a
done action without a closed_on date counts as closed, date unknown; the data notes list it).
"""

from __future__ import annotations

import pandas as pd

from report_builder.model.agenda import ActionRow, ActionsSection
from report_builder.model.view import as_date, between, ts
from report_builder.periods import Period


def _rows(actions: pd.DataFrame, as_of: pd.Timestamp) -> list[ActionRow]:
    rows = []
    for a in actions.itertuples(index=False):
        closed = a.status != "open" and (pd.isna(a.closed_on) or a.closed_on <= as_of)
        status = str(a.status) if closed else "open"
        overdue = status == "open" and a.due < as_of
        rows.append(ActionRow(
            action_id=str(a.action_id), text=str(a.text), owner=str(a.owner), team=str(a.team),
            agreed_on=a.agreed_on.date(), due=a.due.date(), status=status,
            closed_on=as_date(a.closed_on) if closed else None, overdue=bool(overdue),
            days_overdue=int((as_of - a.due).days) if overdue else None,
        ))
    return rows


def build_actions(actions: pd.DataFrame | None, period: Period) -> ActionsSection | None:
    """The actions section at `period.end` (the meeting), or None without an actions table."""
    if actions is None:
        return None
    as_of = ts(period.end)
    known = actions[actions["agreed_on"] <= as_of]
    due_mask = between(known["due"], period).to_numpy()
    rows = _rows(known, as_of)
    due_since = sorted((r for r, due in zip(rows, due_mask, strict=True) if due),
                       key=lambda r: (r.due, r.action_id))
    open_rows = sorted((r for r in rows if r.status == "open"),
                       key=lambda r: (not r.overdue, r.due, r.action_id))
    closed_since = sorted((r for r in rows if r.closed_on is not None
                           and period.start <= r.closed_on <= period.end),
                          key=lambda r: (r.closed_on, r.action_id))
    return ActionsSection(
        due_since=tuple(due_since),
        open=tuple(open_rows),
        closed_since=tuple(closed_since),
        due_since_count=len(due_since),
        due_since_done=sum(r.status == "done" for r in due_since),
        open_count=len(open_rows),
        overdue_count=sum(r.overdue for r in open_rows),
        closed_since_count=len(closed_since),
        done_since_count=sum(r.status == "done" for r in closed_since),
    )
