"""A small hand-made Agenda with realistic values, for renderer tests.

It holds the awkward cases on purpose: a deal named like a script tag, an account with `&` and
Danish letters, a missing target, undefined ratios (None) and lists capped below their counts.
"""

from __future__ import annotations

import datetime as dt

from report_builder.model.agenda import (
    Agenda,
    CampaignRow,
    CampaignsSection,
    CustomersSection,
    DataNotesSection,
    DealRow,
    FunnelStep,
    HeadlineFigure,
    Note,
    PipelineSection,
    ReasonRow,
    SourceRow,
    SourcesSection,
    StageRow,
    TargetRow,
    TargetsSection,
)

AS_OF = dt.date(2026, 11, 24)
QUARTER_START = dt.date(2026, 10, 1)
QUARTER_END = dt.date(2026, 12, 31)
DAYS_ELAPSED = (AS_OF - QUARTER_START).days + 1
DAYS_TOTAL = (QUARTER_END - QUARTER_START).days + 1
SCRIPT_NAME = "<script>alert(1)</script>"
DANISH_ACCOUNT = "Brødrene Ærø & Søn ApS"


def _target_row(scope: str, name: str, *, target: float | None, won: float, won_deals: int,
                open_pipeline: float, weighted: float, new_customers: int,
                new_customers_target: int | None, meetings: int,
                meetings_target: int | None) -> TargetRow:
    expected = target * DAYS_ELAPSED / DAYS_TOTAL if target is not None else None
    forecast = won + weighted
    remaining = (target - won) if target is not None else None
    return TargetRow(
        scope=scope, name=name, target=target, won=won, won_deals=won_deals,
        attainment=won / target if target else None,
        open_pipeline=open_pipeline, weighted_pipeline=weighted, forecast=forecast,
        gap=(target - forecast) if target is not None else None,
        coverage=open_pipeline / remaining if remaining and remaining > 0 else None,
        expected_to_date=expected, pace=won / expected if expected else None,
        ahead_of_pace=won - expected if expected is not None else None,
        forecast_attainment=forecast / target if target else None,
        new_customers=new_customers, new_customers_target=new_customers_target,
        meetings=meetings, meetings_target=meetings_target,
    )


def _funnel(counts: list[int]) -> tuple[FunnelStep, ...]:
    steps = ("lead", "mql", "sql", "opportunity", "quote", "won")
    out = []
    for i, (step, count) in enumerate(zip(steps, counts, strict=True)):
        previous = counts[i - 1] if i else None
        out.append(FunnelStep(step, count, count / previous if previous else None))
    return tuple(out)


def _deal(n: int, name: str, account: str, owner: str, team: str | None, stage: str,
          value: float, *, probability: float | None = 0.5, created: str = "2026-08-12",
          close: str | None = "2026-12-15", channel: str | None = "Events",
          campaign: str | None = None, reason: str | None = None, stale: int | None = 12,
          overdue: int | None = None) -> DealRow:
    return DealRow(
        deal_id=f"D-{n}", name=name, account=account, owner=owner, team=team, stage=stage,
        value=value, win_probability=probability, created_date=dt.date.fromisoformat(created),
        close_date=dt.date.fromisoformat(close) if close else None, source_channel=channel,
        campaign=campaign, reason=reason, days_since_stage_change=stale, days_overdue=overdue,
    )


def _source(name: str, channel: str, campaign_id: str | None, leads: int, mqls: int, sqls: int,
            meetings: int, opportunities: int, won: int, revenue: float, rejected: int,
            budget: float | None) -> SourceRow:
    return SourceRow(
        name=name, channel=channel, campaign_id=campaign_id, leads=leads, mqls=mqls, sqls=sqls,
        meetings=meetings, opportunities=opportunities, won_deals=won, revenue=revenue,
        mql_to_sql=sqls / mqls if mqls else None, mql_to_won=won / mqls if mqls else None,
        rejected_mqls=rejected, budget=budget,
        cost_per_won_deal=budget / won if budget is not None and won else None,
    )


def _reasons(items: list[tuple[str, int, float]]) -> tuple[ReasonRow, ...]:
    total = sum(count for _, count, _ in items)
    return tuple(ReasonRow(reason, count, value, count / total) for reason, count, value in items)


def _targets() -> TargetsSection:
    teams = (
        _target_row("team", "Enterprise", target=2_600_000, won=1_380_000, won_deals=5,
                    open_pipeline=3_400_000, weighted=1_150_000, new_customers=4,
                    new_customers_target=6, meetings=38, meetings_target=45),
        _target_row("team", "Mid-market", target=1_600_000, won=690_000, won_deals=8,
                    open_pipeline=2_100_000, weighted=760_000, new_customers=7,
                    new_customers_target=10, meetings=44, meetings_target=55),
        _target_row("team", "Partners", target=600_000, won=240_000, won_deals=3,
                    open_pipeline=700_000, weighted=206_000, new_customers=3,
                    new_customers_target=4, meetings=14, meetings_target=20),
    )
    owners = (
        _target_row("owner", "Mette Sørensen", target=1_400_000, won=820_000, won_deals=3,
                    open_pipeline=1_900_000, weighted=640_000, new_customers=2,
                    new_customers_target=3, meetings=20, meetings_target=22),
        _target_row("owner", "Jonas Holm", target=1_200_000, won=560_000, won_deals=2,
                    open_pipeline=1_500_000, weighted=510_000, new_customers=2,
                    new_customers_target=3, meetings=18, meetings_target=23),
        _target_row("owner", "Aisha Khan", target=900_000, won=410_000, won_deals=4,
                    open_pipeline=1_200_000, weighted=420_000, new_customers=4,
                    new_customers_target=5, meetings=24, meetings_target=28),
        _target_row("owner", "Lars Østergaard", target=700_000, won=280_000, won_deals=4,
                    open_pipeline=900_000, weighted=340_000, new_customers=3,
                    new_customers_target=5, meetings=20, meetings_target=27),
        _target_row("owner", "Freja Nielsen", target=None, won=240_000, won_deals=3,
                    open_pipeline=700_000, weighted=240_000, new_customers=3,
                    new_customers_target=None, meetings=14, meetings_target=None),
    )
    company = _target_row(
        "company", "Nordlys Analytics", target=4_800_000,
        won=sum(t.won for t in teams), won_deals=sum(t.won_deals for t in teams),
        open_pipeline=sum(t.open_pipeline for t in teams),
        weighted=sum(t.weighted_pipeline for t in teams),
        new_customers=sum(t.new_customers for t in teams), new_customers_target=20,
        meetings=sum(t.meetings for t in teams), meetings_target=120,
    )
    return TargetsSection("2026-Q4", QUARTER_START, QUARTER_END, DAYS_ELAPSED, DAYS_TOTAL,
                          company, teams, owners)


def _pipeline() -> PipelineSection:
    stages = (
        StageRow("Discovery", "opportunity", 0.1, 41, 2_050_000, 205_000),
        StageRow("Solution fit", "opportunity", 0.3, 28, 1_820_000, 546_000),
        StageRow("Proposal", "quote", 0.5, 17, 1_530_000, 765_000),
        StageRow("Negotiation", "quote", 0.75, 9, 800_000, 600_000),
    )
    overdue = (
        _deal(1042, "Data platform renewal", "Havnens Logistik A/S", "Jonas Holm", "Enterprise",
              "Negotiation", 420_000, probability=0.75, close="2026-10-31", overdue=24),
        _deal(1077, SCRIPT_NAME, DANISH_ACCOUNT, "Aisha Khan", "Mid-market", "Proposal",
              96_000, close="2026-11-10", overdue=14, channel="Webinars"),
        _deal(1103, "Forecasting add-on", "Fjordbank", "Lars Østergaard", "Mid-market",
              "Solution fit", 64_000, probability=0.3, close="2026-11-20", overdue=4),
    )
    stale = (
        _deal(880, "Pilot: sales analytics", "Kattegat Shipping", "Mette Sørensen",
              "Enterprise", "Discovery", 310_000, probability=0.1, stale=96),
        _deal(915, "Nordic rollout", "Skagen Retail Group", "Jonas Holm", "Enterprise",
              "Solution fit", 260_000, probability=0.3, stale=71),
        _deal(1077, SCRIPT_NAME, DANISH_ACCOUNT, "Aisha Khan", "Mid-market", "Proposal",
              96_000, close="2026-11-10", overdue=14, stale=44, channel="Webinars"),
    )
    largest = (
        _deal(1201, "Group-wide BI standard", "Østerbro Energi", "Mette Sørensen",
              "Enterprise", "Proposal", 640_000, close="2026-12-18"),
        _deal(1042, "Data platform renewal", "Havnens Logistik A/S", "Jonas Holm", "Enterprise",
              "Negotiation", 420_000, probability=0.75, close="2026-10-31", overdue=24),
        _deal(880, "Pilot: sales analytics", "Kattegat Shipping", "Mette Sørensen",
              "Enterprise", "Discovery", 310_000, probability=0.1, stale=96),
        _deal(1188, "Reseller bundle", "NordPartner ApS", "Freja Nielsen", None, "Proposal",
              180_000, channel="Partner referral", close=None),
    )
    return PipelineSection(
        flow=_funnel([412, 168, 61, 24, 11, 6]),
        cohort=_funnel([2310, 905, 322, 118, 52, 19]),
        stages=stages,
        open_count=sum(s.count for s in stages), open_value=sum(s.value for s in stages),
        open_weighted=sum(s.weighted_value for s in stages),
        overdue_count=23, overdue_value=1_980_000, overdue=overdue,
        stale_count=312, stale_value=9_400_000, stale=stale, largest=largest,
    )


def _sources() -> SourcesSection:
    channels = (
        _source("Events", "Events", None, 520, 240, 96, 58, 30, 9, 1_420_000, 21, 380_000),
        _source("Partner referral", "Partner referral", None, 140, 90, 52, 41, 19, 7,
                960_000, 6, None),
        _source("Paid search", "Paid search", None, 2_900, 610, 118, 44, 21, 6, 520_000, 140,
                210_000),
        _source("Webinars", "Webinars", None, 1_150, 420, 88, 37, 14, 4, 310_000, 77, 60_000),
        _source("LinkedIn Ads", "LinkedIn Ads", None, 1_820, 380, 40, 12, 6, 1, 45_000, 96,
                150_000),
        _source("(none)", "(none)", None, 300, 20, 4, 2, 1, 0, 0, 3, None),
    )
    campaigns = (
        _source("Nordic Data Summit 2025", "Events", "C-07", 310, 150, 64, 40, 20, 6,
                980_000, 11, 240_000),
        _source("Forecasting webinar series", "Webinars", "C-11", 640, 260, 52, 22, 9, 3,
                250_000, 40, 35_000),
        _source("Brand search", "Paid search", "C-02", 1_900, 390, 81, 30, 14, 4, 380_000, 92,
                120_000),
        _source("Aarhus & Odense roadshow", "Events", "C-14", 210, 90, 32, 18, 10, 3, 440_000,
                10, 140_000),
    )
    rejection = _reasons([("Too small", 140, 0), ("Student or job seeker", 96, 0),
                          ("No budget", 61, 0), ("Duplicate", 25, 0)])
    return SourcesSection(dt.date(2025, 11, 25), AS_OF, channels, campaigns, rejection)


def _customers() -> CustomersSection:
    won = (
        _deal(1150, "Analytics platform", "Østerbro Energi", "Mette Sørensen", "Enterprise",
              "Won", 540_000, probability=1.0, created="2026-06-02", close="2026-11-18",
              campaign="Nordic Data Summit 2025", reason="Product fit", stale=None),
        _deal(1166, "Team licence", DANISH_ACCOUNT, "Aisha Khan", "Mid-market", "Won", 88_000,
              probability=1.0, created="2026-09-14", close="2026-11-20", channel="Webinars",
              campaign="Forecasting webinar series", reason="Implementation speed", stale=None),
        _deal(1171, "Starter package", "Læsø Fisk ApS", "Lars Østergaard", "Mid-market", "Won",
              42_000, probability=1.0, created="2026-10-01", close="2026-11-21",
              channel="Paid search", campaign="Brand search", reason="Price", stale=None),
    )
    return CustomersSection(
        won=won, won_count=6, won_value=910_000, new_customers=5,
        win_reasons=_reasons([("Product fit", 8, 1_240_000), ("Implementation speed", 4, 410_000),
                              ("Relationship", 3, 380_000), ("Price", 2, 95_000)]),
        loss_reasons=_reasons([("Chose competitor", 9, 1_100_000), ("Price", 7, 640_000),
                               ("No decision", 6, 720_000), ("Timing", 3, 210_000),
                               ("(no reason given)", 2, 90_000)]),
        won_in_quarter=16, lost_in_quarter=27, win_rate=16 / 43, average_deal_size=144_375.0,
        average_cycle_days=87.4, new_customers_value=640_000,
    )


def _campaign(cid: str, name: str, channel: str, owner: str | None, start: str, end: str,
              status: str, budget: float | None, goal: str | None, actions: str | None,
              results: SourceRow | None = None, public: bool = True) -> CampaignRow:
    return CampaignRow(cid, name, channel, owner, dt.date.fromisoformat(start),
                       dt.date.fromisoformat(end), status, budget, goal, actions, public, results)


def _campaigns(sources: SourcesSection) -> CampaignsSection:
    upcoming = (
        _campaign("C-21", "Year-end LinkedIn push", "LinkedIn Ads", "Freja Nielsen",
                  "2026-11-10", "2026-12-20", "running", 60_000, "40 MQLs from IT leaders",
                  "Call every MQL within 24 hours; use the year-end offer deck."),
        _campaign("C-22", "Nordic Data Summit 2026", "Events", "Mette Sørensen", "2026-12-03",
                  "2026-12-04", "starting", 260_000, "60 booked meetings at the stand",
                  "Book meetings with your top 10 accounts before 1 December."),
        _campaign("C-23", "Black Friday & year-end offer", "Email", None, "2026-11-27",
                  "2026-12-12", "starting", None, None, None),
        _campaign("C-24", "Q1 webinar: forecasting with CRM data", "Webinars", "Aisha Khan",
                  "2026-12-15", "2027-01-22", "starting", 30_000, "300 registrations",
                  "Invite open opportunities; follow up attendees within two days."),
    )
    ended = (
        _campaign("C-14", "Aarhus & Odense roadshow", "Events", "Lars Østergaard",
                  "2026-10-20", "2026-11-19", "ended", 140_000, "25 meetings",
                  None, results=sources.campaigns[3]),
    )
    return CampaignsSection(dt.date(2027, 1, 5), upcoming, ended)


# the English explanation of each data note of the sample, written out by hand
NOTE_TEXTS = {
    "no_close_date": "deals without a close date: left out of the quarter's pipeline, the "
                     "forecast and the overdue deals (12 of them open)",
    "unknown_deal": "leads linked to a deal_id that is not in the deals table: the link is "
                    "ignored",
    "created_after_meeting": "deals created after the meeting date: not counted",
}


def _data_notes() -> DataNotesSection:
    return DataNotesSection(
        notes=(
            Note("deals", "no_close_date", 12, {"open": 12}, ("D-1188", "D-1203", "D-1210")),
            Note("leads", "unknown_deal", 37, {}, ("L-20411", "L-20470")),
            Note("deals", "created_after_meeting", 3, {}),
        ),
        row_counts={"deals": 4_210, "leads": 18_240, "activities": 52_110, "targets": 24,
                    "campaigns": 31},
        sources={"deals": "data/deals.csv", "leads": "data/leads.csv",
                 "activities": "data/activities.parquet", "targets": "data/targets.xlsx",
                 "campaigns": "data/campaigns.xlsx"},
        latest_activity=dt.date(2026, 11, 23),
        days_since_latest_activity=1,
    )


def sample_agenda(language: str = "en") -> Agenda:
    """A hand-made Agenda: English (en_GB, EUR) or Danish (da_DK, DKK)."""
    locale, currency = {"en": ("en_GB", "EUR"), "da": ("da_DK", "DKK")}[language]
    targets = _targets()
    c = targets.company
    sources = _sources()
    headline = (
        HeadlineFigure("won_to_date", c.won, "money", "target", c.target, "money"),
        HeadlineFigure("attainment", c.attainment, "percent", "pace", c.pace, "percent"),
        HeadlineFigure("forecast", c.forecast, "money", "gap", c.gap, "money"),
        HeadlineFigure("coverage", c.coverage, "ratio"),
        HeadlineFigure("new_customers", c.new_customers, "count", "new_customers_target",
                       c.new_customers_target, "count"),
        HeadlineFigure("meetings_booked", c.meetings, "count", "meetings_target",
                       c.meetings_target, "count"),
    )
    return Agenda(
        company="Nordlys Analytics", currency=currency, locale=locale, language=language,
        as_of=AS_OF, period_start=dt.date(2026, 11, 11), next_meeting=dt.date(2026, 12, 8),
        quarter="2026-Q4", headline=headline, targets=targets, pipeline=_pipeline(),
        sources=sources, customers=_customers(), campaigns=_campaigns(sources),
        data_notes=_data_notes(),
    )
