# ruff: noqa: E501  (the rows are laid out as tables, one record a line, to be checked by eye)
"""A small company selling in two CRM pipelines with their own stages, every figure by hand.

Meeting 2026-11-24, quarter 2026-Q4 (Oct-Dec). "New business" uses Discovery (20 %) and
Proposal (60 %); "Renewals" uses Renewal due (50 %) and Renewal quote (80 %); both end in Won
or Lost.

New business, open: N3 200,000 (Discovery, 40,000 weighted), N4 100,000 (Proposal at its own
50 %: 50,000), N5 50,000 (Discovery, 10,000) -> 3 deals, 350,000, 100,000 weighted; by stage
Discovery 2 / 250,000 / 50,000 and Proposal 1 / 100,000 / 50,000. This quarter: won N1
(100,000), lost N2: win rate 1/2.
Renewals, open: R4 60,000 (30,000 weighted), R5 30,000 (24,000) -> 2 deals, 90,000, 54,000.
This quarter: won R1 (40,000) and R2 (20,000) = 60,000, lost R3: win rate 2/3; R6 was won in
Q3 and does not count.
The company: 5 open deals, 440,000, 154,000 weighted; won this quarter 3 deals, 160,000;
win rate 3/5.
"""

from __future__ import annotations

from pathlib import Path

from tests.small_company import (
    CAMPAIGN_COLUMNS,
    CAMPAIGNS,
    LEAD_COLUMNS,
    TARGET_COLUMNS,
    TARGETS,
    write_csv,
)

AS_OF = "2026-11-24"
NEW, RENEWALS = "New business", "Renewals"

DEAL_COLUMNS = ["deal_id", "name", "account", "owner", "team", "stage", "amount", "currency",
                "created_date", "close_date", "source_channel", "campaign_id", "won_reason",
                "lost_reason", "last_stage_change_date", "probability", "pipeline"]

DEALS = [
    # id,  name,               account, owner, team,   stage,           amount,   cur, created,      close,        channel,   camp, won,     lost,    changed,      p,     pipeline
    ["N1", "Acme - Pro",       "Acme",  "Anna", "North", "Won",           "100000", "", "2026-09-01", "2026-10-15", "Webinar", "",  "Price", "",      "2026-10-15", "",    NEW],
    ["N2", "Beta - Pro",       "Beta",  "Bo",   "North", "Lost",          "80000",  "", "2026-08-01", "2026-11-01", "Partner", "",  "",      "Price", "2026-11-01", "",    NEW],
    ["N3", "Gamma - Pro",      "Gamma", "Anna", "North", "Discovery",     "200000", "", "2026-10-05", "2026-12-15", "Webinar", "",  "",      "",      "2026-11-05", "",    NEW],
    ["N4", "Delta - Pro",      "Delta", "Bo",   "North", "Proposal",      "100000", "", "2026-11-12", "2026-12-20", "Partner", "",  "",      "",      "2026-11-18", "0.5", NEW],
    ["N5", "Eps - Lite",       "Eps",   "Cy",   "South", "Discovery",     "50000",  "", "2026-11-02", "2027-01-10", "Outbound", "", "",      "",      "2026-11-02", "",    NEW],
    ["R1", "Zeta - renewal",   "Zeta",  "Cy",   "South", "Won",           "40000",  "", "2026-10-01", "2026-11-20", "",        "",  "Fit",   "",      "2026-11-20", "",    RENEWALS],
    ["R2", "Eta - renewal",    "Eta",   "Anna", "North", "Won",           "20000",  "", "2026-09-01", "2026-10-05", "",        "",  "Fit",   "",      "2026-10-05", "",    RENEWALS],
    ["R3", "Theta - renewal",  "Theta", "Bo",   "North", "Lost",          "10000",  "", "2026-09-15", "2026-11-10", "",        "",  "",      "Price", "2026-11-10", "",    RENEWALS],
    ["R4", "Iota - renewal",   "Iota",  "Cy",   "South", "Renewal due",   "60000",  "", "2026-10-20", "2026-12-01", "",        "",  "",      "",      "2026-11-01", "",    RENEWALS],
    ["R5", "Kappa - renewal",  "Kappa", "Anna", "North", "Renewal quote", "30000",  "", "2026-10-25", "2026-12-10", "",        "",  "",      "",      "2026-11-20", "",    RENEWALS],
    ["R6", "Lambda - renewal", "Lambda", "Bo",  "North", "Won",           "25000",  "", "2026-05-01", "2026-06-30", "",        "",  "Fit",   "",      "2026-06-30", "",    RENEWALS],
]

LEADS = [
    ["L1", "2026-08-20", "Webinar", "", "Anna", "2026-08-22", "2026-08-25", "2026-08-28", "2026-09-01", "N1", "accepted", ""],
    ["L2", "2026-11-12", "Partner", "", "Bo",   "2026-11-13", "2026-11-14", "2026-11-19", "",           "",   "accepted", ""],
]

CONFIG = """
[company]
name = "Two Pipelines Co"
currency = "DKK"
locale = "{locale}"

[meeting]
as_of = {as_of}
cadence_anchor = 2026-11-10
cadence_days = 14

[data]
path = "data"
{data}

[stages]
"Discovery" = {{ step = "opportunity", probability = 0.2 }}
"Proposal" = {{ step = "quote", probability = 0.6 }}
"Renewal due" = {{ step = "opportunity", probability = 0.5 }}
"Renewal quote" = {{ step = "quote", probability = 0.8 }}
"Won" = {{ step = "won" }}
"Lost" = {{ step = "lost" }}
"""


def write_two_pipelines(folder: Path, *, deals: list[list[str]] | None = None,
                        data: str = "", locale: str = "en_GB") -> Path:
    """Write the company to `folder` (optionally other deal rows and [data] lines); return
    report.toml. The labels' language follows the locale."""
    folder_data = folder / "data"
    folder_data.mkdir(parents=True, exist_ok=True)
    write_csv(folder_data / "deals.csv", DEAL_COLUMNS, DEALS if deals is None else deals)
    write_csv(folder_data / "leads.csv", LEAD_COLUMNS, LEADS)
    write_csv(folder_data / "targets.csv", TARGET_COLUMNS, TARGETS)
    write_csv(folder_data / "campaigns.csv", CAMPAIGN_COLUMNS, CAMPAIGNS)
    config = folder / "report.toml"
    config.write_text(CONFIG.format(locale=locale, as_of=AS_OF, data=data),
                      encoding="utf-8")
    return config
