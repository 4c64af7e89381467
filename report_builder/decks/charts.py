"""Native PowerPoint charts from the agenda: the data lives in the chart, so it can be restyled
and read in PowerPoint.

Each chart is first described (`ChartSpec`: categories, series of values, and the label of each
value formatted by the Formatter), then drawn. Values are the model's numbers unrounded; what the
slide shows are the labels (`1,2 mio. kr.`), so the value axis is hidden. Horizontal bar charts
list their categories top-down in the model's order (the funnel from leads to won), which takes
a reversed category axis. Colours are the theme's accents.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_MARK
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.slide import Slide
from pptx.util import Emu, Pt

from report_builder.decks.chart_workbook import TextCategoryChartData
from report_builder.decks.shapes import INK, SERIES, Box
from report_builder.decks.text_fit import clean_text
from report_builder.formatting import Formatter
from report_builder.i18n import shown
from report_builder.model.agenda import (
    Agenda,
    FunnelStep,
    MovementSection,
    ReasonRow,
    StageRow,
)

LABEL_SIZE = 16  # data labels and axis labels: readable from the back of the room
NAVY, TEAL, AMBER, RED = SERIES[0], SERIES[1], SERIES[2], SERIES[5]


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    labels: tuple[str, ...]  # what each bar shows, formatted by the Formatter
    colour: MSO_THEME_COLOR


@dataclass(frozen=True)
class ChartSpec:
    key: str  # the chart's name on the slide
    horizontal: bool  # bars (categories down the side) rather than columns
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    top: float | None = None  # the largest value on the scale, when several charts share one


class ChartSpecs:
    """The deck's charts, described from the agenda with the pack's labels and formats."""

    def __init__(self, agenda: Agenda, fmt: Formatter, t: Callable[..., str]) -> None:
        self.agenda = agenda
        self.fmt = fmt
        self.t = t

    def name(self, value: str) -> str:
        return clean_text(shown(value, self.agenda.language) or "")

    def targets(self) -> ChartSpec:
        """Won, forecast and target for the company and each team."""
        rows = (self.agenda.targets.company, *self.agenda.targets.teams)
        money = self.fmt.money_short
        return ChartSpec("targets", True, tuple(self.name(r.name) for r in rows), (
            Series(self.t("won"), tuple(r.won for r in rows),
                   tuple(money(r.won) for r in rows), NAVY),
            Series(self.t("forecast"), tuple(r.forecast for r in rows),
                   tuple(money(r.forecast) for r in rows), TEAL),
            Series(self.t("target"), tuple(r.target for r in rows),
                   tuple(money(r.target) for r in rows), AMBER),
        ))

    def funnel(self, key: str, steps: Sequence[FunnelStep]) -> ChartSpec:
        """The funnel steps as bars from the top down, each labelled with its conversion."""
        labels = tuple(self.fmt.count(s.count) if s.conversion is None
                       else f"{self.fmt.count(s.count)} ({self.fmt.percent(s.conversion)})"
                       for s in steps)
        return ChartSpec(key, True, tuple(self.t(f"step_{s.step}") for s in steps), (
            Series(self.t(key),
                   tuple(float(s.count) for s in steps), labels, NAVY),))

    def stages(self, stages: Sequence[StageRow] | None = None, key: str = "pipeline_stages",
               top: float | None = None) -> ChartSpec:
        """Open value and weighted value by stage: the company's, or `stages` of one pipeline
        (on a scale up to `top`, so the pipelines' slides compare)."""
        stages = self.agenda.pipeline.stages if stages is None else stages
        money = self.fmt.money_short
        return ChartSpec(key, True, tuple(self.name(s.stage) for s in stages), (
            Series(self.t("open_value"), tuple(s.value for s in stages),
                   tuple(money(s.value) for s in stages), NAVY),
            Series(self.t("weighted_value"), tuple(s.weighted_value for s in stages),
                   tuple(money(s.weighted_value) for s in stages), TEAL),
        ), top)

    def channel_meetings(self) -> ChartSpec:
        rows = self.agenda.sources.channels
        return ChartSpec("channel_meetings", True, tuple(self.name(r.name) for r in rows), (
            Series(self.t("meetings"), tuple(float(r.meetings) for r in rows),
                   tuple(self.fmt.count(r.meetings) for r in rows), TEAL),))

    def channel_revenue(self) -> ChartSpec:
        rows = self.agenda.sources.channels
        return ChartSpec("channel_revenue", True, tuple(self.name(r.name) for r in rows), (
            Series(self.t("revenue"), tuple(r.revenue for r in rows),
                   tuple(self.fmt.money_short(r.revenue) for r in rows), NAVY),))

    def reasons(self, key: str, rows: Sequence[ReasonRow]) -> ChartSpec:
        labels = tuple(f"{self.fmt.count(r.count)} ({self.fmt.percent(r.share)})" for r in rows)
        colour = TEAL if key == "win_reasons" else RED
        return ChartSpec(key, True, tuple(self.name(r.reason) for r in rows), (
            Series(self.t("deals"), tuple(float(r.count) for r in rows), labels, colour),))


def waterfall(movement: MovementSection, fmt: Formatter, t: Callable[..., str]) -> ChartSpec:
    """The movement waterfall as stacked columns: an invisible base series lifts each step to
    where the running total stands (PowerPoint files have no native waterfall python-pptx
    can write); then the increases, the decreases and the two totals."""
    steps = [("total", movement.start_value, t("movement_start"))]
    steps += [("step", b.amount, t(f"movement_{b.key}")) for b in movement.bars]
    steps += [("total", movement.end_value, t("movement_end"))]
    base: list[float] = []
    up: list[float | None] = []
    down: list[float | None] = []
    total: list[float | None] = []
    running = 0.0
    for kind, amount, _ in steps:
        if kind == "total":
            base.append(0.0)
            total.append(amount)
            up.append(None)
            down.append(None)
            running = amount
        else:
            low = min(running, running + amount)
            base.append(max(low, 0.0))
            up.append(amount if amount > 0 else None)
            down.append(-amount if amount < 0 else None)
            total.append(None)
            running += amount

    def label(kind: str, value: float) -> str:
        sign = "" if kind == "total" else "+" if value > 0 else "−" if value < 0 else ""
        return f"{sign}{fmt.money_short(abs(value))}"

    # each bar's amount goes under its name: a label on a thin step would run over its
    # neighbours, and a stacked chart cannot put labels outside the bars
    categories = tuple(f"{name}\n{label(kind, value)}" for kind, value, name in steps)
    no_labels = tuple("" for _ in steps)
    return ChartSpec("pipeline_movement", False, categories, (
        Series("", tuple(base), no_labels, NAVY),
        Series(t("movement_now"), tuple(total), no_labels, NAVY),
        Series("+", tuple(up), no_labels, TEAL),
        Series("−", tuple(down), no_labels, RED),
    ))


def add_waterfall(slide: Slide, box: Box, spec: ChartSpec, *, size: int = 12) -> None:
    """Draw a `waterfall` spec: stacked columns whose first (base) series is not shown."""
    data = TextCategoryChartData()
    data.categories = spec.categories
    for index, series in enumerate(spec.series):
        data.add_series(clean_text(series.name) or f"base{index}", series.values)
    frame: Any = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_STACKED, Emu(box.x), Emu(box.y),
                                        Emu(box.w), Emu(box.h), cast(Any, data))
    frame.name = spec.key
    chart = frame.chart
    chart.has_title = False
    chart.has_legend = False
    chart.font.size = Pt(size)
    chart.font.color.theme_color = INK
    plot = chart.plots[0]
    plot.gap_width = 50
    plot.overlap = 100
    axis = chart.value_axis
    axis.visible = False
    axis.has_major_gridlines = False
    axis.minimum_scale = 0
    tops = [sum(v or 0.0 for v in column) for column in zip(*(s.values for s in spec.series),
                                                             strict=True)]
    axis.maximum_scale = max(tops + [0.0]) * 1.15 or 1.0
    categories = chart.category_axis
    categories.major_tick_mark = XL_TICK_MARK.NONE
    categories.tick_labels.font.size = Pt(size)
    for index, (plotted, series) in enumerate(zip(plot.series, spec.series, strict=True)):
        if index == 0:  # the base: no fill, no line, no labels
            plotted.format.fill.background()
            plotted.format.line.fill.background()
            continue
        plotted.format.fill.solid()  # the amounts are in the category names
        plotted.format.fill.fore_color.theme_color = series.colour
        plotted.invert_if_negative = False


def add_chart(slide: Slide, box: Box, spec: ChartSpec, *, size: int = LABEL_SIZE) -> None:
    """Draw `spec` as a native clustered bar or column chart filling `box`."""
    data = TextCategoryChartData()
    data.categories = spec.categories
    for series in spec.series:
        data.add_series(clean_text(series.name), series.values)
    kind = XL_CHART_TYPE.BAR_CLUSTERED if spec.horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED
    frame: Any = slide.shapes.add_chart(kind, Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h),
                                        cast(Any, data))
    frame.name = spec.key
    chart = frame.chart
    chart.has_title = False
    chart.font.size = Pt(size)
    chart.font.color.theme_color = INK
    several = len(spec.series) > 1
    chart.has_legend = several
    if several:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(size)
    plot = chart.plots[0]
    bars = len(spec.categories) * len(spec.series)
    plot.gap_width = max(40, min(220, 340 - 50 * bars))  # few bars are not drawn as slabs
    plot.overlap = 0
    plot.vary_by_categories = False
    values = [v for s in spec.series for v in s.values if v is not None]
    values += [spec.top] if spec.top is not None else []
    axis = chart.value_axis
    axis.visible = False
    axis.has_major_gridlines = False
    axis.minimum_scale = 0
    # room for the labels beyond the longest bar
    axis.maximum_scale = max(values + [0.0]) * (1.3 if spec.horizontal else 1.15) or 1.0
    categories = chart.category_axis
    categories.major_tick_mark = XL_TICK_MARK.NONE
    categories.tick_labels.font.size = Pt(size)
    categories.format.line.color.theme_color = INK
    categories.format.line.color.brightness = 0.75
    categories.reverse_order = spec.horizontal  # top-down in the model's order
    for plotted, series in zip(plot.series, spec.series, strict=True):
        _fill_and_label(plotted, series, XL_LABEL_POSITION.OUTSIDE_END, size, INK)


def _fill_and_label(plotted: Any, series: Any, position: Any, size: int, colour: Any) -> None:
    """Colour a series from the theme and label each point with its formatted text."""
    plotted.format.fill.solid()
    plotted.format.fill.fore_color.theme_color = series.colour
    plotted.invert_if_negative = False
    for point, (value, label) in enumerate(zip(series.values, series.labels, strict=True)):
        if value is None:
            continue
        data_label = plotted.points[point].data_label
        data_label.text_frame.text = clean_text(label)
        data_label.position = position
        for run in data_label.text_frame.paragraphs[0].runs:
            run.font.size = Pt(size)
            run.font.color.theme_color = colour
