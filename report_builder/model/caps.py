"""The top categories of a list, plus one "Other" row that holds the rest.

A chart or table of 100,000 lead sources helps nobody and takes minutes to draw. Each list of
categories (channels, campaigns, reasons, teams, owners, open stages) keeps its first rows in
the order it already has and folds the rest into one row whose figures are their totals, so
totals still add up. Channels, reasons, teams and owners fold where they are counted
(channels.py, rows.py, targets.py: no row is made for a folded name); campaigns and stages fold
here, from their rows.
The folded row's name is the placeholder `placeholders.OTHER_NAME`, shown in the pack's language
as "Other (M more)" at rendering, and its `others` field holds M.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from report_builder.model.agenda import SourceRow, StageRow
from report_builder.model.view import ratio
from report_builder.placeholders import OTHER_NAME

# how many rows of each list are shown before the rest is folded into "Other"
CHANNELS = 15  # a chart of 16 bars still fits the PDF page with every label
CAMPAIGNS = 30
REASONS = 12
OWNERS = 30
TEAMS = 12  # drawn as a chart too
STAGES = 20  # open stages, in the order of [stages]

Row = TypeVar("Row")


def capped(rows: Sequence[Row], limit: int, fold: Callable[[Sequence[Row], str], Row]
           ) -> tuple[Row, ...]:
    """The first `limit` rows and one row folding the rest (none when at most one is left:
    "Other (1 more)" would hide a row to show one)."""
    if len(rows) <= limit + 1:
        return tuple(rows)
    rest = rows[limit:]
    return (*rows[:limit], fold(rest, OTHER_NAME.format(count=len(rest))))


def _optional_sum(values: Sequence[float | int | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(sum(known)) if known else None


def fold_sources(rows: Sequence[SourceRow], name: str) -> SourceRow:
    """Channels or campaigns as one: counts and money summed, rates from the summed counts."""
    mqls = sum(r.mqls for r in rows)
    mql_sql = sum(round((r.mql_to_sql or 0) * r.mqls) for r in rows)
    mql_won = sum(round((r.mql_to_won or 0) * r.mqls) for r in rows)
    won = sum(r.won_deals for r in rows)
    budget = _optional_sum([r.budget for r in rows])
    return SourceRow(
        name=name, channel=name, campaign_id=None,
        leads=sum(r.leads for r in rows), mqls=mqls, sqls=sum(r.sqls for r in rows),
        meetings=sum(r.meetings for r in rows),
        opportunities=sum(r.opportunities for r in rows), won_deals=won,
        revenue=float(sum(r.revenue for r in rows)),
        mql_to_sql=ratio(mql_sql, mqls), mql_to_won=ratio(mql_won, mqls),
        rejected_mqls=sum(r.rejected_mqls for r in rows), budget=budget,
        cost_per_won_deal=None if budget is None else ratio(budget, won),
        others=len(rows),
    )


__all__ = ["CAMPAIGNS", "CHANNELS", "OWNERS", "REASONS", "TEAMS", "capped", "fold_sources"]


def fold_stages(rows: Sequence[StageRow], name: str) -> StageRow:
    """Open stages as one: deals and values summed; the probability is the weighted share of
    the value (the stages' own defaults differ), the step the later one of the folded stages."""
    value = sum(r.value for r in rows)
    weighted = sum(r.weighted_value for r in rows)
    step = "quote" if any(r.step == "quote" for r in rows) else "opportunity"
    return StageRow(stage=name, step=step, probability=ratio(weighted, value) or 0.0,
                    count=sum(r.count for r in rows), value=value, weighted_value=weighted)
