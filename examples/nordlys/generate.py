#!/usr/bin/env python3
"""Generate the Nordlys ApS example data set: deals, leads, targets, campaigns, the actions
agreed in the last meetings and the deals' stage history.

Nordlys ApS is a made-up Danish B2B software company (warehouse management, production
planning, ERP integration) that sells in DKK. The data is synthetic but shaped like a real
CRM and marketing export:

* a lead funnel (lead -> MQL -> SQL -> meeting -> opportunity) whose conversion depends on the
  channel (referrals and partners convert far better than paid search), with realistic lags
  between the steps, so recent leads are still on their way through it;
* log-normal deal sizes and sales cycles (big deals take longer and are won less often),
  win rates by channel, account expansions, and a part of the deals sourced by the sellers
  themselves, without a lead;
* seasonality (a July dip, a slow December, Danish holidays, quiet weekends, a quarter-end
  push) and growth over the two years;
* quarterly targets per company, team and seller that are ambitious but reachable;
* the data problems a real CRM has and the report must tolerate: overdue open deals, open
  deals without a close date, stale deals, a few deals in EUR.

Everything is drawn from one numpy Generator, so a seed gives byte-identical files, and the
big tables are built with vectorised numpy/pandas, so `generate()` scales to millions of rows
(benchmarks/generate_data.py uses it).

    python examples/nordlys/generate.py        # writes examples/nordlys/data/*.csv
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

AS_OF = date(2026, 11, 24)  # the meeting the example pack is for (a Tuesday)
SEED = 2026
N_DEALS = 2_000
N_LEADS = 15_000
EUR_RATE = 7.46  # DKK per EUR, as in report.toml

HISTORY_DAYS = 730  # leads and deals are created from as_of - 729 days (2024-11-25) on
WARMUP_DAYS = 240  # deals created this long before the history that were still open then
GROWTH = 0.6  # the business is 60 % bigger at the end of the two years than at the start
MISSING = np.iinfo(np.int64).min  # a missing day number

# ----------------------------------------------------------------------------- the company

# name, share of leads, P(MQL | lead), P(SQL | MQL), P(meeting | SQL), P(opportunity | meeting),
# win rate of its deals, share of enterprise prospects, how its leads get a campaign
# ("campaign": every lead comes from a campaign; "date": the campaign running that day, if any,
# with the probability in the last column).
_CHANNELS = [
    ("Website organic", 0.16, 0.46, 0.48, 0.74, 0.64, 0.20, 0.30, "date", 0.0),
    ("Paid search", 0.17, 0.30, 0.26, 0.66, 0.56, 0.12, 0.20, "date", 1.0),
    ("LinkedIn ads", 0.13, 0.28, 0.32, 0.68, 0.58, 0.14, 0.40, "campaign", 1.0),
    ("Content/SEO", 0.13, 0.31, 0.34, 0.68, 0.58, 0.16, 0.30, "date", 0.55),
    ("Webinar", 0.13, 0.46, 0.42, 0.72, 0.62, 0.18, 0.30, "campaign", 1.0),
    ("Events", 0.10, 0.42, 0.45, 0.74, 0.62, 0.19, 0.50, "campaign", 1.0),
    ("Outbound", 0.09, 0.36, 0.52, 0.70, 0.60, 0.14, 0.50, "date", 0.5),
    ("Partner", 0.05, 0.62, 0.66, 0.80, 0.70, 0.26, 0.35, "date", 0.5),
    ("Referral", 0.04, 0.72, 0.76, 0.84, 0.74, 0.32, 0.40, "date", 0.0),
]
CHANNELS = [c[0] for c in _CHANNELS]
_CH_SHARE = np.array([c[1] for c in _CHANNELS])
_CH_FUNNEL = np.array([c[2:6] for c in _CHANNELS])  # (channel, step)
_CH_WIN = np.array([c[6] for c in _CHANNELS])
_CH_ENTERPRISE = np.array([c[7] for c in _CHANNELS])
_CH_MODE = [c[8] for c in _CHANNELS]
_CH_CAMPAIGN_P = np.array([c[9] for c in _CHANNELS])
_CH_MQL_LAG = np.array([1.0, 2.0, 4.0, 7.0, 1.0, 2.0, 3.0, 1.0, 0.5])  # median days to MQL
_CH = {name: i for i, name in enumerate(CHANNELS)}

# Deals the sellers source themselves (no lead in the marketing system).
_DIRECT_CHANNELS = np.array([_CH["Outbound"], _CH["Partner"], _CH["Referral"], _CH["Events"]])
_DIRECT_P = np.array([0.55, 0.22, 0.13, 0.10])
EXPANSION_SHARE = 0.12  # deals that expand an existing customer
DEFAULT_LEAD_SHARE_CAP = 0.85

TEAMS = ["Nordics Enterprise", "SMB", "Partners"]
ENTERPRISE, SMB, PARTNERS = 0, 1, 2
# seller, team, relative share of the team's deals
_OWNERS = [
    ("Mette Jensen", ENTERPRISE, 1.25),
    ("Rasmus Nielsen", ENTERPRISE, 1.1),
    ("Anders Kjær", ENTERPRISE, 1.0),
    ("Louise Bach", ENTERPRISE, 0.75),
    ("Line Poulsen", SMB, 1.2),
    ("Mads Christensen", SMB, 1.1),
    ("Emma Skov", SMB, 1.0),
    ("Frederik Vinther", SMB, 0.8),
    ("Henrik Møller", PARTNERS, 1.15),
    ("Camilla Dahl", PARTNERS, 0.9),
]
OWNERS = [o[0] for o in _OWNERS]
_OWNER_TEAM = np.array([o[1] for o in _OWNERS])
_OWNER_WEIGHT = np.array([o[2] for o in _OWNERS])

STAGES_OPEN = ["Qualification", "Discovery", "Solution design", "Proposal sent", "Negotiation"]
STAGE_PROBABILITY = np.array([0.10, 0.20, 0.40, 0.60, 0.80])
WON, LOST = "Closed won", "Closed lost"

_PRODUCTS_ENTERPRISE = (
    [
        "Lagerstyring Enterprise",
        "ERP Connect",
        "Produktionsplanlægning",
        "Lagerstyring Pro",
        "Analytics Cloud",
        "Rute & Levering",
    ],
    [0.28, 0.20, 0.20, 0.14, 0.10, 0.08],
)
_PRODUCTS_SMB = (
    [
        "Lagerstyring Pro",
        "Lagerstyring Basis",
        "Service & Vedligehold",
        "Rute & Levering",
        "ERP Connect",
        "Indkøb Plus",
    ],
    [0.30, 0.24, 0.14, 0.12, 0.12, 0.08],
)
_PRODUCTS_EXPANSION = (
    [
        "Ekstra licenser",
        "Udvidelse: Produktionsplanlægning",
        "Udvidelse: Rute & Levering",
        "Support Premium",
        "Nyt lager: Lagerstyring Pro",
        "Integration: ERP Connect",
    ],
    [0.32, 0.16, 0.14, 0.14, 0.12, 0.12],
)
WON_REASONS = (
    [
        "Best fit for process",
        "Price/value",
        "Existing relationship",
        "Implementation speed",
        "Local support",
        "Integration with ERP",
    ],
    [0.30, 0.15, 0.10, 0.13, 0.16, 0.16],
)
LOST_REASONS = (
    [
        "Price",
        "Chose competitor",
        "No decision / timing",
        "Missing feature",
        "Budget cut",
        "Lost contact",
    ],
    [0.20, 0.26, 0.28, 0.11, 0.08, 0.07],
)
REJECTION_REASONS = (
    [
        "Not decision maker",
        "No budget",
        "Too small",
        "Student/job seeker",
        "Existing customer",
        "Wrong country",
        "Duplicate",
    ],
    [0.22, 0.20, 0.22, 0.07, 0.10, 0.08, 0.11],
)

# Account names: "<place/surname> <industry> <form>", e.g. "Hvidsten Logistik A/S". Large data
# sets add a regional prefix ("Jysk Hvidsten Logistik A/S") to get enough distinct names.
# fmt: off
_PLACES = [
    "Hvidsten", "Skovlund", "Vestergaard", "Søndergaard", "Nørgaard", "Østergaard", "Bækgaard",
    "Lykkegaard", "Dalgaard", "Kjærgaard", "Holmgaard", "Engholm", "Fjordbakke", "Bakkegaard",
    "Stensballe", "Ravnholt", "Egeskov", "Havnsø", "Lindholm", "Rosendal", "Kragelund",
    "Nordbæk", "Vesterdal", "Sønderby", "Aalbæk", "Herning", "Kolding", "Vejle", "Horsens",
    "Silkeborg", "Viborg", "Randers", "Skive", "Holstebro", "Esbjerg", "Ribe", "Haderslev",
    "Svendborg", "Nyborg", "Middelfart", "Odense", "Roskilde", "Køge", "Næstved", "Slagelse",
    "Holbæk", "Hillerød", "Helsingør", "Thisted", "Hjørring", "Frederikshavn", "Skagen",
    "Grenaa", "Ebeltoft", "Ikast", "Brande", "Billund", "Give", "Tønder", "Aabenraa", "Sorø",
    "Ringsted", "Hadsund", "Hobro", "Mariager", "Lemvig", "Struer", "Vordingborg", "Faxe",
    "Stege", "Jensen", "Hansen", "Madsen", "Mikkelsen", "Thomsen", "Kristensen", "Bech",
    "Brandt", "Dam", "Friis",
]
# fmt: on
# fmt: off
_INDUSTRIES = [
    "Logistik", "Maskinfabrik", "Byg", "Transport", "Elteknik", "Fødevarer", "Plast", "Metal",
    "Trælast", "Engros", "Møbler", "Emballage", "VVS", "Automation", "Agro", "Farma",
    "Tekstil", "Handel", "Entreprise", "Stålindustri", "Teknik", "Værktøj", "Køleteknik",
    "Bryggeri", "Mejeri", "Grønt", "Autodele", "Hydraulik", "Tryk", "Kemi", "Glas",
    "Elektronik", "Beton", "Isolering", "Vinduer", "Lager", "Spedition", "Fisk", "Foder",
    "Cykler",
]
# fmt: on
_FORMS = ["A/S", "ApS", "Group A/S"]
# fmt: off
_PREFIXES = [
    "Nordisk", "Dansk", "Jysk", "Fyns", "Vestjysk", "Sønderjysk", "Nordjysk", "Midtjysk",
    "Sjællands", "Nord", "Syd", "Øst", "Vest", "Ny", "Østjysk", "Bornholms", "Lolland",
    "Himmerlands", "Thy", "Djurs", "Salling", "Mors", "Als", "Vendsyssel",
]
# fmt: on

MARKETING = ["Sofie Kragh", "Jonas Holm", "Ida Lund"]
_CAMPAIGN_OWNER = {
    "Webinar": "Sofie Kragh",
    "Content/SEO": "Sofie Kragh",
    "Paid search": "Jonas Holm",
    "LinkedIn ads": "Jonas Holm",
    "Outbound": "Jonas Holm",
    "Events": "Ida Lund",
    "Partner": "Ida Lund",
}
_SALES_ACTIONS = {
    "Webinar": [
        "Ring til alle deltagere inden 48 timer; book demo",
        "Send optagelsen til no-shows; ring til dem der stillede spørgsmål",
        "Follow up every attendee within 2 days; offer a demo",
    ],
    "Events": [
        "Follow up every attendee within 2 days",
        "Book møder på standen; opfølgning på alle badge-scans inden 3 dage",
    ],
    "Paid search": ["Demo-forespørgsler: ring tilbage samme dag"],
    "LinkedIn ads": ["Connect + follow-up mail within 1 week; book a discovery call"],
    "Content/SEO": ["Nurture-flow i 3 uger; sælger ringer til alle MQLs"],
    "Outbound": ["3-trins sekvens: mail, LinkedIn, opkald; book møde"],
    "Partner": ["Fælles opfølgning med partneren inden 5 dage"],
}
# channel, name, start, end, budget (DKK, None = none), public, sales_actions variant
# (-1 = none), relative lead volume within its channel. Dates are for as_of 2026-11-24;
# another as_of moves them by whole weeks.
# fmt: off
_CAMPAIGNS = [
    ("Paid search", "Google Ads: Lagerstyring H2 2024",
     "2024-07-01", "2024-12-31", 240_000, False, 0, 1.0),
    ("LinkedIn ads", "LinkedIn: Fra Excel til lagerstyring Q4 2024",
     "2024-10-01", "2024-12-20", 85_000, False, 0, 1.0),
    ("Content/SEO", "E-bog: 7 tegn på at dit lager er vokset fra Excel",
     "2024-11-01", "2025-01-31", 30_000, False, 0, 1.0),
    ("Webinar", "Webinar: Lagerstyring i praksis",
     "2024-11-18", "2024-12-12", 18_000, True, 0, 1.0),
    ("Paid search", "Google Ads: Lagerstyring & ERP H1 2025",
     "2025-01-01", "2025-06-30", 300_000, False, 0, 1.0),
    ("LinkedIn ads", "LinkedIn: Produktionsplanlægning Q1 2025",
     "2025-01-13", "2025-03-28", 95_000, False, 0, 1.0),
    ("Webinar", "Webinar: Sådan får du styr på dit lager",
     "2025-01-13", "2025-02-06", 15_000, True, 0, 1.0),
    ("Webinar", "Webinar: ERP-integration uden hovedpine",
     "2025-03-03", "2025-03-27", 15_000, True, 2, 1.1),
    ("Content/SEO", "Guide: Produktionsplanlægning for SMV'er",
     "2025-03-01", "2025-05-31", None, False, -1, 1.0),
    ("Events", "Messe: Logistik & Supply Chain 2025",
     "2025-03-04", "2025-03-21", 240_000, True, 1, 2.2),
    ("LinkedIn ads", "LinkedIn: ERP Connect Q2 2025",
     "2025-04-01", "2025-06-20", 110_000, False, 0, 1.0),
    ("Outbound", "Outbound: Fødevareproducenter Q2 2025",
     "2025-04-07", "2025-06-27", None, False, 0, 1.0),
    ("Webinar", "Webinar: Ruteplanlægning for grossister",
     "2025-04-22", "2025-05-15", 15_000, True, 1, 0.8),
    ("Events", "Nordlys Kundedag 2025",
     "2025-05-06", "2025-05-27", 150_000, True, 0, 1.2),
    ("Webinar", "Webinar: Service & vedligehold med mobil app",
     "2025-06-02", "2025-06-19", 15_000, True, 0, 0.8),
    ("Paid search", "Google Ads: Lagerstyring & ERP H2 2025",
     "2025-07-01", "2025-12-31", 330_000, False, 0, 1.0),
    ("LinkedIn ads", "LinkedIn: Digitalt lager Q3 2025",
     "2025-08-11", "2025-09-30", 90_000, False, 0, 1.0),
    ("Webinar", "Webinar: AI i lagerstyring – hype eller hjælp?",
     "2025-08-25", "2025-09-18", 20_000, True, 2, 1.5),
    ("Content/SEO", "E-bog: Guide til ERP-integration",
     "2025-09-01", "2025-11-30", 35_000, False, 0, 1.0),
    ("Events", "Messe: Digital Industri 2025",
     "2025-09-09", "2025-09-26", 280_000, True, 1, 2.2),
    ("LinkedIn ads", "LinkedIn: Retargeting Q4 2025",
     "2025-10-01", "2025-12-12", 120_000, False, 0, 1.0),
    ("Webinar", "Webinar: Sæt strøm til dit lager før højsæsonen",
     "2025-10-06", "2025-10-30", 15_000, True, 0, 1.0),
    ("Outbound", "Outbound: Grossister i Jylland Q4 2025",
     "2025-10-06", "2025-12-12", 25_000, False, 0, 1.0),
    ("Partner", "Partnerdag: Business Central + Nordlys 2025",
     "2025-11-04", "2025-11-20", 45_000, True, 0, 1.0),
    ("Webinar", "Webinar: Årsafslutning og lageroptælling",
     "2025-11-17", "2025-12-04", 15_000, True, 1, 0.9),
    ("Paid search", "Google Ads: Lagerstyring & ERP H1 2026",
     "2026-01-01", "2026-06-30", 360_000, False, 0, 1.0),
    ("LinkedIn ads", "LinkedIn: Produktionsplanlægning Q1 2026",
     "2026-01-12", "2026-03-27", 110_000, False, 0, 1.0),
    ("Webinar", "Webinar: Lagerstyring i praksis 2026",
     "2026-01-12", "2026-02-05", 18_000, True, 0, 1.1),
    ("Content/SEO", "Guide: Prisen på et rodet lager",
     "2026-02-16", "2026-05-15", None, False, -1, 1.0),
    ("Webinar", "Webinar: Fra papir til app på værkstedet",
     "2026-03-02", "2026-03-26", 15_000, True, 2, 0.9),
    ("Events", "Messe: Logistik & Supply Chain 2026",
     "2026-03-03", "2026-03-20", 260_000, True, 1, 2.2),
    ("LinkedIn ads", "LinkedIn: Lagerstyring Q2 2026",
     "2026-04-01", "2026-06-19", 120_000, False, 0, 1.0),
    ("Outbound", "Outbound: Fødevareproducenter Q2 2026",
     "2026-04-06", "2026-06-26", None, False, 0, 1.0),
    ("Webinar", "Webinar: ERP Connect til Business Central",
     "2026-04-13", "2026-05-07", 18_000, True, 2, 1.2),
    ("Events", "Nordlys Kundedag 2026",
     "2026-05-05", "2026-05-27", 170_000, True, 0, 1.3),
    ("Webinar", "Webinar: Sporbarhed i fødevareproduktionen",
     "2026-06-01", "2026-06-18", 15_000, True, 1, 0.8),
    ("Paid search", "Google Ads: Lagerstyring & ERP H2 2026",
     "2026-07-01", "2026-12-31", 380_000, False, 0, 1.0),
    ("LinkedIn ads", "LinkedIn: Digitalt lager Q3 2026",
     "2026-08-10", "2026-09-30", 100_000, False, 0, 1.0),
    ("Webinar", "Webinar: AI-prognoser til indkøb",
     "2026-08-24", "2026-09-17", 20_000, True, 2, 1.4),
    ("Content/SEO", "E-bog: Lagerets nøgletal 2026",
     "2026-09-01", "2026-11-15", 35_000, False, 0, 1.0),
    ("Events", "Messe: Digital Industri 2026",
     "2026-09-08", "2026-09-25", 300_000, True, 1, 2.2),
    ("LinkedIn ads", "LinkedIn: Retargeting Q4 2026",
     "2026-10-01", "2026-11-20", 110_000, False, 0, 1.0),
    ("Webinar", "Webinar: Klar til peak – lager og levering i Q4",
     "2026-10-05", "2026-10-29", 18_000, True, 0, 1.0),
    ("Outbound", "Outbound: Grossister på Sjælland Q4 2026",
     "2026-10-05", "2026-11-13", 25_000, False, 0, 1.0),
    ("Webinar", "Webinar: Lagerstyring i praksis – efterår 2026",
     "2026-10-26", "2026-11-19", 18_000, True, 0, 1.1),
    ("Partner", "Partnerdag: Business Central + Nordlys 2026",
     "2026-10-27", "2026-11-12", 50_000, True, 0, 1.0),
    ("Webinar", "Webinar: Årsafslutning og lageroptælling 2026",
     "2026-11-23", "2026-12-10", 18_000, True, 1, 0.9),
    ("Content/SEO", "E-bog: Budget 2027 for lager og logistik",
     "2026-12-01", "2027-02-26", 35_000, False, 0, 1.0),
    ("Events", "Kundeaften: Nordlys Julehygge 2026",
     "2026-12-03", "2026-12-10", 60_000, True, 0, 0.6),
    ("Paid search", "Google Ads: Lagerstyring & ERP H1 2027",
     "2027-01-01", "2027-06-30", 400_000, False, 0, 1.0),
    ("Webinar", "Webinar: Planlæg 2027 – lagerstyring i praksis",
     "2027-01-11", "2027-02-04", 18_000, True, 0, 1.0),
    ("LinkedIn ads", "LinkedIn: Produktionsplanlægning Q1 2027",
     "2027-01-11", "2027-03-26", 120_000, False, 0, 1.0),
    ("Events", "Messe: Logistik & Supply Chain 2027",
     "2027-03-02", "2027-03-19", 280_000, True, 1, 2.2),
]
# fmt: on
_CAMPAIGN_ID_OFFSET = {2024: 18}  # campaigns of 2024 before the history are not in the extract

_SEASON = np.array([1.05, 1.05, 1.10, 0.95, 1.00, 0.90, 0.45, 0.85, 1.15, 1.15, 1.10, 0.70])

# ----------------------------------------------------------------------------- helpers


def _day(d: date) -> int:
    """Day number (days since 1970-01-01) of a date."""
    return int((np.datetime64(d, "D") - np.datetime64(0, "D")).astype(np.int64))


def _month0(days: np.ndarray) -> np.ndarray:
    """0-11 calendar month of day numbers."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12


def _quarter_index(days: np.ndarray) -> np.ndarray:
    """Calendar quarters since 1970-Q1 of day numbers."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) // 3


def _quarter_label(qi: int) -> str:
    return f"{1970 + qi // 4}-Q{qi % 4 + 1}"


def _quarter_start(qi: int) -> int:
    return int(np.datetime64(qi * 3, "M").astype("datetime64[D]").astype(np.int64))


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def _holidays(first_year: int, last_year: int) -> np.ndarray:
    """Day numbers of Danish public holidays (and Christmas Eve / New Year's Eve)."""
    days: list[int] = []
    for year in range(first_year, last_year + 1):
        easter = _day(_easter(year))
        days += [easter + k for k in (-3, -2, 1, 39, 50)]
        days += [_day(date(year, 1, 1)), _day(date(year, 6, 5))]
        days += [_day(date(year, 12, d)) for d in (24, 25, 26, 31)]
    return np.array(sorted(days), dtype=np.int64)


class _Calendar:
    """The days of the data set and how busy each one is."""

    def __init__(self, as_of: date) -> None:
        self.as_of = _day(as_of)
        self.start = self.as_of - HISTORY_DAYS + 1  # first day of the history
        self.warm = self.start - WARMUP_DAYS
        self.end = self.as_of + 400  # planned campaigns run this far at most
        self.days = np.arange(self.warm, self.end + 1, dtype=np.int64)
        d = self.days
        month = _month0(d)
        weekday = (d + 3) % 7  # 0 = Monday
        first_year = (
            int(d[0].astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64)) + 1970
        )
        hol = np.isin(d, _holidays(first_year, first_year + 4))
        dec = d.astype("datetime64[D]")
        dom = (dec - dec.astype("datetime64[M]")).astype(np.int64) + 1
        between = (month == 11) & (dom >= 27)  # the days between Christmas and New Year
        growth = np.maximum(1.0 + GROWTH * (d - self.start) / HISTORY_DAYS, 0.7)
        self.season = _SEASON[month] * np.where(hol, 0.15, 1.0) * np.where(between, 0.35, 1.0)
        self.weekday_factor = np.select([weekday == 5, weekday == 6], [0.12, 0.08], 1.0)
        self.weight = growth * self.season * self.weekday_factor

    def window(self, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
        """Days first..last (clipped to the calendar) and their weights."""
        lo = max(first, self.warm) - self.warm
        hi = min(last, self.end) - self.warm + 1
        if hi <= lo:
            return np.empty(0, np.int64), np.empty(0)
        return self.days[lo:hi], self.weight[lo:hi]

    def sample(self, rng: np.random.Generator, n: int, first: int, last: int) -> np.ndarray:
        days, w = self.window(first, last)
        if n == 0 or len(days) == 0:
            return np.full(n, first, dtype=np.int64)
        return rng.choice(days, size=n, p=w / w.sum())

    def weight_sum(self, first: int, last: int) -> float:
        return float(self.window(first, last)[1].sum())


def _pick(rng: np.random.Generator, n: int, choices: tuple[list[str], list[float]]) -> np.ndarray:
    values, p = choices
    return np.asarray(values, dtype=object)[
        rng.choice(len(values), size=n, p=np.asarray(p) / sum(p))
    ]


def _lognormal_days(
    rng: np.random.Generator, median: np.ndarray | float, sigma: float, n: int
) -> np.ndarray:
    return np.floor(rng.lognormal(np.log(median), sigma, size=n)).astype(np.int64)


def _odds_scale(p: np.ndarray, m: float) -> np.ndarray:
    """Probabilities with their odds multiplied by m."""
    return m * p / (1.0 - p + m * p)


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Split the integer `total` in proportion to `weights`; the parts sum to `total` exactly."""
    w = np.asarray(weights, dtype=float)
    w = np.full(len(w), 1.0) if w.sum() <= 0 else w
    raw = total * w / w.sum()
    base = np.floor(raw).astype(np.int64)
    rest = int(total - base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return base


def _only(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    """values where mask is true, None elsewhere (an object array)."""
    out = np.full(len(mask), None, dtype=object)
    out[mask] = np.asarray(values, dtype=object)[mask]
    return out


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    width = max(width, len(str(n)))
    return (prefix + pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(width)).to_numpy(object)


def _to_datetime(days: np.ndarray) -> pd.Series:
    days = np.asarray(days, dtype=np.int64)
    missing = days == MISSING
    out = np.where(missing, 0, days).astype("datetime64[D]").astype("datetime64[ns]")
    out[missing] = np.datetime64("NaT")
    return pd.Series(out)


def _account_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """n distinct company names; names without a regional prefix first."""
    n_p, n_i, n_f = len(_PLACES), len(_INDUSTRIES), len(_FORMS)
    plain = n_p * n_i * n_f
    total = plain * (1 + len(_PREFIXES))
    n = min(n, total)
    first = rng.permutation(plain)[: min(n, plain)]
    extra = rng.permutation(total - plain)[: max(0, n - plain)] + plain
    idx = np.concatenate([first, extra])
    prefix_i, rest = np.divmod(idx, plain)
    place_i, rest = np.divmod(rest, n_i * n_f)
    industry_i, form_i = np.divmod(rest, n_f)
    prefixes = np.array([""] + [p + " " for p in _PREFIXES], dtype=object)
    names = (
        prefixes[prefix_i]
        + np.array(_PLACES, dtype=object)[place_i]
        + " "
        + np.array(_INDUSTRIES, dtype=object)[industry_i]
        + " "
        + np.array(_FORMS, dtype=object)[form_i]
    )
    return names


# ----------------------------------------------------------------------------- campaigns


def _campaign_table(cal: _Calendar, as_of: date) -> pd.DataFrame:
    shift = round((_day(as_of) - _day(AS_OF)) / 7) * 7
    rows = []
    for ch, name, start, end, budget, public, action, weight in _CAMPAIGNS:
        s = _day(date.fromisoformat(start)) + shift
        e = _day(date.fromisoformat(end)) + shift
        if e < cal.start:
            continue
        actions = _SALES_ACTIONS[ch]
        rows.append(
            {
                "channel": ch,
                "name": name,
                "start": s,
                "end": e,
                "budget": budget,
                "public": public,
                "sales_actions": actions[action % len(actions)] if action >= 0 else None,
                "weight": weight,
            }
        )
    table = pd.DataFrame(rows).sort_values(["start", "name"], kind="stable").reset_index(drop=True)
    year = (
        table["start"].to_numpy().astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64)
        + 1970
    )
    seq = table.groupby(year).cumcount().to_numpy() + 1
    offset = np.array([_CAMPAIGN_ID_OFFSET.get(int(y), 0) for y in year])
    table["campaign_id"] = [f"C-{y}-{n:02d}" for y, n in zip(year, seq + offset, strict=True)]
    return table


# Public webinars and events take place on one day of their campaign: webinars on its last
# Tuesday, partner days on its last Wednesday, events on its last Thursday (the days before
# are for inviting). Where each is held, when it starts, and where customers sign up.
_EVENT_WEEKDAY = {"Webinar": 1, "Partner": 2, "Events": 3}  # Monday = 0
_EVENT_PLACES = (("Messe: Logistik", "MCH Messecenter Herning"),
                 ("Messe: Digital Industri", "Bella Center, København"),
                 ("Kundeaften", "Nordlys, Åboulevarden 22, Aarhus"),
                 ("Kundedag", "Nordlys, Åboulevarden 22, Aarhus"),
                 ("Partnerdag", "Nordlys, Åboulevarden 22, Aarhus"),
                 ("Webinar", "Online (Microsoft Teams)"))
_SLUG_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})


def _event_details(table: pd.DataFrame) -> pd.DataFrame:
    """Each public webinar's or event's day, start time, place and sign-up link (empty for the
    other campaigns)."""
    rows = []
    for c in table.itertuples(index=False):
        weekday = _EVENT_WEEKDAY.get(c.channel)
        if not c.public or weekday is None:
            rows.append((MISSING, None, None, None))
            continue
        end = date(1970, 1, 1) + timedelta(days=int(c.end))
        day = c.end - (end.weekday() - weekday) % 7
        evening = "Kundeaften" in c.name
        time = "14:00" if c.channel == "Webinar" else "17:00" if evening else "09:00"
        place = next(where for key, where in _EVENT_PLACES if key in c.name)
        slug = "-".join("".join(ch if ch.isalnum() else " " for ch in
                                c.name.lower().translate(_SLUG_LETTERS)).split())
        rows.append((day, time, place, f"https://nordlys.dk/events/{slug}"))
    days, times, places, links = zip(*rows, strict=True)
    return pd.DataFrame({"event_date": _to_datetime(np.array(days, dtype=np.int64)),
                         "event_time": pd.Series(times, dtype=object),
                         "event_place": pd.Series(places, dtype=object),
                         "signup_link": pd.Series(links, dtype=object)})


def _campaign_goals(
    rng: np.random.Generator, table: pd.DataFrame, cal: _Calendar, n_leads: int
) -> list[str | None]:
    """The goal each campaign was planned with, a little above what its channel usually yields."""
    goals: list[str | None] = []
    history_weight = cal.weight_sum(cal.start, cal.as_of)
    lift = rng.uniform(1.0, 1.35, size=len(table))
    for i, row in enumerate(table.itertuples()):
        ch = _CH[row.channel]
        n_ch = n_leads * _CH_SHARE[ch]
        if _CH_MODE[ch] == "campaign":
            same = table[table["channel"] == row.channel]
            eff = sum(
                r.weight * cal.weight_sum(max(r.start, cal.start), min(r.end, cal.as_of))
                for r in same.itertuples()
            )
            expected = n_ch * row.weight * cal.weight_sum(row.start, row.end) / max(eff, 1e-9)
        else:
            expected = (
                n_ch * _CH_CAMPAIGN_P[ch] * cal.weight_sum(row.start, row.end) / history_weight
            )
        f = _CH_FUNNEL[ch]
        mql = max(5, int(round(expected * f[0] * lift[i] / 5) * 5))
        meetings = max(2, int(round(expected * f[0] * f[1] * f[2] * lift[i])))
        if row.channel == "Webinar":
            signups = int(round(expected * lift[i] / 10) * 10)
            goals.append(f"{signups} tilmeldinger, {mql} MQLs, {meetings} møder")
        elif row.channel == "Events":
            goals.append(f"{mql} MQLs, {meetings} møder booket")
        elif row.channel == "Content/SEO":
            goals.append(
                None
                if row.budget is None or pd.isna(row.budget)
                else f"{int(round(expected * lift[i] / 10) * 10)} downloads, {mql} MQLs"
            )
        elif row.channel == "Outbound":
            goals.append(f"{meetings} møder")
        else:
            goals.append(f"{mql} MQLs, {meetings} meetings")
    return goals


# ----------------------------------------------------------------------------- leads


def _lead_dates_and_campaigns(
    rng: np.random.Generator, n_leads: int, cal: _Calendar, camp: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    counts = rng.multinomial(n_leads, _CH_SHARE / _CH_SHARE.sum())
    created, channel, campaign = [], [], []
    for ch, n in enumerate(counts):
        mine = camp.index[camp["channel"] == CHANNELS[ch]].to_numpy()
        starts = camp.loc[mine, "start"].to_numpy(np.int64)
        ends = camp.loc[mine, "end"].to_numpy(np.int64)
        eff_first = np.maximum(starts, cal.start)
        eff_last = np.minimum(ends, cal.as_of)
        live = eff_first <= eff_last
        if _CH_MODE[ch] == "campaign" and live.any():
            w = np.array(
                [
                    camp.at[c, "weight"] * cal.weight_sum(a, b) if ok else 0.0
                    for c, a, b, ok in zip(mine, eff_first, eff_last, live, strict=True)
                ]
            )
            which = rng.choice(len(mine), size=n, p=w / w.sum())
            days = np.empty(n, dtype=np.int64)
            for c in np.flatnonzero(live):
                sel = which == c
                days[sel] = cal.sample(rng, int(sel.sum()), int(eff_first[c]), int(eff_last[c]))
            camp_idx = mine[which]
        else:
            days = cal.sample(rng, n, cal.start, cal.as_of)
            camp_idx = np.full(n, -1, dtype=np.int64)
            if len(mine) and _CH_CAMPAIGN_P[ch] > 0:
                order = np.argsort(starts, kind="stable")
                k = np.searchsorted(starts[order], days, side="right") - 1
                ok = k >= 0
                k = np.where(ok, k, 0)
                running = ok & (days <= ends[order][k])
                take = running & (rng.random(n) < _CH_CAMPAIGN_P[ch])
                camp_idx = np.where(take, mine[order][k], -1)
        created.append(days)
        channel.append(np.full(n, ch, dtype=np.int64))
        campaign.append(camp_idx)
    return np.concatenate(created), np.concatenate(channel), np.concatenate(campaign)


def _funnel(
    rng: np.random.Generator,
    created: np.ndarray,
    channel: np.ndarray,
    cal: _Calendar,
    n_deals: int,
    lead_share: float | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Step dates (lead, 4), the depth each lead has reached by as_of (0 = not an MQL .. 4 = an
    opportunity), and the depth it will reach in the end."""
    n = len(created)
    lags = np.column_stack(
        [
            _lognormal_days(rng, _CH_MQL_LAG[channel], 1.0, n),
            _lognormal_days(rng, 4.0, 0.8, n),
            _lognormal_days(rng, 6.0, 0.7, n),
            _lognormal_days(rng, 9.0, 0.8, n),
        ]
    )
    steps = created[:, None] + np.cumsum(lags, axis=1)
    reachable = (steps <= cal.as_of).sum(axis=1)  # steps are ordered, so a count is the depth

    # How many leads should become an opportunity (and so a deal)?
    eligible = steps[:, 3] <= cal.as_of
    per_channel = np.bincount(channel[eligible], minlength=len(CHANNELS))
    natural = float((per_channel * _CH_FUNNEL.prod(axis=1)).sum())
    if lead_share is None:
        target = min(int(round(natural)), int(round(DEFAULT_LEAD_SHARE_CAP * n_deals)))
        m = 1.0
    else:
        target = int(round(lead_share * n_deals))
        lo, hi = -8.0, 8.0  # the odds multiplier, on a log scale, that gives the target on average
        for _ in range(60):
            mid = (lo + hi) / 2
            e = (per_channel * _odds_scale(_CH_FUNNEL, np.exp(mid)).prod(axis=1)).sum()
            lo, hi = (mid, hi) if e < target else (lo, mid)
        m = float(np.exp((lo + hi) / 2))
    target = min(target, int(eligible.sum()), n_deals)
    p = _odds_scale(_CH_FUNNEL, m)[channel]  # (lead, step)
    passed = rng.random((n, 4)) < p
    natural_depth = np.cumprod(passed, axis=1).sum(axis=1)
    depth = np.minimum(natural_depth, reachable)

    # Hit the target exactly: demote random extra opportunities, or promote the likeliest others.
    is_opp = np.flatnonzero(depth == 4)
    if len(is_opp) > target:
        demote = rng.choice(is_opp, size=len(is_opp) - target, replace=False)
        depth[demote] = 3
        natural_depth[demote] = 3
    elif len(is_opp) < target:
        cand = np.flatnonzero(eligible & (depth < 4))
        w = p[cand].prod(axis=1) * np.exp(depth[cand])
        keys = np.log(rng.random(len(cand))) / w
        promote = cand[np.argpartition(-keys, target - len(is_opp) - 1)[: target - len(is_opp)]]
        depth[promote] = 4
        natural_depth[promote] = 4
    return steps, depth, natural_depth


# ----------------------------------------------------------------------------- deals


def _deal_size(rng: np.random.Generator, enterprise: np.ndarray) -> np.ndarray:
    n = len(enterprise)
    median = np.where(enterprise, 340_000.0, 105_000.0)
    sigma = np.where(enterprise, 0.72, 0.55)
    amount = median * np.exp(sigma * rng.standard_normal(n))
    return np.clip(np.round(amount / 1000) * 1000, 15_000, 4_800_000)


def _outcome(
    rng: np.random.Generator,
    created: np.ndarray,
    amount: np.ndarray,
    channel: np.ndarray,
    enterprise: np.ndarray,
    expansion: np.ndarray,
    cal: _Calendar,
) -> tuple[np.ndarray, np.ndarray]:
    """(won, cycle in days) for each deal."""
    n = len(created)
    base = np.where(expansion, 0.40, _CH_WIN[channel])
    logit = (
        np.log(base / (1 - base))
        - 0.30 * np.log(amount / 150_000)
        + 0.15 * (created - cal.start) / HISTORY_DAYS
    )
    median = 78.0 * (amount / 150_000) ** 0.3 * np.where(enterprise, 1.15, 1.0)
    median *= np.where(expansion, 0.6, 1.0)
    cycle = np.clip(_lognormal_days(rng, median, 0.5, n), 4, 400)
    # the year-end push: deals due in Q4 are won more often
    logit += np.where(_month0(created + cycle) >= 9, 0.35, 0.0)
    won = rng.random(n) < 1 / (1 + np.exp(-logit))
    return won, cycle


def generate(
    n_deals: int,
    n_leads: int,
    *,
    seed: int = SEED,
    as_of: date = AS_OF,
    lead_share: float | None = None,
) -> dict[str, pd.DataFrame]:
    """Generate the Nordlys data set: {"deals", "leads", "targets", "campaigns"} DataFrames.

    n_deals and n_leads are the exact row counts of deals and leads. Dates are datetime64
    columns (NaT when missing), amounts float64, booleans bool, other columns strings (None
    when missing). The same arguments always give the same tables.

    lead_share: the share of deals that come from a lead. None (the default) lets the lead
    funnel decide, with realistic conversion rates, capped at 85 %; a number forces that
    share and scales every funnel step's odds by one common factor to feed it (needed when
    there are few leads per deal, as in the benchmarks).
    """
    if isinstance(as_of, str):
        as_of = date.fromisoformat(as_of)
    rng = np.random.default_rng(seed)
    cal = _Calendar(as_of)
    camp = _campaign_table(cal, as_of)
    goals = _campaign_goals(rng, camp, cal, n_leads)

    # --- leads and their funnel
    l_created, l_channel, l_campaign = _lead_dates_and_campaigns(rng, n_leads, cal, camp)
    order = np.lexsort((rng.random(n_leads), l_created))
    l_created, l_channel, l_campaign = l_created[order], l_channel[order], l_campaign[order]
    steps, depth, natural_depth = _funnel(rng, l_created, l_channel, cal, n_deals, lead_share)
    l_enterprise = rng.random(n_leads) < _CH_ENTERPRISE[l_channel]
    l_team = np.where(
        l_channel == _CH["Partner"], PARTNERS, np.where(l_enterprise, ENTERPRISE, SMB)
    )
    l_owner = _owner_for_team(rng, l_team)
    opp = np.flatnonzero(depth == 4)
    k_lead = len(opp)

    # --- how many deals of each kind
    rest = n_deals - k_lead
    n_exp = min(int(round(EXPANSION_SHARE * n_deals)), int(0.45 * rest))
    # deals per unit of calendar weight (a busy weekday is about 1)
    base_rate = max(n_deals - n_exp, 1) / cal.weight_sum(cal.start, cal.as_of)
    lead_frac = k_lead / max(n_deals - n_exp, 1)

    # Deals whose lead (if any) is older than the history: created before it and closed in its
    # first quarter or later (the extract holds every deal closed since the start of that
    # quarter, and every open deal), or created in its first weeks from a lead created before.
    first_q = _quarter_start(int(_quarter_index(np.array([cal.start]))[0]))
    lag = np.sort(steps[opp, 3] - l_created[opp]) if k_lead else np.zeros(1, np.int64)
    tail_days, tail_w = cal.window(cal.start, cal.start + int(lag[-1]))
    survive = 1.0 - np.searchsorted(lag, tail_days - cal.start, side="right") / len(lag)
    tail_w = tail_w * lead_frac * survive
    n_before = int(round(base_rate * cal.weight_sum(cal.warm, cal.start - 1)))
    n_tail = int(round(base_rate * tail_w.sum()))
    cand_created = np.concatenate(
        [
            cal.sample(rng, n_before, cal.warm, cal.start - 1),
            rng.choice(tail_days, size=n_tail, p=tail_w / tail_w.sum())
            if n_tail
            else np.empty(0, np.int64),
        ]
    )
    n_candidates = n_before + n_tail
    direct_pick = _DIRECT_CHANNELS[rng.choice(len(_DIRECT_CHANNELS), n_candidates, p=_DIRECT_P)]
    if k_lead:
        lead_pick = l_channel[opp][rng.integers(0, k_lead, n_candidates)]
        from_lead = (np.arange(n_candidates) >= n_before) | (rng.random(n_candidates) < lead_frac)
        cand_channel = np.where(from_lead, lead_pick, direct_pick)
    else:
        cand_channel = direct_pick
    cand_ent = rng.random(n_candidates) < _CH_ENTERPRISE[cand_channel]
    cand_amount = _deal_size(rng, cand_ent)
    cand_won, cand_cycle = _outcome(
        rng, cand_created, cand_amount, cand_channel, cand_ent, np.zeros(n_candidates, bool), cal
    )
    keep = np.flatnonzero(cand_created + cand_cycle >= first_q)
    limit = max(0, int(0.6 * (rest - n_exp)))
    if len(keep) > limit:
        keep = np.sort(rng.choice(keep, size=limit, replace=False))
    n_warm = len(keep)
    n_direct = max(0, rest - n_exp - n_warm)

    # --- base deals: from leads, sourced by sellers, and from leads older than the history
    d_created = np.concatenate(
        [
            steps[opp, 3],
            cal.sample(rng, n_direct, cal.start, cal.as_of),
            cand_created[keep],
        ]
    )
    direct_channel = _DIRECT_CHANNELS[rng.choice(len(_DIRECT_CHANNELS), n_direct, p=_DIRECT_P)]
    d_channel = np.concatenate([l_channel[opp], direct_channel, cand_channel[keep]])
    direct_ent = rng.random(n_direct) < _CH_ENTERPRISE[direct_channel]
    d_ent = np.concatenate([l_enterprise[opp], direct_ent, cand_ent[keep]])
    d_campaign = np.concatenate(
        [
            l_campaign[opp],
            _recent_campaign(camp, direct_channel, d_created[k_lead : k_lead + n_direct]),
            np.full(n_warm, -1),
        ]
    )
    d_lead = np.concatenate([opp, np.full(n_direct + n_warm, -1)])
    n_base = len(d_created)
    d_team = np.where(d_channel == _CH["Partner"], PARTNERS, np.where(d_ent, ENTERPRISE, SMB))
    d_owner = np.concatenate([l_owner[opp], _owner_for_team(rng, d_team[k_lead:])])
    d_amount = np.concatenate([_deal_size(rng, d_ent[: k_lead + n_direct]), cand_amount[keep]])
    won_new, cycle_new = _outcome(
        rng,
        d_created[: k_lead + n_direct],
        d_amount[: k_lead + n_direct],
        d_channel[: k_lead + n_direct],
        d_ent[: k_lead + n_direct],
        np.zeros(k_lead + n_direct, bool),
        cal,
    )
    d_won = np.concatenate([won_new, cand_won[keep]])
    d_cycle = np.concatenate([cycle_new, cand_cycle[keep]])
    d_expansion = np.zeros(n_base, bool)

    # Accounts: enterprise and SMB companies; a company can buy more than once.
    n_accounts = max(20, int(round(0.75 * n_deals)))
    names = _account_names(rng, n_accounts)
    n_accounts = len(names)
    n_ent_acc = max(1, int(round(0.35 * n_accounts)))
    d_account = (
        np.where(
            d_ent,
            rng.integers(0, n_ent_acc, n_base),
            rng.integers(n_ent_acc, max(n_ent_acc + 1, n_accounts), n_base),
        )
        % n_accounts
    )

    # --- expansions of won customers, by the same seller
    close0 = d_created + d_cycle
    parents = np.flatnonzero(d_won & (close0 <= cal.as_of - 45))
    if len(parents) and n_exp:
        pw = d_amount[parents] ** 0.3
        parent = parents[rng.choice(len(parents), size=n_exp, p=pw / pw.sum())]
        wait = _lognormal_days(rng, 150.0, 0.6, n_exp)
        e_created = close0[parent] + 14 + wait
        late = e_created > cal.as_of
        room = cal.as_of - close0[parent][late] - 14 + 1
        e_created[late] = close0[parent][late] + 14 + (rng.random(late.sum()) * room).astype(int)
        share = 0.35 * np.exp(0.5 * rng.standard_normal(n_exp))  # of the first deal's size
        e_amount = np.clip(np.round(d_amount[parent] * share / 1000) * 1000, 10_000, 3_000_000)
        e_channel = np.full(n_exp, _CH["Outbound"])
        e_won, e_cycle = _outcome(
            rng, e_created, e_amount, e_channel, d_ent[parent], np.ones(n_exp, bool), cal
        )
        d_created = np.concatenate([d_created, e_created])
        d_channel = np.concatenate([d_channel, e_channel])
        d_ent = np.concatenate([d_ent, d_ent[parent]])
        d_campaign = np.concatenate([d_campaign, np.full(n_exp, -1)])
        d_lead = np.concatenate([d_lead, np.full(n_exp, -1)])
        d_team = np.concatenate([d_team, d_team[parent]])
        d_owner = np.concatenate([d_owner, d_owner[parent]])
        d_amount = np.concatenate([d_amount, e_amount])
        d_won = np.concatenate([d_won, e_won])
        d_cycle = np.concatenate([d_cycle, e_cycle])
        d_expansion = np.concatenate([d_expansion, np.ones(n_exp, bool)])
        d_account = np.concatenate([d_account, d_account[parent]])
    elif n_exp:  # too few won deals to expand: more seller-sourced deals instead
        extra = n_exp
        d_created = np.concatenate([d_created, cal.sample(rng, extra, cal.start, cal.as_of)])
        d_channel = np.concatenate([d_channel, np.full(extra, _CH["Outbound"])])
        ent = rng.random(extra) < 0.5
        d_ent = np.concatenate([d_ent, ent])
        d_campaign = np.concatenate([d_campaign, np.full(extra, -1)])
        d_lead = np.concatenate([d_lead, np.full(extra, -1)])
        team = np.where(ent, ENTERPRISE, SMB)
        d_team = np.concatenate([d_team, team])
        d_owner = np.concatenate([d_owner, _owner_for_team(rng, team)])
        amount = _deal_size(rng, ent)
        w_, c_ = _outcome(
            rng,
            d_created[-extra:],
            amount,
            np.full(extra, _CH["Outbound"]),
            ent,
            np.zeros(extra, bool),
            cal,
        )
        d_amount = np.concatenate([d_amount, amount])
        d_won = np.concatenate([d_won, w_])
        d_cycle = np.concatenate([d_cycle, c_])
        d_expansion = np.concatenate([d_expansion, np.zeros(extra, bool)])
        d_account = np.concatenate([d_account, rng.integers(0, n_accounts, extra)])

    deals = _finish_deals(
        rng,
        cal,
        camp,
        names,
        d_created,
        d_channel,
        d_ent,
        d_campaign,
        d_team,
        d_owner,
        d_amount,
        d_won,
        d_cycle,
        d_expansion,
        d_account,
        n_accounts,
    )
    # deal ids in order of creation; link each opportunity lead to its deal
    order = np.lexsort((rng.random(len(d_created)), d_created))
    deal_ids = _ids("D-", len(order), 6)
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    deals = deals.iloc[order].reset_index(drop=True)
    deals.insert(0, "deal_id", deal_ids)
    l_deal = np.full(n_leads, None, dtype=object)
    from_lead = d_lead >= 0
    l_deal[d_lead[from_lead]] = deal_ids[rank[np.flatnonzero(from_lead)]]

    leads = _finish_leads(
        rng,
        cal,
        camp,
        l_created,
        l_channel,
        l_campaign,
        l_owner,
        steps,
        depth,
        natural_depth,
        l_deal,
    )
    campaigns = pd.DataFrame(
        {
            "campaign_id": camp["campaign_id"].to_numpy(object),
            "name": camp["name"].to_numpy(object),
            "channel": camp["channel"].to_numpy(object),
            "start_date": _to_datetime(camp["start"].to_numpy()),
            "end_date": _to_datetime(camp["end"].to_numpy()),
            "owner": camp["channel"].map(_CAMPAIGN_OWNER).to_numpy(object),
            "budget": pd.to_numeric(camp["budget"], errors="coerce").astype(float).to_numpy(),
            "goal": np.array(goals, dtype=object),
            "sales_actions": camp["sales_actions"].to_numpy(object),
            "public": camp["public"].astype(bool).to_numpy(),
        }
    )
    campaigns = pd.concat([campaigns, _event_details(camp)], axis=1)
    targets, gap = _targets(rng, cal, deals, leads)
    _steer_pipeline(rng, cal, deals, gap)
    return {"deals": deals, "leads": leads, "targets": targets, "campaigns": campaigns,
            "actions": _actions(as_of), "stage_history": _stage_history(deals, cal.as_of, seed)}


# The actions agreed in the last meetings (every 14 days before as_of): id, text, owner, team,
# agreed (days before as_of), due (days from as_of), status, closed (days from as_of or None).
# Hand-written so that each list of the pack's opening point has a few: due since the last
# meeting, done and open; overdue (some due before that); closed since; one cancelled.
_ACTIONS = [
    ("A-001", "Opdatér battlecard mod konkurrent X med nye priser", "Sofie Kragh", "marketing",
     -42, -28, "done", -31),
    ("A-002", "Ring til de 12 største tabte aftaler fra Q3 og spørg hvorfor", "Mette Jensen",
     "sales", -42, -14, "open", None),
    ("A-003", "Ryd op i lead-status i CRM: ingen 'open' over 60 dage", "Line Poulsen", "sales",
     -28, -14, "done", -15),
    ("A-004", "Fælles definition af SQL skrevet ned og delt med begge teams", "Jonas Holm",
     "marketing", -28, -7, "done", -9),
    ("A-005", "Opfølgning på alle deltagere fra webinaret om datadrevet salg", "Rasmus Nielsen",
     "sales", -28, -3, "open", None),
    ("A-006", "Case med Fjordtech klar til hjemmesiden", "Ida Lund", "marketing", -14, -4,
     "done", -2),
    ("A-007", "Partnerliste for Q1 afstemt med Partners-teamet", "Henrik Møller", "sales", -14,
     0, "open", None),
    ("A-008", "LinkedIn-kampagne til SMB forlænges to uger", "Jonas Holm", "marketing", -14, -1,
     "cancelled", -6),
    ("A-009", "Tilbudsskabelon med nye rabattrin godkendt", "Anders Kjær", "sales", -14, 14,
     "done", -5),
    ("A-010", "Budget for messen i marts besluttet", "Ida Lund", "marketing", -14, 7, "open",
     None),
    ("A-011", "Forecast for Q1 pr. sælger afleveret", "Mads Christensen", "sales", -14, 21,
     "open", None),
    ("A-012", "Afvisningsårsager for MQL'er udfyldt for hele oktober", "Emma Skov", "sales",
     -28, -10, "open", None),
    ("A-013", "Lead scoring justeret efter afvisningerne i Q3", "Sofie Kragh", "marketing", -42,
     -21, "open", None),
]


def _actions(as_of: date) -> pd.DataFrame:
    """The actions table around the meeting on `as_of` (see _ACTIONS)."""

    def day(offset: int | None) -> pd.Timestamp:
        return pd.NaT if offset is None else pd.Timestamp(as_of + timedelta(days=offset))

    return pd.DataFrame(
        [
            {"action_id": a, "text": text, "owner": owner, "team": team,
             "agreed_on": day(agreed), "due": day(due), "status": status,
             "closed_on": day(closed)}
            for a, text, owner, team, agreed, due, status, closed in _ACTIONS
        ]
    ).astype({"agreed_on": "datetime64[s]", "due": "datetime64[s]",
              "closed_on": "datetime64[s]"})


def _owner_for_team(rng: np.random.Generator, team: np.ndarray) -> np.ndarray:
    owner = np.empty(len(team), dtype=np.int64)
    for t in range(len(TEAMS)):
        sel = np.flatnonzero(team == t)
        members = np.flatnonzero(t == _OWNER_TEAM)
        w = _OWNER_WEIGHT[members]
        owner[sel] = members[rng.choice(len(members), size=len(sel), p=w / w.sum())]
    return owner


def _recent_campaign(camp: pd.DataFrame, channel: np.ndarray, created: np.ndarray) -> np.ndarray:
    """For seller-sourced deals of event-like channels: the campaign of that channel running
    on the day or ended at most 45 days before (the deal came out of that event), else -1."""
    out = np.full(len(channel), -1, dtype=np.int64)
    for ch in ("Events", "Partner"):
        mine = camp.index[camp["channel"] == ch].to_numpy()
        if not len(mine):
            continue
        starts = camp.loc[mine, "start"].to_numpy(np.int64)
        order = np.argsort(starts, kind="stable")
        sel = np.flatnonzero(channel == _CH[ch])
        k = np.searchsorted(starts[order], created[sel], side="right") - 1
        ok = k >= 0
        k = np.where(ok, k, 0)
        ends = camp.loc[mine, "end"].to_numpy(np.int64)[order][k]
        ok &= created[sel] <= ends + 45
        out[sel] = np.where(ok, mine[order][k], -1)
    return out


def _finish_deals(
    rng: np.random.Generator,
    cal: _Calendar,
    camp: pd.DataFrame,
    names: np.ndarray,
    created: np.ndarray,
    channel: np.ndarray,
    ent: np.ndarray,
    campaign: np.ndarray,
    team: np.ndarray,
    owner: np.ndarray,
    amount: np.ndarray,
    won: np.ndarray,
    cycle: np.ndarray,
    expansion: np.ndarray,
    account: np.ndarray,
    n_accounts: int,
) -> pd.DataFrame:
    n = len(created)
    as_of = cal.as_of
    close = created + cycle
    closed = close <= as_of

    # Closing dates of closed deals: a quarter-end push (deals due early next quarter are pulled
    # in), and deals due in July slip to August.
    month = _month0(close)
    qi = _quarter_index(close)
    q_end = (np.datetime64(0, "M") + (qi + 1) * 3).astype("datetime64[D]").astype(np.int64) - 1
    push = closed & (q_end - close <= 30) & (q_end <= as_of) & (rng.random(n) < 0.35)
    close = np.where(push, q_end - rng.integers(0, 6, n), close)
    prev_q_end = (np.datetime64(0, "M") + qi * 3).astype("datetime64[D]").astype(np.int64) - 1
    pull = closed & won & (close - prev_q_end <= 14) & (rng.random(n) < 0.2)
    pulled = prev_q_end - rng.integers(0, 6, n)
    first_q = _quarter_start(int(_quarter_index(np.array([cal.start]))[0]))
    close = np.where(pull & (pulled > created) & (pulled >= first_q), pulled, close)
    slip = closed & (month == 6) & (rng.random(n) < 0.4)
    slipped = close + rng.integers(14, 36, n)
    close = np.where(slip & (slipped <= as_of), slipped, close)
    close = np.maximum(close, created + 1)

    # Open deals: the seller's expected close date, often a month end, at most in Q2 next year.
    open_ = ~closed
    # deals heading for a loss keep slipping: their expected close date moves out
    close = np.where(open_ & ~won, close + _lognormal_days(rng, 40.0, 0.7, n), close)
    horizon = _quarter_start(int(_quarter_index(np.array([as_of]))[0]) + 3) - 1
    far = open_ & (close > horizon)
    close = np.where(far, horizon - rng.integers(0, 75, n), close)
    month_end = (close.astype("datetime64[D]").astype("datetime64[M]") + 1).astype(
        "datetime64[D]"
    ).astype(np.int64) - 1
    snap = open_ & (rng.random(n) < 0.3)
    close = np.where(snap, month_end, close)
    close = np.where(open_, np.maximum(close, as_of + 1), close)

    progress = np.clip(
        (as_of - created) / np.maximum(cycle, 1) + 0.12 * rng.standard_normal(n), 0, 0.999
    )
    stage_i = np.searchsorted([0.2, 0.45, 0.68, 0.86], progress, side="right")
    # some open deals are overdue (expected close passed, still open) or have no close date
    open_idx = np.flatnonzero(open_)
    old_open = open_idx[created[open_idx] <= as_of - 21]
    n_overdue = min(len(old_open), int(round(0.04 * len(open_idx))))
    overdue = (
        rng.choice(old_open, size=n_overdue, replace=False) if n_overdue else np.empty(0, np.int64)
    )
    close[overdue] = np.maximum(as_of - rng.integers(1, 41, n_overdue), created[overdue] + 7)
    stage_i[overdue] = np.maximum(stage_i[overdue], 3)
    rest = np.setdiff1d(open_idx, overdue)
    n_empty = int(round(0.02 * len(open_idx)))
    no_close = rng.choice(rest, size=n_empty, replace=False) if n_empty else np.empty(0, np.int64)
    close[no_close] = MISSING

    stage = np.where(won, WON, LOST).astype(object)
    stage[open_] = np.array(STAGES_OPEN, dtype=object)[stage_i[open_]]

    # Last stage change: the close for closed deals; recent for most open ones, stale for some.
    age = as_of - created
    stale = open_ & (age >= 35) & (rng.random(n) < 0.22)
    stale[overdue] = rng.random(n_overdue) < 0.6
    stale &= age >= 35
    stale_change = np.maximum(as_of - rng.integers(30, 121, n), created)
    fresh_change = as_of - np.floor(rng.random(n) * (np.minimum(age, 29) + 1)).astype(np.int64)
    last_change = np.where(closed, close, np.where(stale, stale_change, fresh_change))

    # Seller overrides of the stage's probability on some open deals.
    override = open_ & (rng.random(n) < 0.10)
    default_p = STAGE_PROBABILITY[np.minimum(stage_i, 4)]
    prob = np.where(
        override,
        np.clip(np.round(default_p + 0.12 * rng.standard_normal(n), 2), 0.05, 0.95),
        np.nan,
    )

    won_closed = won & closed
    won_reason = _pick(rng, n, WON_REASONS)
    won_reason = np.where(expansion & (rng.random(n) < 0.5), "Existing relationship", won_reason)
    won_reason = _only(won_closed & (rng.random(n) >= 0.05), won_reason)
    lost_reason = _only(~won & closed, _pick(rng, n, LOST_REASONS))
    public_ref = won_closed & (rng.random(n) < 0.30)

    eur_account = rng.random(n_accounts) < 0.03
    eur = eur_account[account]
    amount_out = np.where(eur, np.round(amount / EUR_RATE / 100) * 100, amount).astype(float)

    products = np.where(
        expansion,
        _pick(rng, n, _PRODUCTS_EXPANSION),
        np.where(ent, _pick(rng, n, _PRODUCTS_ENTERPRISE), _pick(rng, n, _PRODUCTS_SMB)),
    )
    acc_names = names[account]
    camp_ids = camp["campaign_id"].to_numpy(object)
    return pd.DataFrame(
        {
            "name": acc_names + " – " + products,
            "account": acc_names,
            "owner": np.array(OWNERS, dtype=object)[owner],
            "team": np.array(TEAMS, dtype=object)[team],
            "stage": stage,
            "amount": amount_out,
            "currency": np.where(eur, "EUR", "DKK").astype(object),
            "created_date": _to_datetime(created),
            "close_date": _to_datetime(close),
            "source_channel": np.array(CHANNELS, dtype=object)[channel],
            "campaign_id": _only(campaign >= 0, camp_ids[np.maximum(campaign, 0)]),
            "won_reason": won_reason,
            "lost_reason": lost_reason,
            "last_stage_change_date": _to_datetime(last_change),
            "probability": prob,
            "public_reference": public_ref,
        }
    )


def _finish_leads(
    rng: np.random.Generator,
    cal: _Calendar,
    camp: pd.DataFrame,
    created: np.ndarray,
    channel: np.ndarray,
    campaign: np.ndarray,
    owner: np.ndarray,
    steps: np.ndarray,
    depth: np.ndarray,
    natural_depth: np.ndarray,
    deal: np.ndarray,
) -> pd.DataFrame:
    n = len(created)
    as_of = cal.as_of
    step_dates = [np.where(depth > s, steps[:, s], MISSING) for s in range(4)]
    recent = created > as_of - 21
    decided = steps[:, 1] <= as_of  # sales had time to accept or reject the MQL
    status = np.full(n, "nurture", dtype=object)
    status[(depth == 0) & recent] = "open"
    mql_only = depth == 1
    waiting = mql_only & ((natural_depth > 1) | ~decided)
    rejected = mql_only & ~waiting & (rng.random(n) < 0.6)
    status[waiting] = "open"
    status[rejected] = "rejected"
    status[depth >= 2] = "accepted"
    reason = _only(rejected, _pick(rng, n, REJECTION_REASONS))
    camp_ids = camp["campaign_id"].to_numpy(object)
    return pd.DataFrame(
        {
            "lead_id": _ids("L-", n, 7),
            "created_date": _to_datetime(created),
            "source_channel": np.array(CHANNELS, dtype=object)[channel],
            "campaign_id": _only(campaign >= 0, camp_ids[np.maximum(campaign, 0)]),
            "owner": _only(depth >= 2, np.array(OWNERS, dtype=object)[owner]),
            "mql_date": _to_datetime(step_dates[0]),
            "sql_date": _to_datetime(step_dates[1]),
            "meeting_date": _to_datetime(step_dates[2]),
            "opportunity_date": _to_datetime(step_dates[3]),
            "deal_id": deal,
            "status": status,
            "rejection_reason": reason,
        }
    )


# ----------------------------------------------------------------------------- targets


def _targets(
    rng: np.random.Generator, cal: _Calendar, deals: pd.DataFrame, leads: pd.DataFrame
) -> tuple[pd.DataFrame, float]:
    """Quarterly targets (revenue, new customers, meetings) for company, teams and sellers,
    and what is still missing of this quarter's revenue target."""
    q_now = int(_quarter_index(np.array([cal.as_of]))[0])
    q_first = int(_quarter_index(np.array([cal.start]))[0])
    quarters = np.arange(q_first, q_now + 3)
    as_days = lambda s: s.to_numpy("datetime64[D]").astype(np.int64)  # noqa: E731

    dkk = deals["amount"].to_numpy() * np.where(
        deals["currency"].to_numpy() == "EUR", EUR_RATE, 1.0
    )
    is_won = deals["stage"].to_numpy() == WON
    close = deals["close_date"]
    has_close = close.notna().to_numpy()
    close_d = np.where(has_close, as_days(close.fillna(pd.Timestamp(0))), MISSING)
    close_q = np.where(has_close, _quarter_index(np.where(has_close, close_d, 0)), -1)
    owner_i = deals["owner"].map({o: i for i, o in enumerate(OWNERS)}).to_numpy()

    # a new customer: the first-closing won deal of each account
    won_idx = np.flatnonzero(is_won)
    firsts = pd.DataFrame(
        {"a": deals["account"].to_numpy()[won_idx], "d": close_d[won_idx], "i": won_idx}
    )
    firsts = firsts.sort_values(["d", "i"], kind="stable").drop_duplicates("a")
    new_cust = np.zeros(len(deals), bool)
    new_cust[firsts["i"].to_numpy()] = True

    meet = leads["meeting_date"]
    has_meet = meet.notna().to_numpy()
    meet_q = _quarter_index(as_days(meet[has_meet]))
    meet_owner = leads["owner"][has_meet].map({o: i for i, o in enumerate(OWNERS)}).to_numpy()

    n_o = len(OWNERS)
    rev = np.zeros((len(quarters), n_o))
    newc = np.zeros((len(quarters), n_o))
    mtg = np.zeros((len(quarters), n_o))
    for j, q in enumerate(quarters):  # a handful of quarters, vectorised inside
        sel = is_won & (close_q == q)
        rev[j] = np.bincount(owner_i[sel], weights=dkk[sel], minlength=n_o)
        sel_n = new_cust & (close_q == q)
        newc[j] = np.bincount(owner_i[sel_n], minlength=n_o)
        sel_m = meet_q == q
        mtg[j] = np.bincount(meet_owner[sel_m], minlength=n_o)

    done = quarters < q_now
    now = int(np.flatnonzero(quarters == q_now)[0])

    def company_targets(
        actual: np.ndarray, unit: float, ambition: float, full: np.ndarray
    ) -> np.ndarray:
        """A smooth plan (the trend of past quarters, a bit ambitious); past quarters end up
        82-108 % attained, the current one is still open."""
        fit = done & full
        x = quarters[fit] - q_now
        slope, icpt = (
            np.polyfit(x, actual[fit], 1) if fit.sum() >= 2 else (0.0, actual[done].mean())
        )
        trend = np.maximum(icpt + slope * (quarters - q_now), max(actual[done].mean() * 0.5, 1e-6))
        # seasonality: how each calendar quarter did against the trend, half-weighted
        season = np.ones(len(quarters))
        for cq in range(4):
            same = fit & (quarters % 4 == cq)
            if same.any():
                season[quarters % 4 == cq] = 0.5 + 0.5 * np.mean(actual[same] / trend[same])
        plan = trend * season * ambition * rng.uniform(0.97, 1.04, len(quarters))
        out = plan.copy()
        out[done] = np.clip(plan[done], actual[done] / 1.08, actual[done] / 0.82)
        out[now] = max(plan[now], actual[now] + 0.2 * plan[now])
        return np.maximum(np.round(out / unit), 1).astype(np.int64)

    every = np.ones(len(quarters), bool)
    # revenue in thousands, rounded to 100k; meetings only from the first full quarter of leads
    comp_rev = company_targets(rev.sum(1) / 1000, 100, 1.08, every) * 100
    comp_new = company_targets(newc.sum(1), 1, 1.1, every)
    comp_mtg = company_targets(mtg.sum(1), 1, 1.1, quarters > q_first)

    def split(total: np.ndarray, actual: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        team_w = np.array([actual[:, t == _OWNER_TEAM].sum() for t in range(len(TEAMS))])
        teams = np.array([_largest_remainder(int(t), team_w) for t in total])
        owners = np.zeros((len(quarters), n_o), dtype=np.int64)
        for t in range(len(TEAMS)):
            members = np.flatnonzero(t == _OWNER_TEAM)
            share = actual[:, members].sum(0)
            share = 0.5 * share / max(share.sum(), 1e-9) + 0.5 / len(members)
            for j in range(len(quarters)):
                owners[j, members] = _largest_remainder(int(teams[j, t]), share)
        return teams, owners

    team_rev, owner_rev = split(comp_rev, rev)
    team_new, owner_new = split(comp_new, newc)
    team_mtg, owner_mtg = split(comp_mtg, mtg)

    rows: list[tuple[object, ...]] = []
    for j, q in enumerate(quarters):
        label = _quarter_label(int(q))
        rows.append((label, "company", None, comp_rev[j] * 1000, comp_new[j], comp_mtg[j]))
        for t, team in enumerate(TEAMS):
            rows.append(
                (label, "team", team, team_rev[j, t] * 1000, team_new[j, t], team_mtg[j, t])
            )
        for o, owner in enumerate(OWNERS):
            rows.append(
                (label, "owner", owner, owner_rev[j, o] * 1000, owner_new[j, o], owner_mtg[j, o])
            )
    out = pd.DataFrame(
        rows,
        columns=[
            "quarter",
            "scope",
            "scope_value",
            "revenue_target",
            "new_customers_target",
            "meetings_target",
        ],
    )
    out["revenue_target"] = out["revenue_target"].astype(float)
    return out, float(comp_rev[now] * 1000 - rev[now].sum())


def _steer_pipeline(
    rng: np.random.Generator, cal: _Calendar, deals: pd.DataFrame, gap: float
) -> None:
    """Sellers' expected close dates: make the open pipeline still due this quarter (after
    as_of) worth 1.15-1.45x the gap to the quarter's target, by moving some expected dates
    into or out of it. Overdue deals come on top."""
    q_now = int(_quarter_index(np.array([cal.as_of]))[0])
    q_end = _quarter_start(q_now + 1) - 1
    next_end = _quarter_start(q_now + 2) - 1
    dkk = deals["amount"].to_numpy() * np.where(
        deals["currency"].to_numpy() == "EUR", EUR_RATE, 1.0
    )
    close = deals["close_date"]
    has = close.notna().to_numpy()
    days = np.where(
        has, close.fillna(pd.Timestamp(0)).to_numpy("datetime64[D]").astype(np.int64), MISSING
    )
    open_ = np.isin(deals["stage"].to_numpy(), STAGES_OPEN) & has
    in_q = open_ & (days > cal.as_of) & (days <= q_end)
    have = float(dkk[in_q].sum())
    want = max(gap, 0.0) * rng.uniform(1.15, 1.45)
    if have > want:  # some slip into next quarter
        pool = rng.permutation(np.flatnonzero(in_q))
        k = int(np.searchsorted(np.cumsum(dkk[pool]), have - want))
        move = pool[: min(k, len(pool))]
        days[move] = q_end + rng.integers(7, 80, len(move))
    elif have < want:  # some due next quarter are expected sooner
        pool = rng.permutation(np.flatnonzero(open_ & (days > q_end) & (days <= next_end)))
        k = int(np.searchsorted(np.cumsum(dkk[pool]), want - have))
        move = pool[: min(k, len(pool))]
        days[move] = rng.integers(cal.as_of + 1, q_end + 1, len(move))
    else:
        return
    deals["close_date"] = _to_datetime(days)


def _stage_history(deals: pd.DataFrame, as_of: int, seed: int) -> pd.DataFrame:
    """Each deal's way to the stage it is in, one row per stage entered, as a CRM's stage
    history records it (with the amount and expected close date from then on).

    Open deals went through every open stage up to theirs, the last entered on their last stage
    change; won deals through two to all five open stages, lost deals through one to four, then
    closed on their close date; the stages before are spread over the time since creation. On
    some deals the amount was set differently before a later stage, and the expected close date
    of some open and lost deals was earlier: it slipped. The last row of each deal is the deal
    as it is now. Drawn from a Generator of its own, so the other tables stay as they were.
    """
    rng = np.random.default_rng(seed + 1)
    n = len(deals)
    stage = deals["stage"].to_numpy(object)
    open_index = {name: i for i, name in enumerate(STAGES_OPEN)}
    won, lost = stage == WON, stage == LOST
    depth = np.array([open_index.get(s, 0) for s in stage]) + 1  # open stages gone through
    depth = np.where(won, rng.integers(2, 6, n), np.where(lost, rng.integers(1, 5, n), depth))
    rows = depth + (won | lost)
    created = deals["created_date"].to_numpy("datetime64[D]").astype(np.int64)
    last = deals["last_stage_change_date"].to_numpy("datetime64[D]").astype(np.int64)
    last = np.clip(np.maximum(last, created), None, as_of)

    deal = np.repeat(np.arange(n), rows)
    step = np.arange(len(deal)) - np.repeat(np.cumsum(rows) - rows, rows)  # 0, 1, ... per deal
    # entered: from creation to the last change, in increasing random steps
    gaps = np.where(step == 0, 0.0, rng.uniform(0.5, 1.5, len(deal)))
    share = pd.Series(gaps).groupby(deal).cumsum().to_numpy(copy=True)
    share /= np.maximum(np.repeat(pd.Series(gaps).groupby(deal).sum().to_numpy(), rows), 1e-9)
    entered = created[deal] + np.floor(share * (last - created)[deal]).astype(np.int64)
    final = step == rows[deal] - 1
    entered = np.where(final, last[deal], entered)
    names = np.array(STAGES_OPEN, dtype=object)[np.minimum(step, 4)]
    names = np.where(final & won[deal], WON, np.where(final & lost[deal], LOST, names))

    amount = deals["amount"].to_numpy(float)
    amount_changes = (rows >= 2) & (rng.random(n) < 0.15)
    change_at = rng.integers(1, np.maximum(rows, 2))
    factor = rng.choice([0.8, 0.9, 1.1, 1.25], n)
    before_change = amount_changes[deal] & (step < change_at[deal])
    amounts = np.where(before_change, np.round(amount[deal] * factor[deal], -3), amount[deal])

    close = deals["close_date"]
    has_close = close.notna().to_numpy()
    close_day = np.where(
        has_close, close.fillna(pd.Timestamp(0)).to_numpy("datetime64[D]").astype(np.int64), 0)
    slips = (rows >= 2) & has_close & ~won & (rng.random(n) < 0.3)
    slip_at = rng.integers(1, np.maximum(rows, 2))
    earlier = close_day - rng.integers(14, 46, n)
    closes = np.where(slips[deal] & (step < slip_at[deal]), earlier[deal], close_day[deal])

    return pd.DataFrame({
        "deal_id": deals["deal_id"].to_numpy(object)[deal],
        "stage": names,
        "entered": _to_datetime(entered),
        "amount": amounts,
        "close_date": _to_datetime(np.where(has_close[deal], closes, MISSING)),
    })


# ----------------------------------------------------------------------------- files


def to_csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The table as the strings of its CSV file: ISO dates, whole amounts, true/false."""
    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            out[col] = s.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_bool_dtype(s):
            out[col] = np.where(s.to_numpy(), "true", "false")
        elif pd.api.types.is_float_dtype(s):
            v = s.to_numpy()
            whole = np.isfinite(v) & (v == np.round(v))
            if whole[np.isfinite(v)].all():
                out[col] = s.astype("Int64").astype(str).where(s.notna(), None)
            else:
                out[col] = s.map(lambda x: None if pd.isna(x) else f"{x:g}")
        else:
            out[col] = s
    return out


def write_csv(tables: dict[str, pd.DataFrame], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("deals", "leads", "targets", "campaigns", "actions", "stage_history"):
        to_csv_frame(tables[name]).to_csv(
            folder / f"{name}.csv",
            index=False,
            encoding="utf-8",
            lineterminator="\n",
            na_rep="",
        )


def main(argv: list[str] | None = None) -> int:
    folder = Path(__file__).resolve().parent / "data"
    tables = generate(N_DEALS, N_LEADS, seed=SEED, as_of=AS_OF)
    write_csv(tables, folder)
    for name, df in tables.items():
        print(f"{name}: {len(df):,} rows -> {folder / (name + '.csv')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
