"""Point 4: new customers since the last meeting, and why we win and lose this quarter."""

from __future__ import annotations

from report_builder.model.agenda import CustomersSection, DealRow, PublicReference, ReasonRow
from report_builder.model.references import build_references
from report_builder.model.rows import deal_rows, first_wins, largest_first, reason_rows
from report_builder.model.view import ModelView, between, ratio


def build_customers(view: ModelView) -> CustomersSection:
    deals = view.deals
    won_period = deals[deals["is_won"] & between(deals["close_date"], view.period)]
    firsts = first_wins(deals)
    new_accounts = firsts[between(firsts["close_date"], view.period)]
    qtd = view.quarter_to_date
    won_q = deals[deals["is_won"] & between(deals["close_date"], qtd)]
    lost_q = deals[deals["is_lost"] & between(deals["close_date"], qtd)]
    cycle = (won_q["close_date"] - won_q["created_date"]).dt.days
    return customers_section(
        won=deal_rows(view, largest_first(won_period), reason="won_reason"),
        won_count=len(won_period),
        won_value=float(won_period["value"].sum()),
        new_customers=int(new_accounts["account"].nunique()),
        new_customers_value=float(
            won_period.loc[won_period["account"].isin(new_accounts["account"]), "value"].sum()),
        win_reasons=reason_rows(won_q, "won_reason"),
        loss_reasons=reason_rows(lost_q, "lost_reason"),
        won_in_quarter=len(won_q),
        lost_in_quarter=len(lost_q),
        won_in_quarter_value=float(won_q["value"].sum()),
        average_cycle_days=float(cycle.mean()) if len(cycle) else None,
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
