"""Small tables shared by several sections: deal lists and reason breakdowns."""

from __future__ import annotations

import pandas as pd

from report_builder.model import caps
from report_builder.model.agenda import DealRow, ReasonRow
from report_builder.model.view import ModelView, as_date, text
from report_builder.placeholders import OTHER_NAME

LIST_LIMIT = 25  # rows in a deal list; the section also gives the full count
# the deals' columns deal_rows reads (with the reason column a caller asks it to show)
DEAL_ROW_COLUMNS = ("deal_id", "name", "account", "owner", "team", "stage", "value",
                    "win_probability", "created_date", "close_date", "last_stage_change_date",
                    "is_open", "channel", "campaign")


def deal_rows(view: ModelView, deals: pd.DataFrame, *, reason: str | None = None,
              limit: int = LIST_LIMIT) -> tuple[DealRow, ...]:
    """DealRows for the first `limit` deals of `deals` (already sorted by the caller)."""
    names = view.campaigns.set_index("campaign_id")["name"] if len(view.campaigns) else None
    rows = []
    t = view.t
    for d in deals.head(limit).itertuples(index=False):
        changed = d.last_stage_change_date if not pd.isna(d.last_stage_change_date) \
            else d.created_date
        close = as_date(d.close_date)
        overdue = (t - d.close_date).days if close and d.is_open and d.close_date < t else None
        campaign = text(d.campaign)
        if campaign is not None and names is not None and campaign in names.index:
            campaign = str(names[campaign])
        rows.append(DealRow(
            deal_id=str(d.deal_id), name=text(d.name) or "", account=str(d.account),
            owner=str(d.owner), team=text(d.team), stage=str(d.stage), value=float(d.value),
            win_probability=None if pd.isna(d.win_probability) else float(d.win_probability),
            created_date=as_date(d.created_date), close_date=close,
            source_channel=None if d.channel == "(none)" else str(d.channel),
            campaign=campaign,
            reason=text(getattr(d, reason)) if reason else None,
            days_since_stage_change=(t - changed).days if d.is_open and not pd.isna(changed)
            else None,
            days_overdue=overdue,
        ))
    return tuple(rows)


def reason_rows_of(grouped: pd.DataFrame, limit: int | None = None) -> tuple[ReasonRow, ...]:
    """Count and value per reason, most frequent first, from the count and summed value per
    reason (columns reason, count, sum; one row per reason, missing reasons already named
    NO_REASON); past the first `limit` (caps.REASONS), the rest as one "Other" row."""
    limit = caps.REASONS if limit is None else limit
    if grouped.empty:
        return ()
    grouped = grouped.sort_values(["count", "sum", "reason"], ascending=[False, False, True])
    total = int(grouped["count"].sum())
    shown = grouped if len(grouped) <= limit + 1 else grouped.iloc[:limit]
    rows = [ReasonRow(str(r.reason), int(r.count), float(r.sum), r.count / total)
            for r in shown.itertuples(index=False)]
    if len(shown) < len(grouped):
        rest = grouped.iloc[limit:]
        count = int(rest["count"].sum())
        rows.append(ReasonRow(OTHER_NAME.format(count=len(rest)), count,
                              float(rest["sum"].sum()), count / total, others=len(rest)))
    return tuple(rows)
