"""Pipedrive deals export (Deals list > "Export filter results", or Tools and apps > Export data;
CSV or XLSX): headers `<Entity> - <Field>`, e.g. `Deal - Title`, `Deal - Value`.

Header names, as checked (no Pipedrive page lists an export's exact headers):
- Pipedrive's own import reference, the "READ ME All default Pipedrive fields" tab of its sample
  spreadsheet (support.pipedrive.com, "Importing: sample import spreadsheets"), names the deal
  fields `Deal - Title`, `Deal - Value`, `Deal - Currency of value`, `Deal - Owner`,
  `Deal - Stage (pipeline)`, `Deal - Expected close date`, `Deal - Creation date`,
  `Deal - Closed on`, `Deal - Won time`, `Deal - Lost time`, `Deal - Lost reason`,
  `Deal - Probability`, `Deal - Status` (Open / Won / Lost), `Deal - Label`,
  `Deal - Pipedrive System ID`; the linked organization as a bare `Organization`.
- Code parsing real list-view exports (public repositories) shows `Deal - ID`,
  `Deal - Organization`, `Deal - Pipeline`, `Deal - Stage`, `Deal - Deal created`,
  `Deal - Last stage change`, `Deal - Deal closed on`, `Deal - Source channel`,
  `Deal - Source origin` and `Deal - Currency of Value` (capital V: headers match regardless).
- Pipedrive's API reference: `won_time`, `lost_time`, `close_time` and `add_time` as
  `YYYY-MM-DD HH:MM:SS` in UTC; `probability` a percentage.
Custom field headers are their labels as typed; Pipedrive's UI is localised, and whether export
headers follow the user's language is not documented anywhere we found: `report-builder inspect`
prints a [data.columns.deals] to fill in for headers no preset knows.

Quirks: a won or lost deal keeps the stage it was in; its `Deal - Status` (open/won/lost) says it
closed. The stage of a won or lost deal is therefore its status, `Won` or `Lost` (map both in
[stages]), and its close date the day it closed (won/lost time, else closed on), the expected
close date only for open deals. `Deal - Probability` is in percent. `Deal - Source origin`
(how the deal was created: manually, import, web form, API) is not a marketing channel and is not
read as one.
"""

from __future__ import annotations

import pandas as pd

from report_builder.data.presets.base import Preset, TableMapping, date_part, percent

DATES = ("created_date", "close_date", "last_stage_change_date")
CLOSED_ON = ("deal_won_time", "deal_lost_time", "deal_closed_on", "deal_deal_closed_on")


def _status_and_close(frame: pd.DataFrame) -> pd.DataFrame:
    if "deal_status" not in frame.columns:
        return frame
    status = frame["deal_status"].astype("string").str.strip().str.lower()
    closed = status.isin(["won", "lost"]).fillna(False).astype(bool)
    frame["stage"] = frame["stage"].astype("string").where(~closed, status.str.capitalize())
    if "close_date" not in frame.columns:
        frame["close_date"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    filled = pd.Series(False, index=frame.index)
    for column in CLOSED_ON:  # the first of these a closed deal has wins
        if column not in frame.columns:
            continue
        closed_on = frame[column].astype("string")
        use = (closed & ~filled & closed_on.notna() & (closed_on.str.strip() != ""))\
            .fillna(False).astype(bool)
        frame["close_date"] = frame["close_date"].astype("string").where(~use, closed_on)
        filled |= use
    return frame


DEALS = TableMapping(
    columns={
        "deal_id": ("Deal - ID", "Deal - Pipedrive System ID", "ID"),
        "name": ("Deal - Title", "Title"),
        "account": ("Deal - Organization", "Organization", "Organization - Name"),
        "owner": ("Deal - Owner", "Owner"),
        "stage": ("Deal - Stage", "Deal - Stage (pipeline)", "Stage"),
        "amount": ("Deal - Value", "Value"),
        "currency": ("Deal - Currency of value", "Deal - Currency", "Currency"),
        "created_date": ("Deal - Deal created", "Deal - Creation date", "Deal created"),
        "close_date": ("Deal - Expected close date", "Expected close date"),
        "source_channel": ("Deal - Source channel", "Source channel"),
        "lost_reason": ("Deal - Lost reason", "Lost reason"),
        "last_stage_change_date": ("Deal - Last stage change", "Last stage change"),
        "probability": ("Deal - Probability", "Probability"),
        "pipeline": ("Deal - Pipeline", "Pipeline"),
    },
    convert=(_status_and_close, percent("probability"), date_part(*DATES)),
    fill_missing=("account",),
)

PRESET = Preset(
    name="pipedrive", title="Pipedrive", tables={"deals": DEALS},
    encodings=("utf-8-sig", "cp1252"),
    example_stages=("Qualified", "Contact Made", "Demo Scheduled", "Proposal Made",
                    "Negotiations Started", "Won", "Lost"),
)
