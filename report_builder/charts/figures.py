"""The Plotly drawer: each chart description (charts/describe.py) as a Plotly figure, for the
HTML (interactive) and the PDF (exported to SVG/PNG).

The names, values, labels and colours come from the description; this module only lays them
out: orientation, sizes, fonts, margins, axis ticks and hover text. Every number Plotly shows
(labels, hover text, money axis ticks, date ticks) is the Formatter's; Plotly only spaces plain
count axes with the locale's separators. Each figure keeps its data simple (one category list,
one value list per trace). Figures are deterministic: no random ids, no clock.

The drawing writes plain text (a newline where a label breaks); build_figures passes every
figure through charts.text.escape_figure, so data is shown as text, never read as Plotly's
label markup.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from report_builder.charts.describe import (
    BREAKDOWN_KEY,
    FIGURE_KEYS,
    MOVEMENT_KEY,
    describe_charts,
    figure_keys,
)
from report_builder.charts.description import Chart, Description, Panel, Series, Timeline
from report_builder.charts.text import escape_figure
from report_builder.formatting import Formatter
from report_builder.i18n import translator
from report_builder.model.agenda import Agenda
from report_builder.theme import Theme, load_theme

__all__ = ["BREAKDOWN_KEY", "FIGURE_KEYS", "MOVEMENT_KEY", "build_figures", "draw_figures",
           "figure_keys"]

MS_PER_DAY = 86_400_000
BULLET_BAR = 0.5  # a bullet's bar, in rows: the target's marker sits in the gap above it
WATERFALL_BAR = 0.8  # a waterfall's bar, in categories
WATERFALL_LABEL = 13  # px: ten labels side by side, each no wider than its category
# Outside labels need room on the value axis: the narrowest plot a full-width chart is drawn
# in (the PDF's, landscape or portrait, less the category names) and the average width of a
# label's characters (digits, "mio. kr.") at the label size, in px.
PLOT_PX = 560
HALF_PLOT_PX = 200  # the same for a chart half the width (two to a row)
LABEL_CHAR_PX = 8.6
# A bar thick enough to hold its value label inside (15 px, shrunk no smaller than 11 px, and
# Plotly's padding of 3 px each side): charts of bars are as tall as their bars need, no
# taller, so the PDF's page holds a point's charts and rows.
BAR_PX = 20
MIN_BARS = 4
BULLET_ROW_PX = 42  # a bullet's row: its bar (BULLET_BAR of it) and the target's triangle
FUNNEL_STEP_PX = 36  # a funnel's step: its label inside or beside it, and the connector


def build_figures(agenda: Agenda, fmt: Formatter, *, t: Callable[..., str] | None = None,
                  theme: Theme | None = None) -> dict[str, go.Figure]:
    """Every chart of the pack, keyed by figure_keys(agenda) (in that order), each escaped for
    Plotly's label markup (charts.text)."""
    theme = theme or load_theme()
    t = t or translator(agenda.language)
    return draw_figures(describe_charts(agenda, fmt, t, theme), fmt, theme)


def draw_figures(charts: dict[str, Description], fmt: Formatter,
                 theme: Theme) -> dict[str, go.Figure]:
    """Each description as an escaped Plotly figure, by the same keys."""
    draw = PlotlyDrawer(fmt, theme)
    return {key: escape_figure(getattr(draw, key)(chart)) for key, chart in charts.items()}


class PlotlyDrawer:
    """One method per chart key: the layout of that chart (its description gives the data)."""

    def __init__(self, fmt: Formatter, theme: Theme) -> None:
        self.fmt = fmt
        self.theme = theme
        self.c = theme.colors
        self.template = go.layout.Template(layout={"colorway": list(theme.series)})

    def full_money(self, values: Sequence[float | None]) -> list[str]:
        """The full amounts, for hover text (the bars' labels are rounded)."""
        return [self.fmt.money(v) for v in values]

    # -- 1 targets ---------------------------------------------------------------------------
    def targets_company(self, chart: Chart) -> go.Figure:
        return self._bullet(chart.panel)

    def targets_teams(self, chart: Chart) -> go.Figure:
        return self._bullet(chart.panel)

    def _bullet(self, panel: Panel) -> go.Figure:
        """Stacked bars with each target as a triangle just above its bar, pointing at the
        amount (so it never covers a label on the bar); the target's amount is read off the
        money axis (and the hover). The rows are numbered top-down (0, 1, ...) and named by
        their ticks, so the marker can sit between two rows. Won's label is written on its
        segment; the weighted pipeline's too where it fits, else after the bar."""
        names = list(panel.categories)
        rows = list(range(len(names)))
        fig = go.Figure()
        for index, series in enumerate(panel.series):
            outermost = index == len(panel.series) - 1  # only its label may go outside
            fig.add_bar(name=series.name, y=rows, x=list(series.values), orientation="h",
                        width=BULLET_BAR, marker_color=series.colour, text=list(series.labels),
                        textposition="auto" if outermost else "inside",
                        insidetextanchor="middle", cliponaxis=False,
                        hovertext=names, customdata=self.full_money(series.values),
                        hovertemplate="%{hovertext}: %{customdata}<extra>"
                        + series.name + "</extra>")
        markers = panel.markers
        assert markers is not None
        fig.add_scatter(name=markers.name, y=[row - BULLET_BAR / 2 - 0.12 for row in rows],
                        x=list(markers.values), mode="markers", cliponaxis=False,
                        marker={"symbol": "triangle-down", "size": 15,
                                "color": markers.colour, "line": {"width": 0}},
                        hovertext=names, customdata=self.full_money(markers.values),
                        hovertemplate="%{hovertext}: %{customdata}<extra>"
                        + markers.name + "</extra>")
        # the rows span len(rows) + 0.35 of them (the range below); the legend and the axis
        height = 76 + math.ceil((len(rows) + 0.35) * BULLET_ROW_PX)
        self._layout(fig, height=height, barmode="stack")
        stacks = [sum(v or 0.0 for v in column)
                  for column in zip(*(s.values for s in panel.series), strict=True)]
        last = panel.series[-1]  # its labels go after the bar where they do not fit on it
        self._money_axis(fig, "x", max(panel.top(), _room_for(
            [(stack, value or 0.0, label) for stack, value, label
             in zip(stacks, last.values, last.labels, strict=True) if stack])))
        # each name over its bar, inside the plot: the bars run across the whole width, so a
        # thin won segment still holds its label
        fig.update_yaxes(tickvals=[row - BULLET_BAR / 2 for row in rows], ticktext=names,
                         ticklabelposition="inside top", range=[len(rows) - 0.4, -0.75],
                         tickfont={"size": 13}, showgrid=False, zeroline=False, ticks="",
                         showline=False)
        return fig

    # -- 2 pipeline --------------------------------------------------------------------------
    def funnel_flow(self, chart: Chart) -> go.Figure:
        return self._funnel(chart.panel)

    def funnel_cohort(self, chart: Chart) -> go.Figure:
        return self._funnel(chart.panel)

    def pipeline_movement(self, chart: Chart) -> go.Figure:
        """The quarter's open pipeline then, each bar of the movement, and now: bars from the
        running level (Plotly's waterfall colours by sign only; here each step has the colour
        of its news, from the description), with a connector from each bar to the next."""
        panel = chart.panel
        (series,) = panel.series
        steps = panel.steps
        assert steps is not None
        values = [v or 0.0 for v in series.values]
        bases, levels, level = [], [], 0.0
        for value, total in zip(values, steps.totals, strict=True):
            bases.append(0.0 if total else level)
            level = value if total else level + value
            levels.append(level)
        fig = go.Figure(go.Bar(
            x=[_word_lines(name) for name in panel.categories], y=values, base=bases,
            marker_color=list(series.point_colours),
            text=[_amount_over_unit(label) for label in series.labels],
            textposition="outside", cliponaxis=False, constraintext="none",
            textfont={"size": WATERFALL_LABEL}, customdata=self.full_money(values),
            hovertemplate="%{x}: %{customdata}<extra></extra>", width=WATERFALL_BAR,
        ))
        for index, level in enumerate(levels[:-1]):
            fig.add_shape(type="line", xref="x", yref="y", layer="below",
                          x0=index + WATERFALL_BAR / 2, x1=index + 1 - WATERFALL_BAR / 2,
                          y0=level, y1=level, line={"color": self.c["line"], "width": 1})
        self._layout(fig, height=380, showlegend=False)
        self._money_axis(fig, "y", panel.top() * 1.18)  # two lines of label above the top
        fig.update_xaxes(showgrid=False, tickangle=0, tickfont={"size": 12})
        return fig

    def _funnel(self, panel: Panel) -> go.Figure:
        (series,) = panel.series
        text = list(series.labels)
        fig = go.Figure(go.Funnel(
            y=list(panel.categories), x=list(series.values), text=text, textinfo="text",
            textposition=_positions(series.values),
            textfont={"size": 14}, cliponaxis=False,
            marker={"color": list(series.point_colours)},
            connector={"fillcolor": self.c["grid"]},
            customdata=text, hovertemplate="%{y}: %{customdata}<extra></extra>",
        ))
        self._layout(fig, height=40 + FUNNEL_STEP_PX * len(panel.categories), showlegend=False,
                     uniformtext=None)
        fig.update_layout(margin={"t": 10})
        fig.update_yaxes(ticksuffix="  ", showgrid=False)
        # the steps stand centred on 0; room on the right for a label after a narrow step
        widest = max([v or 0.0 for v in series.values] + [1.0]) / 2
        fig.update_xaxes(range=[-widest * 1.02, widest * 1.5], visible=False)
        return fig

    def pipeline_stages(self, chart: Chart) -> go.Figure:
        """Each stage's open and weighted value as bars across the page, top-down in the
        stages' order, each labelled after its end (room is kept for the longest label)."""
        panel = chart.panel
        names = list(panel.categories)
        fig = go.Figure()
        for series in panel.series:
            fig.add_bar(name=series.name, y=names, x=list(series.values), orientation="h",
                        marker_color=series.colour, text=list(series.labels),
                        textposition=_positions(series.values), insidetextanchor="end", textangle=0,
                        cliponaxis=False,
                        customdata=self.full_money(series.values),
                        hovertemplate="%{y}: %{customdata}<extra>" + series.name + "</extra>")
        bars = len(names) * len(panel.series)
        self._layout(fig, height=_bars_height(bars, bargap=0.1, margins=76), barmode="group",
                     bargap=0.1)
        self._money_axis(fig, "x", _room_for(_bars(panel.series)))
        fig.update_yaxes(autorange="reversed", showgrid=False, ticksuffix="  ")
        return fig

    def pipeline_breakdown(self, chart: Chart) -> go.Figure:
        """Small multiples: each pipeline's open value and weighted value by its own stages,
        a panel per pipeline one under the other, bars across the page on one money scale so
        the pipelines compare at a glance (and each label has room after its bar)."""
        panels = chart.panels
        heights = [len(p.categories) * len(p.series) for p in panels]
        gap = 60  # px between two panels: the next one's title
        height = 110 + sum(28 * h for h in heights) + gap * len(panels)
        fig = make_subplots(rows=len(panels), cols=1, shared_xaxes=True,
                            vertical_spacing=gap / height,
                            row_heights=[max(h, 1) for h in heights],
                            subplot_titles=[p.title for p in panels])
        for i, panel in enumerate(panels):
            for series in panel.series:
                label = series.name
                fig.add_bar(name=label, y=list(panel.categories), x=list(series.values),
                            orientation="h", marker_color=series.colour,
                            legendgroup=label, showlegend=i == 0,
                            text=list(series.labels),
                            textposition=_positions(series.values), insidetextanchor="end",
                            textangle=0,
                            cliponaxis=False,
                            customdata=self.full_money(series.values),
                            hovertemplate=f"{panel.title} · %{{y}}: %{{customdata}}"
                            f"<extra>{label}</extra>", row=i + 1, col=1)
        self._layout(fig, height=height, barmode="group", bargap=0.3)
        # the legend at the figure's top edge, the first pipeline's name under it
        fig.update_layout(legend={"yref": "container", "y": 1, "yanchor": "top"},
                          margin={"t": 80})
        fig.update_annotations(font={"size": 15, "color": self.c["ink"]}, xanchor="left", x=0,
                               xref="paper")
        top = _room_for([bar for panel in panels for bar in _bars(panel.series)])
        values = _nice_ticks(top)
        fig.for_each_xaxis(lambda axis: axis.update(
            tickvals=values, range=[0, max(values[-1], top)],
            ticktext=[self.fmt.money_short(v) for v in values]))
        fig.update_yaxes(autorange="reversed", showgrid=False, ticksuffix="  ")
        return fig

    # -- 3 sources ---------------------------------------------------------------------------
    def channels(self, chart: Chart) -> go.Figure:
        """The two panels (meetings, revenue) side by side, on one list of channels."""
        meetings, revenue = chart.panels
        names = list(meetings.categories)
        # the meetings' last tick and the revenue's first (`0 kr.`) stand either side of the
        # gap between the panels, each centred on its panel's edge: the gap holds half of each
        # (at a million deals `150.000` met `0 kr.` on a portrait page)
        meetings_top = meetings.top() * 1.2
        last_count = self.fmt.count(_nice_ticks(meetings_top, whole=True)[-1])
        gap_px = ((len(last_count) + len(self.fmt.money_short(0))) / 2 + 1) * LABEL_CHAR_PX
        fig = make_subplots(rows=1, cols=2, shared_yaxes=True,
                            horizontal_spacing=max(0.06, gap_px / PLOT_PX),
                            subplot_titles=(meetings.title, revenue.title))
        for col, panel in enumerate((meetings, revenue), start=1):
            (series,) = panel.series
            money = panel.axis == "money"
            fig.add_bar(name=series.name, y=names, x=list(series.values), orientation="h",
                        marker_color=series.colour, text=list(series.labels),
                        textposition=_positions(series.values), insidetextanchor="end", textangle=0,
                        cliponaxis=False,
                        **({"customdata": self.full_money(series.values)} if money else {}),
                        hovertemplate="%{y}: " + ("%{customdata}" if money else "%{text}")
                        + "<extra>" + series.name + "</extra>",
                        row=1, col=col)
        self._layout(fig, height=_bars_height(len(names), bargap=0.2, margins=74),
                     showlegend=False, bargap=0.2)
        fig.update_layout(margin={"t": 44})
        fig.update_annotations(font={"size": 16, "color": self.c["navy"]})
        self._count_axis(fig, "x", meetings_top)
        # half the width: fewer ticks, so `10 mio. kr.` and `15 mio. kr.` do not touch
        self._money_axis(fig, "x2", revenue.top() * 1.25, ticks=2)
        fig.update_yaxes(autorange="reversed", showgrid=False, ticksuffix="  ")
        return fig

    # -- 4 customers -------------------------------------------------------------------------
    def win_reasons(self, chart: Chart) -> go.Figure:
        return self._reasons(chart.panel)

    def loss_reasons(self, chart: Chart) -> go.Figure:
        return self._reasons(chart.panel)

    def _reasons(self, panel: Panel) -> go.Figure:
        (series,) = panel.series
        fig = go.Figure(go.Bar(
            y=list(panel.categories), x=list(series.values), orientation="h",
            marker_color=series.colour, text=list(series.labels),
            textposition=_positions(series.values), insidetextanchor="end", textangle=0,
            cliponaxis=False,
            customdata=list(series.details),
            hovertemplate="%{y}: %{text}<br>%{customdata}<extra></extra>",
        ))
        # every bar carries its count: no count axis under them (the grid lines stay)
        self._layout(fig, height=_bars_height(len(panel.categories), bargap=0.15, margins=30),
                     showlegend=False, bargap=0.15)
        fig.update_layout(margin={"b": 8})
        self._count_axis(fig, "x", _room_for(_bars(panel.series), HALF_PLOT_PX))
        fig.update_xaxes(showticklabels=False)
        fig.update_yaxes(autorange="reversed", showgrid=False, ticksuffix="  ")
        return fig

    # -- 5 campaigns -------------------------------------------------------------------------
    def campaigns(self, timeline: Timeline) -> go.Figure:
        """A bar per campaign from its first to its last day, a trace per status (the legend),
        this meeting and the next as lines."""
        fig = go.Figure()
        for status in timeline.statuses:
            chosen = [b for b in timeline.bars if b.status == status.key]
            if not chosen:
                continue
            fig.add_bar(
                name=status.label, orientation="h",
                y=[b.name for b in chosen],
                base=[b.start.isoformat() for b in chosen],
                x=[((b.end - b.start).days + 1) * MS_PER_DAY for b in chosen],
                marker_color=status.colour,
                customdata=[b.dates for b in chosen],
                hovertemplate="%{y}: %{customdata}<extra></extra>",
            )
        self._layout(fig, height=max(280, 120 + 48 * len(timeline.bars)), barmode="overlay",
                     bargap=0.35)
        # the legend goes under the dates, at the figure's foot: the meeting labels take the
        # top edge
        fig.update_layout(legend={"yref": "container", "y": 0, "yanchor": "bottom"},
                          margin={"t": 30, "b": 56})
        fig.update_xaxes(type="date", range=[timeline.start.isoformat(),
                                             timeline.end.isoformat()],
                         tickvals=[tick.day.isoformat() for tick in timeline.ticks],
                         ticktext=[tick.label for tick in timeline.ticks], tickangle=0)
        fig.update_yaxes(type="category", categoryorder="array",
                         categoryarray=[b.name for b in timeline.bars], autorange="reversed",
                         showgrid=False, ticksuffix="  ", tickfont={"size": 12})
        for mark in timeline.marks:
            day = mark.day.isoformat()
            fig.add_shape(type="line", xref="x", yref="paper", x0=day, x1=day, y0=0, y1=1,
                          line={"color": timeline.mark_colour, "width": 3,
                                "dash": "dot" if mark.dashed else "solid"})
            fig.add_annotation(x=day, xref="x", y=1, yref="paper", yanchor="bottom",
                               xanchor="left" if mark.dashed else "right", text=mark.label,
                               showarrow=False, font={"color": self.c["ink"], "size": 13})
        return fig

    # -- shared ------------------------------------------------------------------------------
    def _layout(self, fig: go.Figure, *, height: int, showlegend: bool = True,
                **extra: Any) -> None:
        fig.update_layout(
            template=self.template,
            height=height,
            margin={"l": 10, "r": 50, "t": 40 if showlegend else 16, "b": 30},
            font={"family": self.theme.font_family, "size": 15, "color": self.c["ink"]},
            paper_bgcolor=self.c["paper"],
            plot_bgcolor=self.c["paper"],
            separators=self.fmt.plotly_separators,
            showlegend=showlegend,
            legend={"orientation": "h", "x": 0, "y": 1.02, "xanchor": "left",
                    "yanchor": "bottom", "font": {"size": 14}, "traceorder": "normal"},
            hoverlabel={"font": {"family": self.theme.font_family, "size": 14}},
            **({"uniformtext": {"minsize": 11, "mode": "hide"}} | extra),
        )
        fig.update_xaxes(gridcolor=self.c["grid"], zerolinecolor=self.c["line"],
                         linecolor=self.c["line"], automargin=True)
        fig.update_yaxes(gridcolor=self.c["grid"], zerolinecolor=self.c["line"],
                         linecolor=self.c["line"], automargin=True)

    def _money_axis(self, fig: go.Figure, axis: str, top: float, *, ticks: int = 4) -> None:
        """Money ticks formatted by the Formatter (Plotly would write `1.2M`, not `1,2 mio.`);
        about `ticks` of them (fewer where the axis is short)."""
        values = _nice_ticks(top, ticks)
        self._ticks(fig, axis, values, [self.fmt.money_short(v) for v in values], top)

    def _count_axis(self, fig: go.Figure, axis: str, top: float) -> None:
        """Whole-number ticks (never 0.5 meetings), formatted by the Formatter."""
        values = _nice_ticks(top, whole=True)
        self._ticks(fig, axis, values, [self.fmt.count(v) for v in values], top)

    @staticmethod
    def _ticks(fig: go.Figure, axis: str, values: list[float], text: list[str],
               top: float) -> None:
        name = {"x": "xaxis", "y": "yaxis"}.get(axis, axis.replace("x", "xaxis"))
        fig.update_layout({name: {"tickvals": values, "ticktext": text,
                                  "range": [0, max(values[-1], top)]}})


def _bars_height(bars: int, *, bargap: float, margins: int) -> int:
    """The height of a chart of `bars` bars across (`bargap` of each category between them)
    whose bars are each BAR_PX thick, with `margins` px for its legend, titles and axis; a
    chart of fewer than MIN_BARS is as tall as one of MIN_BARS (the margins Plotly adds for
    its ticks would leave a bar or two no room)."""
    return margins + math.ceil(max(bars, MIN_BARS) * BAR_PX / (1 - bargap))


def _nice_ticks(top: float, count: int = 4, *, whole: bool = False) -> list[float]:
    """0 and round steps (1, 2, 2.5 or 5 times a power of ten) up to at least `top`."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    if whole:
        power = max(power, 1)
    steps = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    step = next(m * power for m in steps if m * power >= raw)
    n = math.ceil(top / step - 1e-9)
    return [round(i * step, 9) for i in range(n + 1)]


def _room_for(bars: Sequence[tuple[float, float, str]], plot_px: float = PLOT_PX) -> float:
    """The value axis's top that leaves room after each bar whose label does not fit inside
    it for that label (and a gap), at `plot_px` wide. A bar is (where it ends, the length of
    the segment holding its label, its label)."""
    top = max([end for end, _, _ in bars] + [0.0])
    for _ in range(2):  # room made for one label shortens every bar: look again
        needed = top
        for end, length, label in bars:
            width = len(label) * LABEL_CHAR_PX + 12
            if top and length / top * plot_px >= width:
                continue  # written inside its bar
            needed = max(needed, end * plot_px / max(plot_px - width, plot_px / 2))
        top = needed
    return top


def _bars(series: Sequence[Series]) -> list[tuple[float, float, str]]:
    """Side-by-side bars as _room_for reads them: each ends at its value, its whole length
    holding its label."""
    return [(value, value, label) for one in series
            for value, label in zip(one.values, one.labels, strict=True) if value is not None]


def _positions(values: Sequence[float | None]) -> list[str]:
    """Each bar's label inside its bar where it fits, else after it; a bar of none has nothing
    to hold its label, and Plotly writes it only outside."""
    return ["auto" if value else "outside" for value in values]


def _amount_over_unit(label: str) -> str:
    """A money label broken at its first space (`23,8` over `mio. kr.`, `DKK` over `1.2M`),
    so ten of them fit side by side in a portrait page's width; a short one (`0 kr.`) kept
    on one line."""
    if len(label) <= 7:
        return label
    parts = re.split(r"[ \u00a0]", label, maxsplit=1)
    return "\n".join(parts)


def _word_lines(label: str) -> str:
    """An axis label in lines of at most 9 characters (a longer word alone on its line): ten
    names fit under a portrait page's bars."""
    return "\n".join(textwrap.wrap(label, 9, break_long_words=False)) or label


def _two_lines(label: str) -> str:
    """A long axis label broken at the space nearest its middle, so it is not drawn slanted."""
    if len(label) <= 12 or " " not in label:
        return label
    middle = len(label) / 2
    cut = min((i for i, c in enumerate(label) if c == " "), key=lambda i: abs(i - middle))
    return f"{label[:cut]}\n{label[cut + 1:]}"
