"""The headline's own counts computed in the engine: the meetings booked since the last meeting,
and model/headline.py's `window_before` (new customers and meetings in the window before)."""

from __future__ import annotations

from report_builder.model.engine_customers import first_win_dates
from report_builder.model.engine_pipeline import one_row
from report_builder.model.engine_view import EngineView, within
from report_builder.model.headline import previous_window


def meetings_booked(view: EngineView) -> int:
    """Leads whose meeting date lies since the last meeting."""
    leads = view.leads
    return int(one_row(leads, meetings=leads.count(where=within(leads.meeting_date,
                                                                 view.period)))["meetings"])


def window_before(view: EngineView) -> dict[str, int]:
    """New customers and meetings booked in the `cadence_days` before the current window,
    from one query (the two one-row counts joined)."""
    before = previous_window(view.period)
    leads, firsts = view.leads, first_win_dates(view.deals)
    meetings = leads.aggregate(meetings=leads.count(where=within(leads.meeting_date, before)))
    new = firsts.aggregate(new_customers=firsts.count(where=within(firsts.first_win, before)))
    found = meetings.cross_join(new).to_pyarrow().to_pylist()[0]
    return {"new_customers": int(found["new_customers"]), "meetings": int(found["meetings"])}
