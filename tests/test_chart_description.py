"""Each chart is described once (charts/describe.py) and drawn twice: the Plotly figure (the HTML
and the PDF) and the native PowerPoint chart (the meeting deck). Every chart of three agendas is
built both ways and read back (the figure's traces; the chart's XML through python-pptx): the
categories, the values and the labels agree, and so do the series' names and colours."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import pytest
from pptx import Presentation
from pptx.chart.plot import LinePlot
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.dml import MSO_THEME_COLOR

from report_builder.build import build
from report_builder.charts.describe import describe_charts
from report_builder.charts.description import Chart, Description, Timeline
from report_builder.charts.figures import build_figures, figure_keys
from report_builder.config import load_config
from report_builder.decks.colours import deck_colour
from report_builder.decks.meeting import build_meeting_deck
from report_builder.model.agenda import Agenda, FunnelStep
from report_builder.renderers.context import RenderOptions, render_context
from report_builder.theme import load_theme
from tests.sample_agenda import sample_agenda
from tests.small_company import write_company
from tests.two_pipelines import write_two_pipelines

EXAMPLE = Path(__file__).parent.parent / "examples" / "nordlys" / "report.toml"
MEETING = dt.date(2026, 11, 24)


class Drawn:
    """One agenda's charts: described, drawn with Plotly, drawn in the meeting deck."""

    def __init__(self, agenda: Agenda, deck: bytes) -> None:
        context = render_context(agenda)
        self.agenda = agenda
        self.descriptions = describe_charts(agenda, context.fmt, context.t, context.theme)
        self.figures = build_figures(agenda, context.fmt, t=context.t, theme=context.theme)
        self.charts: dict[str, list[Any]] = {}  # shape name -> its charts, in slide order
        self.timeline: list[Any] = []
        for slide in Presentation(io.BytesIO(deck)).slides:
            for shape in slide.shapes:
                if shape.has_chart:
                    self.charts.setdefault(shape.name, []).append(shape.chart)
                elif shape.name == "campaign_timeline":
                    self.timeline = list(shape.shapes)

    def chart(self, name: str) -> Any:
        (chart,) = self.charts[name]
        return chart


def _agenda(config_path: Path, out: Path) -> tuple[Agenda, bytes]:
    """The agenda (with its movement where the company has a stored snapshot: built from a
    copy, so the build's own snapshot is stored there) and its meeting deck."""
    config = load_config(config_path)
    agenda = build(config, as_of=config.meeting.as_of or MEETING, formats=("json",),
                   out_dir=out, history=True).agenda
    return agenda, build_meeting_deck(agenda, render_context(agenda, RenderOptions(
        deck=config.deck)))


@pytest.fixture(scope="module", params=["example", "small_company", "two_pipelines"])
def drawn(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Drawn:
    folder = tmp_path_factory.mktemp(request.param)
    config = {"example": lambda: copy_example(folder),
              "small_company": lambda: write_company(folder / "company"),
              "two_pipelines": lambda: write_two_pipelines(folder / "company")}[request.param]()
    return Drawn(*_agenda(config, folder / "out"))


def copy_example(folder: Path) -> Path:
    shutil.copytree(EXAMPLE.parent, folder / "nordlys")
    return folder / "nordlys" / EXAMPLE.name


# -- reading back ---------------------------------------------------------------------------
def plotly_text(value: Any) -> str:
    """A text as Plotly shows it: entities decoded, a drawn line break as a space."""
    return html.unescape(str(value)).replace("<br>", " ")


def texts(values: Any) -> list[str]:
    return [plotly_text(v) for v in values]


def numbers(values: Any) -> list[float | None]:
    return [None if v is None else float(v) for v in values]


def point_labels(series: Any) -> dict[int, str]:
    """The data labels PowerPoint shows on a series, by point."""
    return {i: series.points[i].data_label.text_frame.text for i in range(len(series.values))
            if series.points[i].data_label.has_text_frame}


def bars(figure: go.Figure) -> list[Any]:
    return [trace for trace in figure.data if trace.type == "bar"]


def assert_same_bars(traces: list[Any], chart: Any, *, horizontal: bool) -> None:
    """Plotly bar traces and a PowerPoint bar chart: the same categories, series names,
    values and labels."""
    plot = chart.plots[0]
    categories = texts(traces[0].y if horizontal else traces[0].x)
    assert list(plot.categories) == categories
    assert [s.name for s in plot.series] == [plotly_text(t.name) for t in traces] \
        or len(traces) == 1  # one series: no legend, the deck names it for "Edit data"
    for trace, series in zip(traces, plot.series, strict=True):
        values = numbers(trace.x if horizontal else trace.y)
        assert numbers(series.values) == pytest.approx(values)
        shown = point_labels(series)
        assert shown == {i: text for i, text in enumerate(texts(trace.text))
                         if values[i] is not None}


def assert_same_colours(traces: list[Any], chart: Any) -> None:
    """Each series in the description's colour: the template's theme colour where it is one."""
    theme = load_theme()
    for trace, series in zip(traces, chart.plots[0].series, strict=True):
        colour = deck_colour(trace.marker.color, theme)
        fill = series.format.fill.fore_color
        if colour.theme_colour is None:
            assert str(fill.rgb) == colour.hex.removeprefix("#").upper()
        else:
            assert fill.theme_color == colour.theme_colour


# -- every chart, both ways -----------------------------------------------------------------
def test_every_chart_is_described_and_drawn(drawn: Drawn) -> None:
    keys = figure_keys(drawn.agenda)
    assert tuple(drawn.descriptions) == tuple(drawn.figures) == keys
    deck = {"targets", "funnel_flow", "funnel_cohort", "pipeline_stages", "channel_meetings",
            "channel_revenue", "win_reasons", "loss_reasons"}
    deck |= {k for k in ("pipeline_breakdown", "pipeline_movement") if k in keys}
    assert set(drawn.charts) == deck
    assert drawn.timeline


def test_targets(drawn: Drawn) -> None:
    """The company's and the teams' bullets (two figures; one chart in the deck): won and the
    weighted pipeline stacked, the target marked."""
    company, teams = drawn.figures["targets_company"], drawn.figures["targets_teams"]
    chart = drawn.chart("targets")
    stacked, line = chart.plots
    assert chart.chart_type == XL_CHART_TYPE.COLUMN_STACKED
    assert isinstance(line, LinePlot)  # the targets: a line chart of markers only
    assert list(stacked.categories) == texts(company.layout.yaxis.ticktext) \
        + texts(teams.layout.yaxis.ticktext)
    assert [s.name for s in stacked.series] == [t.name for t in bars(company)]
    target = [next(t for t in f.data if t.type == "scatter") for f in (company, teams)]
    targets = numbers([*target[0].x, *target[1].x])
    columns = [sum(v) for v in zip(*(numbers(s.values) for s in stacked.series), strict=True)]
    top = max(columns + [v for v in targets if v is not None])
    for index, series in enumerate(stacked.series):
        traces = (bars(company)[index], bars(teams)[index])
        values = [float(v) for t in traces for v in t.x]
        labels = [plotly_text(x) for t in traces for x in t.text]
        assert numbers(series.values) == pytest.approx(values)
        shown = point_labels(series)
        assert all(shown[i] == labels[i] for i in shown)
        # a label is left out only where its bar is too thin to hold it
        assert all(values[i] <= 0.1 * top for i in range(len(values)) if i not in shown)
    (marks,) = line.series
    assert marks.name == target[0].name
    assert numbers(marks.values) == targets
    # the deck has no value axis: it writes each target's amount at its mark (the figures'
    # targets are read off their money axis)
    descriptions = [drawn.descriptions[k] for k in ("targets_company", "targets_teams")]
    expected = [label for d in descriptions if isinstance(d, Chart) and d.panel.markers
                for label in d.panel.markers.labels]
    assert point_labels(marks) == {i: expected[i] for i, v in enumerate(targets)
                                   if v is not None}
    assert_same_colours(bars(company), chart)


@pytest.mark.parametrize("key", ["funnel_flow", "funnel_cohort"])
def test_funnels(drawn: Drawn, key: str) -> None:
    (funnel,) = drawn.figures[key].data
    (series,) = drawn.chart(key).plots[0].series
    assert list(drawn.chart(key).plots[0].categories) == texts(funnel.y)
    assert numbers(series.values) == numbers(funnel.x)
    assert point_labels(series) == dict(enumerate(texts(funnel.text)))
    # the steps shade from navy to teal in both
    theme = load_theme()
    for point, colour in enumerate(funnel.marker.color):
        fill = series.points[point].format.fill.fore_color
        expected = deck_colour(colour, theme)
        if expected.theme_colour is None:
            assert str(fill.rgb) == colour.removeprefix("#").upper()
        else:
            assert fill.theme_color == expected.theme_colour
    assert deck_colour(funnel.marker.color[0], theme).theme_colour == MSO_THEME_COLOR.ACCENT_1


def test_stages(drawn: Drawn) -> None:
    traces = bars(drawn.figures["pipeline_stages"])
    assert_same_bars(traces, drawn.chart("pipeline_stages"), horizontal=True)
    assert_same_colours(traces, drawn.chart("pipeline_stages"))


def test_pipeline_breakdown(drawn: Drawn) -> None:
    """The small multiples: a panel per pipeline in the figure, a slide's chart each in the
    deck, on one scale."""
    if "pipeline_breakdown" not in drawn.figures:
        pytest.skip("the deals are in one pipeline")
    figure, charts = drawn.figures["pipeline_breakdown"], drawn.charts["pipeline_breakdown"]
    panels: dict[str, list[Any]] = {}
    for trace in figure.data:
        panels.setdefault(trace.yaxis, []).append(trace)
    assert len(panels) == len(charts) == len(drawn.agenda.pipeline.pipelines)
    description = drawn.descriptions["pipeline_breakdown"]
    assert isinstance(description, Chart)
    assert [plotly_text(a.text) for a in figure.layout.annotations] == \
        [panel.title for panel in description.panels]
    for traces, chart in zip(panels.values(), charts, strict=True):
        assert_same_bars(traces, chart, horizontal=True)
    tops = {chart.value_axis.maximum_scale for chart in charts}
    assert len(tops) == 1  # one scale, so the pipelines compare


def test_channels(drawn: Drawn) -> None:
    """Meetings and revenue: two panels of one figure, two charts in the deck."""
    meetings, revenue = drawn.figures["channels"].data
    assert_same_bars([meetings], drawn.chart("channel_meetings"), horizontal=True)
    assert_same_bars([revenue], drawn.chart("channel_revenue"), horizontal=True)
    assert drawn.chart("channel_meetings").plots[0].series[0].name == meetings.name
    assert drawn.chart("channel_revenue").plots[0].series[0].name == revenue.name


@pytest.mark.parametrize("key", ["win_reasons", "loss_reasons"])
def test_reasons(drawn: Drawn, key: str) -> None:
    traces = bars(drawn.figures[key])
    assert_same_bars(traces, drawn.chart(key), horizontal=True)
    assert_same_colours(traces, drawn.chart(key))


def test_movement_waterfall(drawn: Drawn) -> None:
    """The same steps, amounts and signed labels: on the bars in the figure, under each name
    in the deck (a stacked chart cannot put labels outside its bars); each step in the colour
    of its news in both: wins and gains positive, losses negative."""
    if "pipeline_movement" not in drawn.figures:
        pytest.skip("no earlier snapshot to compare with")
    (waterfall,) = drawn.figures["pipeline_movement"].data
    chart = drawn.chart("pipeline_movement")
    description = drawn.descriptions["pipeline_movement"]
    assert isinstance(description, Chart) and description.panel.steps is not None
    steps = description.panel.steps
    names, labels = zip(*(c.rsplit("\n", 1) for c in chart.plots[0].categories), strict=True)
    assert [" ".join(n.split()) for n in names] == texts(waterfall.x)
    # the figure writes an amount over its unit: the same words on two lines
    assert [" ".join(label.split()) for label in labels] == \
        [" ".join(text.split()) for text in texts(waterfall.text)]
    _, total, good, bad = (list(s.values) for s in chart.plots[0].series)
    sizes = [next((v for v in column if v is not None), 0.0)
             for column in zip(total, good, bad, strict=True)]
    amounts = numbers(waterfall.y)
    assert sizes == pytest.approx([abs(v or 0.0) for v in amounts])
    assert all(label[0] in "+\u2212" or label.startswith("0")
               for label, is_total in zip(labels, steps.totals, strict=True) if not is_total)
    theme = load_theme()
    colours = list(waterfall.marker.color)
    assert colours == [steps.colour(i) for i in range(len(colours))]
    for index, (is_total, is_good) in enumerate(zip(steps.totals, steps.good, strict=True)):
        if is_total:
            assert total[index] is not None
        elif amounts[index]:
            assert (good if is_good else bad)[index] is not None
    won = drawn.agenda.movement and [b.key for b in drawn.agenda.movement.bars].index("won") + 1
    assert colours[won] == theme.colors["positive"]  # a win is good news, though it leaves
    assert (amounts[won] or 0.0) <= 0  # the open pipeline
    drawn_series = list(chart.plots[0].series)[1:]  # the base has no fill
    for series, colour in zip(drawn_series, (steps.total, steps.gain, steps.loss), strict=True):
        expected = deck_colour(colour, theme)
        assert series.format.fill.fore_color.theme_color == expected.theme_colour


def test_campaign_timeline(drawn: Drawn) -> None:
    """The same campaigns in the same order, the same date ticks and meeting marks."""
    figure = drawn.figures["campaigns"]
    shown = [shape.text_frame.text for shape in drawn.timeline if shape.has_text_frame
             and shape.text_frame.text]
    ticks = texts(figure.layout.xaxis.ticktext)
    names = texts(figure.layout.yaxis.categoryarray)
    marks = [plotly_text(a.text) for a in figure.layout.annotations]
    assert shown[:len(ticks)] == ticks
    rows = shown[len(ticks):len(ticks) + len(names)]
    assert rows == names[:len(rows)] and rows  # the deck shows the rows that fit its slide
    assert shown[len(ticks) + len(rows):len(ticks) + len(rows) + 2] == marks
    assert set(texts(t.name for t in figure.data)) <= set(shown[-3:])  # the legend


def test_descriptions_are_plain_data() -> None:
    """The description imports neither Plotly nor python-pptx."""
    code = ("import sys, report_builder.charts.describe; "
            "sys.exit(any(m in sys.modules for m in ('plotly', 'pptx')))")
    root = Path(__file__).parent.parent
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False,
                          env={**os.environ, "PYTHONPATH": str(root)}).returncode == 0


def test_descriptions_are_frozen(drawn: Drawn) -> None:
    description: Description = drawn.descriptions["pipeline_stages"]
    assert isinstance(description, Chart)
    with pytest.raises(AttributeError):
        description.key = "other"  # type: ignore[misc]
    assert isinstance(drawn.descriptions["campaigns"], Timeline)


def test_a_funnel_step_above_the_one_before_shows_its_count_alone() -> None:
    """The flow counts events in the period: 233 won against 7 quotes is a ratio of 3,329 %,
    which is no share; the step is labelled with its count alone, the others keep theirs."""
    agenda = sample_agenda("en")
    flow = (FunnelStep("lead", 0, None), FunnelStep("mql", 0, None), FunnelStep("sql", 0, None),
            FunnelStep("opportunity", 37, None), FunnelStep("quote", 7, 7 / 37),
            FunnelStep("won", 233, 233 / 7))
    agenda = dataclasses.replace(agenda, pipeline=dataclasses.replace(agenda.pipeline, flow=flow))
    context = render_context(agenda)
    chart = describe_charts(agenda, context.fmt, context.t, context.theme)["funnel_flow"]
    assert isinstance(chart, Chart)
    assert chart.panels[0].series[0].labels == ("0", "0", "0", "37", "7 (19%)", "233")
