"""What each point of the meeting says, in one or two sentences written from its figures.

The overview, the actions and the five points each open with these sentences in every format
(the HTML and PDF, the meeting deck's first slide of the point and its notes, the email), so
they are written once, here. Each sentence is chosen by its figures: ahead or behind, none, one
or many; a figure that would read wrong (a zero, a missing target) picks another sentence
rather than being printed. The words are the `summary_*` labels of report_builder/locales/.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from report_builder.formatting import Formatter
from report_builder.i18n import shown
from report_builder.model.agenda import (
    Agenda,
    CampaignRow,
    ReasonRow,
    SourceRow,
    TargetRow,
)
from report_builder.placeholders import NO_CHANNEL, NO_REASON, other_count
from report_builder.renderers.context import RenderContext
from report_builder.text_limits import NAME_LIMIT, clip

# An amount that ends a sentence in a dot (`8,1 mio. kr.`) ends it itself: no `kr..`.
_DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")
ACTIONS_LIMIT = 2 * NAME_LIMIT  # the characters of a campaign's sales actions a summary quotes
# the movement's waterfall bars a pipeline summary counts, in the order it names them
MOVED = ("won", "lost", "pushed", "pulled", "new", "deleted")


@dataclass(frozen=True)
class PointSummaries:
    """The opening sentences of the overview, the actions (None without an actions table) and
    the five points, in the pack's language."""

    overview: str
    actions: str | None
    targets: str
    pipeline: str
    sources: str
    customers: str
    campaigns: str


def point_summaries(agenda: Agenda, context: RenderContext) -> PointSummaries:
    """Every point's opening sentences for `agenda`, in the words and formats of `context`."""
    return _Writer(agenda, context.fmt, context.t, context.language).summaries()


class _Writer:
    def __init__(self, agenda: Agenda, fmt: Formatter, t: Callable[..., str],
                 language: str) -> None:
        self.agenda = agenda
        self.fmt = fmt
        self.label = t
        self.language = language

    def summaries(self) -> PointSummaries:
        return PointSummaries(overview=self.overview(), actions=self.actions(),
                              targets=self.targets(), pipeline=self.pipeline(),
                              sources=self.sources(), customers=self.customers(),
                              campaigns=self.campaigns())

    # -- words ------------------------------------------------------------------------------
    def t(self, key: str, **values: object) -> str:
        return self.label(f"summary_{key}", **values)

    def counted(self, key: str, count: int, **values: object) -> str:
        """The `_one` or `_many` form of a label by `count` (with `count` filled in)."""
        form = "one" if count == 1 else "many"
        return self.t(f"{key}_{form}", count=self.fmt.count(count), **values)

    def listed(self, items: Sequence[str]) -> str:
        """`a, b and c` in the pack's language."""
        if len(items) < 2:
            return "".join(items)
        return self.t("and", first=", ".join(items[:-1]), last=items[-1])

    def money(self, value: float) -> str:
        return self.fmt.money_short(value, one_decimal=True)

    # -- points -----------------------------------------------------------------------------
    def overview(self) -> str:
        """Where the quarter stands against its target, then what came in since the last
        meeting."""
        c = self.agenda.targets.company
        first = self.clauses(self.standing(c), self.forecast(c))
        cu = self.agenda.customers
        meetings = self.headline_count("meetings_booked")
        items = []
        if cu.won_count:
            items.append(self.counted("overview_won", cu.won_count, value=self.money(cu.won_value)))
        if cu.new_customers:
            items.append(self.counted("overview_new_customers", cu.new_customers))
        if meetings:
            items.append(self.counted("overview_meetings", meetings))
        second = self.t("overview_since", items=self.listed(items)) if items \
            else self.t("overview_since_nothing")
        whole = self.agenda.company_targets  # a team's or seller's pack: the company's standing
        third = "" if whole is None else self.clauses(
            self.t("overview_company", company=self.agenda.company,
                   standing=self.standing(whole)), self.forecast(whole))
        return self.joined(first, self.stop(second), third)

    def standing(self, c: TargetRow) -> str:
        """Where a targets row stands against its quarter's target."""
        if c.target is not None and c.expected_to_date is not None and c.target > 0:
            expected = self.fmt.percent(c.expected_to_date / c.target)
            return self.t("overview_won_target", attainment=self.fmt.percent(c.attainment),
                          pace=self.pace(c, short=True), expected=expected) \
                if c.won > 0 else self.t("overview_nothing_won_target", expected=expected)
        return self.t("overview_won_no_target", won=self.money(c.won)) \
            if c.won > 0 else self.t("overview_nothing_won_no_target")

    def headline_count(self, key: str) -> int:
        found = [h.value for h in self.agenda.headline if h.key == key]
        return int(found[0]) if found and found[0] is not None else 0

    def actions(self) -> str | None:
        ac = self.agenda.actions
        if ac is None:
            return None
        due, done = ac.due_since_count, ac.due_since_done
        if not due:
            first = self.t("actions_none_due")
        elif done == due:
            first = self.counted("actions_all_done", due)
        elif not done:
            first = self.counted("actions_none_done", due)
        else:
            first = self.t("actions_some_done", done=self.fmt.count(done),
                           due=self.fmt.count(due))
        open_, overdue = ac.open_count, ac.overdue_count
        if not open_:
            second = self.t("actions_none_open")
        elif not overdue:
            second = self.counted("actions_open_on_time", open_)
        elif overdue == open_:
            second = self.counted("actions_open_all_overdue", open_)
        else:
            second = self.t("actions_open_some_overdue", count=self.fmt.count(open_),
                            overdue=self.fmt.count(overdue))
        return self.clauses(first, second)

    def targets(self) -> str:
        """Won against the target on the day of the quarter, the pace and the forecast."""
        ts = self.agenda.targets
        c = ts.company
        day = {"day": self.fmt.count(ts.days_elapsed), "days": self.fmt.count(ts.days_total)}
        if c.target is not None and c.target > 0:
            target = self.money(c.target)
            if c.won >= c.target:
                won = self.t("targets_reached", won=self.money(c.won), target=target, **day)
            elif c.won > 0:
                won = self.t("targets_won", won=self.money(c.won), target=target, **day)
            else:
                won = self.t("targets_nothing_won", target=target, **day)
            pace = self.pace(c)
            return self.clauses(f"{won}: {pace}" if pace and c.won < c.target else won,
                                self.forecast(c))
        won = self.t("targets_won_no_target", won=self.money(c.won), **day) if c.won > 0 \
            else self.t("targets_nothing_won_no_target", **day)
        return self.clauses(won, self.forecast(c))

    def pace(self, row: TargetRow, *, short: bool = False) -> str:
        """`€2.1M behind the pace`, `€0.3M ahead of the pace`, `on pace` (with `short`, without
        the amount); empty without a target."""
        if row.ahead_of_pace is None:
            return ""
        if round(row.ahead_of_pace) == 0:
            return self.t("pace_on")
        side = "ahead" if row.ahead_of_pace > 0 else "behind"
        if short:
            return self.t(f"pace_{side}")
        return self.t(f"pace_{side}_by", amount=self.money(abs(row.ahead_of_pace)))

    def forecast(self, row: TargetRow) -> str:
        if row.forecast <= 0:
            return self.t("forecast_nothing")
        if row.forecast_attainment is not None:
            return self.t("forecast_of_target", forecast=self.fmt.percent(row.forecast_attainment))
        return self.t("forecast_value", forecast=self.money(row.forecast))

    def pipeline(self) -> str:
        """The quarter's open pipeline and how it moved since the earlier snapshot, then the
        overdue deals."""
        p, mv = self.agenda.pipeline, self.agenda.movement
        if p.quarter_open_count:
            first = self.counted("pipeline_open", p.quarter_open_count,
                                 value=self.money(p.quarter_open_value),
                                 weighted=self.money(p.quarter_open_weighted))
        else:
            first = self.t("pipeline_none_open")
        if mv is not None:
            # since the earlier meeting's date, or in the deals file compared to
            since = {"date": self.fmt.date(mv.previous_date)} if mv.previous_date \
                else {"file": clip(mv.compared_to)}
            file = "" if mv.previous_date else "_file"
            if round(mv.end_value) == round(mv.start_value):
                moved = self.t(f"pipeline_unchanged{file}", **since)
            else:
                side = "up" if mv.end_value > mv.start_value else "down"
                moved = self.t(f"pipeline_{side}{file}", start=self.money(mv.start_value),
                               **since)
            deals = {b.key: b.deals for b in mv.bars}
            items = [self.counted(f"moved_{key}", deals[key]) for key in MOVED if deals.get(key)]
            first = f"{first}, {moved}" + (f": {', '.join(items)}" if items else "")
        overdue = p.overdue_count
        second = self.counted("pipeline_overdue", overdue, value=self.money(p.overdue_value)) \
            if overdue else self.t("pipeline_none_overdue")
        return self.joined(self.stop(first), self.stop(second))

    def sources(self) -> str:
        """Which channel brought the most meetings and which the most revenue, in the window."""
        s = self.agenda.sources
        days = self.fmt.days((s.window_end - s.window_start).days + 1)
        named = [r for r in s.channels if _is_a_channel(r)]
        by_meetings = _most(named, lambda r: r.meetings)
        by_revenue = _most(named, lambda r: r.revenue)
        if by_meetings is None and by_revenue is None:
            return self.stop(self.t("sources_nothing", days=days))
        if by_revenue is None:
            assert by_meetings is not None
            return self.stop(self.t("sources_meetings_only", name=self.name(by_meetings.name),
                                    meetings=self.fmt.count(by_meetings.meetings), days=days))
        if by_meetings is None:
            return self.stop(self.t("sources_revenue_only", name=self.name(by_revenue.name),
                                    revenue=self.money(by_revenue.revenue), days=days))
        if by_meetings is by_revenue:
            return self.stop(self.t("sources_same", name=self.name(by_meetings.name),
                                    meetings=self.fmt.count(by_meetings.meetings),
                                    revenue=self.money(by_revenue.revenue), days=days))
        return self.stop(self.t("sources_both", meetings_name=self.name(by_meetings.name),
                                meetings=self.fmt.count(by_meetings.meetings),
                                revenue_name=self.name(by_revenue.name),
                                revenue=self.money(by_revenue.revenue), days=days))

    def customers(self) -> str:
        """New customers and the deals won since the last meeting, then why we win and lose
        this quarter."""
        c = self.agenda.customers
        if c.won_count:
            new = self.counted("new_customers", c.new_customers) if c.new_customers \
                else self.t("new_customers_none")
            first = self.clauses(new, self.counted("won_deals", c.won_count,
                                                   value=self.money(c.won_value)))
        else:
            first = self.stop(self.t("won_none"))
        win, loss = _top_reason(c.win_reasons), _top_reason(c.loss_reasons)
        if win and loss:
            second = self.t("reasons_both", win=self.name(win.reason),
                            win_share=self.fmt.percent(win.share), loss=self.name(loss.reason),
                            loss_share=self.fmt.percent(loss.share))
        elif win:
            second = self.t("reasons_win", win=self.name(win.reason),
                            win_share=self.fmt.percent(win.share))
        elif loss:
            second = self.t("reasons_loss", loss=self.name(loss.reason),
                            loss_share=self.fmt.percent(loss.share))
        else:
            return first
        return self.joined(first, self.stop(second))

    def campaigns(self) -> str:
        """The campaigns running and starting, then what sales must do: the campaigns that do
        not say yet, else the next one to start."""
        cs = self.agenda.campaigns
        horizon = self.fmt.date(cs.horizon_end)
        running = [r for r in cs.upcoming if r.status == "running"]
        starting = [r for r in cs.upcoming if r.status == "starting"]
        parts = []
        if running:
            parts.append(self.counted("campaigns_running", len(running)))
        if starting:
            parts.append(self.counted("campaigns_starting", len(starting), date=horizon))
        if not parts:
            return self.stop(self.t("campaigns_none", date=horizon))
        first = self.stop(self.listed(parts))
        missing = [r for r in cs.upcoming if not r.sales_actions]
        if missing and len(cs.upcoming) == 1:
            second = self.t("campaigns_it_says_nothing")
        elif missing:
            second = self.counted("campaigns_say_nothing", len(missing))
        elif starting:
            second = self.next_campaign(min(starting, key=lambda r: r.start_date))
        elif len(running) == 1:
            second = self.t("campaigns_it_says", actions=self.actions_text(running[0]))
        else:
            second = self.t("campaigns_each_says")
        return self.joined(first, self.stop(second))

    def next_campaign(self, row: CampaignRow) -> str:
        return self.t("campaigns_next", date=self.fmt.date(row.start_date),
                      name=clip(row.name), actions=self.actions_text(row))

    def actions_text(self, row: CampaignRow) -> str:
        return clip((row.sales_actions or "").strip().rstrip("."), ACTIONS_LIMIT)

    # -- sentences --------------------------------------------------------------------------
    def name(self, value: str) -> str:
        return shown(value, self.language) or ""

    def clauses(self, first: str, second: str) -> str:
        """Two clauses as one sentence: `first; second.`"""
        return self.stop(f"{first}; {second}")

    @staticmethod
    def stop(text: str) -> str:
        """`text` as a sentence: a full stop at the end, one only (the labels that open a
        sentence start with a capital; a name from the data is left as it is written)."""
        return _DOUBLE_STOP.sub(".", text if text.endswith((".", "!", "?")) else f"{text}.")

    @staticmethod
    def joined(*sentences: str) -> str:
        return " ".join(s for s in sentences if s)


def _is_a_channel(row: SourceRow) -> bool:
    """A named channel, not the folded "Other" row or the leads without a channel."""
    return not row.others and row.name != NO_CHANNEL and other_count(row.name) is None


def _most(rows: Sequence[SourceRow], figure: Callable[[SourceRow], float]) -> SourceRow | None:
    """The first row with the highest figure, when that is above 0."""
    best = max(rows, key=figure, default=None)
    return best if best is not None and figure(best) > 0 else None


def _top_reason(reasons: Sequence[ReasonRow]) -> ReasonRow | None:
    """The most common reason given (not "no reason given", not the folded rest)."""
    given = [r for r in reasons if r.reason != NO_REASON and not r.others and r.count]
    return max(given, key=lambda r: r.count, default=None)
