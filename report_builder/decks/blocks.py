"""The meeting deck's tables, from the agenda: the same columns as the HTML and PDF tables.

Every cell is formatted by the Formatter; the model's placeholders (`(none)`) are shown in the
pack's language. Lists the model caps (overdue, stale and won deals) say how many they show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TypeVar

from report_builder.decks.notes import SpeakerNotes
from report_builder.decks.tables import Column, TableBlock
from report_builder.formatting import MISSING, Formatter
from report_builder.i18n import note_text, shown
from report_builder.model.agenda import (
    ActionRow,
    Agenda,
    DealRow,
    MovementRow,
    SourceRow,
    TargetRow,
)

T = TypeVar("T")

SEPARATORS = (" \u2013 ", " - ", " \u2014 ", ": ", " | ")


def deal_label(deal: DealRow) -> str:
    """The deal's name without the account it starts with (`Acme – Pro` -> `Pro`), since the
    account has its own column."""
    for separator in SEPARATORS:
        prefix = f"{deal.account}{separator}"
        if deal.name.startswith(prefix) and len(deal.name) > len(prefix):
            return deal.name[len(prefix):]
    return deal.name



def then_now_text(then: T | None, now: T | None, show: Callable[[T | None], str]) -> str:
    """`then → now`, or just one of them where the other is unknown or the same."""
    if then is None or then == now:
        return show(now)
    if now is None:
        return f"{show(then)} → {MISSING}"
    return f"{show(then)} → {show(now)}"

class Blocks:
    def __init__(self, agenda: Agenda, fmt: Formatter, t: Callable[..., str],
                 notes: SpeakerNotes) -> None:
        self.agenda = agenda
        self.fmt = fmt
        self.t = t
        self.notes = notes

    def name(self, value: str | None) -> str:
        return MISSING if value is None else (shown(value, self.agenda.language) or "")

    def shown_of(self, shown_rows: int, total: int) -> str | None:
        if shown_rows >= total:
            return None
        return self.t("showing_n_of_total", shown=self.fmt.count(shown_rows),
                      total=self.fmt.count(total))

    def dates(self, start: dt.date, end: dt.date) -> str:
        return self.fmt.date_range(start, end)

    # -- the actions from the last meeting -------------------------------------------------------
    def actions(self) -> list[TableBlock]:
        """Due since the last meeting, open (overdue marked) and closed since, as on the page."""
        ac, t = self.agenda.actions, self.t
        if ac is None:
            return []
        notes = tuple(self.notes.actions())
        blocks = []
        for key, rows, closed in (("actions_due_since", ac.due_since, False),
                                  ("actions_open", ac.open, False),
                                  ("actions_closed_since", ac.closed_since, True)):
            if not rows:
                continue
            columns = (Column(t("action_id")), Column(t("action"), max_lines=2),
                       Column(t("action_owner")), Column(t("team")),
                       Column(t("action_due"), True), Column(t("status")),
                       *((Column(t("action_closed_on"), True),) if closed else ()))
            blocks.append(TableBlock(
                f"{t(key)} \u00b7 {self.fmt.count(len(rows))}", columns,
                tuple(self._action_row(a, closed) for a in rows), notes=notes,
                name=key, marked=tuple(i for i, a in enumerate(rows) if a.overdue)))
        return blocks

    def _action_row(self, a: ActionRow, closed: bool) -> tuple[str, ...]:
        f, t = self.fmt, self.t
        status = t("action_overdue_by", days=f.days(a.days_overdue)) if a.overdue else \
            t(f"action_status_{a.status}")
        return (a.action_id, a.text, a.owner, t(f"team_{a.team}"), f.date(a.due), status,
                *((f.date(a.closed_on),) if closed else ()))

    # -- 1 targets ---------------------------------------------------------------------------
    def targets(self) -> list[TableBlock]:
        ts = self.agenda.targets
        blocks = []
        for heading, rows, first in ((self.t("by_team"), ts.teams, self.t("team")),
                                     (self.t("by_owner"), ts.owners, self.t("owner"))):
            if not rows:
                continue
            with_total = (*rows, ts.company) if heading == self.t("by_team") else tuple(rows)
            notes = tuple(self.notes.pace() if rows is ts.owners else self.notes.targets())
            blocks.append(TableBlock(heading, self._target_columns(first),
                                     tuple(self._target_row(r) for r in with_total), notes=notes,
                                     bold_last=rows is ts.teams, name=f"targets_{first}",
                                     footnote=self.before_quarter(ts.overdue_before_quarter_count,
                                                                  ts.overdue_before_quarter_value)))
        return blocks

    def before_quarter(self, count: int, value: float) -> str | None:
        """The open deals left out of the quarter's pipeline (closing before it), if any."""
        if not count:
            return None
        return self.t("before_quarter_note", count=self.fmt.count(count),
                      value=self.fmt.money(value), quarter=self.fmt.quarter(self.agenda.quarter))

    def _target_columns(self, first: str) -> tuple[Column, ...]:
        t = self.t
        return (Column(first), Column(t("target"), True), Column(t("won"), True),
                Column(t("col_attainment"), True), Column(t("pace"), True),
                Column(t("weighted_pipeline"), True), Column(t("forecast"), True),
                Column(t("col_gap"), True), Column(t("col_coverage"), True))

    def _target_row(self, r: TargetRow) -> tuple[str, ...]:
        f = self.fmt
        name = self.t("total") if r.scope == "company" else self.name(r.name)
        return (name, f.money(r.target), f.money(r.won), f.percent(r.attainment),
                f.percent(r.pace), f.money(r.weighted_pipeline), f.money(r.forecast),
                f.money(r.gap), f.ratio(r.coverage))

    # -- 2 pipeline --------------------------------------------------------------------------
    def deals(self) -> list[TableBlock]:
        p, t = self.agenda.pipeline, self.t
        lists = (("overdue_deals", p.overdue, p.overdue_count, p.overdue_value, "days_overdue"),
                 ("stale_deals", p.stale, p.stale_count, p.stale_value, "days_in_stage"),
                 ("largest_deals", p.largest, len(p.largest), sum(d.value for d in p.largest),
                  "win_probability"))
        blocks = []
        for key, deals, count, value, last in lists:
            if not deals:
                continue
            blocks.append(TableBlock(
                f"{t(key)} \u00b7 {self.fmt.count(count)} \u00b7 {self.fmt.money(value)}",
                self._deal_columns(last), tuple(self._deal_row(d, last) for d in deals),
                footnote=" ".join(filter(None, (
                    self.shown_of(len(deals), count),
                    self.before_quarter(p.overdue_before_quarter_count,
                                        p.overdue_before_quarter_value)
                    if key == "overdue_deals" else None))) or None,
                notes=tuple(self.notes.deal_list(t(key), deals, count, value)), name=key))
        return blocks

    def pipelines(self) -> list[TableBlock]:
        """The pipelines side by side (with the company's total), then each one's stages."""
        p, a, t, f = self.agenda.pipeline, self.agenda, self.t, self.fmt
        if not p.pipelines:
            return []
        summary = tuple((self.name(b.pipeline), f.count(b.open_count), f.money(b.open_value),
                         f.money(b.open_weighted), f.money(b.won_value),
                         f.count(b.won_in_quarter), f.percent(b.win_rate))
                        for b in p.pipelines)
        total = (t("total"), f.count(p.open_count), f.money(p.open_value),
                 f.money(p.open_weighted), f.money(a.targets.company.won),
                 f.count(a.targets.company.won_deals), f.percent(a.customers.win_rate))
        blocks = [TableBlock(
            t("pipelines"),
            (Column(t("pipeline")), Column(t("open_deals"), True),
             Column(t("open_pipeline_all"), True),
             Column(t("weighted_pipeline_all"), True),
             Column(t("won_in_quarter"), True), Column(t("won_deals"), True),
             Column(t("win_rate"), True)),
            (*summary, total), bold_last=True, name="pipelines",
            notes=tuple(s for b in p.pipelines for s in self.notes.by_pipeline(b)))]
        for b in p.pipelines:
            rows = tuple((s.stage, t(f"step_{s.step}"), f.percent(s.probability), f.count(s.count),
                          f.money(s.value), f.money(s.weighted_value)) for s in b.stages)
            total_row = (t("total"), "", "", f.count(b.open_count), f.money(b.open_value),
                         f.money(b.open_weighted))
            blocks.append(TableBlock(
                self.name(b.pipeline),
                (Column(t("stage")), Column(t("funnel_step")), Column(t("win_probability"), True),
                 Column(t("deals"), True), Column(t("open_value"), True),
                 Column(t("weighted_value"), True)),
                (*rows, total_row), bold_last=True, name="pipeline_stages",
                notes=tuple(self.notes.by_pipeline(b))))
        return blocks

    def _deal_columns(self, last: str) -> tuple[Column, ...]:
        t = self.t
        return (Column(t("account")), Column(t("deal")), Column(t("owner")), Column(t("stage")),
                Column(t("value"), True), Column(t("close_date"), True), Column(t(last), True))

    def _deal_row(self, d: DealRow, last: str) -> tuple[str, ...]:
        f = self.fmt
        extra = {"days_overdue": f.days(d.days_overdue),
                 "days_in_stage": f.days(d.days_since_stage_change),
                 "win_probability": f.percent(d.win_probability)}[last]
        return (self.name(d.account), deal_label(d), d.owner, d.stage, f.money(d.value),
                f.date(d.close_date), extra)

    MOVEMENT_SHOWN = 10  # the largest of each list: one slide each; the JSON has them all

    def movement(self) -> list[TableBlock]:
        """What changed since the last meeting: a count and total per list, then each list's
        largest deals with then -> now columns and why each is listed."""
        mv, t, f = self.agenda.movement, self.t, self.fmt
        if mv is None:
            return []
        blocks = [TableBlock(
            t("movement_changes"), (Column(""), Column(t("deals"), True), Column(t("value"), True)),
            tuple((t("movement_" + c.key), f.count(c.count), f.money(c.total))
                  for c in mv.changes),
            footnote=t("movement_changes_caption", count=f.count(mv.changed_deals)),
            name="movement_changes")]
        then_now = f" ({t('movement_then')} → {t('movement_now')})"
        columns = (Column(t("account")), Column(t("owner")), Column(t("stage") + then_now),
                   Column(t("value") + then_now, True), Column(t("close_date") + then_now, True),
                   Column(t("movement_why")))
        for c in mv.changes:
            if not c.count:
                continue
            shown_rows = c.rows[:self.MOVEMENT_SHOWN]
            blocks.append(TableBlock(
                f"{t('movement_' + c.key)} · "
                f"{t('movement_list_summary', count=f.count(c.count), total=f.money(c.total))}",
                columns,
                tuple((self.name(r.account), self.name(r.owner),
                       then_now_text(r.previous_stage, r.stage, self.name),
                       then_now_text(r.previous_value,
                                     r.value if r.stage is not None else None, f.money),
                       then_now_text(r.previous_close_date,
                                     r.close_date if r.stage is not None else None, f.date),
                       self.why(r, c.key)) for r in shown_rows),
                footnote=self.shown_of(len(shown_rows), c.count), name=f"movement_{c.key}"))
        return blocks

    def why(self, row: MovementRow, key: str) -> str:
        """Why a deal is listed, beyond the list it is in: its other changes."""
        t = self.t
        parts = [t("movement_created_and_closed")] if row.created_and_closed else []
        hidden = {key, *(("new", "won", "lost") if row.created_and_closed else ())}
        parts += [t("movement_" + other) for other in row.changes if other not in hidden]
        if key == "close_later" and row.slips > 1:
            parts.append(t("movement_slip_count", count=self.fmt.count(row.slips)))
        return " · ".join(parts)

    # -- 3 sources ---------------------------------------------------------------------------
    def sources(self) -> list[TableBlock]:
        s, t, f = self.agenda.sources, self.t, self.fmt
        blocks = []
        if s.channels:
            blocks.append(TableBlock(t("channels"), self._source_columns(t("channel"), False),
                                     tuple(self._source_row(r, False) for r in s.channels),
                                     notes=tuple(self.notes.channels()), name="channels"))
        if s.campaigns:
            blocks.append(TableBlock(t("campaigns"), self._source_columns(t("campaign"), True),
                                     tuple(self._source_row(r, True) for r in s.campaigns),
                                     notes=tuple(self.notes.campaign_sources()),
                                     name="campaigns"))
        if s.rejection_reasons:
            blocks.append(TableBlock(
                t("rejection_reasons"),
                (Column(t("reason")), Column(t("mqls"), True), Column(t("share"), True)),
                tuple((self.name(r.reason), f.count(r.count), f.percent(r.share))
                      for r in s.rejection_reasons), notes=tuple(self.notes.rejections()),
                name="rejection_reasons"))
        return blocks

    # the slide keeps what the point is judged on (meetings, revenue, cost) and MQL acceptance;
    # SQLs and opportunities are in the HTML and PDF tables
    SOURCE_FIGURES = ("leads", "mqls", "mql_to_sql", "meetings", "won_deals", "revenue", "budget",
                      "cost_per_won_deal")

    def _source_columns(self, first: str, channel: bool) -> tuple[Column, ...]:
        t = self.t
        return ((Column(first),) + ((Column(t("channel")),) if channel else ())
                + tuple(Column(t(key), True) for key in self.SOURCE_FIGURES))

    def _source_row(self, r: SourceRow, channel: bool) -> tuple[str, ...]:
        f = self.fmt
        figures = {"leads": f.count(r.leads), "mqls": f.count(r.mqls),
                   "mql_to_sql": f.percent(r.mql_to_sql), "meetings": f.count(r.meetings),
                   "won_deals": f.count(r.won_deals), "revenue": f.money(r.revenue),
                   "budget": f.money(r.budget), "cost_per_won_deal": f.money(r.cost_per_won_deal)}
        return ((self.name(r.name),) + ((self.name(r.channel),) if channel else ())
                + tuple(figures[key] for key in self.SOURCE_FIGURES))

    # -- 4 customers -------------------------------------------------------------------------
    def won(self) -> list[TableBlock]:
        c, t, f = self.agenda.customers, self.t, self.fmt
        if not c.won:
            return []
        columns = (Column(t("account")), Column(t("deal")), Column(t("owner")),
                   Column(t("value"), True), Column(t("close_date"), True), Column(t("channel")),
                   Column(t("win_reason")))
        rows = tuple((self.name(d.account), deal_label(d), d.owner, f.money(d.value),
                      f.date(d.close_date),
                      self.name(d.source_channel), self.name(d.reason)) for d in c.won)
        return [TableBlock(t("won_deals_since_last_meeting"), columns, rows,
                           footnote=self.shown_of(len(c.won), c.won_count),
                           notes=tuple(self.notes.won_list()), name="won_deals")]

    # -- 5 campaigns -------------------------------------------------------------------------
    def campaigns(self) -> list[TableBlock]:
        cs, t = self.agenda.campaigns, self.t
        blocks = []
        if cs.upcoming:
            columns: tuple[Column, ...] = (
                Column(t("campaign"), max_lines=2), Column(t("status")), Column(t("dates"), True),
                Column(t("channel")), Column(t("campaign_owner")), Column(t("goal"), max_lines=2),
                Column(t("sales_actions"), max_lines=3))
            rows: tuple[tuple[str, ...], ...] = tuple(
                (r.name, t(f"status_{r.status}"), self.dates(r.start_date, r.end_date),
                 self.name(r.channel), r.owner or MISSING, r.goal or MISSING,
                 r.sales_actions or t("no_sales_actions")) for r in cs.upcoming)
            blocks.append(TableBlock(t("upcoming_campaigns"), columns, rows,
                                     notes=tuple(self.notes.campaign_actions()),
                                     name="upcoming_campaigns"))
        if cs.ended:
            columns = (Column(t("campaign"), max_lines=2), Column(t("channel")),
                       Column(t("dates"), True), Column(t("budget"), True),
                       *(Column(t(k), True) for k in ("leads", "mqls", "meetings", "won_deals",
                                                      "revenue", "cost_per_won_deal")))
            rows = tuple(self._ended_row(r.name, r.channel, r.start_date, r.end_date, r.budget,
                                         r.results) for r in cs.ended)
            blocks.append(TableBlock(t("ended_campaigns"), columns, rows,
                                     notes=tuple(self.notes.campaign_results()),
                                     name="ended_campaigns"))
        return blocks

    def _ended_row(self, name: str, channel: str, start: dt.date, end: dt.date,
                   budget: float | None, r: SourceRow | None) -> tuple[str, ...]:
        f = self.fmt
        figures: Sequence[str] = (f.count(r.leads), f.count(r.mqls), f.count(r.meetings),
                                  f.count(r.won_deals), f.money(r.revenue),
                                  f.money(r.cost_per_won_deal)) if r else (MISSING,) * 6
        return (name, self.name(channel), self.dates(start, end), f.money(budget), *figures)

    # -- data notes --------------------------------------------------------------------------
    def data_notes(self) -> list[TableBlock]:
        d, t, f = self.agenda.data_notes, self.t, self.fmt
        blocks = []
        if d.notes:
            rows = tuple((n.table, f.count(n.count), note_text(t, n)) for n in d.notes)
            blocks.append(TableBlock(t("notes"), (Column(t("table")), Column(t("rows"), True),
                                                  Column(t("note"), max_lines=2)), rows,
                                     notes=tuple(self.notes.data()), name="data_notes"))
        rows = tuple((table, f.count(count), d.sources.get(table, MISSING))
                     for table, count in d.row_counts.items())
        blocks.append(TableBlock(t("tables_read"), (Column(t("table")), Column(t("rows"), True),
                                                    Column(t("source"))), rows,
                                 notes=tuple(self.notes.data()), name="tables_read"))
        return blocks

    # -- the main body: the few rows each point's slide shows (the backup has them all) -------
    KEY_ROWS = 5

    def more(self, hidden: int) -> str:
        """`and 33 more` under a list a main-body slide cuts short."""
        return self.t("and_n_more", count=self.fmt.count(hidden))

    def key_actions(self) -> list[TableBlock]:
        """The overdue actions and those due since the last meeting, the first few of each."""
        ac, t = self.agenda.actions, self.t
        if ac is None:
            return []
        notes = tuple(self.notes.actions())
        columns = (Column(t("action_id")), Column(t("action")), Column(t("action_owner")),
                   Column(t("action_due"), True), Column(t("status")))
        blocks = []
        for key, rows in (("actions_overdue", [a for a in ac.open if a.overdue]),
                          ("actions_due_since", list(ac.due_since))):
            if not rows:
                continue
            shown_rows = rows[:self.KEY_ROWS]
            blocks.append(TableBlock(
                f"{t(key)} \u00b7 {self.fmt.count(len(rows))}", columns,
                tuple(self._action_row(a, False)[:3] + self._action_row(a, False)[4:6]
                      for a in shown_rows),
                total=len(rows), notes=notes, name=f"key_{key}",
                marked=tuple(i for i, a in enumerate(shown_rows) if a.overdue)))
        return blocks

    def key_targets(self) -> list[TableBlock]:
        """Where each team and the company stand: attainment, pace and gap (every figure, and
        the owners, are in the backup)."""
        ts, t, f = self.agenda.targets, self.t, self.fmt
        if not ts.teams:
            return []
        columns = (Column(t("team")), Column(t("col_attainment"), True), Column(t("pace"), True),
                   Column(t("col_gap"), True))
        rows = tuple((t("total") if r.scope == "company" else self.name(r.name),
                      f.percent(r.attainment), f.percent(r.pace), f.money(r.gap))
                     for r in (*ts.teams, ts.company))
        return [TableBlock(t("by_team"), columns, rows, notes=tuple(self.notes.targets()),
                           bold_last=True, name="key_targets_team")]

    def key_deals(self, *, rows: int = KEY_ROWS) -> list[TableBlock]:
        """The first `rows` overdue and stale deals: account, value and the days."""
        p, t, f = self.agenda.pipeline, self.t, self.fmt
        blocks = []
        for key, deals, count, value, last in (
                ("overdue_deals", p.overdue, p.overdue_count, p.overdue_value, "days_overdue"),
                ("stale_deals", p.stale, p.stale_count, p.stale_value, "days_in_stage")):
            if not deals:
                continue
            shown_rows = deals[:rows]
            columns = (Column(t("account")), Column(t("value"), True), Column(t(last), True))
            cells = tuple((self.name(d.account), f.money(d.value),
                          f.days(d.days_overdue if last == "days_overdue"
                                 else d.days_since_stage_change)) for d in shown_rows)
            blocks.append(TableBlock(
                f"{t(key)} \u00b7 {f.count(count)} \u00b7 {f.money(value)}", columns, cells,
                total=count,
                notes=tuple(self.notes.deal_list(t(key), deals, count, value)),
                name=f"key_{key}"))
        return blocks

    def key_changes(self) -> list[TableBlock]:
        """Each list of deals that changed since the last meeting, with its count and total."""
        mv, t, f = self.agenda.movement, self.t, self.fmt
        if mv is None or not any(c.count for c in mv.changes):
            return []
        return [TableBlock(
            t("movement_changes"), (Column(""), Column(t("deals"), True), Column(t("value"), True)),
            tuple((t("movement_" + c.key), f.count(c.count), f.money(c.total))
                  for c in mv.changes if c.count),
            footnote=t("movement_changes_caption", count=f.count(mv.changed_deals)),
            name="key_movement_changes")]

    def top_campaigns(self) -> list[TableBlock]:
        """The campaigns that brought the most revenue."""
        s, t, f = self.agenda.sources, self.t, self.fmt
        if not s.campaigns:
            return []
        top = sorted(s.campaigns, key=lambda r: r.revenue, reverse=True)[:self.KEY_ROWS]
        columns = (Column(t("campaign")), Column(t("channel")), Column(t("meetings"), True),
                   Column(t("won_deals"), True), Column(t("revenue"), True),
                   Column(t("cost_per_won_deal"), True))
        rows = tuple((self.name(r.name), self.name(r.channel), f.count(r.meetings),
                      f.count(r.won_deals), f.money(r.revenue), f.money(r.cost_per_won_deal))
                     for r in top)
        return [TableBlock(t("top_campaigns"), columns, rows,
                           total=len(s.campaigns),
                           notes=tuple(self.notes.campaign_sources()), name="key_campaigns")]

    def key_won(self) -> list[TableBlock]:
        """The largest deals won since the last meeting."""
        c, t, f = self.agenda.customers, self.t, self.fmt
        if not c.won:
            return []
        top = sorted(c.won, key=lambda d: d.value, reverse=True)[:self.KEY_ROWS]
        columns = (Column(t("account")), Column(t("deal")), Column(t("owner")),
                   Column(t("value"), True), Column(t("channel")), Column(t("win_reason")))
        rows = tuple((self.name(d.account), deal_label(d), d.owner, f.money(d.value),
                      self.name(d.source_channel), self.name(d.reason)) for d in top)
        return [TableBlock(
            f"{t('won_deals_since_last_meeting')} \u00b7 {f.count(c.won_count)} \u00b7 "
            f"{f.money(c.won_value)}", columns, rows, total=c.won_count,
            notes=tuple(self.notes.won_list()), name="key_won_deals")]

    def key_upcoming(self) -> list[TableBlock]:
        """The campaigns running and starting, with what sales must do for each."""
        return [b for b in self.campaigns() if b.name == "upcoming_campaigns"]
