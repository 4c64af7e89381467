"""Point 3, where sales come from, computed in the engine: every channel's, campaign's and
rejection reason's counts in one query (a filtered aggregate per count, a group-by per key,
the group-bys unioned); pandas and model/channels.py's helpers only finish the rows (order,
"Other" rows, budgets, rates). Same figures as model/channels.py
(tests/test_engine_sources.py compares them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

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

_LEAD_COUNTS = ("leads", "mqls", "sqls", "meetings", "mql_sql", "mql_won", "rejected_mqls")
_DEAL_COUNTS = ("opportunities", "won_deals", "revenue")


@dataclass(frozen=True)
class SourceKey:
    """What source_counts counts by: a lead's key and a deal's key (expressions over the
    view's leads and deals; None where that table has no such key), and the window (None:
    all time up to the meeting). Rows whose key is missing are not counted."""

    leads: ir.Value | None
    deals: ir.Value | None
    window: Period | None


def _lead_counts(view: EngineView, key: ir.Value, window: Period | None) -> ir.Table:
    leads, w = view.leads, counted_window(view.as_of, window)
    mql = within(leads.mql_date, w)
    counts = {
        "leads": within(leads.created_date, w), "mqls": mql, "sqls": within(leads.sql_date, w),
        "meetings": within(leads.meeting_date, w),
        "mql_sql": mql & (leads.sql_date <= stamp(view.as_of)).fill_null(False),
        "mql_won": mql & leads.deal_won,
        "rejected_mqls": mql & (leads.status == "rejected").fill_null(False),
    }
    grouped = leads.group_by(key=key.cast("string")).aggregate(
        **{name: leads.count(where=mask) for name, mask in counts.items()})
    return grouped.mutate(opportunities=_zero(), won_deals=_zero(),
                          revenue=ibis.literal(0.0, type="float64"))


def _deal_counts(view: EngineView, key: ir.Value, window: Period | None) -> ir.Table:
    deals, w = view.deals, counted_window(view.as_of, window)
    won = deals.is_won & within(deals.close_date, w)
    grouped = deals.group_by(key=key.cast("string")).aggregate(
        opportunities=deals.count(where=within(deals.created_date, w)),
        won_deals=deals.count(where=won),
        revenue=accurate_sum(deals.value, where=won).fill_null(0.0))
    return grouped.mutate(**{name: _zero() for name in _LEAD_COUNTS})


def _zero() -> ir.IntegerScalar:
    return ibis.literal(0, type="int64")


def source_counts(view: EngineView, keys: Mapping[str, SourceKey]) -> dict[str, pd.DataFrame]:
    """Per name of `keys`: model/channels.py's source_counts frame for that key (a row per key
    value with any count, indexed by it, the SOURCE_COUNTS columns), all asked in one query."""
    parts = []
    for name, key in keys.items():
        for counts, by in ((_lead_counts, key.leads), (_deal_counts, key.deals)):
            if by is not None:
                part = counts(view, by, key.window)
                parts.append(part.filter(part.key.notnull()).mutate(kind=ibis.literal(name))
                             .select("kind", "key", *SOURCE_COUNTS))
    if not parts:
        return {}
    found = ibis.union(*parts).to_pandas()
    # a key counted in both tables has a row from each: summed, each count comes from one of
    # them (the other's is 0, so the revenue is exactly the engine's sum)
    summed = found.groupby(["kind", "key"], sort=False)[list(SOURCE_COUNTS)].sum()
    summed = summed[(summed[[c for c in SOURCE_COUNTS if c != "revenue"]] > 0).any(axis=1)]
    # floats, as the pandas frame is once its missing counts are filled (so an "Other" row's
    # sums run over the same kind of column)
    summed = summed.astype("float64")
    return {name: summed.xs(name, level="kind") if name in summed.index.get_level_values(0)
            else pd.DataFrame(columns=list(SOURCE_COUNTS), dtype="float64")
            for name in keys}


@dataclass(frozen=True)
class SourceCounts:
    """The counts point 3 and the campaigns' results are made from: per channel in the
    sources window, per campaign id up to the meeting, and the rejected MQLs per reason in the
    sources window (a frame of reason, count and sum, the sum 0: rejected leads carry no value)."""

    window: Period
    channels: pd.DataFrame
    campaigns: pd.DataFrame
    rejection_reasons: pd.DataFrame


def count_sources(view: EngineView) -> SourceCounts:
    """SourceCounts, from one query."""
    leads, deals = view.leads, view.deals
    window = sources_window(view)
    found = source_counts(view, {
        "channel": SourceKey(leads.source_channel.fill_null(NO_CHANNEL), deals.channel, window),
        "campaign": SourceKey(leads.campaign_id, deals.campaign, None),
        "reason": SourceKey(leads.rejection_reason.fill_null(NO_REASON), None, window),
    })
    rejected = found["reason"]["rejected_mqls"]
    rejected = rejected[rejected > 0]
    reasons = pd.DataFrame({"reason": rejected.index.astype(str),
                            "count": rejected.to_numpy(dtype="int64"), "sum": 0.0})
    return SourceCounts(window=window, channels=found["channel"], campaigns=found["campaign"],
                        rejection_reasons=reasons)


def campaign_results(view: EngineView, counts: SourceCounts) -> dict[str, SourceRow]:
    """Each campaign's results from its start to the meeting (model/channels.py's)."""
    return campaign_rows_of(view.campaigns, counts.campaigns)


def build_sources(view: EngineView, results: dict[str, SourceRow],
                  counts: SourceCounts) -> SourcesSection:
    return sources_section(view, counts.window,
                           channels=channel_rows_of(view, counts.channels, counts.window),
                           results=results,
                           rejection_reasons=reason_rows_of(counts.rejection_reasons))
