"""The model view as Ibis expressions: deals and leads known at the meeting date, with the
columns every section needs, computed in the engine (model/view.py is the same in pandas).

Only the small tables (targets, campaigns) are frames; deals and leads stay in the engine and the
sections ask it for small results.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

from report_builder.config import OPEN_STEPS, Config
from report_builder.engine import EngineTables
from report_builder.engine.backends import hold
from report_builder.periods import Period, Quarter, fiscal_quarter, since_last_meeting
from report_builder.placeholders import NO_ACCOUNT, NO_CHANNEL


def stamp(day: dt.date) -> ir.TimestampScalar:
    return ibis.timestamp(dt.datetime.combine(day, dt.time()))


def within(column: ir.TimestampColumn, period: Period) -> ir.BooleanColumn:
    """True where the date lies in the period (inclusive); False for missing dates."""
    return column.between(stamp(period.start), stamp(period.end)).fill_null(False)


@dataclass
class EngineView:
    """ModelView's tables as engine expressions, with the same columns and meanings: deals gain
    `channel`, `campaign`, `account` (placeholders for none), `is_open`, `is_won`, `is_lost`;
    leads gain `deal_won` and `deal_step`."""

    config: Config
    as_of: dt.date
    period: Period
    quarter: Quarter
    quarter_to_date: Period
    deals: ir.Table
    leads: ir.Table
    targets: pd.DataFrame
    campaigns: pd.DataFrame

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


def make_engine_view(tables: EngineTables, config: Config, as_of: dt.date) -> EngineView:
    t = stamp(as_of)
    all_deals, all_leads = tables.deals, tables.leads
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
    ).drop("lead_channel", "lead_campaign")
    of_deal = deals.select(deals.deal_id, deal_won_=deals.is_won, deal_step_=deals.step)
    leads = leads.left_join(of_deal, "deal_id").drop("deal_id_right")
    leads = leads.mutate(deal_won=leads.deal_won_.fill_null(False),
                         deal_step=leads.deal_step_).drop("deal_won_", "deal_step_")
    quarter = fiscal_quarter(as_of, config.company.fiscal_year_start_month)
    return EngineView(
        config=config, as_of=as_of,
        period=since_last_meeting(as_of, config.meeting.cadence_days),
        quarter=quarter, quarter_to_date=Period(quarter.start, as_of),
        # computed once, held in the engine (spilled past its memory limit): every section
        # asks many small questions of them
        deals=_held(deals), leads=_held(leads),
        targets=tables.targets.to_pandas(), campaigns=tables.campaigns.to_pandas(),
    )


def _held(expr: ir.Table) -> ir.Table:
    """`expr` computed once and held by the engine (engine/backends.py `hold`: a temporary
    table spilled past DuckDB's memory limit, a cached view on Spark), released with the view."""
    return hold(expr)
