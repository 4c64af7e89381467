"""Point 3: where sales come from - each channel and campaign from lead to revenue.

The leads are counted in their one scan (lead_figures.py) and the deals in one query, both
grouped by channel and campaign id (the leads also by the rejection reason of the sources
window's rejected MQLs), each count a filtered aggregate, in the sources window and up to the
meeting side by side. pandas adds those few rows up per channel, per campaign and per reason
and finishes the rows (order, "Other" rows, budgets, rates).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

from report_builder.engine.fetch import fetch
from report_builder.engine.sums import accurate_sum
from report_builder.model import caps
from report_builder.model.agenda import ReasonRow, SourceRow, SourcesSection
from report_builder.model.lead_figures import (
    LEAD_SOURCE_COUNTS,
    SOURCE_KEYS,
    SOURCE_WINDOWS,
    leads_by_source,
    source_column,
    source_windows,
)
from report_builder.model.rows import reason_rows_of
from report_builder.model.view import ModelView, ratio, ts, within
from report_builder.periods import Period
from report_builder.placeholders import OTHER_NAME

# the counts of a source: a SourceRow's counts, and those its rates are made from
SOURCE_COUNTS = ("leads", "mqls", "sqls", "meetings", "opportunities", "won_deals", "revenue",
                 "mql_sql", "mql_won", "rejected_mqls")


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


def channel_rows_of(view: ModelView, counts: pd.DataFrame, window: Period,
                    limit: int | None = None) -> tuple[SourceRow, ...]:
    """One row per channel, most revenue first (then meetings, then name), from each channel's
    counts in `window` (SourceCounts.channels: a row per channel with any count); past the
    first `limit` (caps.CHANNELS), the rest as one "Other" row of their summed counts and
    budgets."""
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


def campaign_rows_of(campaigns: pd.DataFrame, counts: pd.DataFrame) -> dict[str, SourceRow]:
    """Each campaign's row from its counts (SourceCounts.campaigns: a row per campaign id with
    any count; a campaign without a row has none)."""
    rows = {}
    for c in campaigns.itertuples(index=False):
        cid = str(c.campaign_id)
        numbers = counts.loc[cid] if cid in counts.index else \
            pd.Series(0, index=counts.columns if len(counts.columns) else list(SOURCE_COUNTS))
        budget = None if pd.isna(c.budget) else float(c.budget)
        rows[cid] = _row(str(c.name), str(c.channel), cid, numbers, budget)
    return rows


def sources_section(view: ModelView, window: Period, *,
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


# the deals' counts per channel and campaign, beside the leads' (lead_figures.py)
_DEAL_COUNTS = ("opportunities", "won_deals", "revenue")


@dataclass(frozen=True)
class SourceCounts:
    """The counts point 3 and the campaigns' results are made from: frames of counts
    (SOURCE_COUNTS) per channel in the sources `window` and per campaign id up to the meeting
    (a row per key with any count), and the rejected MQLs of the window per reason (a frame of
    reason, count and sum; the sum 0: rejected leads carry no value)."""

    window: Period
    channels: pd.DataFrame
    campaigns: pd.DataFrame
    rejection_reasons: pd.DataFrame


def _deal_counts(view: ModelView, windows: dict[str, Period]) -> ir.Table:
    """The deals' counts per channel and campaign (lead counts 0, no reason)."""
    deals = view.deals
    figures: dict[str, ir.Scalar] = {}
    for tag, w in windows.items():
        won = deals.is_won & within(deals.close_date, w)
        figures |= {
            source_column("opportunities", tag): deals.count(where=within(deals.created_date, w)),
            source_column("won_deals", tag): deals.count(where=won),
            source_column("revenue", tag): accurate_sum(deals.value, where=won).fill_null(0.0),
        }
    grouped = deals.group_by(channel=deals.channel.cast("string"),
                             campaign=deals.campaign.cast("string")).aggregate(**figures)
    return grouped.mutate(reason=ibis.null("string"),
                          **{source_column(name, tag): _zero(name)
                             for name in LEAD_SOURCE_COUNTS for tag in windows})


def _zero(count: str) -> ir.Scalar:
    return ibis.literal(0.0, type="float64") if count == "revenue" else \
        ibis.literal(0, type="int64")


def _per(found: pd.DataFrame, key: str, window: str) -> pd.DataFrame:
    """The counts (SOURCE_COUNTS) per value of `key` (rows without one left out) in `window`: the
    rows of each value added up, keys with no count left out."""
    columns = [source_column(name, window) for name in SOURCE_COUNTS]
    summed = found.groupby(key)[columns].sum()
    summed.columns = pd.Index(SOURCE_COUNTS)
    summed = summed[(summed[[c for c in SOURCE_COUNTS if c != "revenue"]] > 0).any(axis=1)]
    # floats, as the pandas frame is once its missing counts are filled (so an "Other" row's
    # sums run over the same kind of column)
    return summed.astype("float64")


def count_sources(view: ModelView) -> SourceCounts:
    """SourceCounts, from the leads' one scan and a query of the deals."""
    windows = source_windows(view)
    window = windows["window"]
    columns = [*SOURCE_KEYS,
               *(source_column(name, tag) for name in SOURCE_COUNTS for tag in SOURCE_WINDOWS)]
    found = pd.concat([leads_by_source(view).assign(**{
        source_column(name, tag): 0 for name in _DEAL_COUNTS for tag in SOURCE_WINDOWS})[columns],
        fetch(_deal_counts(view, windows).select(*columns))], ignore_index=True)
    rejected = found.groupby("reason")[source_column("rejected_mqls", "window")].sum()
    rejected = rejected[rejected > 0]
    reasons = pd.DataFrame({"reason": rejected.index.astype(str),
                            "count": rejected.to_numpy(dtype="int64"), "sum": 0.0})
    return SourceCounts(window=window, channels=_per(found, "channel", "window"),
                        campaigns=_per(found, "campaign", "all"), rejection_reasons=reasons)


def campaign_results(view: ModelView, counts: SourceCounts) -> dict[str, SourceRow]:
    """Each campaign's results from its start to the meeting (all its leads and deals)."""
    return campaign_rows_of(view.campaigns, counts.campaigns)


def build_sources(view: ModelView, results: dict[str, SourceRow],
                  counts: SourceCounts) -> SourcesSection:
    return sources_section(view, counts.window,
                           channels=channel_rows_of(view, counts.channels, counts.window),
                           results=results,
                           rejection_reasons=reason_rows_of(counts.rejection_reasons))
