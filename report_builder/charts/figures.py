"""One Plotly figure per chart, built from the Agenda alone.

Every number shown on a chart (bar labels, hover text, money axis ticks, date ticks) goes through
the Formatter; Plotly only formats plain count axes, with the locale's separators. Each figure
keeps its data simple (one category list, one value list per trace) so it can be exported to SVG
or redrawn as a native PowerPoint chart. Figures are deterministic: no random ids, no clock.

The chart code writes plain text (a newline where a label breaks); build_figures passes every
figure through charts.text.escape_figure, so data is shown as text, never read as Plotly's
label markup.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from report_builder.charts.text import escape_figure
from report_builder.formatting import Formatter
from report_builder.i18n import labels, shown
from report_builder.model.agenda import Agenda, FunnelStep, ReasonRow, TargetRow
from report_builder.theme import Theme, load_theme

FIGURE_KEYS = (
    "targets_company",
    "targets_teams",
    "funnel_flow",
    "funnel_cohort",
    "pipeline_stages",
    "channels",
    "win_reasons",
    "loss_reasons",
    "campaigns",
)
MS_PER_DAY = 86_400_000


MOVEMENT_KEY = "pipeline_movement"  # the waterfall: only when the agenda has a movement
BREAKDOWN_KEY = "pipeline_breakdown"  # small multiples: only when the deals span pipelines
PER_ROW = 3  # pipelines side by side in the small multiples


def figure_keys(agenda: Agenda) -> tuple[str, ...]:
    """The keys of the charts this agenda has: FIGURE_KEYS, then the per-pipeline small
    multiples and the movement waterfall when the agenda has them."""
    return (FIGURE_KEYS + ((BREAKDOWN_KEY,) if agenda.pipeline.pipelines else ())
            + ((MOVEMENT_KEY,) if agenda.movement is not None else ()))


def build_figures(agenda: Agenda, fmt: Formatter) -> dict[str, go.Figure]:
    """Every chart of the pack, keyed by figure_keys(agenda) (in that order), each escaped for
    Plotly's label markup (charts.text)."""
    charts = _Charts(agenda, fmt, load_theme(), labels(agenda.language))
    return {key: escape_figure(getattr(charts, key)()) for key in figure_keys(agenda)}


class _Charts:
    def __init__(self, agenda: Agenda, fmt: Formatter, theme: Theme,
                 text: dict[str, str]) -> None:
        self.agenda = agenda
        self.fmt = fmt
        self.theme = theme
        self.t = text
        self.c = theme.colors
        self.template = go.layout.Template(layout={"colorway": list(theme.series)})

    def name(self, value: str) -> str:
        """A category name as shown: the model's placeholders in the pack's language, white
        space (newlines too) as single spaces, so only the chart code breaks lines."""
        return " ".join((shown(value, self.agenda.language) or "").split())

    # -- 1 targets ---------------------------------------------------------------------------
    def targets_company(self) -> go.Figure:
        return self._bullet([self.agenda.targets.company], height=190)

    def targets_teams(self) -> go.Figure:
        teams = list(self.agenda.targets.teams)
        return self._bullet(teams, height=max(220, 90 + 70 * len(teams)))

    def _bullet(self, rows: Sequence[TargetRow], *, height: int) -> go.Figure:
        names = [self.name(r.name) for r in rows]
        won = [r.won for r in rows]
        weighted = [r.weighted_pipeline for r in rows]
        targets = [r.target for r in rows]
        fig = go.Figure()
        fig.add_bar(name=self.t["won"], y=names, x=won, orientation="h",
                    marker_color=self.c["navy"], text=[self.fmt.money_short(v) for v in won],
                    textposition="inside", insidetextanchor="middle",
                    customdata=[self.fmt.money(v) for v in won],
                    hovertemplate="%{y}: %{customdata}<extra>" + self.t["won"] + "</extra>")
        fig.add_bar(name=self.t["weighted_pipeline"], y=names, x=weighted, orientation="h",
                    marker_color=self.c["teal_light"],
                    text=[self.fmt.money_short(v) for v in weighted],
                    textposition="inside", insidetextanchor="middle",
                    customdata=[self.fmt.money(v) for v in weighted],
                    hovertemplate="%{y}: %{customdata}<extra>"
                    + self.t["weighted_pipeline"] + "</extra>")
        fig.add_scatter(name=self.t["target"], y=names, x=targets, mode="markers",
                        marker={"symbol": "line-ns", "size": 44,
                                "line": {"width": 5, "color": self.c["amber"]}},
                        customdata=[self.fmt.money(v) for v in targets],
                        hovertemplate="%{y}: %{customdata}<extra>"
                        + self.t["target"] + "</extra>")
        top = max([w + p for w, p in zip(won, weighted, strict=True)]
                  + [v for v in targets if v is not None] + [0.0])
        self._layout(fig, height=height, barmode="stack", bargap=0.45)
        self._money_axis(fig, "x", top)
        fig.update_yaxes(autorange="reversed", showgrid=False, ticksuffix="  ")
        return fig

    # -- 2 pipeline --------------------------------------------------------------------------
    def funnel_flow(self) -> go.Figure:
        return self._funnel(self.agenda.pipeline.flow)

    def funnel_cohort(self) -> go.Figure:
        return self._funnel(self.agenda.pipeline.cohort)

    def pipeline_movement(self) -> go.Figure:
        """The quarter's open pipeline then, each bar of the movement, and now."""
        mv = self.agenda.movement
        assert mv is not None
        names = [_two_lines(self.t["movement_start"]),
                 *(_two_lines(self.t[f"movement_{b.key}"]) for b in mv.bars),
                 _two_lines(self.t["movement_end"])]
        values = [mv.start_value, *(b.amount for b in mv.bars), mv.end_value]
        measures = ["absolute", *("relative" for _ in mv.bars), "total"]
        text = [self.fmt.money_short(v) for v in values]
        fig = go.Figure(go.Waterfall(
            x=names, y=values, measure=measures, text=text, textposition="outside",
            cliponaxis=False, customdata=[self.fmt.money(v) for v in values],
            hovertemplate="%{x}: %{customdata}<extra></extra>",
            increasing={"marker": {"color": self.c["teal"]}},
            decreasing={"marker": {"color": self.c["red"]}},
            totals={"marker": {"color": self.c["navy"]}},
            connector={"line": {"color": self.c["line"]}},
        ))
        running, top = mv.start_value, max(mv.start_value, mv.end_value)
        for bar in mv.bars:
            running += bar.amount
            top = max(top, running)
        self._layout(fig, height=380, showlegend=False)
        self._money_axis(fig, "y", top * 1.1)
        fig.update_xaxes(showgrid=False, tickangle=0, tickfont={"size": 12})
        return fig

    def _funnel(self, steps: Sequence[FunnelStep]) -> go.Figure:
        names = [self.t[f"step_{s.step}"] for s in steps]
        counts = [s.count for s in steps]
        text = [self.fmt.count(s.count) if s.conversion is None
                else f"{self.fmt.count(s.count)}  ({self.fmt.percent(s.conversion)})"
                for s in steps]
        colours = _gradient(self.c["navy"], self.c["teal"], len(steps))
        fig = go.Figure(go.Funnel(
            y=names, x=counts, text=text, textinfo="text", textposition="auto",
            textfont={"size": 14}, cliponaxis=False,
            marker={"color": colours}, connector={"fillcolor": self.c["grid"]},
            customdata=text, hovertemplate="%{y}: %{customdata}<extra></extra>",
        ))
        self._layout(fig, height=360, showlegend=False, uniformtext=None)
        fig.update_layout(margin={"t": 10})
        fig.update_yaxes(ticksuffix="  ", showgrid=False)
        return fig

    def pipeline_stages(self) -> go.Figure:
        stages = self.agenda.pipeline.stages
        names = [self.name(s.stage) for s in stages]
        value = [s.value for s in stages]
        weighted = [s.weighted_value for s in stages]
        fig = go.Figure()
        for label, values, colour in ((self.t["open_value"], value, self.c["navy"]),
                                      (self.t["weighted_value"], weighted, self.c["teal"])):
            fig.add_bar(name=label, x=names, y=values, marker_color=colour,
                        text=[self.fmt.money_short(v) for v in values], textposition="outside",
                        cliponaxis=False, customdata=[self.fmt.money(v) for v in values],
                        hovertemplate="%{x}: %{customdata}<extra>" + label + "</extra>")
        self._layout(fig, height=380, barmode="group", bargap=0.3)
        self._money_axis(fig, "y", max(value + [0.0]) * 1.12)
        fig.update_xaxes(showgrid=False)
        return fig

    def pipeline_breakdown(self) -> go.Figure:
        """Small multiples: each pipeline's open value and weighted value by its own stages,
        on one money scale so the pipelines compare at a glance."""
        pipelines = self.agenda.pipeline.pipelines
        cols = min(PER_ROW, len(pipelines))
        rows = math.ceil(len(pipelines) / cols)
        fig = make_subplots(rows=rows, cols=cols, shared_yaxes=True, horizontal_spacing=0.04,
                            vertical_spacing=0.24 / (rows - 1) if rows > 1 else 0.0,
                            subplot_titles=[self.name(p.pipeline) for p in pipelines])
        top = max([s.value for p in pipelines for s in p.stages] + [0.0]) * 1.15
        for i, p in enumerate(pipelines):
            row, col = i // cols + 1, i % cols + 1
            names = [_two_lines(self.name(s.stage)) for s in p.stages]
            for label, values, colour in (
                    (self.t["open_value"], [s.value for s in p.stages], self.c["navy"]),
                    (self.t["weighted_value"], [s.weighted_value for s in p.stages],
                     self.c["teal"])):
                fig.add_bar(name=label, x=names, y=values, marker_color=colour,
                            legendgroup=label, showlegend=i == 0,
                            text=[self.fmt.money_short(v) for v in values],
                            textposition="outside", cliponaxis=False,
                            customdata=[self.fmt.money(v) for v in values],
                            hovertemplate=f"{self.name(p.pipeline)} · %{{x}}: %{{customdata}}"
                            f"<extra>{label}</extra>", row=row, col=col)
        self._layout(fig, height=130 + 320 * rows, barmode="group", bargap=0.3)
        fig.update_layout(legend={"y": 1.0 + 0.16 / rows}, margin={"t": 100})
        fig.update_annotations(font={"size": 15, "color": self.c["ink"]}, yshift=8)
        values = _nice_ticks(top)
        fig.for_each_yaxis(lambda axis: axis.update(
            tickvals=values, range=[0, max(values[-1], top)],
            ticktext=[self.fmt.money_short(v) for v in values]))
        fig.update_xaxes(showgrid=False)
        return fig

    # -- 3 sources ---------------------------------------------------------------------------
    def channels(self) -> go.Figure:
        rows = self.agenda.sources.channels
        names = [self.name(r.name) for r in rows]
        meetings = [r.meetings for r in rows]
        revenue = [r.revenue for r in rows]
        fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.06,
                            subplot_titles=(self.t["meetings"], self.t["revenue"]))
        fig.add_bar(name=self.t["meetings"], y=names, x=meetings, orientation="h",
                    marker_color=self.c["teal"], text=[self.fmt.count(v) for v in meetings],
                    textposition="outside", cliponaxis=False,
                    hovertemplate="%{y}: %{text}<extra>" + self.t["meetings"] + "</extra>",
                    row=1, col=1)
        fig.add_bar(name=self.t["revenue"], y=names, x=revenue, orientation="h",
                    marker_color=self.c["navy"], text=[self.fmt.money_short(v) for v in revenue],
                    textposition="outside", cliponaxis=False,
                    customdata=[self.fmt.money(v) for v in revenue],
                    hovertemplate="%{y}: %{customdata}<extra>" + self.t["revenue"] + "</extra>",
                    row=1, col=2)
        self._layout(fig, height=max(300, 110 + 46 * len(rows)), showlegend=False, bargap=0.35)
        fig.update_layout(margin={"t": 44})
        fig.update_annotations(font={"size": 16, "color": self.c["navy"]})
        self._count_axis(fig, "x", max(meetings + [0]) * 1.2)
        self._money_axis(fig, "x2", max(revenue + [0.0]) * 1.25)
        fig.update_yaxes(autorange="reversed", showgrid=False, ticksuffix="  ")
        return fig

    # -- 4 customers -------------------------------------------------------------------------
    def win_reasons(self) -> go.Figure:
        return self._reasons(self.agenda.customers.win_reasons, self.c["teal"])

    def loss_reasons(self) -> go.Figure:
        return self._reasons(self.agenda.customers.loss_reasons, self.c["red"])

    def _reasons(self, rows: Sequence[ReasonRow], colour: str) -> go.Figure:
        names = [self.name(r.reason) for r in rows]
        counts = [r.count for r in rows]
        text = [f"{self.fmt.count(r.count)}  ({self.fmt.percent(r.share)})" for r in rows]
        fig = go.Figure(go.Bar(
            y=names, x=counts, orientation="h", marker_color=colour, text=text,
            textposition="outside", cliponaxis=False,
            customdata=[self.fmt.money(r.value) for r in rows],
            hovertemplate="%{y}: %{text}<br>%{customdata}<extra></extra>",
        ))
        self._layout(fig, height=max(240, 90 + 44 * len(rows)), showlegend=False, bargap=0.35)
        self._count_axis(fig, "x", max(counts + [0]) * 1.35)
        fig.update_yaxes(autorange="reversed", showgrid=False, ticksuffix="  ")
        return fig

    # -- 5 campaigns -------------------------------------------------------------------------
    def campaigns(self) -> go.Figure:
        section = self.agenda.campaigns
        rows = sorted(section.ended + section.upcoming, key=lambda r: (r.start_date, r.name))
        colours = {"running": self.c["teal"], "starting": self.c["navy"],
                   "ended": self.c["muted"]}
        fig = go.Figure()
        for status in ("ended", "running", "starting"):
            chosen = [r for r in rows if r.status == status]
            if not chosen:
                continue
            fig.add_bar(
                name=self.t[f"status_{status}"], orientation="h",
                y=[self.name(r.name) for r in chosen],
                base=[r.start_date.isoformat() for r in chosen],
                x=[((r.end_date - r.start_date).days + 1) * MS_PER_DAY for r in chosen],
                marker_color=colours.get(status, self.c["muted"]),
                customdata=[f"{self.fmt.date(r.start_date)} \u2013 {self.fmt.date(r.end_date)}"
                            for r in chosen],
                hovertemplate="%{y}: %{customdata}<extra></extra>",
            )
        start = min([r.start_date for r in rows] + [self.agenda.as_of]) - dt.timedelta(days=3)
        end = max([r.end_date for r in rows] + [self.agenda.next_meeting]) + dt.timedelta(days=4)
        self._layout(fig, height=max(280, 120 + 48 * len(rows)), barmode="overlay", bargap=0.35)
        # the legend goes below the dates: the meeting labels take the top edge
        fig.update_layout(legend={"y": -0.08, "yanchor": "top"}, margin={"t": 34, "b": 20})
        ticks = date_ticks(start, end)
        fig.update_xaxes(type="date", range=[start.isoformat(), end.isoformat()],
                         tickvals=[d.isoformat() for d in ticks],
                         ticktext=[self.fmt.day_month(d) for d in ticks], tickangle=0)
        fig.update_yaxes(type="category", categoryorder="array",
                         categoryarray=[self.name(r.name) for r in rows], autorange="reversed",
                         showgrid=False, ticksuffix="  ")
        for day, key, dash, side in ((self.agenda.as_of, "this_meeting", "solid", "right"),
                                     (self.agenda.next_meeting, "next_meeting", "dot", "left")):
            fig.add_shape(type="line", xref="x", yref="paper", x0=day.isoformat(),
                          x1=day.isoformat(), y0=0, y1=1,
                          line={"color": self.c["amber"], "width": 3, "dash": dash})
            fig.add_annotation(x=day.isoformat(), xref="x", y=1, yref="paper", yanchor="bottom",
                               xanchor=side, text=self.t[key], showarrow=False,
                               font={"color": self.c["ink"], "size": 13})
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
            **({"uniformtext": {"minsize": 12, "mode": "hide"}} | extra),
        )
        fig.update_xaxes(gridcolor=self.c["grid"], zerolinecolor=self.c["line"],
                         linecolor=self.c["line"], automargin=True)
        fig.update_yaxes(gridcolor=self.c["grid"], zerolinecolor=self.c["line"],
                         linecolor=self.c["line"], automargin=True)

    def _money_axis(self, fig: go.Figure, axis: str, top: float) -> None:
        """Money ticks formatted by the Formatter (Plotly would write `1.2M`, not `1,2 mio.`)."""
        values = _nice_ticks(top)
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


def date_ticks(start: dt.date, end: dt.date, most: int = 8) -> list[dt.date]:
    """At most `most` ticks: Mondays on ranges up to four months, first days of months beyond."""
    first = start + dt.timedelta(days=(7 - start.weekday()) % 7)
    weeks = max(1, ((end - first).days // 7) + 1)
    if weeks <= 4 * most // 2:
        every = max(1, math.ceil(weeks / most))
        return [first + dt.timedelta(weeks=i) for i in range(0, weeks, every)
                if first + dt.timedelta(weeks=i) <= end]
    months = []
    day = dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    while day <= end:
        months.append(day)
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    every = max(1, math.ceil(len(months) / most))
    return months[::every]


def _two_lines(label: str) -> str:
    """A long axis label broken at the space nearest its middle, so it is not drawn slanted."""
    if len(label) <= 12 or " " not in label:
        return label
    middle = len(label) / 2
    cut = min((i for i, c in enumerate(label) if c == " "), key=lambda i: abs(i - middle))
    return f"{label[:cut]}\n{label[cut + 1:]}"


def _gradient(start: str, end: str, n: int) -> list[str]:
    """n colours evenly from `start` to `end` (hex)."""
    a = [int(start[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(end[i:i + 2], 16) for i in (1, 3, 5)]
    out = []
    for k in range(n):
        f = k / (n - 1) if n > 1 else 0.0
        out.append("#" + "".join(f"{round(x + (y - x) * f):02x}" for x, y in zip(a, b,
                                                                                  strict=True)))
    return out
