"""Every count and date the sections ask of the leads, in one scan of them.

The leads are the largest table and are read where they lie (model/view.py), so each question
of them is a scan: the flow since the last meeting, the quarter's cohort, the meetings booked
now and in the window before, the latest lead event, and point 3's counts per channel,
campaign and rejection reason were two scans of 2M leads. They are asked together, once per
view, grouped by channel, campaign and reason (a few hundred rows); the figures of the whole
are those rows added up (the latest dates: their latest), and each section reads its figures
from the one result.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from report_builder.model.view import ModelView, counted_window, sources_window, stamp, within
from report_builder.periods import Period
from report_builder.placeholders import NO_CHANNEL, NO_REASON

# the lead dates that are events, for the latest activity in the data notes
LEAD_EVENTS = ("created_date", "mql_date", "sql_date", "meeting_date", "opportunity_date")
# point 3: the leads are counted per channel, campaign id and (the rejected MQLs of the sources
# window) rejection reason, in the sources window and up to the meeting
SOURCE_KEYS = ("channel", "campaign", "reason")
SOURCE_WINDOWS = ("window", "all")
LEAD_SOURCE_COUNTS = ("leads", "mqls", "sqls", "meetings", "mql_sql", "mql_won",
                      "rejected_mqls")


def previous_window(period: Period) -> Period:
    """The window of `period`'s length just before it."""
    return Period(period.start - dt.timedelta(days=period.days),
                  period.start - dt.timedelta(days=1))


def source_column(count: str, window: str) -> str:
    """The column of a count per source in one of SOURCE_WINDOWS."""
    return f"{count}__{window}"


def source_windows(view: ModelView) -> dict[str, Period]:
    """SOURCE_WINDOWS: the sources window, and all time up to the meeting."""
    return {"window": sources_window(view), "all": counted_window(view.as_of, None)}


def lead_figures(view: ModelView) -> dict[str, Any]:
    """The leads' figures of every section (see _figure_asks), of the one scan: counts (0
    where no lead counts) and the latest dates (None where no lead has one)."""
    return _scan(view)[0]


def leads_by_source(view: ModelView) -> pd.DataFrame:
    """Point 3's lead counts (source_column of LEAD_SOURCE_COUNTS and SOURCE_WINDOWS) per
    channel, campaign and reason (SOURCE_KEYS), of the one scan."""
    return _scan(view)[1]


def _scan(view: ModelView) -> tuple[dict[str, Any], pd.DataFrame]:
    if "lead_figures" not in view.cache:
        leads = view.leads
        figures = _figure_asks(view)
        keys, counts = _source_asks(view)
        found = leads.group_by(**keys).aggregate(**counts, **figures).to_pyarrow()
        view.cache["lead_figures"] = {name: _whole(name, found.column(name))
                                      for name in figures}
        view.cache["leads_by_source"] = found.select([*keys, *counts]).to_pandas()
    return view.cache["lead_figures"], view.cache["leads_by_source"]


def _whole(name: str, per_group: pa.ChunkedArray) -> Any:
    """A figure of all leads from its value per group: the latest date, or the sum (0 of no
    rows)."""
    if name.startswith("latest_"):
        return pc.max(per_group).as_py()
    return pc.sum(per_group).as_py() or 0


def _figure_asks(view: ModelView) -> dict[str, ir.Scalar]:
    leads, p, t = view.leads, view.period, stamp(view.as_of)
    cohort = within(leads.created_date, view.quarter_to_date)
    return {
        # the flow since the last meeting (pipeline.funnel_flow)
        "flow_leads": within(leads.created_date, p).sum(),
        "flow_mqls": within(leads.mql_date, p).sum(),
        "flow_sqls": within(leads.sql_date, p).sum(),
        # the quarter's leads and how far they came (pipeline.funnel_cohort)
        "cohort_leads": cohort.sum(),
        "cohort_mqls": (cohort & (leads.mql_date <= t).fill_null(False)).sum(),
        "cohort_sqls": (cohort & (leads.sql_date <= t).fill_null(False)).sum(),
        "cohort_opportunities": (cohort & ((leads.opportunity_date <= t).fill_null(False)
                                           | leads.deal_step.notnull())).sum(),
        "cohort_quotes": (cohort & ((leads.deal_step == "quote").fill_null(False)
                                    | leads.deal_won)).sum(),
        "cohort_won": (cohort & leads.deal_won).sum(),
        # meetings booked since the last meeting and in the window before (headline)
        "meetings": leads.count(where=within(leads.meeting_date, p)),
        "meetings_before": leads.count(where=within(leads.meeting_date,
                                                    previous_window(p))),
        # the latest lead event on or before the meeting (notes.latest_activity)
        **{f"latest_{c}": leads[c].max(where=leads[c] <= t) for c in LEAD_EVENTS},
    }


def _source_asks(view: ModelView) -> tuple[dict[str, ir.Value], dict[str, ir.Scalar]]:
    """The keys the leads are grouped by, and point 3's counts per group (channels.py)."""
    leads, t = view.leads, stamp(view.as_of)
    masks: dict[str, ir.BooleanValue] = {}
    for tag, w in source_windows(view).items():
        mql = within(leads.mql_date, w)
        masks |= {source_column(name, tag): mask for name, mask in {
            "leads": within(leads.created_date, w), "mqls": mql,
            "sqls": within(leads.sql_date, w), "meetings": within(leads.meeting_date, w),
            "mql_sql": mql & (leads.sql_date <= t).fill_null(False),
            "mql_won": mql & leads.deal_won,
            "rejected_mqls": mql & (leads.status == "rejected").fill_null(False),
        }.items()}
    rejected = masks[source_column("rejected_mqls", "window")]
    keys = {"channel": leads.source_channel.fill_null(NO_CHANNEL).cast("string"),
            "campaign": leads.campaign_id.cast("string"),
            "reason": rejected.ifelse(leads.rejection_reason.fill_null(NO_REASON).cast("string"),
                                      ibis.null("string"))}
    return keys, {name: leads.count(where=mask) for name, mask in masks.items()}
