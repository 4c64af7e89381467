"""Point 1: the quarter's targets and where we stand, for the company, each team and each owner."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from report_builder.model import caps
from report_builder.model.agenda import TargetRow, TargetsSection
from report_builder.model.engine_view import EngineView
from report_builder.model.rows import first_wins
from report_builder.model.view import ModelView, between, ratio, ts
from report_builder.placeholders import OTHER_NAME


def _int_or_none(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(round(float(value)))  # type: ignore[arg-type]


class _Scope:
    """The deals, leads and target row of one scope (the whole company, a team or an owner)."""

    def __init__(self, view: ModelView) -> None:
        qtd = view.quarter_to_date
        deals = view.deals
        self.view = view
        self.won = deals[deals["is_won"] & between(deals["close_date"], qtd)]
        self.pipeline = deals[deals["is_open"] & between(deals["close_date"], view.quarter)]
        firsts = first_wins(deals)
        self.first_wins = firsts[between(firsts["close_date"], qtd)]
        leads = view.leads
        self.meetings = leads[between(leads["meeting_date"], qtd)]
        # an owner's team is the team on most of their deals
        teams = deals.dropna(subset=["team"]).groupby("owner")["team"]
        self.owner_team = teams.agg(lambda s: s.mode().iat[0]) if len(deals) else pd.Series()
        self.meetings = self.meetings.assign(team=self.meetings["owner"].map(self.owner_team))
        targets = view.targets
        self.targets = targets[targets["quarter"] == view.quarter.label]

    def row(self, scope: str, name: str, column: str | None,
            members: Sequence[str] | None = None) -> TargetRow:
        """The row of one scope; with `members`, of those teams or owners together (the
        "Other" row named `name`: their targets and figures summed)."""
        def pick(frame: pd.DataFrame, col: str | None = column) -> pd.DataFrame:
            if col is None:
                return frame
            return frame[frame[col].isin(members)] if members is not None \
                else frame[frame[col] == name]

        won = pick(self.won)
        pipeline = pick(self.pipeline)
        figures = ScopeFigures(
            won=float(won["value"].sum()), won_deals=len(won),
            open=float(pipeline["value"].sum()),
            weighted=float((pipeline["value"] * pipeline["win_probability"]).sum()),
            new_customers=int(pick(self.first_wins)["account"].nunique()),
            meetings=len(pick(self.meetings)))
        return target_row(self.view, scope, name, members,
                          target_rows_of(self.targets, scope, name, members), figures)


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


def target_row(view: ModelView | EngineView, scope: str, name: str,
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


def build_targets(view: ModelView) -> TargetsSection:
    s = _Scope(view)
    targets = s.targets
    teams = _names(targets.loc[targets["scope"] == "team", "scope_value"],
                   s.won["team"], s.pipeline["team"])
    owners = _names(targets.loc[targets["scope"] == "owner", "scope_value"],
                    s.won["owner"], s.pipeline["owner"])

    def ranked(scope: str, names: list[str], limit: int) -> tuple[TargetRow, ...]:
        """By target, then won, then name; past the first `limit`, the rest as one row. The
        order is found from the summed targets and wins first, so a row is made only for the
        shown names (one per name would take minutes for tens of thousands)."""
        order = _rank(names, targets[targets["scope"] == scope], s.won, scope)
        if len(order) <= limit + 1:
            return tuple(s.row(scope, n, scope) for n in order)
        rest = order[limit:]
        return (*(s.row(scope, n, scope) for n in order[:limit]),
                s.row(scope, OTHER_NAME.format(count=len(rest)), scope, members=rest))

    deals = view.deals
    before = deals[deals["is_open"] & (deals["close_date"] < ts(view.quarter.start))]
    return TargetsSection(
        quarter=view.quarter.label, quarter_start=view.quarter.start,
        quarter_end=view.quarter.end, days_elapsed=view.quarter_to_date.days,
        days_total=view.quarter.days,
        company=s.row("company", view.config.company.name, None),
        teams=ranked("team", teams, caps.TEAMS),
        owners=ranked("owner", owners, caps.OWNERS),
        overdue_before_quarter_count=len(before),
        overdue_before_quarter_value=float(before["value"].sum()),
    )


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
