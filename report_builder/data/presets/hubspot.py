"""HubSpot exports: deals ("all deals", property labels as headers) and contacts (leads).

Quirks: dates like `2023-04-04 11:48`; `Deal probability` as a 0-1 fraction; deactivated owners
as `name@company.com (Deactivated User)`; the source column renamed between export versions
(`Original Source Type` -> `Original Traffic Source`); `Date entered "<Stage> (<Pipeline>)"`
columns, which become the stage history (and so the last stage change), their times of day
kept, in the portal's time zone without an offset; duplicate headers in
"all properties" exports (the first is used). Several pipelines: `data.pipelines` picks which
rows to keep. European portals write dates day-first (`24-11-2026 11:48`, `24.11.2026`).
"""

from __future__ import annotations

import re

import pandas as pd

from report_builder.data.presets.base import (
    NameTable,
    Preset,
    TableMapping,
    date_part,
    enum_to_label,
    first_of_many,
    strip_suffix,
)
from report_builder.data.sources import normalise_header

DEAL_DATES = ("created_date", "close_date", "last_stage_change_date")
DEAL_IDS = ("Record ID", "Deal ID", "hs_object_id")
# Date entered "Closed won (Sales Pipeline)": the stage label, then the pipeline in brackets
_ENTERED = re.compile(r"""^date entered\s*["'“](?P<label>.+?)["'”]\s*$""", re.IGNORECASE)
_PIPELINE_SUFFIX = re.compile(r"\s+\([^()]*\)$")


def stage_of_header(header: str) -> str | None:
    """'Date entered "Closed won (Sales Pipeline)"' -> 'Closed won'; None for other headers."""
    match = _ENTERED.match(str(header).strip())
    if match is None:
        return None
    return _PIPELINE_SUFFIX.sub("", match.group("label")).strip() or None


def _date_entered_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """One stage-history row per filled `Date entered` cell: the deal's id and pipeline, the
    stage and the date, indexed by the deal's row in the export (for row numbers)."""
    keep = {normalise_header(h) for h in (*DEAL_IDS, "Pipeline")}
    ids = [pos for pos, c in enumerate(frame.columns) if normalise_header(c) in keep]
    parts = []
    for pos, header in enumerate(frame.columns):
        stage = stage_of_header(str(header))
        if stage is None:
            continue
        cells = frame.iloc[:, pos].astype("string").str.strip()
        filled = (cells.notna() & (cells != "")).to_numpy(dtype=bool, na_value=False)
        part = frame.iloc[filled, ids].copy()
        part["Stage entered"] = stage
        part["Date entered"] = cells[filled]
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=[*(frame.columns[p] for p in ids), "Stage entered",
                                     "Date entered"])
    rows = pd.concat(parts)
    return rows.iloc[pd.Index(rows.index).argsort(kind="stable")]


DEALS = TableMapping(
    columns={
        "deal_id": ("Record ID", "Deal ID", "hs_object_id"),
        "name": ("Deal Name", "dealname"),
        "account": ("Associated Company (Primary)", "Associated Company", "Company name",
                    "Company", "Associated Company IDs (Primary)", "Associated Company IDs"),
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
             date_part(*DEAL_DATES)),
    fill_missing=("account",),
)

STAGE_HISTORY = TableMapping(
    columns={"deal_id": DEAL_IDS, "stage": ("Stage entered",), "entered": ("Date entered",),
             "pipeline": ("Pipeline", "pipeline")},
    derived_from="deals", reshape=_date_entered_rows,  # `entered` keeps its time of day
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

# the companies export: deals whose company column holds the company's Record ID get its name
COMPANIES = NameTable(ids=("Record ID", "Company ID", "hs_object_id"),
                      names=("Company name", "Name", "name"), replaces=(("deals", "account"),))

PRESET = Preset(
    name="hubspot", title="HubSpot",
    tables={"deals": DEALS, "leads": LEADS, "stage_history": STAGE_HISTORY},
    names={"accounts": COMPANIES},
    encodings=("utf-8-sig", "cp1252"),
    example_stages=("Appointment scheduled", "Qualified to buy", "Presentation scheduled",
                    "Decision maker bought-in", "Contract sent", "Closed won", "Closed lost"),
)
