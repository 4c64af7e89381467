"""Every count and date the sections ask of the leads, in one scan of them.

The leads are the largest table and are read where they lie (model/view.py), so each question
of them is a scan: the flow since the last meeting, the quarter's cohort, the meetings booked
now and in the window before, and the latest lead event were five. They are asked together,
once per view, and each section reads its figures from the one result.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis.expr.types as ir

from report_builder.model.view import ModelView, stamp, within
from report_builder.periods import Period

# the lead dates that are events, for the latest activity in the data notes
LEAD_EVENTS = ("created_date", "mql_date", "sql_date", "meeting_date", "opportunity_date")


def previous_window(period: Period) -> Period:
    """The window of `period`'s length just before it."""
    return Period(period.start - dt.timedelta(days=period.days),
                  period.start - dt.timedelta(days=1))


def lead_figures(view: ModelView) -> dict[str, Any]:
    """The leads' figures of every section (see _asks), asked once per view: counts (0 where
    no lead counts) and the latest dates (None where no lead has one)."""
    if "lead_figures" not in view.cache:
        found = view.leads.aggregate(**_asks(view)).to_pyarrow().to_pylist()[0]
        view.cache["lead_figures"] = {
            name: 0 if value is None and not name.startswith("latest_") else value
            for name, value in found.items()}
    return view.cache["lead_figures"]  # type: ignore[no-any-return]


def _asks(view: ModelView) -> dict[str, ir.Scalar]:
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
