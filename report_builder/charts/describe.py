"""Each chart of the pack described once from the agenda (charts/description.py): the shown
names, the values, the labels as the Formatter writes them and the theme's colours.

charts/figures.py draws these with Plotly (the HTML and the PDF), decks/charts.py and
decks/timeline.py as native PowerPoint (the meeting deck), so every format shows the same
names, numbers and labels.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence

from report_builder.charts.description import (
    Chart,
    Description,
    Mark,
    Markers,
    Panel,
    Series,
    Status,
    Steps,
    Tick,
    Timeline,
    TimelineBar,
)
from report_builder.formatting import Formatter
from report_builder.i18n import shown
from report_builder.model.agenda import (
    Agenda,
    CampaignRow,
    FunnelStep,
    ReasonRow,
    StageRow,
    TargetRow,
)
from report_builder.theme import Theme

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
MOVEMENT_KEY = "pipeline_movement"  # the waterfall: only when the agenda has a movement
BREAKDOWN_KEY = "pipeline_breakdown"  # small multiples: only when the deals span pipelines
MINUS = "\u2212"
# the waterfall's steps that are good news, whatever their sign: the others are bad news
GOOD_NEWS = frozenset({"new", "increased", "won", "pulled"})


def figure_keys(agenda: Agenda) -> tuple[str, ...]:
    """The keys of the charts this agenda has: FIGURE_KEYS, then the per-pipeline small
    multiples and the movement waterfall when the agenda has them."""
    return (FIGURE_KEYS + ((BREAKDOWN_KEY,) if agenda.pipeline.pipelines else ())
            + ((MOVEMENT_KEY,) if agenda.movement is not None else ()))


def describe_charts(agenda: Agenda, fmt: Formatter, t: Callable[..., str],
                    theme: Theme) -> dict[str, Description]:
    """Every chart of the pack, keyed by figure_keys(agenda) (in that order)."""
    describe = ChartDescriber(agenda, fmt, t, theme)
    return {key: getattr(describe, key)() for key in figure_keys(agenda)}


class ChartDescriber:
    """One method per chart key, each describing that chart from the agenda."""

    def __init__(self, agenda: Agenda, fmt: Formatter, t: Callable[..., str],
                 theme: Theme) -> None:
        self.agenda = agenda
        self.fmt = fmt
        self.t = t
        self.c = theme.colors

    def name(self, value: str) -> str:
        """A category name as shown: the model's placeholders in the pack's language, white
        space (newlines too) as single spaces, so only a drawer breaks lines."""
        return " ".join((shown(value, self.agenda.language) or "").split())

    def money(self, values: Sequence[float | None]) -> tuple[str, ...]:
        return tuple(self.fmt.money_short(v) for v in values)

    # -- 1 targets ---------------------------------------------------------------------------
    def targets_company(self) -> Chart:
        return self._bullet("targets_company", [self.agenda.targets.company])

    def targets_teams(self) -> Chart:
        return self._bullet("targets_teams", self.agenda.targets.teams)

    def _bullet(self, key: str, rows: Sequence[TargetRow]) -> Chart:
        """Won and the weighted pipeline stacked (together the forecast), the target marked."""
        won = tuple(r.won for r in rows)
        weighted = tuple(r.weighted_pipeline for r in rows)
        targets = tuple(r.target for r in rows)
        return Chart(key, "bullet", (Panel(
            "", tuple(self.name(r.name) for r in rows), (
                Series(self.t("won"), won, self.money(won), self.c["navy"]),
                Series(self.t("weighted_pipeline"), weighted, self.money(weighted),
                       self.c["teal_light"])),
            "money", stacked=True, markers=Markers(self.t("target"), targets, self.money(targets),
                                     self.c["amber"])),))

    # -- 2 pipeline --------------------------------------------------------------------------
    def funnel_flow(self) -> Chart:
        return self._funnel("funnel_flow", self.agenda.pipeline.flow)

    def funnel_cohort(self) -> Chart:
        return self._funnel("funnel_cohort", self.agenda.pipeline.cohort)

    def _funnel(self, key: str, steps: Sequence[FunnelStep]) -> Chart:
        """Each step's count, labelled with its conversion from the step before; the steps
        shade from navy to teal. A conversion above 100 % (the flow counts events in the
        period, so a step may count more than the one before it) is no share of anything: that
        step shows its count alone (the JSON keeps the ratio)."""
        labels = tuple(self.fmt.count(s.count) if s.conversion is None or s.conversion > 1
                       else f"{self.fmt.count(s.count)} ({self.fmt.percent(s.conversion)})"
                       for s in steps)
        return Chart(key, "funnel", (Panel(
            "", tuple(self.t(f"step_{s.step}") for s in steps), (
                Series(self.t(key), tuple(s.count for s in steps), labels, self.c["navy"],
                       point_colours=gradient(self.c["navy"], self.c["teal"], len(steps))),),
            "count"),))

    def pipeline_stages(self) -> Chart:
        return Chart("pipeline_stages", "bars", (self._stages("", self.agenda.pipeline.stages),))

    def pipeline_breakdown(self) -> Chart:
        """Small multiples: each pipeline's stages on one money scale, so they compare."""
        return Chart(BREAKDOWN_KEY, "bars", tuple(
            self._stages(self.name(p.pipeline), p.stages) for p in self.agenda.pipeline.pipelines),
            shared_scale=True)

    def _stages(self, title: str, stages: Sequence[StageRow]) -> Panel:
        value = tuple(s.value for s in stages)
        weighted = tuple(s.weighted_value for s in stages)
        return Panel(title, tuple(self.name(s.stage) for s in stages), (
            Series(self.t("open_value"), value, self.money(value), self.c["navy"]),
            Series(self.t("weighted_value"), weighted, self.money(weighted), self.c["teal"])),
            "money")

    def pipeline_movement(self) -> Chart:
        """The quarter's open pipeline then, each signed step of the movement, and now; the
        steps coloured as news: gains and wins positive (a win leaves the open pipeline, yet
        it is the best news of all), losses, pushes and deletions negative."""
        mv = self.agenda.movement
        assert mv is not None
        names = (self.t("movement_start"), *(self.t(f"movement_{b.key}") for b in mv.bars),
                 self.t("movement_end"))
        values = (mv.start_value, *(b.amount for b in mv.bars), mv.end_value)
        totals = (True, *(False for _ in mv.bars), True)
        good = (False, *(b.key in GOOD_NEWS for b in mv.bars), False)
        labels = tuple(self.fmt.money_short(v) if total else self.signed_money(v)
                       for v, total in zip(values, totals, strict=True))
        steps = Steps(totals, good, self.c["navy"], self.c["positive"], self.c["negative"])
        return Chart(MOVEMENT_KEY, "waterfall", (Panel(
            "", names, (Series(self.t("open_pipeline"), values, labels, self.c["navy"],
                               point_colours=tuple(steps.colour(i) for i in range(len(values)))),),
            "money", steps=steps),))

    def signed_money(self, value: float) -> str:
        """`+1,2 mio. kr.`, `−86 t kr.` (a true minus), `0 kr.`: a step of the waterfall."""
        sign = "+" if value > 0 else MINUS if value < 0 else ""
        return sign + self.fmt.money_short(abs(value))

    # -- 3 sources ---------------------------------------------------------------------------
    def channels(self) -> Chart:
        """Each channel judged on meetings and on revenue: two panels over the channels."""
        rows = self.agenda.sources.channels
        names = tuple(self.name(r.name) for r in rows)
        meetings = tuple(r.meetings for r in rows)
        revenue = tuple(r.revenue for r in rows)
        return Chart("channels", "bars", (
            Panel(self.t("meetings"), names, (
                Series(self.t("meetings"), meetings, tuple(self.fmt.count(v) for v in meetings),
                       self.c["teal"]),), "count"),
            Panel(self.t("revenue"), names, (
                Series(self.t("revenue"), revenue, self.money(revenue), self.c["navy"]),),
                "money")))

    # -- 4 customers -------------------------------------------------------------------------
    def win_reasons(self) -> Chart:
        return self._reasons("win_reasons", self.agenda.customers.win_reasons, self.c["teal"])

    def loss_reasons(self) -> Chart:
        return self._reasons("loss_reasons", self.agenda.customers.loss_reasons, self.c["red"])

    def _reasons(self, key: str, rows: Sequence[ReasonRow], colour: str) -> Chart:
        """Deals by reason, labelled with their share; each reason's deal value beside."""
        labels = tuple(f"{self.fmt.count(r.count)} ({self.fmt.percent(r.share)})"
                       for r in rows)
        return Chart(key, "bars", (Panel(
            "", tuple(self.name(r.reason) for r in rows), (
                Series(self.t("deals"), tuple(r.count for r in rows), labels, colour,
                       details=tuple(self.fmt.money(r.value) for r in rows)),),
            "count"),))

    # -- 5 campaigns -------------------------------------------------------------------------
    def campaigns(self) -> Timeline:
        return self.timeline(timeline_rows(self.agenda))

    def timeline(self, rows: Sequence[CampaignRow]) -> Timeline:
        """`rows` on a time axis from a few days before the first (or this meeting) to a few
        days after the last (or the next meeting), with this meeting and the next marked."""
        a = self.agenda
        start = min([r.start_date for r in rows] + [a.as_of]) - dt.timedelta(days=3)
        end = max([r.end_date for r in rows] + [a.next_meeting]) + dt.timedelta(days=4)
        colours = {"ended": self.c["muted"], "running": self.c["teal"],
                   "starting": self.c["navy"]}
        return Timeline(
            "campaigns",
            tuple(TimelineBar(self.name(r.name), r.start_date, r.end_date, r.status,
                              f"{self.fmt.date(r.start_date)} \u2013 {self.fmt.date(r.end_date)}")
                  for r in rows),
            tuple(Status(key, self.t(f"status_{key}"), colour) for key, colour in colours.items()),
            start, end,
            tuple(Tick(day, self.fmt.day_month(day)) for day in date_ticks(start, end)),
            (Mark(a.as_of, self.t("this_meeting"), False),
             Mark(a.next_meeting, self.t("next_meeting"), True)),
            self.c["amber"])


def timeline_rows(agenda: Agenda) -> list[CampaignRow]:
    """The campaigns on the timeline: ended since the last meeting, running and starting, in
    start order."""
    section = agenda.campaigns
    return sorted(section.ended + section.upcoming, key=lambda r: (r.start_date, r.name))


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


def gradient(start: str, end: str, n: int) -> tuple[str, ...]:
    """n colours evenly from `start` to `end` (hex)."""
    a = [int(start[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(end[i:i + 2], 16) for i in (1, 3, 5)]
    out = []
    for k in range(n):
        f = k / (n - 1) if n > 1 else 0.0
        out.append("#" + "".join(f"{round(x + (y - x) * f):02x}"
                                 for x, y in zip(a, b, strict=True)))
    return tuple(out)
