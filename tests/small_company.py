# ruff: noqa: E501  (the rows are laid out as tables, one record a line, to be checked by eye)
"""A small company whose every figure can be computed by hand (see test_model.py).

Meeting 2026-11-24 (a Tuesday); cadence every 14 days from 2026-11-10, so "since the last meeting"
is 2026-11-11 .. 2026-11-24; the quarter is 2026-Q4 (Oct-Dec, 92 days, 55 elapsed at the meeting).
"""

from __future__ import annotations

import csv
from pathlib import Path

AS_OF = "2026-11-24"

DEAL_COLUMNS = ["deal_id", "name", "account", "owner", "team", "stage", "amount", "currency",
                "created_date", "close_date", "source_channel", "campaign_id", "won_reason",
                "lost_reason", "last_stage_change_date", "probability", "public_reference"]

DEALS = [
    # id,  name,            account, owner, team,   stage,      amount, cur,  created,      close,        channel,   camp, won,  lost,  changed,      p,     public
    ["D1", "Acme - Pro",     "Acme",  "Anna", "North", "Won",       "100000", "",    "2026-09-01", "2026-10-15", "Webinar", "C1", "Price", "", "2026-10-15", "", "true"],
    ["D2", "Beta - Pro",     "Beta",  "Bo",   "North", "Won",       "50000",  "DKK", "2026-10-01", "2026-11-20", "Partner", "",   "Fit",   "", "2026-11-20", "", "false"],
    ["D3", "Gamma - Lite",   "Gamma", "Cy",   "South", "Won",       "1000",   "EUR", "2026-11-01", "2026-11-24", "Webinar", "C1", "Price", "", "2026-11-24", "", ""],
    ["D4", "Delta - Pro",    "Delta", "Anna", "North", "Lost",      "80000",  "",    "2026-08-01", "2026-11-01", "Outbound", "",  "",      "Price", "2026-11-01", "", ""],
    ["D5", "Acme - Add-on",  "Acme",  "Anna", "North", "Discovery", "200000", "",    "2026-10-05", "2026-12-15", "Webinar", "",   "",      "", "2026-10-05", "", ""],
    ["D6", "Eps - Pro",      "Eps",   "Bo",   "North", "Proposal",  "100000", "",    "2026-11-12", "2026-11-20", "Partner", "",   "",      "", "2026-11-18", "0.5", ""],
    ["D7", "Zeta - Pro",     "Zeta",  "Cy",   "South", "Proposal",  "40000",  "",    "2026-06-01", "2027-01-20", "Outbound", "",  "",      "", "2026-11-15", "", ""],
    ["D8", "Eta - Lite",     "Eta",   "Cy",   "South", "Discovery", "30000",  "",    "2026-11-02", "",           "",        "",   "",      "", "2026-11-02", "", ""],
    ["D9", "Theta - Pro",    "Theta", "Bo",   "North", "Won",       "60000",  "",    "2026-03-01", "2026-06-30", "Partner", "",   "",      "", "2026-06-30", "", ""],
]

LEAD_COLUMNS = ["lead_id", "created_date", "source_channel", "campaign_id", "owner", "mql_date",
                "sql_date", "meeting_date", "opportunity_date", "deal_id", "status",
                "rejection_reason"]

LEADS = [
    ["L1", "2026-08-20", "Webinar",     "C1", "Anna", "2026-08-22", "2026-08-25", "2026-08-28", "2026-09-01", "D1", "accepted", ""],
    ["L2", "2026-10-02", "Webinar",     "C1", "Cy",   "2026-10-03", "2026-10-10", "2026-10-20", "2026-11-01", "D3", "accepted", ""],
    ["L3", "2026-10-10", "Partner",     "",   "",     "2026-10-12", "",           "",           "",           "",   "rejected", "No budget"],
    ["L4", "2026-11-12", "Webinar",     "C2", "Anna", "2026-11-13", "2026-11-14", "2026-11-19", "",           "",   "accepted", ""],
    ["L5", "2026-11-20", "Paid search", "",   "",     "",           "",           "",           "",           "",   "open",     ""],
    ["L6", "2026-11-21", "Paid search", "",   "",     "2026-11-22", "",           "",           "",           "",   "rejected", "Too small"],
    ["L7", "2026-09-15", "Partner",     "",   "Bo",   "2026-09-20", "2026-09-25", "2026-09-30", "2026-10-01", "D2", "accepted", ""],
    ["L8", "2026-10-20", "Partner",     "",   "Bo",   "2026-10-22", "2026-11-12", "2026-11-12", "2026-11-12", "D6", "accepted", ""],
]

TARGET_COLUMNS = ["quarter", "scope", "scope_value", "revenue_target", "new_customers_target",
                  "meetings_target"]

TARGETS = [
    ["2026-Q4", "company", "",      "400000", "3", "4"],
    ["2026-Q4", "team",    "North", "300000", "",  ""],
    ["2026-Q4", "team",    "South", "100000", "",  ""],
    ["2026-Q4", "owner",   "Anna",  "150000", "",  ""],
    ["2026-Q4", "owner",   "Bo",    "150000", "",  ""],
    ["2026-Q4", "owner",   "Cy",    "100000", "",  ""],
    ["2026-Q3", "company", "",      "350000", "",  ""],
]

CAMPAIGN_COLUMNS = ["campaign_id", "name", "channel", "start_date", "end_date", "owner", "budget",
                    "goal", "sales_actions", "public"]

CAMPAIGNS = [
    ["C1", "Webinar: Lager", "Webinar",      "2026-08-15", "2026-11-15", "Sofie", "20000", "40 MQLs", "Call every attendee", "true"],
    ["C2", "Event: Messe",   "Events",       "2026-11-10", "2026-12-10", "Jonas", "50000", "10 meetings", "Book meetings at the stand", "true"],
    ["C3", "LinkedIn Q1",    "LinkedIn ads", "2027-01-04", "2027-02-28", "Ida",   "",      "", "", "false"],
    ["C4", "Spring webinar", "Webinar",      "2027-03-01", "2027-03-31", "Sofie", "5000",  "", "", ""],
]

CONFIG = """
[company]
name = "Small Co"
currency = "DKK"
locale = "{locale}"

[meeting]
as_of = {as_of}
cadence_anchor = 2026-11-10
cadence_days = 14
campaign_horizon_weeks = 6
stale_after_days = 30

[data]
path = "data"
currency_rates = {{ EUR = 7.5 }}

[stages]
"Discovery" = {{ step = "opportunity", probability = 0.2 }}
"Proposal" = {{ step = "quote", probability = 0.6 }}
"Won" = {{ step = "won" }}
"Lost" = {{ step = "lost" }}
"""


def write_csv(path: Path, columns: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerows(rows)


def write_company(folder: Path, *, deals: list[list[str]] | None = None,
                  leads: list[list[str]] | None = None, locale: str = "en_GB",
                  as_of: str = AS_OF, extra_config: str = "") -> Path:
    """Write the small company (optionally with other rows) to `folder`; return report.toml."""
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    write_csv(data / "deals.csv", DEAL_COLUMNS, DEALS if deals is None else deals)
    write_csv(data / "leads.csv", LEAD_COLUMNS, LEADS if leads is None else leads)
    write_csv(data / "targets.csv", TARGET_COLUMNS, TARGETS)
    write_csv(data / "campaigns.csv", CAMPAIGN_COLUMNS, CAMPAIGNS)
    config = folder / "report.toml"
    config.write_text(CONFIG.format(locale=locale, as_of=as_of) + extra_config, encoding="utf-8")
    return config
