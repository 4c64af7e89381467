# ruff: noqa: E501  (the rows are laid out as tables, one record a line, to be checked by eye)
"""A small Salesforce data export folder, shaped like a real one: every file a Data Export
writes that the pack can use, ids in place of names, three currencies with the org's own rate
tables, and the quirks of real files (User.csv in cp1252, CRLF everywhere, a BOM on
Account.csv, every value quoted, null ids `000000000000000AAA`).

Corporate currency USD. CurrencyType: EUR 0.92, GBP 0.8 (units per one USD). Dated EUR rates:
0.90 up to 2026-09-30, 0.80 from 2026-10-01. Meeting 2026-11-24, quarter 2026-Q4.

Won this quarter, by hand: O1 1,000 USD + O2 900 EUR at 1/0.80 (closed 2026-11-02) = 1,125 USD
+ O3 800 GBP at 1/0.8 = 1,000 USD: 3,125 USD in 3 deals. O4 (920 EUR, closed 2026-09-15, at
1/0.90 = 1,022.22 USD) was won last quarter. Open: O5 5,000 USD + O7 460 EUR at 1/0.80 = 575
USD: 5,575 USD in the quarter; O6 open without an amount. O8 lost; its owner and account ids
are in neither User.csv nor Account.csv.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

AS_OF = "2026-11-24"
NULL = "000000000000000AAA"
U1, U2, U9 = "0055e000001AbCdAAA", "0055e000001AbCeAAA", "0055e000009ZzZzAAA"
A1, A2, A9 = "0015e00000AcmeAAA1", "0015e00000BetaAAA2", "0015e00000GoneAAA9"
C1, C2 = "7015e000000WebAAA", "7015e000000ConAAA"

OPPORTUNITY = ["Id", "IsDeleted", "AccountId", "Name", "StageName", "Amount", "Probability",
               "CloseDate", "LeadSource", "CampaignId", "OwnerId", "CreatedDate",
               "CurrencyIsoCode", "Loss_Reason__c", "Lost_Reason__c"]
OPPORTUNITIES = [
    ["0065e00000O1AAAAA1", "0", A1, "Acme - Platform", "Closed Won", "1000", "100", "2026-10-15 00:00:00", "Web", C1, U1, "2026-09-01 10:11:12", "USD", "", ""],
    ["0065e00000O2AAAAA2", "0", A2, "Beta - Add-on", "Closed Won", "900", "100", "2026-11-02 00:00:00", "Partner Referral", NULL, U2, "2026-10-01 09:00:00", "EUR", "", ""],
    ["0065e00000O3AAAAA3", "0", A1, "Acme - UK", "Closed Won", "800", "100", "2026-10-20 00:00:00", "Web", NULL, U1, "2026-09-10 09:00:00", "GBP", "", ""],
    ["0065e00000O4AAAAA4", "0", A2, "Beta - Pilot", "Closed Won", "920", "100", "2026-09-15 00:00:00", "Web", NULL, U2, "2026-08-01 09:00:00", "EUR", "", ""],
    ["0065e00000O5AAAAA5", "0", A1, "Acme - Expansion", "Proposal/Price Quote", "5000", "75", "2026-12-15 00:00:00", "Partner Referral", NULL, U1, "2026-10-05 09:00:00", "USD", "", ""],
    ["0065e00000O6AAAAA6", "0", A2, "Beta - Services", "Prospecting", "", "10", "2026-12-20 00:00:00", "Web", NULL, U2, "2026-11-12 09:00:00", "USD", "", ""],
    ["0065e00000O7AAAAA7", "0", A2, "Beta - Renewal", "Negotiation/Review", "460", "90", "2026-12-10 00:00:00", "Web", NULL, U2, "2026-11-01 09:00:00", "EUR", "", ""],
    ["0065e00000O8AAAAA8", "0", A9, "Gone - Trial", "Closed Lost", "100", "0", "2026-11-10 00:00:00", "Web", NULL, U9, "2026-10-01 09:00:00", "USD", "", "Price"],
]
HISTORY = ["Id", "OpportunityId", "CreatedById", "CreatedDate", "StageName", "Amount",
           "CloseDate", "Probability", "IsDeleted"]
HISTORY_ROWS = [
    ["0085e0000H01AAA", "0065e00000O1AAAAA1", U1, "2026-09-01 10:11:12", "Prospecting", "1000", "2026-10-15", "10", "0"],
    ["0085e0000H02AAA", "0065e00000O1AAAAA1", U1, "2026-10-15 16:00:00", "Closed Won", "1000", "2026-10-15", "100", "0"],
    ["0085e0000H03AAA", "0065e00000O5AAAAA5", U1, "2026-10-05 09:00:00", "Qualification", "5000", "2026-12-15", "20", "0"],
    ["0085e0000H04AAA", "0065e00000O5AAAAA5", U1, "2026-11-20 09:30:00", "Proposal/Price Quote", "5000", "2026-12-15", "75", "0"],
    ["0085e0000H05AAA", "0065e00000O8AAAAA8", U9, "2026-11-10 12:00:00", "Closed Lost", "100", "2026-11-10", "0", "0"],
]
USER = ["Id", "Username", "FirstName", "LastName", "IsActive"]
USERS = [
    [U1, "soren@example.com", "Søren", "Ærø", "1"],
    [U2, "jane@example.com", "Jane", "Doe", "1"],
]
ACCOUNT = ["Id", "IsDeleted", "Name", "Type", "OwnerId"]
ACCOUNTS = [
    [A1, "0", "Acme Corp", "Customer - Direct", U1],
    [A2, "0", "Beta Ltd", "Customer - Channel", U2],
]
LEAD = ["Id", "IsDeleted", "FirstName", "LastName", "Company", "LeadSource", "Status", "OwnerId",
        "IsConverted", "ConvertedDate", "ConvertedOpportunityId", "CreatedDate"]
LEADS = [
    ["00Q5e00000L1AAAAA1", "0", "Ann", "Lee", "Acme Corp", "Web", "Closed - Converted", U1, "1", "2026-10-05", "0065e00000O5AAAAA5", "2026-10-01 08:00:00"],
    ["00Q5e00000L2AAAAA2", "0", "Bob", "Ray", "Gamma", "Partner Referral", "Working - Contacted", U2, "0", "", NULL, "2026-11-12 08:00:00"],
    ["00Q5e00000L3AAAAA3", "0", "Cal", "Fox", "Delta", "", "Open - Not Contacted", U9, "0", "", NULL, "2026-11-20 08:00:00"],
    ["00Q5e00000L4AAAAA4", "0", "Dee", "Kim", "Eps", "Web", "Closed - Not Converted", U2, "0", "", NULL, "2026-11-15 08:00:00"],
]
CAMPAIGN = ["Id", "IsDeleted", "Name", "Type", "Status", "StartDate", "EndDate", "BudgetedCost",
            "ActualCost", "OwnerId"]
CAMPAIGNS = [
    [C1, "0", "Autumn webinar", "Webinar", "Completed", "2026-10-01 00:00:00", "2026-10-31 00:00:00", "2000", "1800", U1],
    [C2, "0", "User conference", "Conference", "Planned", "2026-12-01 00:00:00", "2026-12-03 00:00:00", "10000", "", U2],
]
MEMBER = ["Id", "CampaignId", "LeadId", "ContactId", "Status", "CreatedDate"]
MEMBERS = [
    ["00v5e00000M1AAA", C2, "00Q5e00000L2AAAAA2", NULL, "Sent", "2026-11-13 08:00:00"],
    ["00v5e00000M2AAA", C1, "00Q5e00000L2AAAAA2", NULL, "Responded", "2026-10-02 08:00:00"],
    ["00v5e00000M3AAA", C1, "00Q5e00000L4AAAAA4", NULL, "Sent", "2026-10-02 08:00:00"],
]
CURRENCY = ["Id", "IsoCode", "ConversionRate", "DecimalPlaces", "IsActive", "IsCorporate"]
CURRENCIES = [
    ["01L5e000000USD", "USD", "1.000000", "2", "1", "1"],
    ["01L5e000000EUR", "EUR", "0.920000", "2", "1", "0"],
    ["01L5e000000GBP", "GBP", "0.800000", "2", "1", "0"],
]
DATED = ["Id", "IsoCode", "ConversionRate", "StartDate", "NextStartDate"]
DATED_RATES = [
    ["04w5e000000E1", "EUR", "0.900000", "0001-01-01", "2026-10-01"],
    ["04w5e000000E2", "EUR", "0.800000", "2026-10-01", "9999-12-31"],
]

FILES: dict[str, tuple[list[str], list[list[str]], str]] = {
    "Opportunity.csv": (OPPORTUNITY, OPPORTUNITIES, "utf-8"),
    "OpportunityHistory.csv": (HISTORY, HISTORY_ROWS, "utf-8"),
    "User.csv": (USER, USERS, "cp1252"),
    "Account.csv": (ACCOUNT, ACCOUNTS, "utf-8-sig"),
    "Lead.csv": (LEAD, LEADS, "utf-8"),
    "Campaign.csv": (CAMPAIGN, CAMPAIGNS, "utf-8"),
    "CampaignMember.csv": (MEMBER, MEMBERS, "utf-8"),
    "CurrencyType.csv": (CURRENCY, CURRENCIES, "utf-8"),
    "DatedConversionRate.csv": (DATED, DATED_RATES, "utf-8"),
}


def write_export(folder: Path, *, leave_out: tuple[str, ...] = ()) -> Path:
    """The export's files in `folder` (made if needed), every value quoted, CRLF."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (header, rows, encoding) in FILES.items():
        if name in leave_out:
            continue
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        writer.writerows(rows)
        (folder / name).write_bytes(out.getvalue().encode(encoding))
    return folder
