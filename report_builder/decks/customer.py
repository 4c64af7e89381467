"""The sellers' customer deck: the company's own presentation plus current, public content.

The template's standard slides are kept as they are, their text placeholders filled in
(`{{ company }}`, `{{ tagline }}`, `{{ month }}`, `{{ about_title }}`, ...) and their block
markers (`{{ about }}`, `{{ offer }}`, `{{ contact }}`) drawn from the company's profile. Our
slides, the newest customers who agreed to be named and the webinars and events customers can
join, go where a standard slide holds `{{ customer_slides }}` (that slide is taken out), else
after the standard slides. A template without slides gets the standard ones first: the title,
who we are and what we offer, then ours, then how to reach us.

Where the profile is empty, the deck says what to write where (decks/profile.py). The title
slide carries no meeting date: the deck is for customers, not for the meeting.

This module sees only `PublicContent`: it cannot show an internal figure because it is never
given one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from pptx.enum.text import MSO_ANCHOR
from pptx.slide import Slide

from report_builder.data.event_values import link_address
from report_builder.decks.deck import Deck
from report_builder.decks.package import save_deck
from report_builder.decks.profile import BLOCKS, add_linked_text, draw_block
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
    HINT_COLOUR,
    fill_placeholders,
    move_slides,
    open_template,
    remove_slide,
    slide_has_marker,
    take_blocks,
)
from report_builder.decks.text_fit import clean_text, fit_text, line_height
from report_builder.formatting import Formatter
from report_builder.i18n import shown
from report_builder.model.agenda import PublicReference
from report_builder.model.public import PublicContent, PublicEvent
from report_builder.renderers.context import RenderContext

CARDS_PER_ROW = 3
CARD_ROWS = 4
EVENTS_PER_SLIDE = 3
NAME = Style(18, min_size=13, bold=True, colour=NAVY, max_lines=2, anchor=MSO_ANCHOR.BOTTOM)
DETAIL = Style(14, min_size=12, muted=True, max_lines=1)
EVENT_KIND = Style(14, min_size=12, muted=True, max_lines=1)
EVENT_NAME = Style(24, min_size=16, bold=True, colour=NAVY, max_lines=2)
EVENT_DETAIL = Style(16, min_size=12, max_lines=1)
EVENT_LINK = Style(14, min_size=11, max_lines=1)
STANDARD_BEFORE = ("about", "offer")  # a template without slides: ours, before the references
STANDARD_AFTER = ("contact",)  # ... and after the events


def build_customer_deck(content: PublicContent, context: RenderContext) -> bytes:
    """The deck for `content`; `context` gives the words, formats and template (it holds no
    figure of the agenda)."""
    config = context.options.deck
    prs = open_template(config.template)
    source = str(config.template) if config.template else "(the default template)"
    standard = list(prs.slides)
    blocks = [(slide, name, box) for slide in standard
              for name, box in take_blocks(slide, BLOCKS)]
    marker = next((slide for slide in standard if slide_has_marker(slide)), None)
    position = standard.index(marker) if marker is not None else len(standard)
    if marker is not None:
        remove_slide(prs, marker)
    fmt, t = context.fmt, context.t
    fill_placeholders(prs, template_values(content, fmt, t), source=source,
                      hints=() if content.profile.tagline else ("tagline",), blocks=BLOCKS)
    deck = Deck(prs, config.layouts, source=source)
    slides = CustomerSlides(deck, content, fmt, t)
    for slide, name, box in blocks:
        draw_block(slide, name, box, content.profile, t)
    before: list[Slide] = []
    after: list[Slide] = []
    if not standard:
        before = [slides.title(), *map(slides.profile_slide, STANDARD_BEFORE)]
        after = list(map(slides.profile_slide, STANDARD_AFTER))
    added = before + slides.references() + slides.events() + after
    move_slides(prs, added, position)
    return save_deck(prs, as_of=content.as_of, title=content.company, author=content.company)


def template_values(content: PublicContent, fmt: Formatter,
                    t: Callable[..., str]) -> dict[str, str]:
    """What each text placeholder of a template holds. `date` (the meeting day) and `quarter`
    stay for templates that name them; ours shows neither."""
    return {"company": content.company, "date": fmt.date(content.as_of),
            "month": fmt.month_year(content.as_of), "quarter": fmt.quarter(content.quarter),
            "tagline": content.profile.tagline or t("deck_hint_tagline"),
            **{f"{name}_title": t(f"deck_{name}_title") for name in BLOCKS}}


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
        """The company and its tagline (or the hint saying where to write one)."""
        tagline = self.content.profile.tagline
        slide = self.deck.add_slide("title", self.content.company,
                                    subtitle=tagline or self.t("deck_hint_tagline"))
        body = self.deck.body_placeholder(slide)
        if not tagline and body is not None:
            for paragraph in body.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.italic = True
                    run.font.color.theme_color = HINT_COLOUR
        self.deck.drop_empty_placeholders(slide)
        return slide

    def profile_slide(self, name: str) -> Slide:
        """A slide of ours holding the profile's block `name`: who we are, what we offer or
        how to reach us."""
        slide, box = self.slide(self.t(f"deck_{name}_title"))
        draw_block(slide, name, box, self.content.profile, self.t)
        return slide

    def references(self) -> list[Slide]:
        """The named customers as cards, twelve to a slide (the model holds twelve at most),
        the newest first."""
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
        """The public events as one card each, three to a slide."""
        events = self.content.events
        slides = []
        for start in range(0, len(events), EVENTS_PER_SLIDE):
            title = self.t("deck_events_title")
            if start:
                title += f" ({self.t('continued')})"
            slide, box = self.slide(title)
            gap = inches(0.25)
            height = min(inches(1.55), (box.h - gap * (EVENTS_PER_SLIDE - 1)) // EVENTS_PER_SLIDE)
            for index, event in enumerate(events[start:start + EVENTS_PER_SLIDE]):
                self.event_card(slide, Box(box.x, box.y + index * (height + gap), box.w, height),
                                event)
            slides.append(slide)
        return slides

    def event_card(self, slide: Slide, card: Box, event: PublicEvent) -> None:
        """The event's kind, name and sign-up link; beside them its own day (or "date to be
        announced": never the campaign's run), start time and place."""
        add_panel(slide, card)
        add_panel(slide, Box(card.x, card.y + inches(0.12), inches(0.09), card.h - inches(0.24)),
                  colour=SERIES[1] if event.event_date else SERIES[2], rounded=False)
        pad = inches(0.3)
        inner = Box(card.x + pad, card.y + inches(0.15), card.w - 2 * pad, card.h - inches(0.3))
        side = inches(3.9)
        text, aside = inner.split_columns((1 - side / inner.w, side / inner.w), inches(0.3))
        kind = shown(event.channel, self.content.language) or ""
        kind_h, detail_h = line_height(EVENT_KIND.size), line_height(EVENT_DETAIL.size)
        add_text(slide, text.top(kind_h), kind, EVENT_KIND)
        link_h = detail_h if event.signup_link else 0
        name = text.below(kind_h, inches(0.03))
        add_text(slide, Box(name.x, name.y, name.w, name.h - link_h), event.name, EVENT_NAME)
        if event.signup_link:
            add_linked_text(slide, Box(text.x, text.bottom - link_h, text.w, link_h),
                            self.t("deck_event_signup", link=shown_link(event.signup_link)),
                            EVENT_LINK, address=link_address(event.signup_link))
        day = self.fmt.full_date(event.event_date) if event.event_date else \
            self.t("deck_event_tba")
        lines = [(day, replace(EVENT_DETAIL, bold=True, colour=NAVY))]
        if event.event_time is not None:
            lines.append((self.t("deck_event_time", time=self.fmt.time_of_day(event.event_time)),
                          EVENT_DETAIL))
        if event.place:
            lines.append((event.place, EVENT_DETAIL))
        top = aside.y + max(0, (aside.h - detail_h * len(lines)) // 2)
        for offset, (line, style) in enumerate(lines):
            add_text(slide, Box(aside.x, top + offset * detail_h, aside.w, detail_h), line, style)


def shown_link(link: str) -> str:
    """A link as a reader types it: without `https://`, `www.` kept."""
    for scheme in ("https://", "http://"):
        if link.lower().startswith(scheme):
            return link[len(scheme):].rstrip("/")
    return link
