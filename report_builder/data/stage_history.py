"""The optional stage history: rows skipped before parsing, values derived after checking.

A CRM's history (Salesforce OpportunityHistory, HubSpot's `Date entered` columns, or our own
stage_history table) says when each deal entered each stage and, where the source records them,
what it carried from then on. The model rebuilds the deals of an earlier meeting from it
(model/stage_history.py).
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from report_builder.config import Config
from report_builder.data.dataset import DataNote
from report_builder.data.membership import member_of
from report_builder.data.parse import TRUE_WORDS
from report_builder.data.sources import RawTable
from report_builder.data.timestamps import local_days

MAX_EXAMPLES = 8


def without_deleted_rows(raw: RawTable) -> tuple[RawTable, DataNote | None]:
    """The rows not marked deleted (Salesforce's `IsDeleted` = 1: in the recycle bin), without
    the marker column; and a note counting those skipped. Row numbers stay as in the file."""
    frame = raw.frame
    if "is_deleted" not in frame.columns:
        return raw, None
    words = frame["is_deleted"].astype("string").str.strip().str.lower()
    deleted = words.isin(TRUE_WORDS).fillna(False).astype(bool).to_numpy()
    kept = frame.loc[~deleted].drop(columns=["is_deleted"]).reset_index(drop=True)
    rows = tuple(raw.row_number(p) for p in range(len(frame)) if not deleted[p])
    table = replace(raw, frame=kept, rows=rows)
    if not deleted.any():
        return table, None
    examples = tuple(frame.loc[deleted, "deal_id"].astype(str).head(MAX_EXAMPLES)) \
        if "deal_id" in frame.columns else ()
    return table, DataNote("stage_history", "deleted_history_rows", int(deleted.sum()),
                           {"source": raw.source}, examples)


def derive_history(history: pd.DataFrame, deals: pd.DataFrame,
                   config: Config) -> tuple[pd.DataFrame, DataNote | None]:
    """The rows of known deals, with `value` (amount in the company currency, at the row's
    currency else the deal's; empty without an amount); and a note counting the rest."""
    known = member_of(history["deal_id"], deals["deal_id"])
    note = None
    if not known.all():
        unknown = history.loc[~known, "deal_id"].astype(str)
        note = DataNote("stage_history", "history_unknown_deal", int((~known).sum()),
                        {"deals": int(unknown.nunique())},
                        tuple(unknown.drop_duplicates().head(MAX_EXAMPLES)))
    rows = history.loc[known.to_numpy()].reset_index(drop=True)
    deal_currency = rows["deal_id"].map(deals.drop_duplicates("deal_id")
                                        .set_index("deal_id")["currency"])
    currency = rows["currency"].fillna(deal_currency).str.upper()
    rate = currency.map({**config.data.currency_rates, config.company.currency: 1.0})
    rate = rate.astype("float64").where(currency.notna(), 1.0)
    rows["value"] = (rows["amount"] * rate).astype("float64")
    return rows, note


def in_time_order(history: pd.DataFrame) -> pd.DataFrame:
    """The rows by deal, each deal's in the order its changes happened: by `entered` (date,
    time and zone), the order of the source breaking exact ties only."""
    return history.assign(_order=range(len(history)))\
        .sort_values(["deal_id", "entered", "_order"]).drop(columns="_order")


def last_stage_changes(history: pd.DataFrame) -> pd.Series:
    """Per deal: when it entered the stage it was last in (rows that only changed an amount or
    a close date do not count)."""
    ordered = in_time_order(history)
    before = ordered.groupby("deal_id")["stage"].shift()
    changed = (ordered["stage"] != before).fillna(True) | before.isna()
    return ordered.loc[changed.astype(bool)].groupby("deal_id")["entered"].last()


def fill_last_stage_change(deals: pd.DataFrame, history: pd.DataFrame) -> None:
    """Deals without a last_stage_change_date take it from the stage history: the day, in the
    company's time zone, of the change that put the deal in its last stage."""
    missing = deals["last_stage_change_date"].isna()
    if missing.any() and len(history):
        ids = deals.loc[missing, "deal_id"]
        found = local_days(last_stage_changes(history)).reindex(ids.to_numpy(dtype=object))
        deals.loc[missing, "last_stage_change_date"] = pd.Series(
            found.to_numpy(), index=ids.index).astype("datetime64[s]")
