"""Pipedrive deals export (Deals > Export, CSV or XLSX): headers `Deal - Title`, `Deal - Value`...

Quirks: a won or lost deal keeps the stage it was in; its `Deal - Status` (open/won/lost) says it
closed. The stage of a won or lost deal is therefore its status, `Won` or `Lost` (map both in
[stages]), and its close date the day it closed (`Deal - Won time` / `Deal - Lost time`), the
expected close date only for open deals. Times like `2026-11-24 10:11:12`.
"""

from __future__ import annotations

import pandas as pd

from report_builder.data.presets.base import Preset, TableMapping, date_part

DATES = ("created_date", "close_date", "last_stage_change_date")


def _status_and_close(frame: pd.DataFrame) -> pd.DataFrame:
    if "deal_status" not in frame.columns:
        return frame
    status = frame["deal_status"].astype("string").str.strip().str.lower()
    closed = status.isin(["won", "lost"]).fillna(False).astype(bool)
    frame["stage"] = frame["stage"].astype("string").where(~closed, status.str.capitalize())
    for column in ("deal_won_time", "deal_lost_time", "deal_deal_closed_on"):
        if column in frame.columns and "close_date" in frame.columns:
            closed_on = frame[column].astype("string")
            use = closed & closed_on.notna() & (closed_on.str.strip() != "")
            frame["close_date"] = frame["close_date"].astype("string")\
                .where(~use.fillna(False).astype(bool), closed_on)
    return frame


DEALS = TableMapping(
    columns={
        "deal_id": ("Deal - ID", "ID"),
        "name": ("Deal - Title", "Title"),
        "account": ("Deal - Organization", "Organization"),
        "owner": ("Deal - Owner", "Owner"),
        "stage": ("Deal - Stage", "Stage"),
        "amount": ("Deal - Value", "Value"),
        "currency": ("Deal - Currency", "Currency"),
        "created_date": ("Deal - Deal created", "Deal created"),
        "close_date": ("Deal - Expected close date", "Expected close date"),
        "source_channel": ("Deal - Source channel", "Deal - Source origin", "Source channel"),
        "lost_reason": ("Deal - Lost reason", "Lost reason"),
        "last_stage_change_date": ("Deal - Last stage change", "Last stage change"),
        "probability": ("Deal - Probability", "Probability"),
        "pipeline": ("Deal - Pipeline", "Pipeline"),
    },
    convert=(_status_and_close, date_part(*DATES)),
    fill_missing=("account",),
)

PRESET = Preset(
    name="pipedrive", title="Pipedrive", tables={"deals": DEALS},
    encodings=("utf-8-sig", "cp1252"),
    example_stages=("Qualified", "Contact Made", "Demo Scheduled", "Proposal Made",
                    "Negotiations Started", "Won", "Lost"),
)
