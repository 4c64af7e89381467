"""The meeting deck (internal): the agenda as slides on the company template.

The main body: the title, the agenda, the headline figures, the actions, then each of the five
points on one slide (two where it has two key charts) with its key charts and the few rows the
room talks about. Then a divider titled with the appendix's name, and the backup slides: each
point's full tables, continued over as many slides as they need, and the data notes. A main
slide's notes say which backup slides hold its tables. The template's own standard slides are
left out: they are for customers. Every content slide has speaker notes with its figures in
sentences.
"""

from __future__ import annotations

from collections.abc import Sequence

from pptx.slide import Slide

from report_builder.decks.blocks import Blocks
from report_builder.decks.charts import ChartSpec, ChartSpecs, add_chart, add_waterfall
from report_builder.decks.deck import Deck, fit_placeholder
from report_builder.decks.notes import SpeakerNotes, opening
from report_builder.decks.package import save_deck
from report_builder.decks.shapes import Box, Figure, Style, add_text, add_tiles, inches, set_notes
from report_builder.decks.tables import (
    TableBlock,
    TableFlow,
    add_tables_on_slide,
)
from report_builder.decks.template import fill_placeholders, open_template, remove_slide
from report_builder.decks.text_fit import fit_text, line_height
from report_builder.decks.timeline import add_timeline, rows_that_fit
from report_builder.model.agenda import FROM_HISTORY, Agenda, HeadlineFigure
from report_builder.renderers.appendix import POINTS, part_title
from report_builder.renderers.changes import change_text, direction
from report_builder.renderers.context import RenderContext
from report_builder.renderers.summaries import point_summaries

LEDE = Style(14, min_size=11, muted=True, max_lines=1)
SUMMARY = Style(17, min_size=13, bold=True, max_lines=3)  # a point's opening sentences
HEADING = Style(18, min_size=13, bold=True, max_lines=1)
CAPTION = Style(13, min_size=11, muted=True, max_lines=1)
GAP = inches(0.25)


def build_meeting_deck(agenda: Agenda, context: RenderContext) -> bytes:
    config = context.options.deck
    prs = open_template(config.template)
    source = str(config.template) if config.template else "(the default template)"
    for slide in list(prs.slides):
        remove_slide(prs, slide)
    fmt, t = context.fmt, context.t
    fill_placeholders(prs, {"company": agenda.title_name, "date": fmt.date(agenda.as_of),
                            "quarter": fmt.quarter(agenda.quarter)}, source=source)
    MeetingSlides(Deck(prs, config.layouts, source=source), agenda, context).build()
    title = f"{agenda.title_name} \u00b7 {t('report_title')} \u00b7 {fmt.date(agenda.as_of)}"
    return save_deck(prs, as_of=agenda.as_of, title=title, author=agenda.company)


class MeetingSlides:
    def __init__(self, deck: Deck, agenda: Agenda, context: RenderContext) -> None:
        fmt, t = context.fmt, context.t
        self.deck = deck
        self.agenda = agenda
        self.fmt = fmt
        self.t = t
        self.notes = SpeakerNotes(agenda, fmt, t)
        self.charts = ChartSpecs(agenda, fmt, t, context.theme)
        self.blocks = Blocks(agenda, fmt, t, self.notes)
        self.summaries = point_summaries(agenda, context)
        # the main body's slides with their notes, by the backup part that holds their tables
        self.main_slides: list[tuple[Slide, list[str], str]] = []

    def build(self) -> None:
        for step in (self.title, self.agenda_slide, self.headline, self.actions, self.targets,
                     self.pipeline, self.movement, self.sources, self.customers,
                     self.campaigns):
            step()
        divider = self.divider()
        backup: dict[str, tuple[int, int]] = {}
        for part, step in (("actions", self.actions_backup), ("targets", self.targets_backup),
                           ("pipeline", self.pipeline_backup), ("sources", self.sources_backup),
                           ("customers", self.customers_backup),
                           ("campaigns", self.campaigns_backup),
                           ("data-notes", self.data_notes)):
            first = len(self.deck.prs.slides) + 1
            step()
            if len(self.deck.prs.slides) >= first:
                backup[part] = (first, len(self.deck.prs.slides))
        where = {part: self.t("backup_at" if last > first else "backup_at_one",
                              part=self.part_name(part), first=str(first), last=str(last))
                 for part, (first, last) in backup.items()}
        for slide, notes, part in self.main_slides:
            set_notes(slide, [*notes, where[part]] if part in where else notes)
        set_notes(divider, [self.t("appendix_divider_notes"), *where.values()])

    def part_name(self, part: str) -> str:
        title = self.t(part_title(part))
        return f"{POINTS[part]}. {title}" if part in POINTS else title

    def main_slide(self, title: str, notes: Sequence[str], part: str,
                   summary: str | None = None) -> tuple[Slide, Box]:
        """A content slide of the main body; its notes get where its backup is, once known.
        A point's first slide opens with its `summary`, on the slide and first in its notes."""
        if summary:
            notes = opening(summary, notes)
        slide, box = self.content(title, notes)
        self.main_slides.append((slide, list(notes), part))
        return (slide, self.summary(slide, box, summary)) if summary else (slide, box)

    def divider(self) -> Slide:
        """The slide between the main body and the backup, titled with the appendix's name."""
        slide = self.deck.add_slide("title", self.t("appendix"),
                                    subtitle=f"{self.agenda.title_name}\n"
                                             f"{self.fmt.date(self.agenda.as_of)}")
        self.deck.drop_empty_placeholders(slide)
        return slide

    # -- helpers -----------------------------------------------------------------------------
    def point(self, number: int, key: str) -> str:
        return f"{number}. {self.t(key)}"

    def content(self, title: str, notes: Sequence[str]) -> tuple[Slide, Box]:
        slide = self.deck.add_slide("content", title)
        self.deck.drop_empty_placeholders(slide)
        set_notes(slide, notes)
        return slide, self.deck.content_box(slide)

    def summary(self, slide: Slide, box: Box, text: str) -> Box:
        """A point's opening sentences at the top of its first slide, in as many lines as they
        take (up to SUMMARY.max_lines); the box below them."""
        fitted = fit_text(text, box.w, line_height(SUMMARY.size) * (SUMMARY.max_lines or 1),
                          size=SUMMARY.size, min_size=SUMMARY.min_size, bold=True,
                          max_lines=SUMMARY.max_lines)
        height = line_height(fitted.size) * fitted.lines
        add_text(slide, box.top(height), fitted.text,
                 Style(fitted.size, bold=True, max_lines=fitted.lines), name="point_summary")
        return box.below(height, inches(0.15))

    def lede(self, slide: Slide, box: Box, text: str) -> Box:
        height = line_height(LEDE.size)
        add_text(slide, box.top(height), text, LEDE)
        return box.below(height, inches(0.15))

    def chart_with_heading(self, slide: Slide, box: Box, spec: ChartSpec, heading: str,
                           caption: str | None = None) -> None:
        add_text(slide, box.top(line_height(HEADING.size)), heading, HEADING)
        box = box.below(line_height(HEADING.size), inches(0.04))
        if caption:
            add_text(slide, box.top(line_height(CAPTION.size)), caption, CAPTION)
            box = box.below(line_height(CAPTION.size), inches(0.04))
        if spec.categories:
            add_chart(slide, box, spec)
        else:
            add_text(slide, box.top(inches(0.5)), self.t("none_to_show"), CAPTION)

    def tables(self, title: str, blocks: list[TableBlock], fallback: Sequence[str]) -> None:
        """Table slides; a slide whose tables have no notes of their own gets `fallback`."""
        if not blocks:
            return

        def new_slide(continued: bool) -> tuple[Slide, Box]:
            return self.content(f"{title} ({self.t('continued')})" if continued else title, ())

        def notes(slide: Slide, sentences: list[str]) -> None:
            set_notes(slide, sentences or fallback)

        TableFlow(new_slide, self.t("continued"), on_slide=notes).add(blocks)

    # -- slides ------------------------------------------------------------------------------
    def title(self) -> None:
        a = self.agenda
        subtitle = f"{a.title_name}\n{self.fmt.date(a.as_of)} \u00b7 {self.fmt.quarter(a.quarter)}"
        slide = self.deck.add_slide("title", self.t("report_title"), subtitle=subtitle)
        self.deck.drop_empty_placeholders(slide)
        set_notes(slide, self.notes.title())

    def agenda_slide(self) -> None:
        keys = ("section_targets", "section_pipeline", "section_sources", "section_customers",
                "section_campaigns")
        opening = [self.t("section_actions")] if self.agenda.actions is not None else []
        items = [self.t("section_headline"), *opening,
                 *(self.point(n, key) for n, key in enumerate(keys, start=1)),
                 self.t("section_data_notes")]
        slide = self.deck.add_slide("agenda", self.t("agenda"))
        body = self.deck.body_placeholder(slide)
        if body is not None:
            fit_placeholder(body, "\n".join(items), bold=False, keep_newlines=True)
        else:
            add_text(slide, self.deck.content_box(slide), "\n".join(items), Style(24, 14),
                     keep_newlines=True)
        self.deck.drop_empty_placeholders(slide)
        set_notes(slide, self.notes.agenda_points())

    def headline(self) -> None:
        overview = self.summaries.overview
        slide, box = self.content(self.t("section_headline"),
                                  opening(overview, self.notes.headline()))
        add_tiles(slide, self.summary(slide, box, overview),
                  [self.figure(h) for h in self.agenda.headline], per_row=4, value_size=36,
                  gap=inches(0.25))

    def figure(self, h: HeadlineFigure) -> Figure:
        context = None
        if h.context:
            context = f"{self.t(h.context)} " \
                      f"{self.fmt.value(h.context_value, h.context_kind or h.kind)}"
            moved = change_text(h, self.agenda, self.fmt, self.t, context=True)
            if moved:
                context += f" ({moved})"
        return Figure(self.t(h.key), self.fmt.value(h.value, h.kind), context,
                      change_text(h, self.agenda, self.fmt, self.t), direction(h.change))

    def actions(self) -> None:
        """The opening point: a lede with the counts, then the three lists as tables (overdue
        actions marked), continued over as many slides as they need."""
        ac, f, t = self.agenda.actions, self.fmt, self.t
        if ac is None:
            return
        title = t("section_actions")
        lede = " \u00b7 ".join((
            f"{t('actions_due_since')}: {f.count(ac.due_since_count)} "
            f"({t('actions_due_done', done=f.count(ac.due_since_done))})",
            f"{t('actions_open')}: {f.count(ac.open_count)}",
            f"{t('actions_overdue')}: {f.count(ac.overdue_count)}",
            f"{t('actions_closed_since')}: {f.count(ac.closed_since_count)}"))
        slide, box = self.main_slide(title, self.notes.actions(), "actions",
                                     self.summaries.actions)
        box = self.lede(slide, box, lede)
        blocks = self.blocks.key_actions()
        if blocks:
            add_tables_on_slide(slide, box, blocks,
                                more=self.blocks.more)
        else:
            add_text(slide, box.top(inches(0.5)), t("actions_none"), CAPTION)

    def actions_backup(self) -> None:
        """Every action list in full: due since, open (overdue marked) and closed since."""
        ac, t = self.agenda.actions, self.t
        blocks = self.blocks.actions()
        if ac is None or not blocks:
            return
        title = t("section_actions")

        self.tables(title, blocks, self.notes.actions())

    def targets(self) -> None:
        ts = self.agenda.targets
        title = self.point(1, "section_targets")
        slide, box = self.main_slide(title, self.notes.targets(), "targets",
                                     self.summaries.targets)
        day = self.t("day_n_of_total", n=self.fmt.count(ts.days_elapsed),
                     total=self.fmt.count(ts.days_total))
        lede = f"{self.fmt.quarter(ts.quarter)}: " \
               f"{self.fmt.date_range(ts.quarter_start, ts.quarter_end)} \u00b7 {day}"
        box = self.lede(slide, box, lede)
        blocks = self.blocks.key_targets()
        # the chart keeps the slide's height (its bars hold their labels), the teams beside it
        chart, teams = box.split_columns((0.55, 0.45), inches(0.4)) if blocks else (box, box)
        add_chart(slide, chart, self.charts.targets())
        if blocks:
            add_tables_on_slide(slide, teams, blocks, more=self.blocks.more)

    def targets_backup(self) -> None:
        self.tables(self.point(1, "section_targets"), self.blocks.targets(),
                    self.notes.targets())

    def pipeline(self) -> None:
        p, t = self.agenda.pipeline, self.t
        title = self.point(2, "section_pipeline")
        slide, box = self.main_slide(title, self.notes.pipeline() + self.notes.stages(),
                                     "pipeline", self.summaries.pipeline)
        add_tiles(slide, box.top(inches(1.2)), self.pipeline_figures(), per_row=5,
                  value_size=24)
        # the stage chart's ten bars and their labels take the wider part, the key deals the rest
        left, right = box.below(inches(1.2), GAP).split_columns((0.58, 0.42), inches(0.4))
        if p.stages:
            self.chart_with_heading(slide, left, self.charts.stages(), t("open_by_stage"))
        else:
            add_text(slide, left.top(inches(0.5)), t("none_to_show"), CAPTION)
        add_tables_on_slide(slide, right, self.blocks.key_deals(rows=3),
                            more=self.blocks.more)

    def pipeline_figures(self) -> list[Figure]:
        p, f, t = self.agenda.pipeline, self.fmt, self.t
        return [Figure(t("open_pipeline_quarter"), f.money(p.quarter_open_value),
                        t("deals_count", count=f.count(p.quarter_open_count))),
                 Figure(t("weighted_pipeline_quarter"), f.money(p.quarter_open_weighted)),
                 Figure(t("all_open_deals"), f.money(p.open_value),
                        t("deals_any_close_date", count=f.count(p.open_count))),
                 Figure(t("overdue_deals"), f.count(p.overdue_count), f.money(p.overdue_value)),
                 Figure(t("stale_deals"), f.count(p.stale_count), f.money(p.stale_value))]

    def pipeline_backup(self) -> None:
        """The funnels, the pipelines side by side, every deal list and every change list."""
        f, t = self.fmt, self.t
        title = self.point(2, "section_pipeline")
        slide, box = self.content(title, self.notes.pipeline() + self.notes.funnels())
        add_tiles(slide, box.top(inches(1.2)), self.pipeline_figures(), per_row=5,
                  value_size=24)
        left, right = box.below(inches(1.2), GAP).columns(2, inches(0.5))
        self.chart_with_heading(slide, left, self.charts.funnel("funnel_flow"),
                                t("funnel_flow"),
                                f.date_range(self.agenda.period_start, self.agenda.as_of))
        self.chart_with_heading(slide, right, self.charts.funnel("funnel_cohort"),
                                t("funnel_cohort"),
                                t("funnel_cohort_caption", quarter=f.quarter(self.agenda.quarter)))
        self.pipelines()
        self.tables(title, self.blocks.deals(), self.notes.pipeline())
        if self.agenda.movement is not None:
            self.tables(self.point(2, "movement"), self.blocks.movement(),
                        self.notes.movement())

    def pipelines(self) -> None:
        """With several CRM pipelines: a slide per pipeline (its figures and open stages), then
        the pipelines side by side and each one's stage table."""
        p, a, f, t = self.agenda.pipeline, self.agenda, self.fmt, self.t
        if not p.pipelines:
            return
        for b, chart in zip(p.pipelines, self.charts.breakdown(), strict=True):
            name = self.blocks.name(b.pipeline)
            slide, box = self.content(f"{self.point(2, 'pipeline')}: {name}",
                                      self.notes.by_pipeline(b))
            stats = [Figure(t("open_deals"), f.count(b.open_count)),
                     Figure(t("open_pipeline_all"), f.money(b.open_value)),
                     Figure(t("weighted_pipeline_all"), f.money(b.open_weighted)),
                     Figure(t("won_in_quarter"), f.money(b.won_value),
                            f"{t('won_deals')}: {f.count(b.won_in_quarter)}"),
                     Figure(t("win_rate"), f.percent(b.win_rate))]
            add_tiles(slide, box.top(inches(1.2)), stats, per_row=5, value_size=24)
            self.chart_with_heading(slide, box.below(inches(1.2), GAP), chart,
                                    t("open_by_stage"),
                                    t("by_pipeline_caption", count=f.count(len(p.pipelines)),
                                      quarter=f.quarter(a.quarter)))
        self.tables(self.point(2, "by_pipeline"), self.blocks.pipelines(),
                    [s for b in p.pipelines for s in self.notes.by_pipeline(b)])

    def movement(self) -> None:
        mv, f, t = self.agenda.movement, self.fmt, self.t
        title = self.point(2, "movement")
        slide, box = self.main_slide(title, self.notes.movement(), "pipeline")
        if mv is None:
            add_text(slide, box.top(inches(0.5)), t("movement_none"), CAPTION)
            return
        since = f.date(mv.previous_date) if mv.previous_date else mv.compared_to
        box = self.lede(slide, box, t("movement_caption", quarter=f.quarter(self.agenda.quarter),
                                      date=since))
        if mv.compared_to == FROM_HISTORY:  # a line of its own: the caption fills one
            box = self.lede(slide, box, t("movement_from_history"))
        below = [t("movement_window", start=since, end=f.date(self.agenda.as_of),
                   timezone=mv.timezone),
                 t("movement_overdue", count=f.count(mv.overdue_count),
                   value=f.money(mv.overdue_value))]
        if mv.overdue_before_quarter_count:
            below[-1] += " " + t("movement_overdue_before",
                                 before=f.count(mv.overdue_before_quarter_count),
                                 before_value=f.money(mv.overdue_before_quarter_value))
        if mv.changed_outside_quarter:
            below.append(t("movement_outside_backup", count=f.count(mv.changed_outside_quarter)))
        notes = Style(12, min_size=10, muted=True)
        height = line_height(notes.size) * 2 * len(below)  # each may wrap to two lines
        changes = self.blocks.key_changes()
        left, right = box.split_columns((0.75, 0.25), inches(0.3)) if changes else (box, box)
        add_waterfall(slide, Box(left.x, left.y, left.w, left.h - height),
                      self.charts.movement())
        add_text(slide, Box(box.x, box.bottom - height, box.w, height), "\n".join(below),
                 notes, name="movement_notes", keep_newlines=True)
        if changes:
            add_tables_on_slide(slide, Box(right.x, right.y, right.w, right.h - height), changes,
                                more=self.blocks.more)

    def sources(self) -> None:
        s, f, t = self.agenda.sources, self.fmt, self.t
        title = self.point(3, "section_sources")
        slide, box = self.main_slide(title, self.notes.channels(), "sources",
                                     self.summaries.sources)
        box = self.lede(slide, box, f"{t('sources_window')}: "
                                    f"{f.date_range(s.window_start, s.window_end)} \u00b7 "
                                    f"{t('sources_judged_on')}")
        left, right = box.columns(2, inches(0.5))
        self.chart_with_heading(slide, left, self.charts.channel_meetings(), t("meetings"))
        self.chart_with_heading(slide, right, self.charts.channel_revenue(), t("revenue"))
        blocks = self.blocks.top_campaigns()
        if blocks:  # the point's second slide: its two charts fill the first
            slide, box = self.main_slide(title, self.notes.campaign_sources(), "sources")
            add_tables_on_slide(slide, box, blocks,
                                more=self.blocks.more)

    def sources_backup(self) -> None:
        self.tables(self.point(3, "section_sources"), self.blocks.sources(),
                    self.notes.channels())

    def customers(self) -> None:
        c, f, t = self.agenda.customers, self.fmt, self.t
        title = self.point(4, "section_customers")
        notes = self.notes.customers()
        slide, box = self.main_slide(title, notes[:1] + self.notes.won_list(), "customers",
                                     self.summaries.customers)
        stats = [Figure(t("won_since_last_meeting"), f.money(c.won_value),
                        t("deals_count", count=f.count(c.won_count))),
                 Figure(t("new_customers"), f.count(c.new_customers)),
                 Figure(t("deals_won_in_quarter"), f.count(c.won_in_quarter)),
                 Figure(t("deals_lost_in_quarter"), f.count(c.lost_in_quarter)),
                 Figure(t("win_rate"), f.percent(c.win_rate)),
                 Figure(t("average_deal_size"), f.money(c.average_deal_size)),
                 Figure(t("average_cycle"), f.days(c.average_cycle_days))]
        add_tiles(slide, box.top(inches(1.3)), stats, per_row=7, value_size=24)
        add_tables_on_slide(slide, box.below(inches(1.3), GAP), self.blocks.key_won(),
                            more=self.blocks.more)
        slide, box = self.main_slide(title, notes[1:], "customers")
        caption = t("reasons_caption", quarter=self.fmt.quarter(self.agenda.quarter))
        left, right = box.columns(2, inches(0.5))
        self.chart_with_heading(slide, left, self.charts.reasons("win_reasons"),
                                t("win_reasons"), caption)
        self.chart_with_heading(slide, right,
                                self.charts.reasons("loss_reasons"),
                                t("loss_reasons"), caption)

    def customers_backup(self) -> None:
        self.tables(self.point(4, "section_customers"), self.blocks.won(),
                    self.notes.customers()[:1])

    def campaigns(self) -> None:
        cs, f, t = self.agenda.campaigns, self.fmt, self.t
        title = self.point(5, "section_campaigns")
        slide, box = self.main_slide(title, self.notes.campaigns(), "campaigns",
                                     self.summaries.campaigns)
        box = self.lede(slide, box, f"{t('campaigns_horizon')}: "
                                    f"{f.date_range(self.agenda.as_of, cs.horizon_end)}")
        rows = len(self.charts.campaigns().bars)
        if rows:
            fitting = rows_that_fit(box, rows)
            add_timeline(slide, box, self.charts.campaigns(fitting), self.charts.theme)
            if fitting < rows:
                add_text(slide, Box(box.x, box.bottom - line_height(CAPTION.size), box.w,
                                    line_height(CAPTION.size)),
                         self.blocks.shown_of(fitting, rows) or "", CAPTION)
        else:
            add_text(slide, box.top(inches(0.5)), t("no_upcoming_campaigns"), CAPTION)
        upcoming = self.blocks.key_upcoming()
        if upcoming:
            slide, box = self.main_slide(title, self.notes.campaign_actions(), "campaigns")
            add_tables_on_slide(slide, box, upcoming,
                                more=self.blocks.more)

    def campaigns_backup(self) -> None:
        self.tables(self.point(5, "section_campaigns"), self.blocks.campaigns(),
                    self.notes.campaigns())

    def data_notes(self) -> None:
        d = self.agenda.data_notes
        title = self.t("section_data_notes")
        lede = f"{self.t('latest_activity')}: {self.fmt.date(d.latest_activity)}"
        if d.days_since_latest_activity is not None:
            days = self.fmt.days(d.days_since_latest_activity)
            lede += f" ({self.t('days_before_meeting', days=days)})"
        blocks = self.blocks.data_notes()

        def new_slide(continued: bool) -> tuple[Slide, Box]:
            slide, box = self.content(f"{title} ({self.t('continued')})" if continued else title,
                                      ())
            return slide, box if continued else self.lede(slide, box, lede)

        def notes(slide: Slide, sentences: list[str]) -> None:
            set_notes(slide, sentences or self.notes.data())

        TableFlow(new_slide, self.t("continued"), on_slide=notes).add(blocks)
