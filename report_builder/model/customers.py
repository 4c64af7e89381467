"""Point 4: new customers since the last meeting, and why we win and lose this quarter.

The counts and sums of the deals won since the last meeting and won or lost this quarter come
from one query of the engine (each account's first win a group-by in it), the reasons from one
group-by, and only the listed deals are fetched (their columns alone).
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from report_builder.engine.fetch import fetch, one_row
from report_builder.engine.sums import accurate_sum
from report_builder.model.agenda import CustomersSection, DealRow, PublicReference, ReasonRow
from report_builder.model.references import build_references
from report_builder.model.rows import DEAL_ROW_COLUMNS, LIST_LIMIT, deal_rows, reason_rows_of
from report_builder.model.view import ModelView, money, ratio, within
from report_builder.placeholders import NO_ACCOUNT, NO_REASON

_SECONDS_A_DAY = 86400


def _days_between(start: ir.TimestampValue, end: ir.TimestampValue) -> ir.IntegerValue:
    """Whole days from `start` to `end`, rounded down (pandas' Timedelta.days)."""
    seconds = end.epoch_seconds() - start.epoch_seconds()
    return (seconds / _SECONDS_A_DAY).floor().cast("int64")


def first_win_dates(deals: ir.Table) -> ir.Table:
    """Each account's first win (account, first_win): the earliest close of its won deals;
    deals without an account skipped. Which deal it was does not matter here, only the day."""
    won = deals.filter(deals.is_won & (deals.account != NO_ACCOUNT))
    return won.group_by("account").aggregate(first_win=won.close_date.min())


def _figures(view: ModelView) -> dict[str, Any]:
    """The section's counts and sums, from one query over the deals (each joined to its
    account's first win)."""
    firsts = first_win_dates(view.every_deal).rename(first_account="account")
    deals = view.deals.left_join(firsts, view.deals.account == firsts.first_account)
    won = deals.is_won & within(deals.close_date, view.period)
    # an account won for the first time since the last meeting, by a deal of this pack (of a
    # team's or seller's pack: their deal, not another team's)
    first_here = deals.filter(deals.is_won & (deals.close_date == deals.first_win)
                              & within(deals.first_win, view.period))
    new = deals.account.isin(first_here.account)
    qtd = within(deals.close_date, view.quarter_to_date)
    won_q, lost_q = deals.is_won & qtd, deals.is_lost & qtd
    return one_row(
        deals, won_count=deals.count(where=won), won_value=accurate_sum(deals.value, where=won),
        new_customers=deals.first_account.nunique(where=new),
        new_customers_value=accurate_sum(deals.value, where=won & new),
        won_in_quarter=deals.count(where=won_q), lost_in_quarter=deals.count(where=lost_q),
        won_in_quarter_value=accurate_sum(deals.value, where=won_q),
        cycle_known=deals.count(where=won_q & deals.created_date.notnull()),
        cycle_days=_days_between(deals.created_date, deals.close_date).cast("float64")
        .mean(where=won_q))


def _reasons(view: ModelView) -> dict[bool, pd.DataFrame]:
    """Per won (True) and lost (False): the quarter's count and summed value per reason."""
    deals = view.deals
    closed = deals.filter((deals.is_won | deals.is_lost)
                          & within(deals.close_date, view.quarter_to_date))
    reason = closed.is_won.ifelse(closed.won_reason, closed.lost_reason)
    grouped = fetch(closed.group_by(won=closed.is_won, reason=reason.fill_null(NO_REASON))
                    .aggregate(count=closed.count(), sum=accurate_sum(closed.value)))
    return {won: grouped.loc[grouped["won"] == won, ["reason", "count", "sum"]]
            for won in (True, False)}


def build_customers(view: ModelView) -> CustomersSection:
    deals = view.deals
    figures = _figures(view)
    won = deals.filter(deals.is_won & within(deals.close_date, view.period))
    listed = fetch(won.select(*DEAL_ROW_COLUMNS, "won_reason").order_by(
        [ibis.desc("value"), "deal_id"]).limit(LIST_LIMIT))
    reasons = _reasons(view)
    return customers_section(
        won=deal_rows(view, listed, reason="won_reason"),
        won_count=int(figures["won_count"]),
        won_value=money(figures["won_value"]),
        new_customers=int(figures["new_customers"]),
        new_customers_value=money(figures["new_customers_value"]),
        win_reasons=reason_rows_of(reasons[True]),
        loss_reasons=reason_rows_of(reasons[False]),
        won_in_quarter=int(figures["won_in_quarter"]),
        lost_in_quarter=int(figures["lost_in_quarter"]),
        won_in_quarter_value=money(figures["won_in_quarter_value"]),
        # none when no deal won this quarter has a created date (one_row reads no mean as 0)
        average_cycle_days=float(figures["cycle_days"]) if figures["cycle_known"] else None,
        references=build_references(view),
    )


def customers_section(*, won: tuple[DealRow, ...], won_count: int, won_value: float,
                      new_customers: int, new_customers_value: float,
                      win_reasons: tuple[ReasonRow, ...], loss_reasons: tuple[ReasonRow, ...],
                      won_in_quarter: int, lost_in_quarter: int, won_in_quarter_value: float,
                      average_cycle_days: float | None,
                      references: tuple[PublicReference, ...]) -> CustomersSection:
    """The section from its counts and sums: the quarter's win rate (won among the closed)
    and average deal size made here."""
    return CustomersSection(
        won=won, won_count=won_count, won_value=won_value,
        new_customers=new_customers, new_customers_value=new_customers_value,
        win_reasons=win_reasons, loss_reasons=loss_reasons,
        won_in_quarter=won_in_quarter, lost_in_quarter=lost_in_quarter,
        win_rate=ratio(won_in_quarter, won_in_quarter + lost_in_quarter),
        average_deal_size=ratio(won_in_quarter_value, won_in_quarter),
        average_cycle_days=average_cycle_days,
        references=references,
    )
