"""The pack's data notes: what was skipped and why, where the data came from, how fresh it is."""

from __future__ import annotations

import datetime as dt

from report_builder.data.dataset import DataFacts, DataNote
from report_builder.model.agenda import DataNotesSection, Note, PipelineSection
from report_builder.model.lead_figures import LEAD_EVENTS, lead_figures
from report_builder.model.view import ModelView, stamp

_DEAL_EVENTS = ("created_date", "last_stage_change_date")


def latest_activity(view: ModelView) -> dt.date | None:
    """The newest event date on or before the meeting (future close dates are plans, not
    events), in one query over the deals; the leads' are among their figures."""
    t, deals = stamp(view.as_of), view.deals
    figures = {c: deals[c].max(where=deals[c] <= t) for c in _DEAL_EVENTS}
    figures["close_date"] = deals.close_date.max(where=deals.is_won | deals.is_lost)
    found = [*deals.aggregate(**figures).to_pyarrow().to_pylist()[0].values(),
             *(lead_figures(view)[f"latest_{c}"] for c in LEAD_EVENTS)]
    latest = [d for d in found if d is not None]
    return max(latest).date() if latest else None


def pipeline_notes(pipeline: PipelineSection) -> list[DataNote]:
    """Open deals without an amount, and single deals that hold most of a figure."""
    found = []
    if pipeline.open_without_amount:
        found.append(DataNote("deals", "open_without_amount", pipeline.open_without_amount,
                              {"open": pipeline.open_count}))
    for d in pipeline.dominant:
        found.append(DataNote("deals", f"dominant_{d.figure}", 1,
                              {"deal": d.name, "share": round(d.share * 100)}, (d.deal_id,)))
    return found


def build_notes(facts: DataFacts, view: ModelView,
                pipeline: PipelineSection | None = None) -> DataNotesSection:
    found = list(facts.notes)
    if pipeline is not None:
        found.extend(pipeline_notes(pipeline))
    if view.future_deals:
        found.append(DataNote("deals", "created_after_meeting", view.future_deals))
    if view.future_leads:
        found.append(DataNote("leads", "created_after_meeting", view.future_leads))
    if view.closed_after:
        found.append(DataNote("deals", "closed_after_meeting", view.closed_after))
    notes = tuple(Note(n.table, n.key, n.count, dict(n.values), n.examples) for n in found)
    latest = latest_activity(view)
    return DataNotesSection(
        notes=notes,
        row_counts=dict(facts.row_counts),
        sources=dict(facts.sources),
        latest_activity=latest,
        days_since_latest_activity=None if latest is None else (view.as_of - latest).days,
    )
