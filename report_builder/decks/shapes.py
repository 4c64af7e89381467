"""Drawing on a slide: boxes, fitted text, figure tiles, in the template's theme colours.

Colours are theme colours (accent 1-6, text 1-2, background 2), so a deck built on a company
template takes the company's palette. Every text goes through text_fit: it is sized and cut to
its box, never left to overflow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.shapes.group import GroupShape
from pptx.slide import Slide
from pptx.text.text import TextFrame
from pptx.util import Emu, Pt

from report_builder.decks.text_fit import (
    EMU_PER_INCH,
    Fitted,
    clean_text,
    fit_text,
    line_height,
    wrap,
)

INK = MSO_THEME_COLOR.TEXT_1
NAVY = MSO_THEME_COLOR.TEXT_2
PANEL = MSO_THEME_COLOR.BACKGROUND_2
SERIES = (MSO_THEME_COLOR.ACCENT_1, MSO_THEME_COLOR.ACCENT_2, MSO_THEME_COLOR.ACCENT_3,
          MSO_THEME_COLOR.ACCENT_4, MSO_THEME_COLOR.ACCENT_5, MSO_THEME_COLOR.ACCENT_6)
MUTED_BRIGHTNESS = 0.35  # text 1 made lighter: secondary text
Canvas = Slide | GroupShape  # where shapes are drawn: a slide, or a group on one


def inches(value: float) -> int:
    return round(value * EMU_PER_INCH)


TILE_PAD = inches(0.14)


@dataclass(frozen=True)
class Box:
    """A rectangle on the slide, in EMU."""

    x: int
    y: int
    w: int
    h: int

    @property
    def bottom(self) -> int:
        return self.y + self.h

    @property
    def right(self) -> int:
        return self.x + self.w

    def columns(self, n: int, gap: int) -> list[Box]:
        """`n` boxes side by side with `gap` between them."""
        width = (self.w - gap * (n - 1)) // n
        return [Box(self.x + i * (width + gap), self.y, width, self.h) for i in range(n)]

    def split_columns(self, fractions: Sequence[float], gap: int) -> list[Box]:
        """Boxes side by side whose widths are `fractions` of the width left after the gaps."""
        free = self.w - gap * (len(fractions) - 1)
        boxes, x = [], self.x
        for fraction in fractions:
            width = round(free * fraction)
            boxes.append(Box(x, self.y, width, self.h))
            x += width + gap
        return boxes

    def top(self, height: int) -> Box:
        return Box(self.x, self.y, self.w, min(height, self.h))

    def below(self, height: int, gap: int = 0) -> Box:
        """What is left under the first `height` (and a `gap`)."""
        used = min(self.h, height + gap)
        return Box(self.x, self.y + used, self.w, self.h - used)


@dataclass(frozen=True)
class Style:
    """How a text looks: size (and the smallest it may shrink to), weight, colour, alignment."""

    size: float
    min_size: float | None = None
    bold: bool = False
    colour: MSO_THEME_COLOR = INK
    muted: bool = False
    align: PP_ALIGN = PP_ALIGN.LEFT
    anchor: MSO_ANCHOR = MSO_ANCHOR.TOP
    max_lines: int | None = None


def add_text(slide: Canvas, box: Box, text: str, style: Style, *, name: str | None = None,
             keep_newlines: bool = False) -> Fitted:
    """A text box holding `text` fitted to `box` (shrunk, then cut with an ellipsis)."""
    shape = slide.shapes.add_textbox(Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h))
    if name:
        shape.name = name
    return write_text(shape.text_frame, box.w, box.h, text, style, keep_newlines=keep_newlines)


def write_text(frame: TextFrame, width: int, height: int, text: str, style: Style, *,
               keep_newlines: bool = False, margins: tuple[int, int, int, int] = (0, 0, 0, 0),
               ) -> Fitted:
    """Fill `frame` (whose box is `width` x `height`) with `text` fitted to it."""
    left, top, right, bottom = margins
    frame.margin_left, frame.margin_top = Emu(left), Emu(top)
    frame.margin_right, frame.margin_bottom = Emu(right), Emu(bottom)
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = style.anchor
    fitted = fit_text(clean_text(text, keep_newlines=keep_newlines), width - left - right,
                      height - top - bottom, size=style.size, min_size=style.min_size,
                      bold=style.bold, max_lines=style.max_lines)
    paragraphs = fitted.text.split("\n")
    frame.text = ""
    for index, line in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = style.align
        paragraph.line_spacing = 1.0
        run = paragraph.add_run()
        run.text = line
        font = run.font
        font.size = Pt(fitted.size)
        font.bold = style.bold
        font.color.theme_color = style.colour
        if style.muted:
            font.color.brightness = MUTED_BRIGHTNESS
    return fitted


def add_panel(slide: Canvas, box: Box, *, colour: MSO_THEME_COLOR = PANEL,
              rounded: bool = True) -> Any:
    """A filled rectangle without an outline or shadow (a tile's or a card's background)."""
    kind = MSO_SHAPE.ROUNDED_RECTANGLE if rounded else MSO_SHAPE.RECTANGLE
    shape = slide.shapes.add_shape(kind, Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h))
    if rounded:
        shape.adjustments[0] = min(0.12, inches(0.12) / max(1, min(box.w, box.h)))
    fill(shape, colour)
    return shape


def fill(shape: Any, colour: MSO_THEME_COLOR, *, brightness: float = 0.0) -> None:
    shape.fill.solid()
    shape.fill.fore_color.theme_color = colour
    if brightness:
        shape.fill.fore_color.brightness = brightness
    shape.line.fill.background()
    plain(shape)


def plain(shape: Any) -> None:
    """Drop the shape's theme style reference: no theme shadow or outline, no theme text colour."""
    style = shape._element.find(qn("p:style"))  # noqa: SLF001 - no public API for the style
    if style is not None:
        shape._element.remove(style)  # noqa: SLF001


@dataclass(frozen=True)
class Figure:
    """A figure on a tile: a label, the value, and an optional line of context under it."""

    label: str
    value: str
    context: str | None = None
    change: str | None = None  # how it moved since the last meeting
    direction: str | None = None  # up (accent 2), down (accent 6) or flat


CHANGE_COLOURS = {"up": MSO_THEME_COLOR.ACCENT_2, "down": MSO_THEME_COLOR.ACCENT_6}


def add_tiles(slide: Canvas, box: Box, figures: Sequence[Figure], *, per_row: int,
              value_size: float, gap: int = inches(0.2)) -> None:
    """Figures as tiles in rows of `per_row`, filling `box`; every tile's texts share one size
    (the largest at which all of them fit), so the tiles read as a set."""
    if not figures:
        return
    rows = -(-len(figures) // per_row)
    height = (box.h - gap * (rows - 1)) // rows
    cells = [Box(box.x, box.y + row * (height + gap), box.w, height).columns(per_row, gap)[col]
             for row, col in (divmod(i, per_row) for i in range(len(figures)))]
    width = cells[0].w - 2 * TILE_PAD
    small = max(12.0, round(value_size * 0.45))

    def common(texts: list[str], size: float, floor: float, lines: int, bold: bool) -> float:
        return min((fit_text(clean_text(text), width, height, size=size, min_size=floor,
                             bold=bold, max_lines=lines).size for text in texts), default=size)

    sizes = (common([f.label for f in figures], small, 11, 2, False),
             common([f.value for f in figures], value_size, value_size * 0.6, 1, True),
             common([text for f in figures for text in (f.context, f.change) if text],
                    small, 11, 2, False))
    for figure, cell in zip(figures, cells, strict=True):
        add_tile(slide, cell, figure, sizes)


def add_tile(slide: Canvas, box: Box, figure: Figure, sizes: tuple[float, float, float]) -> None:
    """A tile: the label (up to two lines), the value, how it moved since the last meeting
    (one line) and its context (up to two lines)."""
    add_panel(slide, box)
    inner = Box(box.x + TILE_PAD, box.y + TILE_PAD, box.w - 2 * TILE_PAD, box.h - 2 * TILE_PAD)
    label, value, context = sizes
    parts = [(figure.label, Style(label, min_size=11, muted=True, max_lines=2)),
             (figure.value, Style(value, min_size=value * 0.6, bold=True, colour=NAVY,
                                  max_lines=1))]
    if figure.change:
        colour = CHANGE_COLOURS.get(figure.direction or "")
        parts.append((figure.change, Style(context, min_size=11, bold=True, max_lines=2,
                                            colour=colour or INK, muted=colour is None)))
    if figure.context:
        parts.append((figure.context, Style(context, min_size=11, muted=True, max_lines=2)))
    lines = [min(style.max_lines or 1, len(wrap(clean_text(text), inner.w, style.size,
                                                 bold=style.bold)))
             for text, style in parts]
    heights = [n * line_height(style.size) for n, (_, style) in zip(lines, parts, strict=True)]
    if sum(heights) > inner.h:  # no room for second lines: one line each
        heights = [line_height(style.size) for _, style in parts]
    y = inner.y + max(0, inner.h - sum(heights)) // 2
    for (text, style), height in zip(parts, heights, strict=True):
        add_text(slide, Box(inner.x, y, inner.w, height), text, style)
        y += height


def set_notes(slide: Slide, sentences: Sequence[str]) -> None:
    """The speaker notes: the sentences as one paragraph each."""
    frame = slide.notes_slide.notes_text_frame
    if frame is None:
        return
    frame.text = "\n".join(clean_text(s) for s in sentences if s)
