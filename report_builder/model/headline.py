"""The figures a manager reads first, taken from the sections (never computed twice), with how
each moved since the earlier snapshot where there is one."""

from __future__ import annotations

from dataclasses import dataclass

from report_builder.engine.fetch import one_row
from report_builder.model.agenda import (
    CustomersSection,
    HeadlineFigure,
    PipelineSection,
    TargetsSection,
)
from report_builder.model.customers import first_win_dates
from report_builder.model.lead_figures import lead_figures, previous_window
from report_builder.model.view import ModelView, ratio, within


@dataclass(frozen=True)
class HeadlineChanges:
    """What the headline is compared with: the quarter's figures in the earlier snapshot
    (`won`, `open`, `weighted`), and the counts of the window before this one."""

    then: dict[str, float]
    new_customers: int
    meetings: int


def meetings_booked(view: ModelView) -> int:
    """Leads whose meeting date lies since the last meeting."""
    return int(lead_figures(view)["meetings"])


def window_before(view: ModelView) -> dict[str, int]:
    """New customers and meetings booked in the `cadence_days` before the current window."""
    before = previous_window(view.period)
    firsts = first_win_dates(view.deals)
    new = one_row(firsts, new_customers=firsts.count(where=within(firsts.first_win, before)))
    return {"new_customers": int(new["new_customers"]),
            "meetings": int(lead_figures(view)["meetings_before"])}


def build_headline(targets: TargetsSection, pipeline: PipelineSection,
                   customers: CustomersSection, meetings_since_last: int,
                   changes: HeadlineChanges | None = None) -> tuple[HeadlineFigure, ...]:
    c = targets.company

    def since(now: float, key: str) -> dict[str, object]:
        if changes is None:
            return {}
        return {"change": now - changes.then[key] + 0.0, "change_basis": "since_last"}

    def window(now: int, before: int) -> dict[str, object]:
        return {} if changes is None else {"change": now - before,
                                            "change_basis": "previous_window"}

    return (
        HeadlineFigure("won_to_date", c.won, "money", "target", c.target, "money",
                       **since(c.won, "won")),  # type: ignore[arg-type]
        HeadlineFigure("attainment", c.attainment, "percent", "expected_by_now",
                       None if c.target is None or c.expected_to_date is None
                       else ratio(c.expected_to_date, c.target), "percent"),
        HeadlineFigure("forecast", c.forecast, "money", "forecast_of_target",
                       c.forecast_attainment, "percent"),
        HeadlineFigure(
            "weighted_pipeline_quarter", c.weighted_pipeline, "money", "open_pipeline_quarter",
            c.open_pipeline, "money", **since(c.weighted_pipeline, "weighted"),  # type: ignore[arg-type]
            context_change=None if changes is None
            else c.open_pipeline - changes.then["open"] + 0.0),
        HeadlineFigure("coverage", c.coverage, "ratio", "gap", c.gap, "money"),
        HeadlineFigure("new_customers", customers.new_customers, "count",
                       "won_from_new_customers", customers.new_customers_value, "money",
                       **window(customers.new_customers,  # type: ignore[arg-type]
                                changes.new_customers if changes else 0)),
        HeadlineFigure("meetings_booked", meetings_since_last, "count",
                       **window(meetings_since_last,  # type: ignore[arg-type]
                                changes.meetings if changes else 0)),
    )
