"""The pack's data notes: what was skipped and why, where the data came from, how fresh it is."""

from __future__ import annotations

import pandas as pd

from report_builder.data.dataset import DataNote, Dataset
from report_builder.model.agenda import DataNotesSection, Note, PipelineSection
from report_builder.model.view import ModelView, as_date

_ACTIVITY = {
    "deals": ("created_date", "last_stage_change_date"),
    "leads": ("created_date", "mql_date", "sql_date", "meeting_date", "opportunity_date"),
}


def latest_activity(view: ModelView) -> pd.Timestamp | None:
    """The newest event date on or before the meeting (future close dates are plans, not events)."""
    frames = {"deals": view.deals, "leads": view.leads}
    latest = [frames[t][c][frames[t][c] <= view.t].max()
              for t, cols in _ACTIVITY.items() for c in cols]
    closed = view.deals["is_won"] | view.deals["is_lost"]
    latest.append(view.deals.loc[closed, "close_date"].max())
    latest = [d for d in latest if not pd.isna(d)]
    return max(latest) if latest else None


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


def build_notes(dataset: Dataset, view: ModelView,
                pipeline: PipelineSection | None = None) -> DataNotesSection:
    found = list(dataset.notes)
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
        row_counts={"deals": len(dataset.deals), "leads": len(dataset.leads),
                    "targets": len(dataset.targets), "campaigns": len(dataset.campaigns),
                    **({} if dataset.actions is None else {"actions": len(dataset.actions)})},
        sources=dict(dataset.sources),
        latest_activity=as_date(latest),
        days_since_latest_activity=None if latest is None else (view.t - latest).days,
    )
