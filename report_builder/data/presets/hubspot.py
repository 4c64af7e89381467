"""HubSpot exports: deals ("all deals", property labels as headers) and contacts (leads).

Quirks: dates like `2023-04-04 11:48`; `Deal probability` as a 0-1 fraction; deactivated owners
as `name@company.com (Deactivated User)`; the source column renamed between export versions
(`Original Source Type` -> `Original Traffic Source`); `Date entered "<Stage> (<Pipeline>)"`
columns, of which the latest is the last stage change; duplicate headers in "all properties"
exports (the first is used). Several pipelines: `data.pipelines` picks which rows to keep.
"""

from __future__ import annotations

import pandas as pd

from report_builder.data.presets.base import (
    Preset,
    TableMapping,
    date_part,
    enum_to_label,
    first_of_many,
    strip_suffix,
)

DEAL_DATES = ("created_date", "close_date", "last_stage_change_date")


def _last_stage_change(frame: pd.DataFrame) -> pd.DataFrame:
    """The latest `Date entered "<Stage> (<Pipeline>)"` of each deal, when the export has them
    and no column was mapped to last_stage_change_date."""
    entered = [c for c in frame.columns if str(c).startswith("date_entered_")]
    if not entered or "last_stage_change_date" in frame.columns:
        return frame
    stamps = pd.concat([pd.to_datetime(frame[c], format="ISO8601", errors="coerce")
                        for c in entered], axis=1)
    latest = stamps.max(axis=1)
    frame["last_stage_change_date"] = latest.dt.strftime("%Y-%m-%d").astype("string")\
        .where(latest.notna())
    return frame


DEALS = TableMapping(
    columns={
        "deal_id": ("Record ID", "Deal ID", "hs_object_id"),
        "name": ("Deal Name", "dealname"),
        "account": ("Associated Company (Primary)", "Associated Company", "Company name",
                    "Company"),
        "owner": ("Deal owner", "hubspot_owner_id"),
        "team": ("HubSpot Team", "hubspot_team_id"),
        "stage": ("Deal Stage", "dealstage"),
        "amount": ("Amount", "amount"),
        "currency": ("Currency", "Deal currency code", "deal_currency_code"),
        "created_date": ("Create Date", "createdate"),
        "close_date": ("Close Date", "closedate"),
        "source_channel": ("Original Traffic Source", "Original Source Type",
                           "hs_analytics_source"),
        "campaign_id": ("Original Traffic Source Drill-Down 1", "Original Source Data 1",
                        "hs_campaign"),
        "won_reason": ("Closed Won Reason", "closed_won_reason"),
        "lost_reason": ("Closed Lost Reason", "closed_lost_reason"),
        "last_stage_change_date": ("Last Stage Change Date", "hs_date_entered_stage"),
        "probability": ("Deal probability", "hs_deal_stage_probability"),
        "pipeline": ("Pipeline", "pipeline"),
    },
    convert=(strip_suffix("owner", r"\s*\(Deactivated User\)$"), enum_to_label("source_channel"),
             _last_stage_change, date_part(*DEAL_DATES)),
    fill_missing=("account",),
)

LEAD_DATES = ("created_date", "mql_date", "sql_date", "meeting_date", "opportunity_date")

_STATUS = {"subscriber": "open", "lead": "open", "marketingqualifiedlead": "open",
           "marketing qualified lead": "open", "salesqualifiedlead": "accepted",
           "sales qualified lead": "accepted", "opportunity": "accepted", "customer": "accepted",
           "evangelist": "accepted", "other": "open"}


def _lead_status(frame: pd.DataFrame) -> pd.DataFrame:
    """Lifecycle stage -> lead status (open/accepted); a `Lead Status` of `Unqualified`
    rejects the lead."""
    if "status" in frame.columns:  # values that are not lifecycle stages stay as they are
        original = frame["status"].astype("string")
        stage = original.str.strip().str.lower()
        frame["status"] = stage.map(_STATUS).astype("string").fillna(original)
    if "lead_status" in frame.columns:
        unqualified = frame["lead_status"].astype("string").str.lower().eq("unqualified")
        frame.loc[unqualified.fillna(False).astype(bool), "status"] = "rejected"
    return frame


LEADS = TableMapping(
    columns={
        "lead_id": ("Record ID", "Contact ID", "hs_object_id"),
        "created_date": ("Create Date", "createdate"),
        "source_channel": ("Original Traffic Source", "Original Source Type",
                           "Original Source", "hs_analytics_source"),
        "campaign_id": ("Original Traffic Source Drill-Down 1", "Original Source Data 1"),
        "owner": ("Contact owner", "hubspot_owner_id"),
        "mql_date": ("Became a Marketing Qualified Lead Date",
                     "Date entered 'Marketing Qualified Lead (Lifecycle Stage Pipeline)'",
                     "hs_lifecyclestage_marketingqualifiedlead_date"),
        "sql_date": ("Became a Sales Qualified Lead Date",
                     "Date entered 'Sales Qualified Lead (Lifecycle Stage Pipeline)'",
                     "hs_lifecyclestage_salesqualifiedlead_date"),
        "opportunity_date": ("Became an Opportunity Date",
                             "Date entered 'Opportunity (Lifecycle Stage Pipeline)'",
                             "hs_lifecyclestage_opportunity_date"),
        "deal_id": ("Associated Deal IDs", "Associated Deal"),
        "status": ("Lifecycle Stage", "lifecyclestage"),
    },
    convert=(strip_suffix("owner", r"\s*\(Deactivated User\)$"), enum_to_label("source_channel"),
             first_of_many("deal_id"), first_of_many("campaign_id"), _lead_status,
             date_part(*LEAD_DATES)),
)

PRESET = Preset(
    name="hubspot", title="HubSpot", tables={"deals": DEALS, "leads": LEADS},
    encodings=("utf-8-sig", "cp1252"),
    example_stages=("Appointment scheduled", "Qualified to buy", "Presentation scheduled",
                    "Decision maker bought-in", "Contract sent", "Closed won", "Closed lost"),
)
