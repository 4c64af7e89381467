"""The figures carry the Agenda's numbers, labelled through the Formatter and the labels."""

from __future__ import annotations

import dataclasses

import plotly.graph_objects as go
import pytest

from report_builder.charts.figures import FIGURE_KEYS, build_figures
from report_builder.formatting import Formatter
from report_builder.i18n import labels
from report_builder.model.agenda import Agenda
from report_builder.theme import load_theme
from tests.sample_agenda import sample_agenda

MS_PER_DAY = 86_400_000


@pytest.fixture(scope="module")
def agenda() -> Agenda:
    return sample_agenda("en")


@pytest.fixture(scope="module")
def fmt(agenda: Agenda) -> Formatter:
    return Formatter(agenda.locale, agenda.currency)


@pytest.fixture(scope="module")
def figures(agenda: Agenda, fmt: Formatter) -> dict[str, go.Figure]:
    return build_figures(agenda, fmt)


def test_figure_keys_are_stable(figures: dict[str, go.Figure]) -> None:
    assert tuple(figures) == FIGURE_KEYS
    assert FIGURE_KEYS == ("targets_company", "targets_teams", "funnel_flow", "funnel_cohort",
                           "pipeline_stages", "channels", "win_reasons", "loss_reasons",
                           "campaigns")
    assert all(isinstance(f, go.Figure) for f in figures.values())


def test_targets_company(figures: dict[str, go.Figure], agenda: Agenda, fmt: Formatter) -> None:
    won, weighted, target = figures["targets_company"].data
    c = agenda.targets.company
    assert list(won.x) == [c.won]
    assert list(weighted.x) == [c.weighted_pipeline]
    assert list(target.x) == [c.target]
    assert list(won.text) == [fmt.money_short(c.won)]
    assert list(won.customdata) == [fmt.money(c.won)]


def test_targets_teams(figures: dict[str, go.Figure], agenda: Agenda) -> None:
    figure = figures["targets_teams"]
    won, weighted, target = figure.data
    teams = agenda.targets.teams
    assert list(figure.layout.yaxis.ticktext) == list(won.hovertext) == [t.name for t in teams]
    assert list(won.y) == list(range(len(teams)))
    # each name over its bar, inside the plot: its tick at the bar's top edge
    assert list(figure.layout.yaxis.tickvals) == [row - won.width / 2 for row in won.y]
    assert figure.layout.yaxis.ticklabelposition == "inside top"
    # each target's marker sits above its bar, in the gap between the rows
    assert all(row - won.width / 2 > mark > row - 1 + won.width / 2
               for row, mark in zip(won.y, target.y, strict=True))
    assert list(won.x) == [t.won for t in teams]
    assert list(weighted.x) == [t.weighted_pipeline for t in teams]
    assert list(target.x) == [t.target for t in teams]


def test_money_axis_ticks_come_from_the_formatter(figures: dict[str, go.Figure],
                                                  fmt: Formatter) -> None:
    axis = figures["targets_company"].layout.xaxis
    assert list(axis.ticktext) == [fmt.money_short(v) for v in axis.tickvals]
    assert axis.tickvals[-1] >= 4_800_000


@pytest.mark.parametrize(("key", "attr"), [("funnel_flow", "flow"), ("funnel_cohort", "cohort")])
def test_funnels(figures: dict[str, go.Figure], agenda: Agenda, fmt: Formatter, key: str,
                 attr: str) -> None:
    steps = getattr(agenda.pipeline, attr)
    (funnel,) = figures[key].data
    assert funnel.type == "funnel"
    assert list(funnel.x) == [s.count for s in steps]
    en = labels("en")
    assert list(funnel.y) == [en[f"step_{s.step}"] for s in steps]
    assert funnel.text[0] == fmt.count(steps[0].count)
    assert funnel.text[1] == f"{fmt.count(steps[1].count)} ({fmt.percent(steps[1].conversion)})"


def test_pipeline_stages(figures: dict[str, go.Figure], agenda: Agenda) -> None:
    value, weighted = figures["pipeline_stages"].data
    stages = agenda.pipeline.stages
    assert value.orientation == "h"  # across the page: room for every label after its bar
    assert list(value.y) == [s.stage for s in stages]
    assert list(value.x) == [s.value for s in stages]
    assert list(weighted.x) == [s.weighted_value for s in stages]


def test_channels_are_judged_on_meetings_and_revenue(figures: dict[str, go.Figure],
                                                     agenda: Agenda) -> None:
    meetings, revenue = figures["channels"].data
    channels = agenda.sources.channels
    assert list(meetings.x) == [c.meetings for c in channels]
    assert list(revenue.x) == [c.revenue for c in channels]
    # the model's "(none)" channel is shown in the pack's language
    assert list(meetings.y)[-1] == labels("en")["no_channel"]
    assert list(meetings.y)[:-1] == [c.name for c in channels[:-1]]


@pytest.mark.parametrize("attr", ["win_reasons", "loss_reasons"])
def test_reasons(figures: dict[str, go.Figure], agenda: Agenda, attr: str) -> None:
    rows = getattr(agenda.customers, attr)
    (bars,) = figures[attr].data
    assert list(bars.x) == [r.count for r in rows]
    assert len(bars.y) == len(rows)


def test_campaign_timeline(figures: dict[str, go.Figure], agenda: Agenda) -> None:
    fig = figures["campaigns"]
    # names are drawn as text: `Aarhus & Odense` is written `Aarhus &amp; Odense` for Plotly
    campaigns = {c.name.replace("&", "&amp;"): c
                 for c in agenda.campaigns.upcoming + agenda.campaigns.ended}
    drawn = 0
    for trace in fig.data:
        for name, base, width in zip(trace.y, trace.base, trace.x, strict=True):
            c = campaigns[name]
            assert base == c.start_date.isoformat()
            assert width == ((c.end_date - c.start_date).days + 1) * MS_PER_DAY
            drawn += 1
    assert drawn == len(campaigns)
    lines = [s.x0 for s in fig.layout.shapes]
    assert lines == [agenda.as_of.isoformat(), agenda.next_meeting.isoformat()]


def test_danish_labels_and_separators() -> None:
    agenda = sample_agenda("da")
    fmt = Formatter(agenda.locale, agenda.currency)
    figures = build_figures(agenda, fmt)
    assert figures["funnel_flow"].data[0].y[0] == labels("da")["step_lead"]
    assert figures["channels"].layout.separators == ",."
    assert "kr." in figures["targets_company"].layout.xaxis.ticktext[-1]


def test_figures_are_deterministic(agenda: Agenda, fmt: Formatter) -> None:
    first = {k: f.to_json() for k, f in build_figures(agenda, fmt).items()}
    second = {k: f.to_json() for k, f in build_figures(agenda, fmt).items()}
    assert first == second


def test_one_palette(figures: dict[str, go.Figure]) -> None:
    colors = load_theme().colors
    assert figures["targets_company"].data[0].marker.color == colors["navy"]
    assert figures["loss_reasons"].data[0].marker.color == colors["red"]


def test_empty_sections_still_give_every_figure(agenda: Agenda, fmt: Formatter) -> None:
    empty = dataclasses.replace(
        agenda,
        targets=dataclasses.replace(agenda.targets, teams=()),
        pipeline=dataclasses.replace(agenda.pipeline, stages=()),
        sources=dataclasses.replace(agenda.sources, channels=()),
        customers=dataclasses.replace(agenda.customers, win_reasons=(), loss_reasons=()),
        campaigns=dataclasses.replace(agenda.campaigns, upcoming=(), ended=()),
    )
    figures = build_figures(empty, fmt)
    assert tuple(figures) == FIGURE_KEYS
    assert figures["campaigns"].data == ()
