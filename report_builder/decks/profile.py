"""The customer deck's blocks about the company, from `[company.profile]`: who we are, what we
offer, how to reach us; and the hint a block shows where the profile is empty.

Each block is drawn in a box: a standard slide's block marker (`{{ about }}`, `{{ offer }}`,
`{{ contact }}`) or the content area of a slide of ours. A hint says what to write and where
("Write who you are in report.toml: [company.profile] about = ..."), in italics in a dashed
frame, so the seller sees at once what the deck still lacks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR
from pptx.util import Emu, Pt

from report_builder.config import CompanyProfile, ContactConfig, OfferItem
from report_builder.data.event_values import link_address
from report_builder.decks.shapes import (
    NAVY,
    SERIES,
    Box,
    Canvas,
    Style,
    add_panel,
    inches,
    plain,
    write_text,
)
from report_builder.decks.template import HINT_COLOUR
from report_builder.decks.text_fit import clean_text, fit_text, line_height

BLOCKS = ("about", "offer", "contact")  # the block markers a standard slide may hold
HINT = Style(18, min_size=12, anchor=MSO_ANCHOR.MIDDLE)
ABOUT = Style(22, min_size=14)
OFFER_TITLE = Style(20, min_size=14, bold=True, colour=NAVY, max_lines=2)
OFFER_TEXT = Style(16, min_size=12, muted=True, max_lines=4)
CONTACT_NAME = Style(28, min_size=18, bold=True, colour=NAVY, max_lines=1)
CONTACT_ROLE = Style(18, min_size=13, muted=True, max_lines=1)
CONTACT_LABEL = Style(16, min_size=12, muted=True, max_lines=1)
CONTACT_VALUE = Style(20, min_size=13, max_lines=1)
MAX_TEXT_WIDTH = inches(10)  # a paragraph wider than this reads badly
PAD = inches(0.25)


def add_hint(slide: Canvas, box: Box, text: str) -> None:
    """A hint: what to write where, in italics in a dashed frame of accent 3."""
    frame = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, Emu(box.x), Emu(box.y),
                                   Emu(box.w), Emu(box.h))
    frame.adjustments[0] = min(0.12, inches(0.12) / max(1, min(box.w, box.h)))
    frame.fill.background()
    plain(frame)
    frame.line.color.theme_color = HINT_COLOUR
    frame.line.width = Pt(1.5)
    frame.line.dash_style = MSO_LINE_DASH_STYLE.DASH
    frame.name = "Hint"
    pad = inches(0.2)
    write_text(frame.text_frame, box.w, box.h, text, HINT, margins=(pad, pad, pad, pad))
    for paragraph in frame.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.italic = True


def draw_block(slide: Canvas, name: str, box: Box, profile: CompanyProfile,
               t: Callable[..., str]) -> None:
    """The block `name` (one of BLOCKS) of `profile` in `box`."""
    if name == "about":
        draw_about(slide, box, profile.about, t)
    elif name == "offer":
        draw_offer(slide, box, profile.offer, t)
    else:
        draw_contact(slide, box, profile.contact, t)


def draw_about(slide: Canvas, box: Box, about: str, t: Callable[..., str]) -> None:
    if not about:
        add_hint(slide, Box(box.x, box.y, box.w, min(box.h, inches(1.4))), t("deck_hint_about"))
        return
    shape = slide.shapes.add_textbox(Emu(box.x), Emu(box.y), Emu(min(box.w, MAX_TEXT_WIDTH)),
                                     Emu(box.h))
    write_text(shape.text_frame, min(box.w, MAX_TEXT_WIDTH), box.h, about, ABOUT,
               keep_newlines=True)
    for paragraph in shape.text_frame.paragraphs[:-1]:
        paragraph.space_after = Pt(10)


def draw_offer(slide: Canvas, box: Box, offer: tuple[OfferItem, ...],
               t: Callable[..., str]) -> None:
    """The offers as cards, up to three a row; all titles share one size, as do the texts."""
    if not offer:
        add_hint(slide, Box(box.x, box.y, box.w, min(box.h, inches(1.4))), t("deck_hint_offer"))
        return
    per_row = 2 if len(offer) == 4 else min(3, len(offer))
    rows = -(-len(offer) // per_row)
    gap = inches(0.25)
    height = min(inches(2.6), (box.h - gap * (rows - 1)) // rows)
    cards = [Box(box.x, box.y + row * (height + gap), box.w, height).columns(per_row, gap)[col]
             for row, col in (divmod(i, per_row) for i in range(len(offer)))]
    inner_w = cards[0].w - 2 * PAD
    title_h = 2 * line_height(OFFER_TITLE.size)
    text_h = height - 2 * PAD - inches(0.1) - title_h - inches(0.1)
    title_size = min(fit_text(clean_text(o.title), inner_w, title_h, size=OFFER_TITLE.size,
                              min_size=OFFER_TITLE.min_size, bold=True, max_lines=2).size
                     for o in offer)
    text_size = min((fit_text(clean_text(o.text), inner_w, text_h, size=OFFER_TEXT.size,
                              min_size=OFFER_TEXT.min_size, max_lines=4).size
                     for o in offer if o.text), default=OFFER_TEXT.size)
    for item, card in zip(offer, cards, strict=True):
        add_panel(slide, card)
        add_panel(slide, Box(card.x, card.y, card.w, inches(0.08)), colour=SERIES[1],
                  rounded=False)
        title = Box(card.x + PAD, card.y + PAD + inches(0.1), inner_w, title_h)
        add_linked_text(slide, title, item.title, replace(OFFER_TITLE, size=title_size))
        if item.text:
            add_linked_text(slide, Box(title.x, title.bottom + inches(0.1), inner_w, text_h),
                            item.text, replace(OFFER_TEXT, size=text_size))


def draw_contact(slide: Canvas, box: Box, contact: ContactConfig,
                 t: Callable[..., str]) -> None:
    """The contact person: name and title, then email, phone and web (linked); a hint names
    the fields the profile lacks."""
    missing = [key for key in ("name", "title", "email", "phone", "web")
               if not getattr(contact, key)]
    hint = t("deck_hint_contact", keys=", ".join(f'{key} = "..."' for key in missing))
    if len(missing) == 5:
        add_hint(slide, Box(box.x, box.y, box.w, min(box.h, inches(1.4))), hint)
        return
    label_w = inches(1.5)
    rows = [(t("deck_contact_email"), contact.email, f"mailto:{contact.email}"),
            (t("deck_contact_phone"), contact.phone, None),
            (t("deck_contact_web"), contact.web, link_address(contact.web))]
    rows = [row for row in rows if row[1]]
    row_h = line_height(CONTACT_VALUE.size) + inches(0.06)
    heading = [(text, style) for text, style in ((contact.name, CONTACT_NAME),
                                                 (contact.title, CONTACT_ROLE)) if text]
    content_h = sum(line_height(style.size) for _, style in heading) + len(rows) * row_h + \
        (inches(0.2) if heading and rows else 0)
    card = Box(box.x, box.y, min(box.w, inches(8)), min(box.h, content_h + 2 * PAD))
    add_panel(slide, card)
    add_panel(slide, Box(card.x, card.y + inches(0.15), inches(0.09), card.h - inches(0.3)),
              colour=SERIES[1], rounded=False)
    inner = Box(card.x + PAD + inches(0.15), card.y + PAD, card.w - 2 * PAD - inches(0.15),
                card.h - 2 * PAD)
    y = inner.y
    for text, style in heading:
        height = line_height(style.size)
        add_linked_text(slide, Box(inner.x, y, inner.w, height), text, style)
        y += height
    y += inches(0.2) if heading and rows else 0
    for label, value, address in rows:
        add_linked_text(slide, Box(inner.x, y + inches(0.03), label_w, row_h), label,
                        CONTACT_LABEL)
        add_linked_text(slide, Box(inner.x + label_w, y, inner.w - label_w, row_h), value,
                        CONTACT_VALUE, address=address)
        y += row_h
    if missing:
        below = card.bottom + inches(0.25)
        add_hint(slide, Box(box.x, below, card.w, min(inches(1.1), box.bottom - below)), hint)


def add_linked_text(slide: Canvas, box: Box, text: str, style: Style, *,
          address: str | None = None) -> None:
    """A fitted text box; its text a link to `address` when given."""
    shape = slide.shapes.add_textbox(Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h))
    write_text(shape.text_frame, box.w, box.h, text, style)
    if address:
        for paragraph in shape.text_frame.paragraphs:
            for run in paragraph.runs:
                run.hyperlink.address = address
