"""Point 2: the pipeline - the funnel (flow and cohort), open deals by stage, deals to act on,
and, when the deals span several CRM pipelines, each pipeline apart.

Deals without a pipeline, when others have one, form the group "(no pipeline)", listed last.
Pipelines come in the order of `data.pipelines` when the config names them, else largest open
value first (then by name).

Each figure is a query of the engine returning a small table (a row of counts and sums, a
row per stage or pipeline, the few deals listed); pandas only finishes them.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir
import pandas as pd

from report_builder.config import OPEN_STEPS, Config
from report_builder.engine.fetch import fetch, one_row
from report_builder.engine.sums import accurate_sum
from report_builder.model import caps
from report_builder.model.agenda import (
    DominantDeal,
    FunnelStep,
    PipelineBreakdown,
    PipelineSection,
    StageRow,
)
from report_builder.model.caps import capped
from report_builder.model.lead_figures import lead_figures
from report_builder.model.rows import DEAL_ROW_COLUMNS, LIST_LIMIT, deal_rows
from report_builder.model.view import ModelView, money, ratio, stamp, within
from report_builder.placeholders import NO_PIPELINE

FUNNEL = ("lead", "mql", "sql", "opportunity", "quote", "won")
TOP_DEALS = 5  # the largest open deals whose share of the open value is shown
DOMINANT = 0.5  # one deal holding more than this share of a figure is named...
DOMINANT_AMONG = 3  # ...when the figure sums this many deals or more (of two, one is the most)


def _steps(counts: list[int]) -> tuple[FunnelStep, ...]:
    return tuple(FunnelStep(step, n, None if i == 0 else ratio(n, counts[i - 1]))
                 for i, (step, n) in enumerate(zip(FUNNEL, counts, strict=True)))


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


def _pipeline_order(configured: tuple[str, ...]) -> Callable[[PipelineBreakdown], tuple]:
    """Config order when data.pipelines names them, else largest open value first."""
    position = {name.strip(): i for i, name in enumerate(configured)}

    def key(row: PipelineBreakdown) -> tuple:
        return (row.pipeline == NO_PIPELINE, position.get(row.pipeline, len(position)),
                -row.open_value, row.pipeline)
    return key


def _weighted(deals: ir.Table) -> ir.FloatingColumn:
    return deals.value * deals.win_probability


def funnel_flow(view: ModelView) -> tuple:
    p, deals = view.period, view.deals
    changed = deals.last_stage_change_date.coalesce(deals.created_date)
    lead = lead_figures(view)
    deal = one_row(deals, created=within(deals.created_date, p).sum(),
                quote=((deals.step == "quote").fill_null(False) & within(changed, p)).sum(),
                won=(deals.is_won & within(deals.close_date, p)).sum())
    return _steps([int(lead["flow_leads"]), int(lead["flow_mqls"]),
                   int(lead["flow_sqls"]), int(deal["created"]), int(deal["quote"]),
                   int(deal["won"])])


def funnel_cohort(view: ModelView) -> tuple:
    reached = lead_figures(view)
    return _steps([int(reached[f"cohort_{k}"]) for k in
                   ("leads", "mqls", "sqls", "opportunities", "quotes", "won")])


def stage_sums(open_deals: ir.Table, *by: str) -> pd.DataFrame:
    """count, value and weighted value per stage (and per `by` before it)."""
    grouped = open_deals.group_by([*by, "stage"]).aggregate(
        count=open_deals.count(), value=open_deals.value.sum(),
        weighted=accurate_sum(_weighted(open_deals)))
    return fetch(grouped).set_index([*by, "stage"] if by else "stage")


def pipeline_breakdown(view: ModelView) -> tuple[PipelineBreakdown, ...]:
    deals = view.deals
    names = deals.pipeline.cast("string").coalesce(ibis.literal(NO_PIPELINE))
    count = one_row(deals, named=deals.pipeline.notnull().sum(), names=names.nunique())
    if not count["named"] or count["names"] < 2:
        return ()
    deals = deals.mutate(pipeline_name=names)
    in_quarter = within(deals.close_date, view.quarter_to_date)
    figures = fetch(deals.group_by("pipeline_name").aggregate(
        open_count=deals.is_open.sum(), open_value=deals.value.sum(where=deals.is_open),
        open_weighted=accurate_sum(_weighted(deals), where=deals.is_open),
        won=(deals.is_won & in_quarter).sum(),
        won_value=deals.value.sum(where=deals.is_won & in_quarter),
        lost=(deals.is_lost & in_quarter).sum()))
    stages = stage_sums(deals.filter(deals.is_open), "pipeline_name")
    rows = []
    for r in figures.itertuples(index=False):
        mine = stages.xs(r.pipeline_name, level="pipeline_name") \
            if r.pipeline_name in stages.index.get_level_values(0) else stages.iloc[0:0]
        won, lost = int(r.won), int(r.lost)
        rows.append(PipelineBreakdown(
            pipeline=str(r.pipeline_name),
            stages=tuple(s for s in stage_rows_of(view.config, mine.droplevel(0)
                                                  if mine.index.nlevels > 1 else mine)
                         if s.count),
            open_count=int(r.open_count), open_value=money(r.open_value),
            open_weighted=money(r.open_weighted), won_in_quarter=won,
            won_value=money(r.won_value), lost_in_quarter=lost,
            win_rate=ratio(won, won + lost)))
    return tuple(sorted(rows, key=_pipeline_order(view.config.data.pipelines)))


def ranked_lists(deals: ir.Table, lists: dict[str, tuple[ir.BooleanColumn, int]]
                 ) -> dict[str, pd.DataFrame]:
    """Per list (name -> which deals, how many), its largest deals, largest first, ties by id
    (as every deal list), with the columns a deal row shows: all lists in one query, a union of
    one top-N per list (which the engine finds without sorting every deal)."""
    order = [ibis.desc("value"), "deal_id"]
    tops = [deals.filter(which.fill_null(False)).order_by(order).limit(limit)
            .select(*DEAL_ROW_COLUMNS).mutate(list_name=ibis.literal(name),
                                               list_rank=ibis.row_number().over(order_by=order))
            for name, (which, limit) in lists.items()]
    found = fetch(ibis.union(*tops, distinct=False))
    return {name: found[found["list_name"] == name].sort_values("list_rank")
            .drop(columns=["list_name", "list_rank"]).reset_index(drop=True)
            for name in lists}


def largest_share(total: float, top: pd.DataFrame) -> tuple[float | None, int]:
    """The share of the open value (`total`, of the deals with a value) held by its TOP_DEALS
    largest deals (`top`), and how many deals that is; None when the open value is 0."""
    if total <= 0:
        return None, 0
    return float(top["value"].sum()) / total, len(top)


def dominant_deals(figures: dict[str, tuple[float, int, pd.DataFrame]]
                   ) -> tuple[DominantDeal, ...]:
    """Per figure (name -> its total, how many deals it sums, its largest deal), the deal
    holding more than half of it, for figures of DOMINANT_AMONG deals or more."""
    found = []
    for figure, (total, count, largest) in figures.items():
        if total <= 0 or count < DOMINANT_AMONG:
            continue
        top = largest.iloc[0]
        share = float(top["value"]) / total
        if share > DOMINANT:
            found.append(DominantDeal(figure, str(top["deal_id"]), str(top["name"]),
                                      float(top["value"]), share))
    return tuple(found)


def build_pipeline(view: ModelView) -> PipelineSection:
    deals, t = view.deals, stamp(view.as_of)
    is_open = deals.is_open
    changed = deals.last_stage_change_date.coalesce(deals.created_date)
    stale_by = t - ibis.interval(days=view.config.meeting.stale_after_days + 1)
    subsets = {
        "open": is_open,
        "overdue": is_open & (deals.close_date < t).fill_null(False),
        "stale": is_open & (changed <= stale_by).fill_null(False),
        "quarter": is_open & within(deals.close_date, view.quarter),
        "before": is_open & (deals.close_date < stamp(view.quarter.start)).fill_null(False),
        "won": deals.is_won & within(deals.close_date, view.quarter_to_date),
    }
    weighted = _weighted(deals)
    sums = one_row(
        deals,
        **{f"{name}_count": which.sum() for name, which in subsets.items()},
        **{f"{name}_value": deals.value.sum(where=which) for name, which in subsets.items()},
        **{f"{name}_weighted": accurate_sum(weighted, where=which)
           for name, which in subsets.items() if name in ("open", "quarter")},
        valued=deals.value.sum(where=is_open & (deals.value > 0)),
        without_amount=(is_open & deals.amount.isnull()).sum())
    top_n = view.config.meeting.top_n
    lists = ranked_lists(deals, {
        "overdue": (subsets["overdue"], LIST_LIMIT), "stale": (subsets["stale"], LIST_LIMIT),
        "largest": (is_open, top_n), "valued": (is_open & (deals.value > 0), TOP_DEALS),
        "quarter": (subsets["quarter"], 1), "won": (subsets["won"], 1)})
    share, share_deals = largest_share(money(sums["valued"]), lists["valued"])

    def dominant(name: str, largest: str) -> tuple[float, int, pd.DataFrame]:
        return money(sums[f"{name}_value"]), int(sums[f"{name}_count"]), lists[largest]

    open_deals = deals.filter(is_open)
    return PipelineSection(
        flow=funnel_flow(view), cohort=funnel_cohort(view),
        stages=stage_rows_of(view.config, stage_sums(open_deals)),
        open_count=int(sums["open_count"]), open_value=money(sums["open_value"]),
        open_weighted=money(sums["open_weighted"]),
        overdue_count=int(sums["overdue_count"]), overdue_value=money(sums["overdue_value"]),
        overdue=deal_rows(view, lists["overdue"]),
        stale_count=int(sums["stale_count"]), stale_value=money(sums["stale_value"]),
        stale=deal_rows(view, lists["stale"]),
        largest=deal_rows(view, lists["largest"], limit=top_n),
        pipelines=pipeline_breakdown(view),
        quarter_open_count=int(sums["quarter_count"]),
        quarter_open_value=money(sums["quarter_value"]),
        quarter_open_weighted=money(sums["quarter_weighted"]),
        overdue_before_quarter_count=int(sums["before_count"]),
        overdue_before_quarter_value=money(sums["before_value"]),
        open_without_amount=int(sums["without_amount"]),
        largest_share=share, largest_share_deals=share_deals,
        dominant=dominant_deals({"open_value": dominant("open", "largest"),
                                 "quarter_open_value": dominant("quarter", "quarter"),
                                 "won_value": dominant("won", "won")}),
    )
