"""What each chart of the pack shows, as pure data: described once (charts/describe.py), drawn
twice (charts/figures.py with Plotly for the HTML and PDF, decks/charts.py and decks/timeline.py
as native PowerPoint).

A description holds what a reader takes from the chart: the names as the pack shows them, the
values, each value's label as the Formatter writes it, and the theme's colours. How it is laid
out (orientation, sizes, fonts, margins, axis ticks, hover text, where a label sits) is each
drawer's choice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Kind = Literal[
    "bars",  # grouped bars: each series a bar per category
    "bullet",  # stacked bars (the series add up) with a target marker per category
    "funnel",  # one series of steps, each narrower than the last
    "waterfall",  # a start total, signed steps, an end total
]
AxisKind = Literal["money", "count"]  # what the value axis measures (how drawers format it)


@dataclass(frozen=True)
class Series:
    """One series of values, a value (or None: nothing drawn) per category."""

    name: str
    values: tuple[float | None, ...]
    labels: tuple[str, ...]  # each value as the chart writes it on its bar
    colour: str  # hex, from the theme
    point_colours: tuple[str, ...] = ()  # a colour per value where they differ (the funnel)
    details: tuple[str, ...] = ()  # a second text per value (a reason's deal value)


@dataclass(frozen=True)
class Markers:
    """A mark per category across the bars (a bullet's targets); None where there is none."""

    name: str
    values: tuple[float | None, ...]
    labels: tuple[str, ...]
    colour: str


@dataclass(frozen=True)
class Steps:
    """A waterfall's points: which are totals (the first and the last), the others are
    signed steps; which steps are good news (a gain or a win, though a win leaves the open
    pipeline) and the colours of totals, good news and bad news. The series' point_colours
    give each point its colour from these."""

    totals: tuple[bool, ...]
    good: tuple[bool, ...]  # per point; False for the totals
    total: str
    gain: str  # the theme's positive colour
    loss: str  # the theme's negative colour

    def colour(self, index: int) -> str:
        return self.total if self.totals[index] else self.gain if self.good[index] else self.loss


@dataclass(frozen=True)
class Panel:
    """One plot of a chart: its categories and the series over them."""

    title: str  # "" for a chart of one panel
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    axis: AxisKind
    stacked: bool = False  # the series add up (a bullet's), else they stand side by side
    markers: Markers | None = None  # a bullet's targets
    steps: Steps | None = None  # a waterfall's totals and colours

    def top(self) -> float:
        """The largest value drawn: a bar, a stack of bars, a marker or a waterfall's level."""
        if self.steps is not None:
            level, tops = 0.0, [0.0]
            for index, value in enumerate(self.series[0].values):
                level = (value or 0.0) if self.steps.totals[index] else level + (value or 0.0)
                tops.append(level)
            return max(tops)
        columns = zip(*(s.values for s in self.series), strict=True)
        if self.stacked:
            heights = [sum(v or 0.0 for v in column) for column in columns]
        else:
            heights = [v for column in columns for v in column if v is not None]
        if self.markers is not None:
            heights += [v for v in self.markers.values if v is not None]
        return max([*heights, 0.0])


@dataclass(frozen=True)
class Chart:
    """A chart of one or more panels (small multiples, or two measures side by side)."""

    key: str
    kind: Kind
    panels: tuple[Panel, ...]
    shared_scale: bool = False  # the panels share one value scale, so they compare

    @property
    def panel(self) -> Panel:
        """The first (for most charts, the only) panel."""
        return self.panels[0]

    def top(self) -> float:
        """The largest value drawn in any panel (the shared scale's top)."""
        return max([p.top() for p in self.panels] + [0.0])


@dataclass(frozen=True)
class TimelineBar:
    """One campaign from its first to its last day."""

    name: str
    start: dt.date
    end: dt.date
    status: str  # ended, running or starting
    dates: str  # its first and last day as the pack writes them


@dataclass(frozen=True)
class Status:
    key: str
    label: str
    colour: str


@dataclass(frozen=True)
class Tick:
    day: dt.date
    label: str


@dataclass(frozen=True)
class Mark:
    """A line across the time axis (this meeting, the next)."""

    day: dt.date
    label: str
    dashed: bool


@dataclass(frozen=True)
class Timeline:
    """Campaigns on a time axis from `start` to `end` (both drawn), in start order."""

    key: str
    bars: tuple[TimelineBar, ...]
    statuses: tuple[Status, ...]  # every status, in the legend's order
    start: dt.date
    end: dt.date
    ticks: tuple[Tick, ...]
    marks: tuple[Mark, ...]
    mark_colour: str

    def colour(self, status: str) -> str:
        return next(s.colour for s in self.statuses if s.key == status)


Description = Chart | Timeline
