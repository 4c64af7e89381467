"""Point 2: the pipeline - the funnel (flow and cohort), open deals by stage, deals to act on,
and, when the deals span several CRM pipelines, each pipeline apart.

Deals without a pipeline, when others have one, form the group "(no pipeline)", listed last.
Pipelines come in the order of `data.pipelines` when the config names them, else largest open
value first (then by name).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from report_builder.config import OPEN_STEPS, Config
from report_builder.model import caps
from report_builder.model.agenda import (
    DominantDeal,
    FunnelStep,
    PipelineBreakdown,
    PipelineSection,
    StageRow,
)
from report_builder.model.caps import capped
from report_builder.model.rows import deal_rows, largest_first
from report_builder.model.view import ModelView, between, ratio, ts
from report_builder.placeholders import NO_PIPELINE

FUNNEL = ("lead", "mql", "sql", "opportunity", "quote", "won")
TOP_DEALS = 5  # the largest open deals whose share of the open value is shown
DOMINANT = 0.5  # one deal holding more than this share of a figure is named...
DOMINANT_AMONG = 3  # ...when the figure sums this many deals or more (of two, one is the most)


def _steps(counts: list[int]) -> tuple[FunnelStep, ...]:
    return tuple(FunnelStep(step, n, None if i == 0 else ratio(n, counts[i - 1]))
                 for i, (step, n) in enumerate(zip(FUNNEL, counts, strict=True)))


def funnel_flow(view: ModelView) -> tuple[FunnelStep, ...]:
    """What happened in the period since the last meeting, step by step."""
    p, leads, deals = view.period, view.leads, view.deals
    changed = deals["last_stage_change_date"].fillna(deals["created_date"])
    return _steps([
        int(between(leads["created_date"], p).sum()),
        int(between(leads["mql_date"], p).sum()),
        int(between(leads["sql_date"], p).sum()),
        int(between(deals["created_date"], p).sum()),
        int(((deals["step"] == "quote") & between(changed, p)).sum()),
        int((deals["is_won"] & between(deals["close_date"], p)).sum()),
    ])


def funnel_cohort(view: ModelView) -> tuple[FunnelStep, ...]:
    """How far the leads created this quarter (to date) have come by the meeting date."""
    t = view.t
    leads = view.leads[between(view.leads["created_date"], view.quarter_to_date)]
    has_deal = leads["deal_step"].notna()
    return _steps([
        len(leads),
        int((leads["mql_date"] <= t).sum()),
        int((leads["sql_date"] <= t).sum()),
        int(((leads["opportunity_date"] <= t) | has_deal).sum()),
        int((leads["deal_step"].isin(["quote"]) | leads["deal_won"]).sum()),
        int(leads["deal_won"].sum()),
    ])


def stage_rows(view: ModelView, open_deals: pd.DataFrame) -> tuple[StageRow, ...]:
    weighted = open_deals["value"] * open_deals["win_probability"]
    grouped = open_deals.assign(weighted=weighted).groupby("stage")[["value", "weighted"]]
    sums = grouped.sum().assign(count=grouped.size())
    return stage_rows_of(view.config, sums)


def stage_rows_of(config: Config, sums: pd.DataFrame) -> tuple[StageRow, ...]:
    """The open stages in config order from their sums (`count`, `value`, `weighted`, indexed
    by stage; a stage not in it has no deals), the rest past caps.STAGES folded."""
    rows = []
    for stage in config.stages.values():
        if stage.step not in OPEN_STEPS:
            continue
        rows.append(StageRow(
            stage=stage.name, step=stage.step, probability=stage.probability,
            count=int(sums["count"].get(stage.name, 0)),
            value=float(sums["value"].get(stage.name, 0.0)),
            weighted_value=float(sums["weighted"].get(stage.name, 0.0)),
        ))
    return capped(rows, caps.STAGES, caps.fold_stages)


def pipeline_breakdown(view: ModelView) -> tuple[PipelineBreakdown, ...]:
    """One PipelineBreakdown per pipeline, or () when the deals are in one pipeline (or none)."""
    deals = view.deals
    if not deals["pipeline"].notna().any():
        return ()
    names = deals["pipeline"].astype("string").fillna(NO_PIPELINE)
    if names.nunique() < 2:
        return ()
    in_quarter = between(deals["close_date"], view.quarter_to_date)
    rows = []
    for name in names.unique():
        mine = (names == name).to_numpy()
        open_deals = deals[mine & deals["is_open"].to_numpy()]
        won = deals[mine & (deals["is_won"] & in_quarter).to_numpy()]
        lost = deals[mine & (deals["is_lost"] & in_quarter).to_numpy()]
        rows.append(PipelineBreakdown(
            pipeline=str(name),
            stages=tuple(s for s in stage_rows(view, open_deals) if s.count),
            open_count=len(open_deals),
            open_value=float(open_deals["value"].sum()),
            open_weighted=float((open_deals["value"] * open_deals["win_probability"]).sum()),
            won_in_quarter=len(won),
            won_value=float(won["value"].sum()),
            lost_in_quarter=len(lost),
            win_rate=ratio(len(won), len(won) + len(lost)),
        ))
    return tuple(sorted(rows, key=_pipeline_order(view.config.data.pipelines)))


def _pipeline_order(configured: tuple[str, ...]) -> Callable[[PipelineBreakdown], tuple]:
    """Config order when data.pipelines names them, else largest open value first."""
    position = {name.strip(): i for i, name in enumerate(configured)}

    def key(row: PipelineBreakdown) -> tuple:
        return (row.pipeline == NO_PIPELINE, position.get(row.pipeline, len(position)),
                -row.open_value, row.pipeline)
    return key


def largest_share(open_deals: pd.DataFrame) -> tuple[float | None, int]:
    """The share of the open value held by the TOP_DEALS largest open deals (with a value),
    and how many deals that is; None when the open value is 0."""
    values = open_deals["value"][open_deals["value"] > 0].sort_values(ascending=False)
    total = float(values.sum())
    if total <= 0:
        return None, 0
    top = values.head(TOP_DEALS)
    return float(top.sum()) / total, len(top)


def dominant_deals(figures: dict[str, pd.DataFrame]) -> tuple[DominantDeal, ...]:
    """Per figure (name -> the deals it sums), the deal holding more than half of it, if any,
    for figures of DOMINANT_AMONG deals or more (of one or two deals, one always is most)."""
    found = []
    for figure, deals in figures.items():
        total = float(deals["value"].sum())
        if total <= 0 or len(deals) < DOMINANT_AMONG:
            continue
        top = deals.loc[deals["value"].idxmax()]
        share = float(top["value"]) / total
        if share > DOMINANT:
            found.append(DominantDeal(figure, str(top["deal_id"]), str(top["name"]),
                                      float(top["value"]), share))
    return tuple(found)


def build_pipeline(view: ModelView) -> PipelineSection:
    deals, t = view.deals, view.t
    open_deals = deals[deals["is_open"]]
    overdue = open_deals[open_deals["close_date"] < t]
    changed = open_deals["last_stage_change_date"].fillna(open_deals["created_date"])
    stale = open_deals[(t - changed).dt.days > view.config.meeting.stale_after_days]
    quarter = open_deals[between(open_deals["close_date"], view.quarter)]
    before = open_deals[open_deals["close_date"] < ts(view.quarter.start)]
    won = deals[deals["is_won"] & between(deals["close_date"], view.quarter_to_date)]
    share, share_deals = largest_share(open_deals)
    return PipelineSection(
        flow=funnel_flow(view),
        cohort=funnel_cohort(view),
        stages=stage_rows(view, open_deals),
        open_count=len(open_deals),
        open_value=float(open_deals["value"].sum()),
        open_weighted=float((open_deals["value"] * open_deals["win_probability"]).sum()),
        overdue_count=len(overdue),
        overdue_value=float(overdue["value"].sum()),
        overdue=deal_rows(view, largest_first(overdue)),
        stale_count=len(stale),
        stale_value=float(stale["value"].sum()),
        stale=deal_rows(view, largest_first(stale)),
        largest=deal_rows(view, largest_first(open_deals), limit=view.config.meeting.top_n),
        pipelines=pipeline_breakdown(view),
        quarter_open_count=len(quarter),
        quarter_open_value=float(quarter["value"].sum()),
        quarter_open_weighted=float((quarter["value"] * quarter["win_probability"]).sum()),
        overdue_before_quarter_count=len(before),
        overdue_before_quarter_value=float(before["value"].sum()),
        open_without_amount=int(open_deals["amount"].isna().sum()),
        largest_share=share,
        largest_share_deals=share_deals,
        dominant=dominant_deals({"open_value": open_deals, "quarter_open_value": quarter,
                                 "won_value": won}),
    )
