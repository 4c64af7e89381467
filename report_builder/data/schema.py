"""The canonical dataset: its tables, their columns, and each column's kind.

This is the one place that says what a valid dataset looks like; the loaders, the validation and
the docs' table of columns all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    ID = "id"  # text, unique within its table
    TEXT = "text"
    DATE = "date"
    TIMESTAMP = "timestamp"  # a date with a time of day and maybe a UTC offset (data/timestamps)
    AMOUNT = "amount"  # a number >= 0, in the row's currency
    PROBABILITY = "probability"  # 0-1, or 0-100 for the whole column
    BOOL = "bool"
    QUARTER = "quarter"  # like 2026-Q4
    TIME = "time"  # a time of day, like 14:00 (held as HH:MM)
    LINK = "link"  # a web address, like https://nordlys.dk/webinar (http or https only)


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False  # the column must exist
    not_empty: bool = False  # every row needs a value (implies required)


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    required: bool = False  # the dataset must have this table

    @property
    def id_column(self) -> str | None:
        return next((c.name for c in self.columns if c.kind is Kind.ID), None)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name: str, kind: Kind = Kind.TEXT, *, req: bool = False, full: bool = False) -> Column:
    return Column(name, kind, required=req or full, not_empty=full)


DEALS = Table("deals", (
    _c("deal_id", Kind.ID, full=True),
    _c("name", req=True),
    _c("account", req=True),
    _c("owner", full=True),
    _c("team"),
    _c("stage", full=True),
    _c("amount", Kind.AMOUNT, req=True),
    _c("currency"),
    _c("created_date", Kind.DATE, req=True),
    _c("close_date", Kind.DATE, req=True),
    _c("source_channel"),
    _c("campaign_id"),
    _c("won_reason"),
    _c("lost_reason"),
    _c("last_stage_change_date", Kind.DATE),
    _c("probability", Kind.PROBABILITY),
    _c("public_reference", Kind.BOOL),
    _c("pipeline"),  # the CRM pipeline (sales process) the deal is in; optional
), required=True)

LEAD_STATUSES = ("open", "accepted", "rejected", "nurture")

LEADS = Table("leads", (
    _c("lead_id", Kind.ID, full=True),
    _c("created_date", Kind.DATE, full=True),
    _c("source_channel", full=True),
    _c("campaign_id"),
    _c("owner"),
    _c("mql_date", Kind.DATE),
    _c("sql_date", Kind.DATE),
    _c("meeting_date", Kind.DATE),
    _c("opportunity_date", Kind.DATE),
    _c("deal_id"),
    _c("status"),
    _c("rejection_reason"),
))

TARGET_SCOPES = ("company", "team", "owner")

TARGETS = Table("targets", (
    _c("quarter", Kind.QUARTER, full=True),
    _c("scope", full=True),
    _c("scope_value"),
    _c("revenue_target", Kind.AMOUNT, full=True),
    _c("new_customers_target", Kind.AMOUNT),
    _c("meetings_target", Kind.AMOUNT),
))

CAMPAIGNS = Table("campaigns", (
    _c("campaign_id", Kind.ID, full=True),
    _c("name", full=True),
    _c("channel", full=True),
    _c("start_date", Kind.DATE, full=True),
    _c("end_date", Kind.DATE, full=True),
    _c("owner", req=True),
    _c("budget", Kind.AMOUNT),
    _c("goal"),
    _c("sales_actions"),
    _c("public", Kind.BOOL),
    # an event's own day, start time, place and sign-up link (a webinar's, a fair's), which the
    # customer deck shows; the start and end dates above are the campaign's run
    _c("event_date", Kind.DATE),
    _c("event_time", Kind.TIME),
    _c("event_place"),
    _c("signup_link", Kind.LINK),
))

# One row per change: the deal entered `stage` at `entered` (or, where the source records them,
# its amount, close date or probability changed then) and carried these values from then on.
# `entered` keeps its time of day and offset: a deal's changes are ordered by it.
STAGE_HISTORY = Table("stage_history", (
    _c("deal_id", full=True),
    _c("stage", full=True),
    _c("entered", Kind.TIMESTAMP, full=True),
    _c("amount", Kind.AMOUNT),
    _c("currency"),
    _c("close_date", Kind.DATE),
    _c("probability", Kind.PROBABILITY),
))

ACTION_TEAMS = ("marketing", "sales")
ACTION_STATUSES = ("open", "done", "cancelled")

# the actions agreed in the meetings, carried from one meeting to the next (optional)
ACTIONS = Table("actions", (
    _c("action_id", Kind.ID, full=True),
    _c("text", full=True),
    _c("owner", full=True),
    _c("team", full=True),
    _c("agreed_on", Kind.DATE, full=True),
    _c("due", Kind.DATE, full=True),
    _c("status", full=True),
    _c("closed_on", Kind.DATE),
))

# The tables a company keeps by hand (the starter workbook's sheets)...
TABLES: dict[str, Table] = {t.name: t for t in (DEALS, LEADS, TARGETS, CAMPAIGNS, ACTIONS)}
# ...and every table a dataset may have: the stage history comes from a CRM or a database.
DATASET_TABLES: dict[str, Table] = {**TABLES, STAGE_HISTORY.name: STAGE_HISTORY}
