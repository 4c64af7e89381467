"""The dataset as the model sees it at the meeting date: dates, periods and derived columns,
as expressions of the engine the dataset is in (engine/).

Built once per build: every section asks the view's deals and leads for small results instead
of re-deriving the same columns. The deals are computed once and held in the engine; the leads,
often ten times as many, are read where they lie by each question.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from report_builder.config import OPEN_STEPS, Config
from report_builder.engine import EngineTables, fetch
from report_builder.engine.backends import engine_kind, hold
from report_builder.model.agenda import Scope
from report_builder.periods import Period, Quarter, fiscal_quarter, since_last_meeting
from report_builder.placeholders import NO_ACCOUNT, NO_CHANNEL


def stamp(day: dt.date) -> ir.TimestampScalar:
    return ibis.timestamp(dt.datetime.combine(day, dt.time()))


def within(column: ir.TimestampColumn, period: Period) -> ir.BooleanColumn:
    """True where the date lies in the period (inclusive); False for missing dates."""
    return column.between(stamp(period.start), stamp(period.end)).fill_null(False)


def counted_window(as_of: dt.date, window: Period | None) -> Period:
    """`window`, or all time up to the meeting day."""
    return window or Period(dt.date(1900, 1, 1), as_of)


def sources_window(view: ModelView) -> Period:
    """The `sources_window_days` days up to and including the meeting day (point 3)."""
    end = view.as_of
    return Period(end - dt.timedelta(days=view.config.meeting.sources_window_days - 1), end)


@dataclass
class ModelView:
    """Deals and leads known at the meeting date, as engine expressions, with the columns every
    section needs: deals gain `channel` (its source channel, else its first lead's), `campaign`
    (its campaign id, else its first lead's), `account` (placeholders for none), `is_open`,
    `is_won`, `is_lost` (closed on or before as_of); leads gain `deal_won` (their deal was won
    on or before as_of) and `deal_step`. The small tables (targets, campaigns) are frames."""

    config: Config
    as_of: dt.date
    period: Period
    quarter: Quarter
    quarter_to_date: Period
    deals: ir.Table
    leads: ir.Table
    targets: pd.DataFrame
    campaigns: pd.DataFrame
    future_deals: int  # created after as_of: not counted
    future_leads: int
    closed_after: int  # won or lost with a close date after as_of: not counted
    # results asked once per view and read by several sections (model/lead_figures.py)
    cache: dict[str, Any] = field(default_factory=dict)
    # a pack for one team or seller (model/scope.py): who, and the whole company's deals, of
    # which an account's first win is found; None: the company's own pack
    scope: Scope | None = None
    company_deals: ir.Table | None = None

    @property
    def every_deal(self) -> ir.Table:
        """The company's deals known at the meeting, whatever the pack's scope."""
        return self.deals if self.company_deals is None else self.company_deals

    @property
    def t(self) -> pd.Timestamp:
        return pd.Timestamp(self.as_of)


def first_lead_of_deals(leads: ir.Table) -> ir.Table:
    """Each deal's first lead (deal_id, lead_channel, lead_campaign): the earliest created,
    then the smallest lead id (docs/metrics.md)."""
    linked = leads.filter(leads.deal_id.notnull())
    order = ibis.row_number().over(group_by=linked.deal_id,
                                   order_by=[linked.created_date, linked.lead_id])
    ranked = linked.mutate(lead_rank=order)
    first = ranked.filter(ranked.lead_rank == 0)
    return first.select(first.deal_id, lead_channel=first.source_channel,
                        lead_campaign=first.campaign_id)


# the deals' columns no section reads once the view has derived its own from them (channel,
# campaign, value, win_probability): left out of the held deals, for each column the engine
# writes costs (1M deals: 26 columns held in 2.35 s; 24, without the deals' own channel and
# campaign, in 1.9 s)
_FOLDED = ("lead_channel", "lead_campaign", "source_channel", "campaign_id", "currency",
           "probability")


def make_view(tables: EngineTables, config: Config, as_of: dt.date) -> ModelView:
    t = stamp(as_of)
    all_deals, all_leads = tables.deals, tables.leads
    if engine_kind(tables.con) != "duckdb":
        # a database's leads are mapped by SQL (text dates parsed by pattern, engine/
        # text_dates.py) that each question would run again for every date it reads: the
        # example's sections from text cells in PostgreSQL took 94 s, with the leads held 24 s
        all_leads = hold(all_leads)
    deals = all_deals.filter((all_deals.created_date <= t) | all_deals.created_date.isnull())
    leads = all_leads.filter(all_leads.created_date <= t)
    closed_by_t = (deals.close_date <= t).fill_null(False)
    first = first_lead_of_deals(leads)
    deals = deals.left_join(first, "deal_id").drop("deal_id_right")
    deals = deals.mutate(
        is_won=closed_by_t & (deals.step == "won").fill_null(False),
        is_lost=closed_by_t & (deals.step == "lost").fill_null(False),
        is_open=deals.step.isin(OPEN_STEPS).fill_null(False),
        channel=deals.source_channel.coalesce(deals.lead_channel, ibis.literal(NO_CHANNEL)),
        campaign=deals.campaign_id.coalesce(deals.lead_campaign),
        account=deals.account.coalesce(ibis.literal(NO_ACCOUNT)),
    ).drop(*_FOLDED)
    quarter = fiscal_quarter(as_of, config.company.fiscal_year_start_month)
    # the deals computed once and held in the engine (spilled past its memory limit): every
    # section asks many questions of them. The leads stay where they are (a Parquet file is
    # scanned again by each question, for the columns it reads), joined to the held deals:
    # holding every lead would take the engine's memory for what a scan reads in a second.
    deals = _held(deals)
    of_deal = deals.select(deals.deal_id, deal_won_=deals.is_won, deal_step_=deals.step)
    leads = leads.left_join(of_deal, "deal_id").drop("deal_id_right")
    leads = leads.mutate(deal_won=leads.deal_won_.fill_null(False),
                         deal_step=leads.deal_step_).drop("deal_won_", "deal_step_")
    left_out = _left_out(all_deals, deals, all_leads, t)
    return ModelView(
        config=config, as_of=as_of,
        period=since_last_meeting(as_of, config.meeting.cadence_days),
        quarter=quarter, quarter_to_date=Period(quarter.start, as_of),
        deals=deals, leads=leads,
        targets=fetch(tables.targets), campaigns=fetch(tables.campaigns),
        future_deals=left_out["future_deals"], future_leads=left_out["future_leads"],
        closed_after=left_out["closed_after"],
    )


def _left_out(all_deals: ir.Table, deals: ir.Table, all_leads: ir.Table,
              t: ir.TimestampScalar) -> dict[str, int]:
    """What the view leaves out, for the data notes, in one query: deals and leads created
    after the meeting; the known deals won or lost with a close date after it."""
    closed_after = (deals.step.isin(["won", "lost"]) & (deals.close_date > t)).fill_null(False)
    counts = all_deals.aggregate(future_deals=(all_deals.created_date > t).fill_null(False).sum(),
                                 ).cross_join(
        deals.aggregate(closed_after=closed_after.sum())).cross_join(
        all_leads.aggregate(future_leads=(~(all_leads.created_date <= t).fill_null(False)).sum()))
    found = counts.to_pyarrow().to_pylist()[0]
    return {name: int(value or 0) for name, value in found.items()}


def _held(expr: ir.Table) -> ir.Table:
    """`expr` computed once and held by the engine (engine/backends.py `hold`: a temporary
    table spilled past DuckDB's memory limit, a cached view on Spark), released with the view."""
    return hold(expr)


def ts(day: dt.date) -> pd.Timestamp:
    return pd.Timestamp(day)


def between(series: pd.Series, period: Period) -> pd.Series:
    """True where the date of a (small) frame's column lies in the period (inclusive); False
    for missing dates."""
    return (series >= ts(period.start)) & (series <= ts(period.end))


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when the denominator is 0."""
    return None if not denominator else float(numerator) / float(denominator)


def money(value: object) -> float:
    """A sum as a float: 0.0 for none (no rows, or only missing values)."""
    return 0.0 if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def as_date(value: object) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()  # type: ignore[arg-type]


def text(value: object) -> str | None:
    return None if value is None or pd.isna(value) else str(value)  # type: ignore[arg-type]
