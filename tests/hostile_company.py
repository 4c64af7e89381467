"""The small company with every text field of every table holding a hostile payload.

Each distinct text value of tests/small_company.py (ids, names, accounts, owners, teams, stages,
channels, campaign ids and names, goals, reasons, ...) is replaced by the same value plus one of
PAYLOADS, the same everywhere it occurs, so the tables still join and every figure still has a
hand-checkable count: the pack is the small company's, only its words are hostile. Dates, amounts,
currencies, probabilities, flags and the closed lists (lead status, target scope) stay as they
are, since the loader rightly rejects anything else there.

The payloads: Plotly label markup (a link, a style fetching a URL on loopback, nested bold),
spreadsheet formulas, HTML, quotes and newlines, terminal escape sequences and other control
characters, a long string and TOML's `\"\"\"`.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests import small_company as small

LINK = '<a href="https://evil.example/x">click</a>'
FORMULA = '=HYPERLINK("https://evil.example","{value}")'
ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x1b[31m"


def beacon(port: int) -> str:
    """A style that makes a browser fetch a URL, served on loopback by the tests."""
    return f'<span style="fill:url(http://127.0.0.1:{port}/leak.svg#p)">b</span>'


def payloads(port: int) -> tuple[str, ...]:
    """`{value}` is where the original value goes."""
    return (
        "{value} " + LINK,
        "{value} " + beacon(port),
        FORMULA,
        '{value} "quoted" \'single\'\nsecond line',
        "{value} " + ESCAPES + "red\x1b[0m\x00\x0b",
        '{value} """ triple',
        "<b>" * 40 + "{value}" + "</b>" * 40,
        "{value} <script>alert(1)</script><img src=x onerror=alert(2)>",
        "{value} &lt;b&gt; &amp; R&D %{{y}} $x$",
        "+{value}|' /C calc'!A0",
        "{value} " + "long " * 40,
        "@SUM(1+1) {value}",
    )


# the columns whose text is free (not a date, a number, a flag or a closed list)
DEAL_TEXT = ("deal_id", "name", "account", "owner", "team", "stage", "source_channel",
             "campaign_id", "won_reason", "lost_reason", "pipeline")
DEAL_COLUMNS = [*small.DEAL_COLUMNS, "pipeline"]
# two CRM pipelines, so the per-pipeline charts, tables and slides are drawn too
DEALS = [[*row, "New business" if i < 5 else "Renewals"] for i, row in enumerate(small.DEALS)]
LEAD_TEXT = ("lead_id", "source_channel", "campaign_id", "owner", "deal_id", "rejection_reason")
TARGET_TEXT = ("scope_value",)
CAMPAIGN_TEXT = ("campaign_id", "name", "channel", "owner", "goal", "sales_actions")


class Hostile:
    """Maps each text value to its hostile version, the same one wherever it occurs. Within a
    column the payloads are taken in turn, so a column of a few values (channels, stages,
    teams, reasons) gets the link, the beacon and the formula among them."""

    def __init__(self, port: int) -> None:
        self.payloads = payloads(port)
        self.values: dict[str, str] = {}
        self.used: dict[str, int] = {}  # column -> payloads handed out in it

    def __call__(self, value: str, column: str = "") -> str:
        if not value:
            return value
        if value not in self.values:
            turn = self.used.get(column, 0)
            self.used[column] = turn + 1
            payload = self.payloads[turn % len(self.payloads)]
            self.values[value] = payload.format(value=value)
        return self.values[value]

    def rows(self, columns: list[str], rows: list[list[str]],
             text: tuple[str, ...]) -> list[list[str]]:
        return [[self(v, c) if c in text else v for c, v in zip(columns, row, strict=True)]
                for row in rows]


def _toml(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=True)


def write_hostile_company(folder: Path, *, port: int = 9) -> tuple[Path, Hostile]:
    """Write the hostile company to `folder`; return its report.toml and the value map.
    `port` is where the beacon payload points (a loopback server of the test, or a closed
    port)."""
    hostile = Hostile(port)
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    small.write_csv(data / "deals.csv", DEAL_COLUMNS, hostile.rows(DEAL_COLUMNS, DEALS, DEAL_TEXT))
    small.write_csv(data / "leads.csv", small.LEAD_COLUMNS,
                    hostile.rows(small.LEAD_COLUMNS, small.LEADS, LEAD_TEXT))
    small.write_csv(data / "targets.csv", small.TARGET_COLUMNS,
                    hostile.rows(small.TARGET_COLUMNS, small.TARGETS, TARGET_TEXT))
    small.write_csv(data / "campaigns.csv", small.CAMPAIGN_COLUMNS,
                    hostile.rows(small.CAMPAIGN_COLUMNS, small.CAMPAIGNS, CAMPAIGN_TEXT))
    config = small.CONFIG.format(locale="en_GB", as_of=small.AS_OF)
    head, stages = config.split("[stages]")
    steps = {"Discovery": '{ step = "opportunity", probability = 0.2 }',
             "Proposal": '{ step = "quote", probability = 0.6 }',
             "Won": '{ step = "won" }', "Lost": '{ step = "lost" }'}
    lines = [f"{_toml(hostile(name, 'stage'))} = {spec}" for name, spec in steps.items()]
    path = folder / "report.toml"
    path.write_text(head + "[stages]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path, hostile
