"""Speaker notes for the meeting deck: each slide's figures in sentences the presenter can read.

Every figure is formatted by the Formatter in the pack's language; the sentences are labels
(report_builder/locales/, `notes_*`) with the figures filled in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence

from report_builder.formatting import Formatter
from report_builder.i18n import shown
from report_builder.model.agenda import (
    FROM_HISTORY,
    Agenda,
    DealRow,
    FunnelStep,
    MovementSection,
    PipelineBreakdown,
    TargetRow,
)
from report_builder.renderers.quality import quality_lines

DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")


def lower_first(label: str) -> str:
    """`Target` -> `target` inside a sentence; acronyms like `MQLs` stay as they are."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def changes_summary(mv: MovementSection, since: str, fmt: Formatter,
                    t: Callable[..., str]) -> str | None:
    """One sentence: each non-empty change list with its count and total (notes and email);
    None when no deal changed."""
    items = [t("changes_item", label=t("movement_" + c.key), count=fmt.count(c.count),
               total=fmt.money(c.total)) for c in mv.changes if c.count]
    return t("changes_summary", date=since, lists="; ".join(items)) if items else None


def opening(summary: str | None, sentences: Sequence[str]) -> list[str]:
    """The notes of a point's first slide: the point's summary (renderers/summaries.py), then
    the slide's own sentences."""
    return [*([summary] if summary else []), *sentences]


class SpeakerNotes:
    def __init__(self, agenda: Agenda, fmt: Formatter, t: Callable[..., str]) -> None:
        self.agenda = agenda
        self.fmt = fmt
        self.label = t

    def t(self, key: str, **values: object) -> str:
        """A sentence label with its figures; `kr..` (a figure ending a sentence) loses a dot."""
        return DOUBLE_STOP.sub(".", self.label(key, **values))

    def name(self, value: str | None) -> str:
        return shown(value, self.agenda.language) or ""

    def title(self) -> list[str]:
        a, f = self.agenda, self.fmt
        return [self.t("notes_title", date=f.date(a.as_of),
                       period=f.date_range(a.period_start, a.as_of), quarter=f.quarter(a.quarter),
                       next=f.date(a.next_meeting))]

    def actions(self) -> list[str]:
        """The actions' counts, then each overdue action."""
        ac, f = self.agenda.actions, self.fmt
        if ac is None:
            return []
        sentences = [self.t("notes_actions", due=f.count(ac.due_since_count),
                            done=f.count(ac.due_since_done), open=f.count(ac.open_count),
                            overdue=f.count(ac.overdue_count),
                            closed=f.count(ac.closed_since_count),
                            done_since=f.count(ac.done_since_count),
                            cancelled=f.count(ac.closed_since_count - ac.done_since_count))]
        return sentences + [self.t("notes_action_overdue", text=a.text.rstrip("."),
                                   owner=a.owner, due=f.date(a.due))
                            for a in ac.open if a.overdue]

    def agenda_points(self) -> list[str]:
        return [self.t("notes_agenda" if self.agenda.actions is None else "notes_agenda_actions")]

    def headline(self) -> list[str]:
        sentences = []
        for figure in self.agenda.headline:
            value = self.fmt.value(figure.value, figure.kind)
            if figure.context:
                context = self.fmt.value(figure.context_value, figure.context_kind or figure.kind)
                sentences.append(self.t("notes_figure", label=self.t(figure.key), value=value,
                                        context=lower_first(self.t(figure.context)),
                                        context_value=context))
            else:
                sentences.append(self.t("notes_figure_plain", label=self.t(figure.key),
                                        value=value))
        return sentences

    def targets(self) -> list[str]:
        f, company = self.fmt, self.agenda.targets.company
        sentences = [self.t("notes_targets", name=self.agenda.company, won=f.money(company.won),
                            target=f.money(company.target),
                            attainment=f.percent(company.attainment),
                            weighted=f.money(company.weighted_pipeline),
                            forecast=f.money(company.forecast), gap=f.money(company.gap),
                            coverage=f.ratio(company.coverage))]
        return sentences + [self.target_row(row) for row in self.agenda.targets.teams]

    def target_row(self, row: TargetRow) -> str:
        f = self.fmt
        if row.target is None:
            return self.t("notes_target_row_open", name=self.name(row.name), won=f.money(row.won),
                          forecast=f.money(row.forecast))
        return self.t("notes_target_row", name=self.name(row.name), won=f.money(row.won),
                      target=f.money(row.target), attainment=f.percent(row.attainment),
                      forecast=f.money(row.forecast))

    def pace(self) -> list[str]:
        owners = [r for r in self.agenda.targets.owners
                  if r.attainment is not None and not r.others]  # not the "Other" row
        if not owners:
            return []
        best = max(owners, key=lambda r: (r.attainment or 0.0, r.name))
        ahead = sum(1 for r in owners if r.pace is not None and r.pace >= 1)
        return [self.t("notes_pace", ahead=self.fmt.count(ahead), total=self.fmt.count(len(owners)),
                       name=self.name(best.name), attainment=self.fmt.percent(best.attainment))]

    def funnels(self) -> list[str]:
        pipeline = self.agenda.pipeline
        return [self.t("notes_flow", steps=self._steps(pipeline.flow)),
                self.t("notes_cohort", steps=self._steps(pipeline.cohort))]

    def _steps(self, steps: Sequence[FunnelStep]) -> str:
        return ", ".join(f"{self.fmt.count(s.count)} {lower_first(self.t(f'step_{s.step}'))}"
                         for s in steps)

    def pipeline(self) -> list[str]:
        p, f = self.agenda.pipeline, self.fmt
        return [self.t("notes_pipeline", count=f.count(p.open_count), value=f.money(p.open_value),
                       weighted=f.money(p.open_weighted), overdue=f.count(p.overdue_count),
                       overdue_value=f.money(p.overdue_value), stale=f.count(p.stale_count),
                       stale_value=f.money(p.stale_value)),
                *quality_lines(p, f, self.t)]

    def movement(self) -> list[str]:
        mv, f = self.agenda.movement, self.fmt
        if mv is None:
            return [self.t("movement_none")]
        since = f.date(mv.previous_date) if mv.previous_date else mv.compared_to
        bars = {b.key: b for b in mv.bars}
        sentences = [self.t("notes_movement", date=since, start=f.money(mv.start_value),
                            end=f.money(mv.end_value), new=f.money(bars["new"].amount),
                            won=f.money(-bars["won"].amount), lost=f.money(-bars["lost"].amount),
                            pushed=f.money(-bars["pushed"].amount),
                            pulled=f.money(bars["pulled"].amount))]
        if mv.compared_to == FROM_HISTORY:
            sentences.append(self.t("movement_from_history"))
        changed = changes_summary(mv, since, f, self.t)
        return sentences + ([changed] if changed else [])

    def stages(self) -> list[str]:
        stages = self.agenda.pipeline.stages
        if not stages:
            return []
        top = max(stages, key=lambda s: s.value)
        return [self.t("notes_stages", stage=top.stage, count=self.fmt.count(top.count),
                       value=self.fmt.money(top.value),
                       weighted=self.fmt.money(top.weighted_value))]

    def by_pipeline(self, b: PipelineBreakdown) -> list[str]:
        """One pipeline's figures in a sentence."""
        f = self.fmt
        return [self.t("notes_by_pipeline", pipeline=shown(b.pipeline, self.agenda.language),
                       count=f.count(b.open_count), value=f.money(b.open_value),
                       weighted=f.money(b.open_weighted), won_count=f.count(b.won_in_quarter),
                       won=f.money(b.won_value), win_rate=f.percent(b.win_rate))]

    def deal_list(self, title: str, deals: Sequence[DealRow], count: int,
                  value: float) -> list[str]:
        if not deals:
            return []
        top = max(deals, key=lambda d: d.value)
        return [self.t("notes_deal_list", title=title, count=self.fmt.count(count),
                       value=self.fmt.money(value), name=top.name or top.account,
                       deal_value=self.fmt.money(top.value))]

    def channels(self) -> list[str]:
        s = self.agenda.sources
        if not s.channels:
            return []
        meetings = max(s.channels, key=lambda r: r.meetings)
        revenue = max(s.channels, key=lambda r: r.revenue)
        return [self.t("notes_channels", start=self.fmt.date(s.window_start),
                       end=self.fmt.date(s.window_end), meetings_name=self.name(meetings.name),
                       meetings=self.fmt.count(meetings.meetings),
                       revenue_name=self.name(revenue.name),
                       revenue=self.fmt.money(revenue.revenue))]

    def campaign_sources(self) -> list[str]:
        campaigns = self.agenda.sources.campaigns
        if not campaigns:
            return []
        top = max(campaigns, key=lambda r: r.revenue)
        return [self.t("notes_campaign_sources", name=top.name, revenue=self.fmt.money(top.revenue),
                       won=self.fmt.count(top.won_deals))]

    def rejections(self) -> list[str]:
        reasons = self.agenda.sources.rejection_reasons
        if not reasons:
            return []
        return [self.t("notes_rejections", count=self.fmt.count(sum(r.count for r in reasons)),
                       reason=self.name(reasons[0].reason),
                       share=self.fmt.percent(reasons[0].share))]

    def customers(self) -> list[str]:
        c, f = self.agenda.customers, self.fmt
        sentences = [self.t("notes_customers", won_count=f.count(c.won_count),
                            won_value=f.money(c.won_value), new=f.count(c.new_customers),
                            won_q=f.count(c.won_in_quarter), lost_q=f.count(c.lost_in_quarter),
                            win_rate=f.percent(c.win_rate), average=f.money(c.average_deal_size),
                            cycle=f.days(c.average_cycle_days))]
        if c.win_reasons and c.loss_reasons:
            win, loss = c.win_reasons[0], c.loss_reasons[0]
            sentences.append(self.t("notes_reasons", win=self.name(win.reason),
                                    win_share=f.percent(win.share), loss=self.name(loss.reason),
                                    loss_share=f.percent(loss.share)))
        return sentences

    def won_list(self) -> list[str]:
        c = self.agenda.customers
        if not c.won:
            return []
        top = c.won[0]
        return [self.t("notes_won_list", count=self.fmt.count(c.won_count),
                       value=self.fmt.money(c.won_value), name=top.name or top.account,
                       deal_value=self.fmt.money(top.value))]

    def campaigns(self) -> list[str]:
        cs = self.agenda.campaigns
        running = sum(1 for r in cs.upcoming if r.status == "running")
        return [self.t("notes_campaigns", running=self.fmt.count(running),
                       starting=self.fmt.count(len(cs.upcoming) - running),
                       horizon=self.fmt.date(cs.horizon_end), ended=self.fmt.count(len(cs.ended)))]

    def campaign_actions(self) -> list[str]:
        return [self.t("notes_campaign_action", name=r.name, dates=self.dates(r.start_date,
                                                                            r.end_date),
                       actions=r.sales_actions or self.t("no_sales_actions"))
                for r in self.agenda.campaigns.upcoming]

    def campaign_results(self) -> list[str]:
        f = self.fmt
        return [self.t("notes_campaign_result", name=r.name, meetings=f.count(r.results.meetings),
                       won=f.count(r.results.won_deals), revenue=f.money(r.results.revenue))
                for r in self.agenda.campaigns.ended if r.results is not None]

    def data(self) -> list[str]:
        d = self.agenda.data_notes
        return [self.t("notes_data", date=self.fmt.date(d.latest_activity),
                       days=self.fmt.days(d.days_since_latest_activity),
                       count=self.fmt.count(len(d.notes)))]

    def dates(self, start: dt.date, end: dt.date) -> str:
        return self.fmt.date_range(start, end)
