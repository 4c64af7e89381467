"""Point 5: campaigns running or starting soon (with what sales must do), and those just ended."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from report_builder.model.agenda import CampaignRow, CampaignsSection, SourceRow
from report_builder.model.view import ModelView, text, ts


def _rows(view: ModelView, campaigns: pd.DataFrame,
          results: dict[str, SourceRow] | None) -> tuple[CampaignRow, ...]:
    rows = []
    for c in campaigns.sort_values(["start_date", "campaign_id"]).itertuples(index=False):
        start, end = c.start_date.date(), c.end_date.date()
        status = "ended" if end < view.as_of else ("running" if start <= view.as_of
                                                    else "starting")
        rows.append(CampaignRow(
            campaign_id=str(c.campaign_id), name=str(c.name), channel=str(c.channel),
            owner=text(c.owner), start_date=start, end_date=end, status=status,
            budget=None if pd.isna(c.budget) else float(c.budget),
            goal=text(c.goal), sales_actions=text(c.sales_actions),
            public=bool(c.public) if not pd.isna(c.public) else False,
            results=results.get(str(c.campaign_id)) if results else None,
            event_date=None if pd.isna(c.event_date) else c.event_date.date(),
            event_time=None if pd.isna(c.event_time) else dt.time.fromisoformat(c.event_time),
            event_place=text(c.event_place), signup_link=text(c.signup_link),
        ))
    return tuple(rows)


def build_campaigns(view: ModelView,
                    results: dict[str, SourceRow]) -> CampaignsSection:
    """From the campaigns table alone (a frame in either view) and the campaigns' results."""
    camps = view.campaigns
    horizon_end = view.as_of + dt.timedelta(weeks=view.config.meeting.campaign_horizon_weeks)
    upcoming = camps[(camps["end_date"] >= view.t) & (camps["start_date"] <= ts(horizon_end))]
    ended = camps[(camps["end_date"] < view.t) & (camps["end_date"] >= ts(view.period.start))]
    return CampaignsSection(
        horizon_end=horizon_end,
        upcoming=_rows(view, upcoming, None),
        ended=_rows(view, ended, results),
    )
