"""Point 3: where sales come from - each channel and campaign from lead to revenue.

One query of the engine reads the leads once and the deals once: grouped by channel, campaign
id and (for the rejected MQLs of the sources window) rejection reason, each count a filtered
aggregate, in the sources window and up to the meeting side by side. pandas adds those few rows
up per channel, per campaign and per reason and finishes the rows (order, "Other" rows,
budgets, rates).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

from report_builder.engine.fetch import fetch
from report_builder.engine.sums import accurate_sum
from report_builder.model import caps
from report_builder.model.agenda import ReasonRow, SourceRow, SourcesSection
from report_builder.model.rows import reason_rows_of
from report_builder.model.view import ModelView, ratio, stamp, ts, within
from report_builder.periods import Period
from report_builder.placeholders import NO_CHANNEL, NO_REASON, OTHER_NAME

# the counts of a source: a SourceRow's counts, and those its rates are made from
SOURCE_COUNTS = ("leads", "mqls", "sqls", "meetings", "opportunities", "won_deals", "revenue",
                 "mql_sql", "mql_won", "rejected_mqls")


def counted_window(as_of: dt.date, window: Period | None) -> Period:
    """`window`, or all time up to the meeting day."""
    return window or Period(dt.date(1900, 1, 1), as_of)


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


def sources_window(view: ModelView) -> Period:
    """The `sources_window_days` days up to and including the meeting day."""
    end = view.as_of
    return Period(end - dt.timedelta(days=view.config.meeting.sources_window_days - 1), end)


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


_KEYS = ("channel", "campaign", "reason")
# the channels are counted in the sources window, the campaigns up to the meeting
_WINDOWS = ("window", "all")
_LEAD_COUNTS = ("leads", "mqls", "sqls", "meetings", "mql_sql", "mql_won", "rejected_mqls")
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


def _column(count: str, window: str) -> str:
    return f"{count}__{window}"


def _lead_counts(view: ModelView, windows: dict[str, Period]) -> ir.Table:
    leads = view.leads
    counts: dict[str, ir.BooleanValue] = {}
    for tag, w in windows.items():
        mql = within(leads.mql_date, w)
        counts |= {_column(name, tag): mask for name, mask in {
            "leads": within(leads.created_date, w), "mqls": mql,
            "sqls": within(leads.sql_date, w), "meetings": within(leads.meeting_date, w),
            "mql_sql": mql & (leads.sql_date <= stamp(view.as_of)).fill_null(False),
            "mql_won": mql & leads.deal_won,
            "rejected_mqls": mql & (leads.status == "rejected").fill_null(False),
        }.items()}
    rejected = counts[_column("rejected_mqls", "window")]
    grouped = leads.group_by(
        channel=leads.source_channel.fill_null(NO_CHANNEL).cast("string"),
        campaign=leads.campaign_id.cast("string"),
        reason=rejected.ifelse(leads.rejection_reason.fill_null(NO_REASON).cast("string"),
                               ibis.null("string")),
    ).aggregate(**{name: leads.count(where=mask) for name, mask in counts.items()})
    return grouped.mutate(**{_column(name, tag): _zero(name)
                             for name in _DEAL_COUNTS for tag in windows})


def _deal_counts(view: ModelView, windows: dict[str, Period]) -> ir.Table:
    deals = view.deals
    figures: dict[str, ir.Scalar] = {}
    for tag, w in windows.items():
        won = deals.is_won & within(deals.close_date, w)
        figures |= {
            _column("opportunities", tag): deals.count(where=within(deals.created_date, w)),
            _column("won_deals", tag): deals.count(where=won),
            _column("revenue", tag): accurate_sum(deals.value, where=won).fill_null(0.0),
        }
    grouped = deals.group_by(channel=deals.channel.cast("string"),
                             campaign=deals.campaign.cast("string")).aggregate(**figures)
    return grouped.mutate(reason=ibis.null("string"),
                          **{_column(name, tag): _zero(name)
                             for name in _LEAD_COUNTS for tag in windows})


def _zero(count: str) -> ir.Scalar:
    return ibis.literal(0.0, type="float64") if count == "revenue" else \
        ibis.literal(0, type="int64")


def _per(found: pd.DataFrame, key: str, window: str) -> pd.DataFrame:
    """The counts (SOURCE_COUNTS) per value of `key` (rows without one left out) in `window`: the
    rows of each value added up, keys with no count left out."""
    columns = [_column(name, window) for name in SOURCE_COUNTS]
    summed = found.groupby(key)[columns].sum()
    summed.columns = pd.Index(SOURCE_COUNTS)
    summed = summed[(summed[[c for c in SOURCE_COUNTS if c != "revenue"]] > 0).any(axis=1)]
    # floats, as the pandas frame is once its missing counts are filled (so an "Other" row's
    # sums run over the same kind of column)
    return summed.astype("float64")


def count_sources(view: ModelView) -> SourceCounts:
    """SourceCounts, from one query."""
    window = sources_window(view)
    windows = {"window": window, "all": counted_window(view.as_of, None)}
    columns = [*_KEYS, *(_column(name, tag) for name in SOURCE_COUNTS for tag in _WINDOWS)]
    found = fetch(ibis.union(_lead_counts(view, windows).select(*columns),
                             _deal_counts(view, windows).select(*columns)))
    rejected = found.groupby("reason")[_column("rejected_mqls", "window")].sum()
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
