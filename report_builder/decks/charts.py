"""The PowerPoint drawer: the pack's chart descriptions (charts/describe.py) as native
PowerPoint charts, whose data lives in the chart so it can be restyled and read in PowerPoint.

The names, values, labels and colours are the description's (colours as theme colours where
they are the template's, decks/colours.py); what this module chooses is the layout. Values are
the model's numbers unrounded; what the slide shows are the labels (`1,2 mio. kr.`), so the
value axis is hidden. Bars run across the slide and list their categories top-down in the
description's order (the funnel from leads to won), which takes a reversed category axis.
python-pptx writes no bullet, funnel or waterfall chart: a bullet is stacked columns with its
targets as a line chart of markers only, a funnel is bars, a waterfall is stacked columns on an
invisible base.
"""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
    XL_TICK_MARK,
)
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.slide import Slide
from pptx.util import Emu, Pt

from report_builder.charts.describe import ChartDescriber, describe_charts, timeline_rows
from report_builder.charts.description import Chart, Kind, Panel, Series, Timeline
from report_builder.decks.chart_workbook import TextCategoryChartData
from report_builder.decks.colours import PAPER, deck_colour
from report_builder.decks.shapes import INK, Box, inches
from report_builder.decks.text_fit import clean_text, line_height, text_width
from report_builder.formatting import Formatter
from report_builder.model.agenda import Agenda
from report_builder.theme import Theme, load_theme

LABEL_SIZE = 16  # data labels and axis labels: readable from the back of the room
TARGET_MARK = 4 * 12_700  # EMU: half the thickness of a target's dash, and a gap
MIN_LABEL_SIZE = 10
WATERFALL_LINE = 9  # characters in a line of a waterfall's category name


@dataclass(frozen=True)
class ChartSpec:
    """One PowerPoint chart: a panel of a chart description, under the shape name its slide
    gives it."""

    key: str  # the chart's name on the slide
    kind: Kind
    panel: Panel
    theme: Theme
    top: float | None = None  # the largest value on the scale, when several charts share one

    @property
    def categories(self) -> tuple[str, ...]:
        return self.panel.categories


class ChartSpecs:
    """The deck's charts: the pack's chart descriptions, a panel per PowerPoint chart."""

    def __init__(self, agenda: Agenda, fmt: Formatter, t: Callable[..., str],
                 theme: Theme | None = None) -> None:
        self.agenda = agenda
        self.theme = theme or load_theme()
        self.describe = ChartDescriber(agenda, fmt, t, self.theme)
        self.charts = describe_charts(agenda, fmt, t, self.theme)

    def chart(self, key: str) -> Chart:
        chart = self.charts[key]
        assert isinstance(chart, Chart)
        return chart

    def spec(self, key: str, panel: int = 0, *, name: str | None = None) -> ChartSpec:
        chart = self.chart(key)
        return ChartSpec(name or key, chart.kind, chart.panels[panel], self.theme)

    def targets(self) -> ChartSpec:
        """The company's and the teams' bullets as one chart."""
        company, teams = self.chart("targets_company"), self.chart("targets_teams")
        return ChartSpec("targets", "bullet", joined(company.panel, teams.panel), self.theme)

    def funnel(self, key: str) -> ChartSpec:
        return self.spec(key)

    def stages(self) -> ChartSpec:
        return self.spec("pipeline_stages")

    def breakdown(self) -> list[ChartSpec]:
        """Each pipeline's stages (a chart on its own slide), all on one scale so they
        compare."""
        chart = self.chart("pipeline_breakdown")
        top = chart.top() or None
        return [ChartSpec("pipeline_breakdown", chart.kind, panel, self.theme, top)
                for panel in chart.panels]

    def movement(self) -> ChartSpec:
        return self.spec("pipeline_movement")

    def channel_meetings(self) -> ChartSpec:
        return self.spec("channels", 0, name="channel_meetings")

    def channel_revenue(self) -> ChartSpec:
        return self.spec("channels", 1, name="channel_revenue")

    def reasons(self, key: str) -> ChartSpec:
        return self.spec(key)

    def campaigns(self, count: int | None = None) -> Timeline:
        """The campaign timeline of the first `count` campaigns (all by default): its time
        axis spans the campaigns a slide shows."""
        return self.describe.timeline(timeline_rows(self.agenda)[:count])


def joined(first: Panel, second: Panel) -> Panel:
    """`second`'s categories after `first`'s, in one panel (the same series and markers)."""
    def join(a: Series, b: Series) -> Series:
        return dataclasses.replace(a, values=a.values + b.values, labels=a.labels + b.labels,
                                   point_colours=a.point_colours + b.point_colours,
                                   details=a.details + b.details)

    markers = first.markers
    if markers is not None and second.markers is not None:
        markers = dataclasses.replace(markers, values=markers.values + second.markers.values,
                                      labels=markers.labels + second.markers.labels)
    return dataclasses.replace(
        first, categories=first.categories + second.categories, markers=markers,
        series=tuple(join(a, b) for a, b in zip(first.series, second.series, strict=True)))


def add_chart(slide: Slide, box: Box, spec: ChartSpec, *, size: int = LABEL_SIZE) -> None:
    """Draw `spec` filling `box`: bars across the slide, or its bullet or waterfall."""
    if spec.kind == "bullet":
        _add_bullet(slide, box, spec, size=size)
    elif spec.kind == "waterfall":
        add_waterfall(slide, box, spec)
    else:
        _add_bars(slide, box, spec, size=size)


def _add_bars(slide: Slide, box: Box, spec: ChartSpec, *, size: int) -> None:
    """Clustered bars, categories top-down, each bar labelled at its end: the labels at the
    size that fits one to a bar's height (a label taller than its bar runs into the next
    one's), with room after each bar for its label on one line."""
    panel = spec.panel
    chart = _new_chart(slide, box, spec, XL_CHART_TYPE.BAR_CLUSTERED, size)
    _legend(chart, panel, size)
    plot = chart.plots[0]
    bars = len(panel.categories) * len(panel.series)
    plot.gap_width = max(40, min(220, 340 - 50 * bars))  # few bars are not drawn as slabs
    plot.overlap = 0
    plot.vary_by_categories = False
    names = max((text_width(clean_text(c), size) for c in panel.categories), default=0)
    plot_w = max(box.w - names - inches(0.3), box.w // 3)
    legend = line_height(size) if chart.has_legend else 0
    category_h = (box.h - legend - inches(0.2)) / max(1, len(panel.categories))
    bar_h = category_h / (len(panel.series) + plot.gap_width / 100)
    label_size = min(size, max(MIN_LABEL_SIZE, int(bar_h / line_height(1))))
    labelled = [(value or 0.0, text_width(clean_text(label), label_size) + inches(0.1))
                for one in panel.series
                for value, label in zip(one.values, one.labels, strict=True)]
    top = max([panel.top()]
              + [value * plot_w / max(plot_w - width, plot_w / 3) for value, width in labelled])
    # charts on one scale (spec.top, the small multiples) keep it, with 30 % for the labels
    _value_axis(chart, spec.top * 1.3 if spec.top else top)
    categories = _category_axis(chart, size)
    categories.format.line.color.theme_color = INK
    categories.format.line.color.brightness = 0.75
    categories.reverse_order = True  # top-down in the description's order
    for plotted, series in zip(plot.series, panel.series, strict=True):
        _fill(plotted, series, spec.theme)
        for point, label in _labels(series):
            _label(plotted.points[point].data_label, label, XL_LABEL_POSITION.OUTSIDE_END,
                   label_size)


def _add_bullet(slide: Slide, box: Box, spec: ChartSpec, *, size: int) -> None:
    """Stacked columns (won, then the weighted pipeline on top) and each target as a dash
    across its column: a line chart of markers only, drawn on the same axes. With no value
    axis, each target's amount is written above its dash."""
    panel = spec.panel
    markers = panel.markers
    assert markers is not None
    extra = Series(markers.name, markers.values, markers.labels, markers.colour)
    chart = _new_chart(slide, box, spec, XL_CHART_TYPE.COLUMN_STACKED, size, extra=(extra,))
    _markers_as_line_chart(chart)
    _legend(chart, panel, size)
    stacked, line = chart.plots
    stacked.gap_width = 60
    stacked.overlap = 100
    top = max(panel.top(), spec.top or 0.0) * 1.15  # room for the targets' labels
    _value_axis(chart, top)
    _category_axis(chart, size)
    column = box.w / max(1, len(panel.categories))
    bar = column / (1 + stacked.gap_width / 100)  # the column less its share of the gaps
    # one size for every label: each segment's on its bar, each target's over its dash
    label_size = min(_fitting_size([label for s in panel.series for label in s.labels],
                                   bar * 0.9, size),
                     _fitting_size(markers.labels, column * 0.75, size))
    plot_height = box.h - 4 * line_height(size)  # less the legend and the category names
    per_emu = (top or 1.0) / plot_height  # value units per EMU of the plot's height
    label_h = line_height(label_size) * per_emu
    floor = [0.0] * len(panel.categories)  # where each column's next segment starts
    for plotted, series in zip(stacked.series, panel.series, strict=True):
        colour = deck_colour(series.colour, spec.theme)
        _fill(plotted, series, spec.theme)
        for point, label in _labels(series):
            value = series.values[point] or 0.0
            bottom, floor[point] = floor[point], floor[point] + value
            if value < label_h:
                continue  # too thin for its label (Plotly hides it too)
            target = markers.values[point]
            band = None if target is None else (target - TARGET_MARK * per_emu,
                                                target + TARGET_MARK * per_emu + label_h)
            _label(plotted.points[point].data_label, label,
                   _clear_of(band, bottom, bottom + value, label_h),
                   label_size, colour=PAPER if colour.is_dark() else INK)
    (targets,) = line.series
    targets.format.line.fill.background()
    targets.smooth = False
    targets.marker.style = XL_MARKER_STYLE.DASH
    targets.marker.size = 30
    targets.marker.format.fill.solid()
    deck_colour(markers.colour, spec.theme).apply(targets.marker.format.fill.fore_color)
    targets.marker.format.line.fill.background()
    for point, label in _labels(extra):
        _label(targets.points[point].data_label, label, XL_LABEL_POSITION.ABOVE, label_size)


def add_waterfall(slide: Slide, box: Box, spec: ChartSpec, *, size: int = 12) -> None:
    """A waterfall as stacked columns: an invisible base series lifts each step to where the
    running total stands; then the totals, the good news and the bad news (each in the
    description's colour: a win is good news though it leaves the open pipeline). Each bar's
    label goes under its name: a label on a thin step would run over its neighbours, and a
    stacked chart cannot put labels outside the bars."""
    panel = spec.panel
    (series,) = panel.series
    steps = panel.steps
    assert steps is not None
    base: list[float | None] = []
    total: list[float | None] = []
    good: list[float | None] = []
    bad: list[float | None] = []
    running = 0.0
    for index, (amount, is_total) in enumerate(zip(series.values, steps.totals, strict=True)):
        amount = amount or 0.0
        if is_total:
            base.append(0.0)
            total.append(amount)
            good.append(None)
            bad.append(None)
            running = amount
        else:
            base.append(max(min(running, running + amount), 0.0))
            height = abs(amount) or None
            good.append(height if steps.good[index] else None)
            bad.append(None if steps.good[index] else height)
            total.append(None)
            running += amount
    # each name in short lines, so ten stand side by side unturned, its amount under it
    categories = tuple(f"{_short_lines(name)}\n{label}"
                       for name, label in zip(panel.categories, series.labels, strict=True))
    none = ("",) * len(categories)
    drawn = dataclasses.replace(panel, categories=categories, series=(
        Series("", tuple(base), none, steps.total),
        Series(series.name, tuple(total), none, steps.total),
        Series("+", tuple(good), none, steps.gain),
        Series("\u2212", tuple(bad), none, steps.loss)))
    chart = _new_chart(slide, box, dataclasses.replace(spec, panel=drawn),
                       XL_CHART_TYPE.COLUMN_STACKED, size)
    chart.has_legend = False
    plot = chart.plots[0]
    plot.gap_width = 50
    plot.overlap = 100
    columns = zip(*(part.values for part in drawn.series), strict=True)
    _value_axis(chart, max([sum(v or 0.0 for v in column) for column in columns] + [0.0]) * 1.15)
    # each amount on one line under its column: the size at which the widest fits
    column = box.w * 0.9 / max(1, len(categories))
    _unturned(_category_axis(chart, _fitting_size(series.labels, column, size)))
    for index, (plotted, part) in enumerate(zip(plot.series, drawn.series, strict=True)):
        if index == 0:  # the base: no fill, no line, no labels
            plotted.format.fill.background()
            plotted.format.line.fill.background()
            continue
        _fill(plotted, part, spec.theme)  # the amounts are in the category names


def _new_chart(slide: Slide, box: Box, spec: ChartSpec, kind: Any, size: int, *,
               extra: Sequence[Series] = ()) -> Any:
    data = TextCategoryChartData()
    data.categories = tuple(clean_text(c, keep_newlines=True) for c in spec.panel.categories)
    for index, series in enumerate((*spec.panel.series, *extra)):
        data.add_series(clean_text(series.name) or f"base{index}",
                        tuple(None if v is None else float(v) for v in series.values))
    frame: Any = slide.shapes.add_chart(kind, Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h),
                                        cast(Any, data))
    frame.name = spec.key
    chart = frame.chart
    chart.has_title = False
    chart.font.size = Pt(size)
    chart.font.color.theme_color = INK
    return chart


def _markers_as_line_chart(chart: Any) -> None:
    """Move the chart's last series out of its bar chart into a line chart on the same axes
    (python-pptx writes one chart type per chart; PowerPoint draws both)."""
    bars = chart._chartSpace.find(f".//{qn('c:barChart')}")  # noqa: SLF001 - no public API
    series = bars.findall(qn("c:ser"))[-1]
    bars.remove(series)
    for unfit in series.findall(qn("c:invertIfNegative")):  # a bar series' setting only
        series.remove(unfit)
    axes = "".join(f'<c:axId val="{axis.get("val")}"/>' for axis in bars.findall(qn("c:axId")))
    line = parse_xml(f'<c:lineChart {nsdecls("c")}><c:grouping val="standard"/>'
                     f'<c:varyColors val="0"/><c:marker val="1"/>{axes}</c:lineChart>')
    line.find(qn("c:varyColors")).addnext(series)
    bars.addnext(line)


def _legend(chart: Any, panel: Panel, size: int) -> None:
    """A legend above the plot when the chart has several series (or markers)."""
    several = len(panel.series) > 1 or panel.markers is not None
    chart.has_legend = several
    if several:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(size)


def _value_axis(chart: Any, top: float) -> None:
    """Hidden (the labels carry the numbers), from 0 to `top`."""
    axis = chart.value_axis
    axis.visible = False
    axis.has_major_gridlines = False
    axis.minimum_scale = 0
    axis.maximum_scale = top or 1.0


def _category_axis(chart: Any, size: int) -> Any:
    axis = chart.category_axis
    axis.major_tick_mark = XL_TICK_MARK.NONE
    axis.tick_labels.font.size = Pt(size)
    return axis


def _short_lines(name: str) -> str:
    """A category name in lines of at most WATERFALL_LINE characters (a longer word alone on
    its line)."""
    return "\n".join(textwrap.wrap(name, WATERFALL_LINE, break_long_words=False)) or name


def _unturned(axis: Any) -> None:
    """The axis's tick labels written level (PowerPoint and LibreOffice turn long ones by
    themselves) and asked not to break their lines again; LibreOffice breaks them where they
    are wider than their column all the same, so the caller fits their size too."""
    text = axis._element.find(qn("c:txPr"))  # made when the labels' size was set
    body = text.find(qn("a:bodyPr")) if text is not None else None
    if body is not None:
        body.set("rot", "0")
        body.set("vert", "horz")
        body.set("wrap", "none")


def _fill(plotted: Any, series: Series, theme: Theme) -> None:
    """The series' colour, and each point's own where the description gives them."""
    plotted.format.fill.solid()
    deck_colour(series.colour, theme).apply(plotted.format.fill.fore_color)
    plotted.invert_if_negative = False
    for point, colour in enumerate(series.point_colours):
        fill = plotted.points[point].format.fill
        fill.solid()
        deck_colour(colour, theme).apply(fill.fore_color)


def _labels(series: Series) -> list[tuple[int, str]]:
    """(point, label) for each point with a value."""
    return [(point, label) for point, (value, label)
            in enumerate(zip(series.values, series.labels, strict=True)) if value is not None]


def _label(data_label: Any, text: str, position: Any, size: float, *, colour: Any = INK) -> None:
    data_label.text_frame.text = clean_text(text)
    data_label.position = position
    for run in data_label.text_frame.paragraphs[0].runs:
        run.font.size = Pt(size)
        run.font.color.theme_color = colour


def _clear_of(band: tuple[float, float] | None, bottom: float, top: float,
              label_h: float) -> Any:
    """Where on a segment from `bottom` to `top` its label stays clear of a target's mark and
    the target's label above it (`band`, in value units): the middle, else the end farther
    from the mark."""
    def clear(low: float) -> bool:
        return band is None or low + label_h <= band[0] or low >= band[1]

    middle = (bottom + top - label_h) / 2
    if clear(middle):
        return XL_LABEL_POSITION.CENTER
    if band is not None and (band[0] + band[1]) / 2 > middle + label_h / 2:
        return XL_LABEL_POSITION.INSIDE_BASE
    return XL_LABEL_POSITION.INSIDE_END


def _fitting_size(labels: Sequence[str], width: float, size: int) -> int:
    """The largest size up to `size` (not below MIN_LABEL_SIZE) at which every label is at
    most `width` wide."""
    widest = max((text_width(clean_text(label), size) for label in labels), default=0)
    if widest <= width:
        return size
    return max(MIN_LABEL_SIZE, int(size * width / widest))
