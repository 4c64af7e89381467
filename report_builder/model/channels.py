"""Point 3: where sales come from - each channel and campaign from lead to revenue."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from report_builder.model import caps
from report_builder.model.agenda import ReasonRow, SourceRow, SourcesSection
from report_builder.model.engine_view import EngineView
from report_builder.model.rows import reason_rows
from report_builder.model.view import ModelView, between, ratio, ts
from report_builder.periods import Period
from report_builder.placeholders import NO_CHANNEL, OTHER_NAME

# source_counts' columns: a SourceRow's counts, and those its rates are made from
SOURCE_COUNTS = ("leads", "mqls", "sqls", "meetings", "opportunities", "won_deals", "revenue",
                 "mql_sql", "mql_won", "rejected_mqls")


def counted_window(as_of: dt.date, window: Period | None) -> Period:
    """`window`, or all time up to the meeting day."""
    return window or Period(dt.date(1900, 1, 1), as_of)


def source_counts(view: ModelView, key_leads: pd.Series, key_deals: pd.Series,
                  window: Period | None) -> pd.DataFrame:
    """Per key (a channel or a campaign id): the counts of SourceRow, in `window` (or all time).

    Each event counts in the window of its own date: a lead by its created date, an MQL by its
    MQL date, a won deal by its close date. Rates follow the MQLs of the window to the meeting.
    """
    t = view.t
    leads, deals = view.leads, view.deals
    w = counted_window(view.as_of, window)

    def count(keys: pd.Series, mask: pd.Series) -> pd.Series:
        return keys[mask].value_counts()

    mql = between(leads["mql_date"], w)
    won = deals["is_won"] & between(deals["close_date"], w)
    out = pd.DataFrame({
        "leads": count(key_leads, between(leads["created_date"], w)),
        "mqls": count(key_leads, mql),
        "sqls": count(key_leads, between(leads["sql_date"], w)),
        "meetings": count(key_leads, between(leads["meeting_date"], w)),
        "opportunities": count(key_deals, between(deals["created_date"], w)),
        "won_deals": count(key_deals, won),
        "revenue": deals.loc[won, "value"].groupby(key_deals[won]).sum(),
        "mql_sql": count(key_leads, mql & (leads["sql_date"] <= t)),
        "mql_won": count(key_leads, mql & leads["deal_won"]),
        "rejected_mqls": count(key_leads, mql & (leads["status"] == "rejected")),
    })
    return out.fillna(0)


def _row(name: str, channel: str, campaign_id: str | None, c: pd.Series,
         budget: float | None) -> SourceRow:
    won = int(c["won_deals"])
    return SourceRow(
        name=name, channel=channel, campaign_id=campaign_id,
        leads=int(c["leads"]), mqls=int(c["mqls"]), sqls=int(c["sqls"]),
        meetings=int(c["meetings"]), opportunities=int(c["opportunities"]), won_deals=won,
        revenue=float(c["revenue"]),
        mql_to_sql=ratio(c["mql_sql"], c["mqls"]), mql_to_won=ratio(c["mql_won"], c["mqls"]),
        rejected_mqls=int(c["rejected_mqls"]), budget=budget,
        cost_per_won_deal=None if budget is None else ratio(budget, won),
    )


def _campaign_budget(campaigns: pd.DataFrame, mask: pd.Series) -> float | None:
    budgets = campaigns.loc[mask, "budget"].dropna()
    return float(budgets.sum()) if len(budgets) else None


def channel_rows(view: ModelView, window: Period,
                 limit: int | None = None) -> tuple[SourceRow, ...]:
    """One row per channel, most revenue first (then meetings, then name); past the first
    `limit` (caps.CHANNELS), the rest as one "Other" row of their summed counts and budgets."""
    counts = source_counts(view, view.leads["source_channel"].fillna(NO_CHANNEL),
                           view.deals["channel"], window)
    return channel_rows_of(view, counts, window, limit)


def channel_rows_of(view: ModelView | EngineView, counts: pd.DataFrame, window: Period,
                    limit: int | None = None) -> tuple[SourceRow, ...]:
    """channel_rows from each channel's counts in `window` (source_counts' frame, a row per
    channel with any count)."""
    limit = caps.CHANNELS if limit is None else limit
    counts = counts.copy()
    counts.index = counts.index.map(str)
    counts = counts.assign(_name=counts.index).sort_values(
        ["revenue", "meetings", "_name"], ascending=[False, False, True], kind="stable"
    ).drop(columns="_name")
    camps = view.campaigns
    overlapping = (camps["start_date"] <= view.t) & (camps["end_date"] >= ts(window.start))
    shown = counts if len(counts) <= limit + 1 else counts.iloc[:limit]
    rows = [_row(ch, ch, None, c, _campaign_budget(camps, overlapping & (camps["channel"] == ch)))
            for ch, c in shown.iterrows()]
    if len(shown) < len(counts):
        rest = counts.iloc[limit:]
        name = OTHER_NAME.format(count=len(rest))
        budget = _campaign_budget(camps, overlapping & camps["channel"].isin(rest.index))
        rows.append(dataclasses.replace(_row(name, name, None, rest.sum(), budget),
                                        others=len(rest)))
    return tuple(rows)


def campaign_results(view: ModelView) -> dict[str, SourceRow]:
    """Each campaign's results from its start to the meeting (all its leads and deals)."""
    counts = source_counts(view, view.leads["campaign_id"], view.deals["campaign"], None)
    return campaign_rows_of(view.campaigns, counts)


def campaign_rows_of(campaigns: pd.DataFrame, counts: pd.DataFrame) -> dict[str, SourceRow]:
    """campaign_results from each campaign's counts (source_counts' frame, a row per campaign
    id with any count; a campaign without a row has none)."""
    rows = {}
    for c in campaigns.itertuples(index=False):
        cid = str(c.campaign_id)
        numbers = counts.loc[cid] if cid in counts.index else \
            pd.Series(0, index=counts.columns if len(counts.columns) else list(SOURCE_COUNTS))
        budget = None if pd.isna(c.budget) else float(c.budget)
        rows[cid] = _row(str(c.name), str(c.channel), cid, numbers, budget)
    return rows


def sources_window(view: ModelView | EngineView) -> Period:
    """The `sources_window_days` days up to and including the meeting day."""
    end = view.as_of
    return Period(end - dt.timedelta(days=view.config.meeting.sources_window_days - 1), end)


def build_sources(view: ModelView, results: dict[str, SourceRow]) -> SourcesSection:
    window = sources_window(view)
    leads = view.leads
    rejected = leads[between(leads["mql_date"], window) & (leads["status"] == "rejected")]
    return sources_section(view, window, channels=channel_rows(view, window), results=results,
                           rejection_reasons=reason_rows(rejected.assign(value=0.0),
                                                         "rejection_reason"))


def sources_section(view: ModelView | EngineView, window: Period, *,
                    channels: tuple[SourceRow, ...], results: dict[str, SourceRow],
                    rejection_reasons: tuple[ReasonRow, ...]) -> SourcesSection:
    """The section from its rows: the campaigns active in `window` (their results, most
    revenue first) capped at caps.CAMPAIGNS."""
    camps = view.campaigns
    active = camps[(camps["start_date"] <= view.t)
                   & (camps["end_date"] >= pd.Timestamp(window.start))]
    campaigns = [results[str(cid)] for cid in active["campaign_id"]]
    return SourcesSection(
        window_start=window.start, window_end=window.end,
        channels=channels,
        campaigns=caps.capped(sorted(campaigns, key=lambda r: (-r.revenue, -r.meetings, r.name)),
                              caps.CAMPAIGNS, caps.fold_sources),
        rejection_reasons=rejection_reasons,
    )
