"""What a new company starts with: the stage map, the channels and the example rows.

The example rows are dated relative to the first meeting (`meeting`, the config's cadence
anchor), so a freshly written template builds a pack that is not empty: deals won, lost and
open around the meeting, leads at every funnel step, targets for the meeting's quarter and the
next, a campaign just ended, one running and one coming up. Every id starts with EX- and every
name with "Example:" ("Eksempel:" in Danish), so they are easy to find and delete.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from report_builder.data.schema import TABLES
from report_builder.periods import fiscal_quarter

Cell = str | float | int | dt.date | None


@dataclass(frozen=True)
class Stage:
    name: str
    step: str
    probability: float | None  # None for won and lost (the config's defaults: 1 and 0)


@dataclass(frozen=True)
class Vocabulary:
    """The words of one language that go into the data (not the labels of the pack)."""

    prefix: str  # of every example name
    stages: tuple[Stage, ...]  # in funnel order
    channels: tuple[str, ...]
    words: dict[str, str]


def _stages(*names: str) -> tuple[Stage, ...]:
    steps = (("opportunity", 0.1), ("opportunity", 0.2), ("quote", 0.5), ("quote", 0.7),
             ("won", None), ("lost", None))
    return tuple(Stage(name, step, p) for name, (step, p) in zip(names, steps, strict=True))


VOCABULARIES: dict[str, Vocabulary] = {
    "en": Vocabulary(
        "Example:",
        _stages("Qualification", "Discovery", "Proposal", "Negotiation", "Closed won",
                "Closed lost"),
        ("Webinar", "Events", "Paid search", "LinkedIn ads", "Email", "Website", "Partner",
         "Referral", "Outbound"),
        {"seller_a": "Anna", "seller_b": "Bo", "team": "Sales", "marketer": "Marketing",
         "won_fit": "Best fit for their process", "won_partner": "Partner recommendation",
         "lost_price": "Price", "rejected": "No budget",
         "webinar": "Webinar on pipeline hygiene", "fair": "Trade fair stand",
         "ads": "LinkedIn ads for decision makers", "goal_mql": "40 MQLs",
         "goal_meetings": "10 meetings", "goal_ads": "25 MQLs",
         "act_call": "Call every attendee within two days",
         "act_book": "Book meetings at the stand before the fair",
         "act_follow": "Follow up on every MQL within a day"},
    ),
    "da": Vocabulary(
        "Eksempel:",
        _stages("Kvalificering", "Afdækning", "Tilbud", "Forhandling", "Vundet", "Tabt"),
        ("Webinar", "Events", "Betalt søgning", "LinkedIn-annoncer", "E-mail", "Hjemmeside",
         "Partner", "Henvisning", "Opsøgende salg"),
        {"seller_a": "Anna", "seller_b": "Bo", "team": "Salg", "marketer": "Marketing",
         "won_fit": "Passer bedst til deres proces", "won_partner": "Anbefalet af partner",
         "lost_price": "Pris", "rejected": "Intet budget",
         "webinar": "Webinar om pipelinehygiejne", "fair": "Stand på messe",
         "ads": "LinkedIn-annoncer til beslutningstagere", "goal_mql": "40 MQL'er",
         "goal_meetings": "10 møder", "goal_ads": "25 MQL'er",
         "act_call": "Ring til alle deltagere inden for to dage",
         "act_book": "Book møder på standen før messen",
         "act_follow": "Følg op på hver MQL inden for en dag"},
    ),
}


def vocabulary(language: str) -> Vocabulary:
    return VOCABULARIES.get(language, VOCABULARIES["en"])


@dataclass(frozen=True)
class ExampleRows:
    """Rows per table, each a dict of canonical column -> value (dates as dates)."""

    tables: dict[str, list[dict[str, Cell]]]

    def rows(self, table: str) -> list[list[Cell]]:
        """The rows of `table` in the canonical column order."""
        columns = [c.name for c in TABLES[table].columns]
        return [[row.get(c) for c in columns] for row in self.tables.get(table, [])]


def example_rows(meeting: dt.date, *, language: str = "en",
                 fiscal_year_start_month: int = 1) -> ExampleRows:
    """The example rows for a company whose first meeting is on `meeting`."""
    v = vocabulary(language)
    w = v.words
    qualification, discovery, proposal, negotiation, won, lost = (s.name for s in v.stages)
    webinar, _, paid, ads, _, website, partner, referral, outbound = v.channels
    anna, bo = f"{v.prefix} {w['seller_a']}", f"{v.prefix} {w['seller_b']}"
    team = f"{v.prefix} {w['team']}"

    def d(days: int) -> dt.date:
        return meeting + dt.timedelta(days=days)

    def name(text: str) -> str:
        return f"{v.prefix} {text}"

    deal_columns = ("deal_id", "name", "account", "owner", "stage", "amount", "created_date",
                    "close_date", "source_channel", "campaign_id", "won_reason", "lost_reason",
                    "last_stage_change_date", "public_reference")
    deal_rows: list[tuple[Cell, ...]] = [
        ("EX-D-001", "Fjord Foods - annual plan", "Fjord Foods", anna, won, 120000, d(-70), d(-6),
         webinar, "EX-C-001", w["won_fit"], None, d(-6), "yes"),
        ("EX-D-002", "Nordvik - pilot", "Nordvik", bo, won, 45000, d(-40), d(-25), partner, None,
         w["won_partner"], None, d(-25), "no"),
        ("EX-D-003", "Solberg - licence", "Solberg", bo, lost, 60000, d(-50), d(-9), outbound,
         None, None, w["lost_price"], d(-9), None),
        ("EX-D-004", "Havn Logistics - rollout", "Havn Logistics", anna, negotiation, 150000,
         d(-30), d(12), webinar, "EX-C-001", None, None, d(-4), None),
        ("EX-D-005", "Skov & Co - upgrade", "Skov & Co", bo, proposal, 80000, d(-20), d(25), ads,
         "EX-C-003", None, None, d(-8), None),
        ("EX-D-006", "Lys Energy - first order", "Lys Energy", anna, discovery, 40000, d(-12),
         d(45), paid, None, None, None, d(-12), None),
        ("EX-D-007", "Bryggen - expansion", "Bryggen", bo, qualification, 30000, d(-5), d(60),
         referral, None, None, None, d(-5), None),
        ("EX-D-008", "Kyst Retail - renewal", "Kyst Retail", anna, proposal, 70000, d(-80), d(-3),
         partner, None, None, None, d(-45), None),
    ]
    deals = []
    for values in deal_rows:
        row: dict[str, Cell] = dict(zip(deal_columns, values, strict=True))
        row["name"] = name(str(row["name"]))
        row["account"] = name(str(row["account"]))
        row["team"] = team
        deals.append(row)
    deals[3]["probability"] = 0.8  # the seller's own estimate, over the stage's 0.7

    lead_columns = ("lead_id", "created_date", "source_channel", "campaign_id", "owner",
                    "mql_date", "sql_date", "meeting_date", "opportunity_date", "deal_id",
                    "status", "rejection_reason")
    lead_rows: list[tuple[Cell, ...]] = [
        ("EX-L-001", d(-75), webinar, "EX-C-001", anna, d(-74), d(-72), d(-71), d(-70),
         "EX-D-001", "accepted", None),
        ("EX-L-002", d(-35), webinar, "EX-C-001", anna, d(-34), d(-32), d(-31), d(-30),
         "EX-D-004", "accepted", None),
        ("EX-L-003", d(-25), ads, "EX-C-003", bo, d(-24), d(-22), d(-21), d(-20), "EX-D-005",
         "accepted", None),
        ("EX-L-004", d(-13), paid, None, anna, d(-13), d(-12), d(-12), d(-12), "EX-D-006",
         "accepted", None),
        ("EX-L-005", d(-9), webinar, "EX-C-001", None, d(-8), None, None, None, None, "rejected",
         w["rejected"]),
        ("EX-L-006", d(-6), ads, "EX-C-003", bo, d(-5), d(-3), d(-2), None, None, "accepted",
         None),
        ("EX-L-007", d(-4), ads, "EX-C-003", None, None, None, None, None, None, "open", None),
        ("EX-L-008", d(-2), website, None, None, d(-1), None, None, None, None, "nurture", None),
    ]
    leads = [dict(zip(lead_columns, values, strict=True)) for values in lead_rows]

    this = fiscal_quarter(meeting, fiscal_year_start_month)
    following = fiscal_quarter(this.end + dt.timedelta(days=1), fiscal_year_start_month)
    targets: list[dict[str, Cell]] = []
    for quarter in (this, following):  # the next one too: the meeting day moves on
        targets += [
            {"quarter": quarter.label, "scope": "company", "revenue_target": 600000,
             "new_customers_target": 4, "meetings_target": 12},
            {"quarter": quarter.label, "scope": "team", "scope_value": team,
             "revenue_target": 600000},
            {"quarter": quarter.label, "scope": "owner", "scope_value": anna,
             "revenue_target": 300000},
            {"quarter": quarter.label, "scope": "owner", "scope_value": bo,
             "revenue_target": 300000},
        ]

    marketer = name(w["marketer"])
    campaigns: list[dict[str, Cell]] = [
        {"campaign_id": "EX-C-001", "name": name(w["webinar"]), "channel": webinar,
         "start_date": d(-80), "end_date": d(-10), "owner": marketer, "budget": 20000,
         "goal": w["goal_mql"], "sales_actions": w["act_call"], "public": "yes"},
        {"campaign_id": "EX-C-002", "name": name(w["fair"]), "channel": v.channels[1],
         "start_date": d(14), "end_date": d(16), "owner": marketer, "budget": 50000,
         "goal": w["goal_meetings"], "sales_actions": w["act_book"], "public": "yes"},
        {"campaign_id": "EX-C-003", "name": name(w["ads"]), "channel": ads,
         "start_date": d(-30), "end_date": d(30), "owner": marketer, "budget": 15000,
         "goal": w["goal_ads"], "sales_actions": w["act_follow"], "public": "no"},
    ]
    return ExampleRows({"deals": deals, "leads": leads, "targets": targets,
                        "campaigns": campaigns})
