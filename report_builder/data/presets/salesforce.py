"""Salesforce exports: Data Export / Data Loader files (API names: `StageName`, `CloseDate`) and
report exports (labels: `Opportunity Name`, `Stage`, `Close Date`).

Quirks: files in cp1252 (Windows "ANSI") as often as UTF-8; booleans `0`/`1`; nulls written as
empty, `#N/A` or the null id `000000000000000AAA`; `Probability` in percent; `CreatedDate` as
`2026-11-24T10:11:12.000Z` beside `CloseDate` as `2026-11-24`; `CurrencyIsoCode` per row in
multi-currency orgs (converted with data.currency_rates, never summed raw).

The stage history is `OpportunityHistory.csv` of the Data Export (one row per change of stage,
amount, close date, probability or forecast category, with the values from then on and
`CreatedDate` = when the change happened, to the second, with its offset in the Data Export
(`2026-11-12T09:14:03.000+0000`) and without one from the Data Loader; `IsDeleted` rows are
skipped) or an "Opportunity History" report (field labels; `Last Modified` = when the change
happened). The rows of one opportunity are not in time order: the times order them.
"""

from __future__ import annotations

import pandas as pd

from report_builder.data.presets.base import (
    MemberTable,
    NameTable,
    Preset,
    TableMapping,
    blank_values,
    date_part,
)

NULL_IDS = ("000000000000000AAA", "000000000000000")


def _percent(frame: pd.DataFrame) -> pd.DataFrame:
    """Probability is always in percent in Salesforce, even when every value is 0 or 1."""
    if "probability" in frame.columns:
        text = frame["probability"].astype("string").str.replace("%", "", regex=False)\
            .str.replace(",", ".", regex=False).str.strip()
        frame["probability"] = pd.to_numeric(text, errors="coerce") / 100
    return frame


DEALS = TableMapping(
    columns={
        "deal_id": ("Id", "Opportunity ID", "Opportunity Id", "Guid", "Opportunity 18 Digit ID"),
        "name": ("Name", "Opportunity Name"),
        "account": ("Account Name", "Account.Name", "AccountName", "AccountId", "Account ID"),
        "owner": ("Opportunity Owner", "Owner.Name", "Owner Name", "OwnerId", "Owner ID"),
        "team": ("Owner Role", "Owner.UserRole.Name", "Sales Team"),
        "stage": ("StageName", "Stage"),
        "amount": ("Amount",),
        "currency": ("CurrencyIsoCode", "Opportunity Currency", "Amount Currency"),
        "created_date": ("CreatedDate", "Created Date"),
        "close_date": ("CloseDate", "Close Date"),
        "source_channel": ("LeadSource", "Lead Source"),
        "campaign_id": ("CampaignId", "Campaign ID", "Primary Campaign Source"),
        # custom fields, spelt differently per org: the first that holds values is read
        "won_reason": ("Win_Reason__c", "Won_Reason__c", "Reason_Won__c", "Closed_Won_Reason__c",
                       "Won Reason", "Win Reason"),
        "lost_reason": ("Loss_Reason__c", "Lost_Reason__c", "Reason_Lost__c",
                        "Closed_Lost_Reason__c", "Lost Reason", "Loss Reason"),
        "last_stage_change_date": ("LastStageChangeDate", "Last Stage Change Date"),
        "probability": ("Probability", "Probability (%)"),
    },
    convert=(blank_values(NULL_IDS), _percent,
             date_part("created_date", "close_date", "last_stage_change_date")),
    fill_missing=("account", "owner", "created_date"),
)

STAGE_HISTORY = TableMapping(
    columns={
        "deal_id": ("OpportunityId", "Opportunity ID"),
        "stage": ("StageName", "Stage Name"),
        "entered": ("CreatedDate", "Created Date", "Last Modified"),
        "amount": ("Amount",),
        "currency": ("CurrencyIsoCode", "Currency ISO Code"),
        "close_date": ("CloseDate", "Close Date"),
        "probability": ("Probability", "Probability (%)"),
        "is_deleted": ("IsDeleted", "Deleted"),
    },
    # `entered` keeps its time and offset (changes of one day are ordered by them)
    convert=(blank_values(NULL_IDS), _percent, date_part("close_date")),
)

# Lead Status (the standard picklist) -> our lead status; other values stay as they are and
# `validate` names them
_STATUS = {"open - not contacted": "open", "working - contacted": "open", "open": "open",
           "working": "open", "new": "open", "contacted": "open", "nurturing": "nurture",
           "nurture": "nurture", "qualified": "accepted", "closed - converted": "accepted",
           "converted": "accepted", "closed - not converted": "rejected",
           "unqualified": "rejected", "disqualified": "rejected"}


def _lead_status(frame: pd.DataFrame) -> pd.DataFrame:
    """Lead Status -> open/accepted/rejected/nurture; a converted lead is accepted whatever
    its status says."""
    if "status" in frame.columns:
        original = frame["status"].astype("string")
        frame["status"] = original.str.strip().str.lower().map(_STATUS).astype("string")\
            .fillna(original)
        if "isconverted" in frame.columns:
            converted = frame["isconverted"].astype("string").str.strip().isin(["1", "true"])
            frame.loc[converted.to_numpy(dtype=bool), "status"] = "accepted"
    return frame


LEADS = TableMapping(
    columns={
        "lead_id": ("Id", "Lead ID"),
        "created_date": ("CreatedDate", "Created Date"),
        "source_channel": ("LeadSource", "Lead Source"),
        "campaign_id": ("CampaignId", "Campaign ID"),
        "owner": ("Lead Owner", "Owner.Name", "OwnerId"),
        "deal_id": ("ConvertedOpportunityId", "Converted Opportunity ID"),
        "opportunity_date": ("ConvertedDate", "Converted Date"),
        "status": ("Status", "Lead Status"),
    },
    convert=(blank_values(NULL_IDS), _lead_status,
             date_part("created_date", "opportunity_date")),
)

def _budget(frame: pd.DataFrame) -> pd.DataFrame:
    """The actual cost where the campaign has one, else its budgeted cost."""
    if "budgetedcost" in frame.columns:
        planned = frame["budgetedcost"].astype("string")
        if "budget" not in frame.columns:
            frame["budget"] = planned
        else:
            actual = frame["budget"].astype("string")
            frame["budget"] = actual.where(actual.str.strip().fillna("") != "", planned)
    return frame


CAMPAIGNS = TableMapping(
    columns={
        "campaign_id": ("Id", "Campaign ID"),
        "name": ("Name", "Campaign Name"),
        "channel": ("Type", "Campaign Type"),
        "start_date": ("StartDate", "Start Date"),
        "end_date": ("EndDate", "End Date"),
        "owner": ("Campaign Owner", "Owner.Name", "OwnerId"),
        # what was spent where the campaign has run, else what was budgeted
        "budget": ("ActualCost", "Actual Cost in Campaign"),  # else BudgetedCost (_budget)
    },
    convert=(blank_values(NULL_IDS), _budget, date_part("start_date", "end_date")),
    fill_missing=("owner",),
)

USERS = NameTable(ids=("Id", "User ID"), names=("Name", "Full Name"),
                  first_last=("FirstName", "LastName"),
                  replaces=(("deals", "owner"), ("leads", "owner"), ("campaigns", "owner")))
ACCOUNTS = NameTable(ids=("Id", "Account ID"), names=("Name", "Account Name"),
                     replaces=(("deals", "account"),))
MEMBERS = MemberTable(lead_id=("LeadId", "Lead ID"), campaign_id=("CampaignId", "Campaign ID"),
                      created=("CreatedDate", "Created Date"))

PRESET = Preset(
    name="salesforce", title="Salesforce",
    tables={"deals": DEALS, "leads": LEADS, "campaigns": CAMPAIGNS,
            "stage_history": STAGE_HISTORY},
    names={"users": USERS, "accounts": ACCOUNTS}, members=MEMBERS,
    encodings=("utf-8-sig", "cp1252"),
    example_stages=("Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
                    "Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote",
                    "Negotiation/Review", "Closed Won", "Closed Lost"),
)
