"""Point 1: the quarter's targets and where we stand, for the company, each team and each owner."""

from __future__ import annotations

import pandas as pd

from report_builder.model.agenda import TargetRow, TargetsSection
from report_builder.model.rows import first_wins
from report_builder.model.view import ModelView, between, ratio, ts


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

    def row(self, scope: str, name: str, column: str | None) -> TargetRow:
        def pick(frame: pd.DataFrame, col: str | None = column) -> pd.DataFrame:
            return frame if col is None else frame[frame[col] == name]

        won = pick(self.won)
        pipeline = pick(self.pipeline)
        meetings = pick(self.meetings)
        first_wins = pick(self.first_wins)
        if scope == "company":
            target_rows = self.targets[self.targets["scope"] == "company"]
            if target_rows.empty:  # fall back to the sum of the team targets
                target_rows = self.targets[self.targets["scope"] == "team"]
                target_rows = target_rows.sum(numeric_only=True).to_frame().T \
                    if len(target_rows) else target_rows
        else:
            target_rows = self.targets[(self.targets["scope"] == scope)
                                       & (self.targets["scope_value"] == name)]
        target = float(target_rows["revenue_target"].iloc[0]) if len(target_rows) else None
        won_value = float(won["value"].sum())
        open_value = float(pipeline["value"].sum())
        weighted = float((pipeline["value"] * pipeline["win_probability"]).sum())
        gap = None if target is None else max(target - won_value, 0.0)
        q = self.view.quarter
        expected = None if target is None else \
            target * self.view.quarter_to_date.days / q.days
        return TargetRow(
            scope=scope, name=name, target=target, won=won_value, won_deals=len(won),
            attainment=None if target is None else ratio(won_value, target),
            open_pipeline=open_value, weighted_pipeline=weighted,
            forecast=won_value + weighted, gap=gap,
            coverage=None if gap is None else ratio(open_value, gap),
            expected_to_date=expected,
            pace=None if expected is None else ratio(won_value, expected),
            new_customers=int(first_wins["account"].nunique()),
            new_customers_target=_int_or_none(target_rows["new_customers_target"].iloc[0])
            if len(target_rows) else None,
            meetings=len(meetings),
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

    def ranked(rows: list[TargetRow]) -> tuple[TargetRow, ...]:
        return tuple(sorted(rows, key=lambda r: (-(r.target or 0), -r.won, r.name)))

    deals = view.deals
    before = deals[deals["is_open"] & (deals["close_date"] < ts(view.quarter.start))]
    return TargetsSection(
        quarter=view.quarter.label, quarter_start=view.quarter.start,
        quarter_end=view.quarter.end, days_elapsed=view.quarter_to_date.days,
        days_total=view.quarter.days,
        company=s.row("company", view.config.company.name, None),
        teams=ranked([s.row("team", t, "team") for t in teams]),
        owners=ranked([s.row("owner", o, "owner") for o in owners]),
        overdue_before_quarter_count=len(before),
        overdue_before_quarter_value=float(before["value"].sum()),
    )
