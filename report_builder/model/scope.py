"""A pack for one team or one seller (`build --per team`, `--per owner`): the company's view
narrowed to their deals and leads, its heavy part (the held deals and leads) shared by every
pack. The queries read the team's name from a table (ScopeName), so every pack asks the same
queries and each is compiled to SQL once.

Which deals, leads and targets are a scope's (docs/metrics.md, "A pack per team or seller"):
- a deal is its team's (deals.team) and its owner's;
- a lead is its owner's, and the team's of its owner: the team on most of the owner's deals,
  the rule the company's pack counts each team's meetings by, so a team's pack shows the
  figures of its row in the company's pack;
- an account's first win is found among all the company's deals: a new customer of the pack
  whose deal won it;
- the pack's top line is the scope's own target row (the company's rows left out); a team's
  pack ranks its sellers below it, a seller's pack nobody;
- channels, campaigns and reasons count the scope's leads and deals; the campaigns to come are
  the company's, since every seller acts on them.
"""

from __future__ import annotations

import dataclasses

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
from ibis.backends import BaseBackend

from report_builder.engine.backends import put_arrow, unique_name
from report_builder.model.agenda import SCOPES, Scope
from report_builder.model.comparison import Comparison
from report_builder.model.targets import owner_teams
from report_builder.model.view import ModelView


def scope_names(view: ModelView, by: str) -> list[str]:
    """The teams (or sellers) on the deals known at the meeting, in name order."""
    if by not in SCOPES:
        raise ValueError(f"a pack is per {' or per '.join(SCOPES)}, not per {by!r}")
    column = view.deals[by]
    names = view.deals.filter(column.notnull()).select(name=column.cast("string")).distinct()
    return sorted(str(n) for n in names.to_pyarrow().column("name").to_pylist())


class ScopeName:
    """The name of the team or seller whose pack is being built, as the one row of a table in
    the engine that the scoped queries read (`set` puts a name in): every pack then asks the
    same queries, compiled to SQL once (engine/backends.py compiled_once), not once a pack."""

    def __init__(self, con: BaseBackend) -> None:
        self.con = con
        self.table_name = unique_name("scope")

    def set(self, name: str) -> ir.StringScalar:
        table = put_arrow(self.con, self.table_name,
                          pa.table({"name": pa.array([name], pa.string())}), replace=True)
        return table["name"].as_scalar()


def scoped_view(view: ModelView, scope: Scope, name: ir.StringValue | None = None
                ) -> ModelView:
    """`view` (the company's) narrowed to `scope`'s deals, leads and targets; `name`: the
    scope's name as the queries read it (ScopeName), else the name itself."""
    deals, leads = view.deals, view.leads
    value = ibis.literal(scope.name, "string") if name is None else name
    if scope.by == "team":
        members = owner_teams(deals)
        members = members.filter(members.owner_team == value)
        owners = [str(o) for o in members.select("owner").to_pyarrow().column(0).to_pylist()]
        deals = deals.filter(deals.team == value)
        leads = leads.filter(leads.owner.isin(members.owner))
    else:
        owners = [scope.name]
        deals = deals.filter(deals.owner == value)
        leads = leads.filter(leads.owner == value)
    return dataclasses.replace(
        view, scope=scope, company_deals=view.deals, cache={_OWNERS: owners},
        deals=deals, leads=leads,
        targets=scoped_targets(view.targets, scope, owners if scope.by == "team" else []))


_OWNERS = "scope_owners"


def scope_owners(view: ModelView) -> list[str]:
    """The sellers of a scoped view: a team's (their team by owner_teams), or the seller."""
    assert view.scope is not None
    return list(view.cache[_OWNERS])


def scoped_comparison(comparison: Comparison, view: ModelView) -> Comparison:
    """The movement of a scoped view's deals: the meeting's snapshot and the earlier one kept
    to its deals; a deal gone from the data since then is its owner's (and their team's)."""
    ids = set(view.deals.select("deal_id").to_pyarrow().column(0).to_pylist())
    current = comparison.current[comparison.current["deal_id"].isin(ids)]
    earlier = comparison.earlier
    if earlier is not None:
        previous = earlier.previous
        gone = ~previous["deal_id"].isin(comparison.current["deal_id"])
        kept = previous["deal_id"].isin(ids) | (gone & previous["owner"].isin(scope_owners(view)))
        earlier = dataclasses.replace(earlier, previous=previous[kept])
    return Comparison(current, earlier)


def scoped_targets(targets: pd.DataFrame, scope: Scope, owners: list[str]) -> pd.DataFrame:
    """The scope's own target rows as the pack's top line (scope "company"), and the targets
    of its sellers (`owners`, of a team's pack); every other row left out."""
    own = (targets["scope"] == scope.by) & (targets["scope_value"] == scope.name)
    top = targets[own].assign(scope="company", scope_value=None)
    sellers = targets[(targets["scope"] == "owner") & targets["scope_value"].isin(owners)]
    return pd.concat([top, sellers], ignore_index=True)
