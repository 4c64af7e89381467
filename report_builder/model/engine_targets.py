"""Point 1, the targets, computed in the engine: the won deals, the quarter's pipeline, the new
customers and the meetings summed per team and per owner by Ibis expressions (a row per name);
pandas only looks up each row's figures and targets (model/targets.py's helpers finish them).
Same figures as model/targets.py (tests/test_engine_sections.py compares them)."""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
import pandas as pd

from report_builder.engine.fetch import fetch
from report_builder.engine.sums import accurate_sum
from report_builder.model import caps
from report_builder.model.agenda import TargetRow, TargetsSection
from report_builder.model.engine_pipeline import money, one_row
from report_builder.model.engine_view import EngineView, stamp, within
from report_builder.model.targets import ScopeFigures, _names, _rank, target_row, target_rows_of
from report_builder.placeholders import NO_ACCOUNT, OTHER_NAME

SCOPES = ("team", "owner")


def first_wins(deals: ir.Table) -> ir.Table:
    """Each account's first won deal (the earliest close, then the smallest id)."""
    won = deals.filter(deals.is_won & (deals.account != NO_ACCOUNT))
    order = ibis.row_number().over(group_by=won.account, order_by=[won.close_date, won.deal_id])
    ranked = won.mutate(win_rank=order)
    return ranked.filter(ranked.win_rank == 0).drop("win_rank")


def owner_teams(deals: ir.Table) -> ir.Table:
    """Each owner's team: the team on most of their deals (ties: the first by name)."""
    teamed = deals.filter(deals.team.notnull())
    counted = teamed.group_by(["owner", "team"]).aggregate(deals=teamed.count())
    order = ibis.row_number().over(group_by=counted.owner,
                                   order_by=[ibis.desc(counted.deals), counted.team])
    ranked = counted.mutate(team_rank=order)
    return ranked.filter(ranked.team_rank == 0).select("owner", owner_team=ranked.team)


FIGURES = ("won", "won_deals", "open", "open_deals", "weighted", "new_customers", "meetings")


def contributions(won: ir.Table, pipeline: ir.Table, firsts: ir.Table, meetings: ir.Table
                  ) -> ir.Table:
    """One row per thing that counts towards a target (a won deal, a deal in the quarter's
    pipeline, an account's first win, a meeting), with its team, owner and what it adds to
    each figure: so every scope's figures are sums of one table."""
    def part(table: ir.Table, team: ir.Column, **adds: ir.Value) -> ir.Table:
        zero = {name: ibis.literal(0.0 if name in ("won", "open", "weighted") else 0)
                for name in FIGURES}
        return table.select(team=team.cast("string"), owner=table.owner.cast("string"),
                            **{**zero, **adds})

    one = ibis.literal(1)
    return ibis.union(
        part(won, won.team, won=won.value, won_deals=one),
        part(pipeline, pipeline.team, open=pipeline.value, open_deals=one,
             weighted=pipeline.value * pipeline.win_probability),
        part(firsts, firsts.team, new_customers=one),
        part(meetings, meetings.owner_team, meetings=one),
        distinct=False)


class _Reached:
    """What the company, each team and each owner reached, summed in the engine in one query."""

    def __init__(self, view: EngineView) -> None:
        deals, leads, qtd = view.deals, view.leads, view.quarter_to_date
        won = deals.filter(deals.is_won & within(deals.close_date, qtd))
        pipeline = deals.filter(deals.is_open & within(deals.close_date, view.quarter))
        firsts = first_wins(deals)
        firsts = firsts.filter(within(firsts.close_date, qtd))
        meetings = leads.filter(within(leads.meeting_date, qtd))
        meetings = meetings.left_join(owner_teams(deals), "owner").drop("owner_right")
        rows = contributions(won, pipeline, firsts, meetings)

        def summed(scope: str, key: ir.Value) -> ir.Table:
            grouped = rows.mutate(scope=ibis.literal(scope), name=key)
            return grouped.group_by(["scope", "name"]).aggregate(
                **{name: (accurate_sum(grouped[name]) if name == "weighted"
                          else grouped[name].sum()) for name in FIGURES})

        found = fetch(ibis.union(summed("company", ibis.literal("", "string")),
                                 *(summed(scope, rows[scope]) for scope in SCOPES),
                                 distinct=False))
        company = found[found["scope"] == "company"]
        self.company = self._scope_figures(
            company.iloc[0] if len(company) else pd.Series(0, index=list(FIGURES)))
        self.by = {scope: found[(found["scope"] == scope) & found["name"].notna()]
                   .set_index("name").rename_axis(scope)[list(FIGURES)]
                   for scope in SCOPES}

    def of(self, scope: str, names: Sequence[str]) -> ScopeFigures:
        """The figures of one name, or of several summed (an "Other" row)."""
        return self._scope_figures(self.by[scope].reindex(list(names)).fillna(0).sum())

    @staticmethod
    def _scope_figures(found: pd.Series) -> ScopeFigures:
        return ScopeFigures(won=money(found["won"]), won_deals=int(found["won_deals"]),
                            open=money(found["open"]), weighted=money(found["weighted"]),
                            new_customers=int(found["new_customers"]),
                            meetings=int(found["meetings"]))


def build_targets(view: EngineView) -> TargetsSection:
    reached = _Reached(view)
    targets = view.targets[view.targets["quarter"] == view.quarter.label]

    def row(scope: str, name: str, members: Sequence[str] | None = None) -> TargetRow:
        figures = reached.company if scope == "company" else \
            reached.of(scope, members if members is not None else [name])
        return target_row(view, scope, name, members,
                          target_rows_of(targets, scope, name, members), figures)

    def ranked(scope: str, limit: int) -> tuple[TargetRow, ...]:
        table = reached.by[scope]
        active = table[(table["won_deals"] > 0) | (table["open_deals"] > 0)]
        names = _names(targets.loc[targets["scope"] == scope, "scope_value"],
                       pd.Series(active.index, dtype="object"))
        won = table.rename_axis(scope).reset_index()[[scope, "won"]].rename(
            columns={"won": "value"})
        order = _rank(names, targets[targets["scope"] == scope], won, scope)
        if len(order) <= limit + 1:
            return tuple(row(scope, n) for n in order)
        rest = order[limit:]
        return (*(row(scope, n) for n in order[:limit]),
                row(scope, OTHER_NAME.format(count=len(rest)), members=rest))

    deals = view.deals
    before = deals.filter(deals.is_open & (deals.close_date < stamp(view.quarter.start)))
    overdue = one_row(before, count=before.count(), value=before.value.sum())
    return TargetsSection(
        quarter=view.quarter.label, quarter_start=view.quarter.start,
        quarter_end=view.quarter.end, days_elapsed=view.quarter_to_date.days,
        days_total=view.quarter.days,
        company=row("company", view.config.company.name),
        teams=ranked("team", caps.TEAMS),
        owners=ranked("owner", caps.OWNERS),
        overdue_before_quarter_count=int(overdue["count"]),
        overdue_before_quarter_value=money(overdue["value"]),
    )
