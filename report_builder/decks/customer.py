"""The sellers' customer deck: the company's own presentation plus current, public content.

The template's standard slides are kept as they are (their `{{ company }}`, `{{ date }}` and
`{{ quarter }}` filled in). Our slides, the recent customers who agreed to be named and the
webinars and events customers can join, go where a standard slide holds
`{{ customer_slides }}` (that slide is taken out), else after the standard slides. A template
without slides gets a title slide first.

This module sees only `PublicContent`: it cannot show an internal figure because it is never
given one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from pptx.enum.text import MSO_ANCHOR
from pptx.slide import Slide

from report_builder.decks.deck import Deck
from report_builder.decks.package import save_deck
from report_builder.decks.shapes import (
    NAVY,
    SERIES,
    Box,
    Style,
    add_panel,
    add_text,
    inches,
)
from report_builder.decks.template import (
    fill_placeholders,
    move_slides,
    open_template,
    remove_slide,
    slide_has_marker,
)
from report_builder.decks.text_fit import clean_text, fit_text, line_height
from report_builder.formatting import Formatter
from report_builder.i18n import shown
from report_builder.model.agenda import PublicReference
from report_builder.model.public import PublicContent, PublicEvent
from report_builder.renderers.context import RenderContext

CARDS_PER_ROW = 3
CARD_ROWS = 4
EVENTS_PER_SLIDE = 4
NAME = Style(18, min_size=13, bold=True, colour=NAVY, max_lines=2, anchor=MSO_ANCHOR.BOTTOM)
DETAIL = Style(14, min_size=12, muted=True, max_lines=1)
EVENT_NAME = Style(24, min_size=16, bold=True, colour=NAVY, max_lines=2)
EVENT_DETAIL = Style(18, min_size=13, max_lines=1)


def build_customer_deck(content: PublicContent, context: RenderContext) -> bytes:
    """The deck for `content`; `context` gives the words, formats and template (it holds no
    figure of the agenda)."""
    config = context.options.deck
    prs = open_template(config.template)
    source = str(config.template) if config.template else "(the default template)"
    standard = list(prs.slides)
    marker = next((slide for slide in standard if slide_has_marker(slide)), None)
    position = standard.index(marker) if marker is not None else len(standard)
    if marker is not None:
        remove_slide(prs, marker)
    fmt, t = context.fmt, context.t
    fill_placeholders(prs, {"company": content.company, "date": fmt.date(content.as_of),
                            "quarter": content.quarter}, source=source)
    deck = Deck(prs, config.layouts, source=source)
    slides = CustomerSlides(deck, content, fmt, t)
    added = ([slides.title()] if not standard else []) + slides.references() + slides.events()
    move_slides(prs, added, position)
    return save_deck(prs, as_of=content.as_of, title=content.company, author=content.company)


class CustomerSlides:
    def __init__(self, deck: Deck, content: PublicContent, fmt: Formatter,
                 t: Callable[..., str]) -> None:
        self.deck = deck
        self.content = content
        self.fmt = fmt
        self.t = t

    def slide(self, title: str) -> tuple[Slide, Box]:
        slide = self.deck.add_slide("content", title)
        self.deck.drop_empty_placeholders(slide)
        return slide, self.deck.content_box(slide)

    def title(self) -> Slide:
        slide = self.deck.add_slide("title", self.content.company,
                                    subtitle=self.fmt.date(self.content.as_of))
        self.deck.drop_empty_placeholders(slide)
        return slide

    def references(self) -> list[Slide]:
        """The named customers as cards, twelve to a slide, the newest first."""
        per_slide = CARDS_PER_ROW * CARD_ROWS
        refs = self.content.references
        slides = []
        for start in range(0, len(refs), per_slide):
            title = self.t("deck_references_title")
            if start:
                title += f" ({self.t('continued')})"
            slide, box = self.slide(title)
            self.reference_cards(slide, box, refs[start:start + per_slide])
            slides.append(slide)
        return slides

    def reference_cards(self, slide: Slide, box: Box, refs: Sequence[PublicReference]) -> None:
        """Cards in rows of three; all names on a slide share one size (the largest that fits)."""
        gap, pad = inches(0.2), inches(0.12)
        height = min(inches(1.2), (box.h - gap * (CARD_ROWS - 1)) // CARD_ROWS)
        detail_h = line_height(DETAIL.size)
        cards = [Box(box.x, box.y + row * (height + gap), box.w,
                     height).columns(CARDS_PER_ROW, gap)[column]
                 for row, column in (divmod(i, CARDS_PER_ROW) for i in range(len(refs)))]
        name_w = cards[0].w - 2 * pad - inches(0.1) if cards else 0
        name_h = height - 2 * pad - detail_h - inches(0.03)
        size = min((fit_text(clean_text(r.account), name_w, name_h, size=NAME.size,
                             min_size=NAME.min_size, bold=True, max_lines=2).size for r in refs),
                   default=NAME.size)
        name_style = replace(NAME, size=size)
        for ref, card in zip(refs, cards, strict=True):
            add_panel(slide, card)
            add_panel(slide, Box(card.x, card.y + inches(0.12), inches(0.07),
                                 card.h - inches(0.24)), colour=SERIES[1], rounded=False)
            name_box = Box(card.x + pad + inches(0.1), card.y + pad, name_w, name_h)
            add_text(slide, name_box, ref.account, name_style)
            add_text(slide, Box(name_box.x, name_box.bottom + inches(0.03), name_box.w, detail_h),
                     self.fmt.month_year(ref.won_date), DETAIL)

    def events(self) -> list[Slide]:
        """The public campaigns as one card each, four to a slide."""
        events = self.content.events
        slides = []
        for start in range(0, len(events), EVENTS_PER_SLIDE):
            title = self.t("deck_events_title")
            if start:
                title += f" ({self.t('continued')})"
            slide, box = self.slide(title)
            gap = inches(0.25)
            height = min(inches(1.25), (box.h - gap * (EVENTS_PER_SLIDE - 1)) // EVENTS_PER_SLIDE)
            for index, event in enumerate(events[start:start + EVENTS_PER_SLIDE]):
                self.event_card(slide, Box(box.x, box.y + index * (height + gap), box.w, height),
                                event)
            slides.append(slide)
        return slides

    def event_card(self, slide: Slide, card: Box, event: PublicEvent) -> None:
        add_panel(slide, card)
        running = event.status == "running"
        add_panel(slide, Box(card.x, card.y + inches(0.12), inches(0.09), card.h - inches(0.24)),
                  colour=SERIES[1] if running else SERIES[2], rounded=False)
        pad = inches(0.3)
        side = inches(3.2)
        inner = Box(card.x + pad, card.y + inches(0.15), card.w - 2 * pad, card.h - inches(0.3))
        text, aside = inner.split_columns((1 - side / inner.w, side / inner.w), inches(0.3))
        add_text(slide, text, event.name, EVENT_NAME)
        when = f"{self.fmt.date(event.start_date)} \u2013 {self.fmt.date(event.end_date)}"
        channel = shown(event.channel, self.content.language) or ""
        status = self.t("deck_event_now" if running else "deck_event_soon")
        detail_h = line_height(EVENT_DETAIL.size)
        for offset, (line, bold) in enumerate(((when, True), (channel, False),
                                               (status, False))):
            style = Style(EVENT_DETAIL.size, EVENT_DETAIL.min_size, bold=bold, max_lines=1,
                          muted=not bold)
            add_text(slide, Box(aside.x, aside.y + offset * detail_h, aside.w, detail_h), line,
                     style)
