"""The figures a manager reads first, taken from the sections (never computed twice)."""

from __future__ import annotations

from report_builder.model.agenda import (
    CustomersSection,
    HeadlineFigure,
    PipelineSection,
    TargetsSection,
)
from report_builder.model.view import ratio


def build_headline(targets: TargetsSection, pipeline: PipelineSection,
                   customers: CustomersSection, meetings_since_last: int,
                   ) -> tuple[HeadlineFigure, ...]:
    c = targets.company
    return (
        HeadlineFigure("won_to_date", c.won, "money", "target", c.target, "money"),
        HeadlineFigure("attainment", c.attainment, "percent", "expected_by_now",
                       None if c.target is None or c.expected_to_date is None
                       else ratio(c.expected_to_date, c.target), "percent"),
        HeadlineFigure("forecast", c.forecast, "money", "forecast_of_target",
                       None if c.target is None else ratio(c.forecast, c.target), "percent"),
        HeadlineFigure("coverage", c.coverage, "ratio", "gap", c.gap, "money"),
        HeadlineFigure("new_customers", customers.new_customers, "count", "won_since_last",
                       customers.won_value, "money"),
        HeadlineFigure("meetings_booked", meetings_since_last, "count", "open_pipeline",
                       pipeline.open_value, "money"),
    )
