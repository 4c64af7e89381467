"""Point 3, where sales come from, computed in the engine.

One query reads the leads once and the deals once: grouped by channel, campaign id and (for
the rejected MQLs of the sources window) rejection reason, each count a filtered aggregate, in
the sources window and up to the meeting side by side. pandas adds those few rows up per
channel, per campaign and per reason, and model/channels.py's helpers finish the rows (order,
"Other" rows, budgets, rates). Same figures as model/channels.py
(tests/test_engine_sources.py compares them).
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

from report_builder.engine.fetch import fetch
from report_builder.engine.sums import accurate_sum
from report_builder.model.agenda import SourceRow, SourcesSection
from report_builder.model.channels import (
    SOURCE_COUNTS,
    campaign_rows_of,
    channel_rows_of,
    counted_window,
    sources_section,
    sources_window,
)
from report_builder.model.engine_view import EngineView, stamp, within
from report_builder.model.rows import reason_rows_of
from report_builder.periods import Period
from report_builder.placeholders import NO_CHANNEL, NO_REASON

_KEYS = ("channel", "campaign", "reason")
# the channels are counted in the sources window, the campaigns up to the meeting
_WINDOWS = ("window", "all")
_LEAD_COUNTS = ("leads", "mqls", "sqls", "meetings", "mql_sql", "mql_won", "rejected_mqls")
_DEAL_COUNTS = ("opportunities", "won_deals", "revenue")


@dataclass(frozen=True)
class SourceCounts:
    """The counts point 3 and the campaigns' results are made from: model/channels.py's
    source_counts frames per channel in the sources `window` and per campaign id up to the
    meeting (a row per key with any count), and the rejected MQLs of the window per reason (a
    frame of reason, count and sum; the sum 0: rejected leads carry no value)."""

    window: Period
    channels: pd.DataFrame
    campaigns: pd.DataFrame
    rejection_reasons: pd.DataFrame


def _column(count: str, window: str) -> str:
    return f"{count}__{window}"


def _lead_counts(view: EngineView, windows: dict[str, Period]) -> ir.Table:
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


def _deal_counts(view: EngineView, windows: dict[str, Period]) -> ir.Table:
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
    """source_counts' frame per value of `key` (rows without one left out) in `window`: the
    rows of each value added up, keys with no count left out."""
    columns = [_column(name, window) for name in SOURCE_COUNTS]
    summed = found.groupby(key)[columns].sum()
    summed.columns = pd.Index(SOURCE_COUNTS)
    summed = summed[(summed[[c for c in SOURCE_COUNTS if c != "revenue"]] > 0).any(axis=1)]
    # floats, as the pandas frame is once its missing counts are filled (so an "Other" row's
    # sums run over the same kind of column)
    return summed.astype("float64")


def count_sources(view: EngineView) -> SourceCounts:
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


def campaign_results(view: EngineView, counts: SourceCounts) -> dict[str, SourceRow]:
    """Each campaign's results from its start to the meeting (model/channels.py's)."""
    return campaign_rows_of(view.campaigns, counts.campaigns)


def build_sources(view: EngineView, results: dict[str, SourceRow],
                  counts: SourceCounts) -> SourcesSection:
    return sources_section(view, counts.window,
                           channels=channel_rows_of(view, counts.channels, counts.window),
                           results=results,
                           rejection_reasons=reason_rows_of(counts.rejection_reasons))
