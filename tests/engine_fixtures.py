"""Companies that fill every figure of the agenda, for the tests of the sections computed in the
engine: the example, the small company (at dates where lists and periods are empty too), two
pipelines, more owners and teams than the caps show, more channels, campaigns and reasons than
the caps show, and a company without leads. `tests/golden/` holds each one's sections as the
pandas sections computed them before the engine replaced them (tests/test_engine_model.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from report_builder.model import caps
from tests.small_company import CAMPAIGN_COLUMNS, CAMPAIGNS, DEALS, LEADS, write_company, write_csv
from tests.two_pipelines import write_two_pipelines

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "nordlys" / "report.toml"
AS_OF = dt.date(2026, 11, 24)


def many_owners(folder: Path) -> Path:
    """The small company with more owners (one per deal) in 15 more teams: the owners' and the
    teams' lists end with an "Other" row."""
    more = [[f"D{100 + i}", f"Deal {i}", f"Account {i % 7}", f"Owner {i:02}", f"Team {i % 15}",
             *deal[5:]] for i, deal in enumerate(DEALS * 10)]
    return write_company(folder, deals=[*DEALS, *more])


CHANNELS = caps.CHANNELS + 5
CAMPAIGN_COUNT = caps.CAMPAIGNS + 6
REASONS = caps.REASONS + 3


def many_sources(folder: Path, *, step: float = 137.25) -> Path:
    """The small company with more channels, campaigns (active in the sources window) and won,
    lost and rejection reasons than the caps show, some deals taking their channel and campaign
    from their first lead. The amounts go up in `step`s: in quarters, every sum is exact
    whatever order the rows are added in."""
    day = dt.date(2026, 10, 1)
    deals, leads = [*DEALS], [*LEADS]
    for i in range(80):
        won = i % 3 != 2
        close = (day + dt.timedelta(days=i % 50)).isoformat()
        channel = "" if i % 7 == 0 else f"Channel {i % CHANNELS:02}"
        campaign = "" if i % 5 == 0 else f"K{i % CAMPAIGN_COUNT:02}"
        deals.append([f"E{i:03}", f"Deal {i}", f"Account {i % 23}", "Anna", "North",
                      "Won" if won else "Lost", f"{1000 + step * (i % 17):.2f}", "",
                      (day - dt.timedelta(days=30 + i)).isoformat(), close, channel, campaign,
                      f"Win {i // 3 % REASONS}" if won and i % 11 else "",
                      "" if won else f"Loss {i // 3 % REASONS}", close, "",
                      str(i % 4 == 0).lower()])
    for i in range(150):
        created = (day - dt.timedelta(days=i % 120)).isoformat()
        mql = (day - dt.timedelta(days=i % 120 - 3)).isoformat()
        status = "rejected" if i % 4 == 0 else "accepted"
        deal = f"E{i % 80:03}" if i % 3 == 0 else ""
        leads.append([f"M{i:03}", created, f"Channel {(i * 7) % CHANNELS:02}",
                      f"K{(i * 5) % CAMPAIGN_COUNT:02}", "Anna", "" if i % 10 == 1 else mql,
                      mql if i % 2 else "", mql if i % 5 == 0 else "", "", deal, status,
                      f"Why {i % REASONS}" if status == "rejected" and i % 9 else ""])
    config = write_company(folder, deals=deals, leads=leads)
    more = [[f"K{i:02}", f"Campaign {i}", f"Channel {i % CHANNELS:02}", "2026-06-01",
             "2026-12-31", "Sofie", "" if i % 4 == 0 else str(1000 * i), "", "", "true"]
            for i in range(CAMPAIGN_COUNT)]
    write_csv(folder / "data" / "campaigns.csv", CAMPAIGN_COLUMNS, [*CAMPAIGNS, *more])
    return config


FIXTURES: dict[str, Callable[[Path], Path]] = {
    "example": lambda _: EXAMPLE,
    "small": write_company,
    "two_pipelines": write_two_pipelines,
    "many_owners": many_owners,
    "many_sources": many_sources,
    "no_leads": lambda folder: write_company(folder, leads=[]),
}
# each fixture at a meeting date that fills every figure; the small company also where lists and
# periods are empty; the example six weeks early (deals and leads left out for the notes)
DATES = [("example", AS_OF), ("example", dt.date(2026, 10, 13)), ("small", AS_OF),
         ("small", dt.date(2026, 8, 1)), ("small", dt.date(2027, 3, 1)),
         ("two_pipelines", AS_OF), ("many_owners", AS_OF), ("many_sources", AS_OF),
         ("no_leads", AS_OF)]
