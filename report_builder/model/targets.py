"""Point 1: the quarter's targets and where we stand, for the company, each team and each owner.

The won deals, the quarter's pipeline, the new customers and the meetings are summed per team and
per owner in the engine (one query); pandas only looks up each row's figures and targets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

from report_builder.engine.fetch import fetch, one_row
from report_builder.engine.sums import accurate_sum
from report_builder.model import caps
from report_builder.model.agenda import TargetRow, TargetsSection
from report_builder.model.view import ModelView, money, ratio, stamp, within
from report_builder.placeholders import NO_ACCOUNT, OTHER_NAME


def _int_or_none(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(round(float(value)))  # type: ignore[arg-type]


@dataclass(frozen=True)
class ScopeFigures:
    """What one scope reached: won value and deals, open and weighted pipeline of the quarter,
    new customers and meetings to date."""

    won: float
    won_deals: int
    open: float
    weighted: float
    new_customers: int
    meetings: int


def target_rows_of(targets: pd.DataFrame, scope: str, name: str,
                   members: Sequence[str] | None) -> pd.DataFrame:
    """The quarter's target row of a scope (none: no target): the company's, else the teams'
    summed; with `members`, those teams' or owners' summed."""
    if scope == "company":
        rows = targets[targets["scope"] == "company"]
        if rows.empty:  # fall back to the sum of the team targets
            rows = targets[targets["scope"] == "team"]
            rows = rows.sum(numeric_only=True).to_frame().T if len(rows) else rows
        return rows
    if members is not None:
        rows = targets[(targets["scope"] == scope) & targets["scope_value"].isin(members)]
        return rows.sum(numeric_only=True, min_count=1).to_frame().T if len(rows) else rows
    return targets[(targets["scope"] == scope) & (targets["scope_value"] == name)]


def target_row(view: ModelView, scope: str, name: str,
               members: Sequence[str] | None, target_rows: pd.DataFrame,
               figures: ScopeFigures) -> TargetRow:
    """The row of one scope from its target row and what it reached."""
    target = float(target_rows["revenue_target"].iloc[0]) if len(target_rows) else None
    won_value, open_value, weighted = figures.won, figures.open, figures.weighted
    gap = None if target is None else max(target - won_value, 0.0)
    expected = None if target is None else \
        target * view.quarter_to_date.days / view.quarter.days
    return TargetRow(
        others=0 if members is None else len(members),
        scope=scope, name=name, target=target, won=won_value, won_deals=figures.won_deals,
        attainment=None if target is None else ratio(won_value, target),
        open_pipeline=open_value, weighted_pipeline=weighted,
        forecast=won_value + weighted, gap=gap,
        coverage=None if gap is None else ratio(open_value, gap),
        expected_to_date=expected,
        pace=None if expected is None else ratio(won_value, expected),
        ahead_of_pace=None if expected is None else won_value - expected,
        forecast_attainment=None if target is None else ratio(won_value + weighted, target),
        new_customers=figures.new_customers,
        new_customers_target=_int_or_none(target_rows["new_customers_target"].iloc[0])
        if len(target_rows) else None,
        meetings=figures.meetings,
        meetings_target=_int_or_none(target_rows["meetings_target"].iloc[0])
        if len(target_rows) else None,
    )


def _names(*series: pd.Series) -> list[str]:
    return sorted({str(v) for s in series for v in s.dropna().unique()})


def _rank(names: list[str], targets: pd.DataFrame, won: pd.DataFrame, column: str) -> list[str]:
    """`names` as their rows are listed: largest revenue target first (none counts as 0), then
    most won this quarter, then by name."""
    target = targets.drop_duplicates("scope_value").set_index("scope_value")["revenue_target"]
    won_value = won.groupby(column)["value"].sum()
    frame = pd.DataFrame({"name": names})
    frame["target"] = frame["name"].map(target).astype(float).fillna(0.0)
    frame["won"] = frame["name"].map(won_value).astype(float).fillna(0.0)
    frame = frame.sort_values(["target", "won", "name"], ascending=[False, False, True],
                              kind="stable")
    return frame["name"].tolist()


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

    def __init__(self, view: ModelView) -> None:
        deals, leads, qtd = view.deals, view.leads, view.quarter_to_date
        won = deals.filter(deals.is_won & within(deals.close_date, qtd))
        pipeline = deals.filter(deals.is_open & within(deals.close_date, view.quarter))
        firsts = first_wins(view.every_deal)  # the company's first wins, of this pack's deals
        firsts = firsts.filter(within(firsts.close_date, qtd)).semi_join(deals, "deal_id")
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


def build_targets(view: ModelView) -> TargetsSection:
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
        # the pack's top line, named for whose it is: the company, or the team or seller
        company=row("company", view.config.company.name if view.scope is None
                    else view.scope.name),
        # a team's pack: the team is the top line and its sellers below; a seller's: the seller
        teams=ranked("team", caps.TEAMS) if view.scope is None else (),
        owners=ranked("owner", caps.OWNERS) if view.scope is None or view.scope.by == "team"
        else (),
        overdue_before_quarter_count=int(overdue["count"]),
        overdue_before_quarter_value=money(overdue["value"]),
    )
