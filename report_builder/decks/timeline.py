"""The campaign timeline (its description: charts/describe.py) drawn from shapes: PowerPoint
has no native Gantt chart.

One row per campaign (ended since the last meeting, running and starting, in start order, as
in the HTML and PDF), a bar from its first to its last day coloured by status, dates along the
top and a line at this meeting and the next. Everything is grouped as one shape, named
`campaign_timeline`, so it moves and scales as one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pptx.enum.dml import MSO_LINE
from pptx.enum.shapes import MSO_CONNECTOR
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.slide import Slide
from pptx.util import Emu, Pt

from report_builder.charts.description import Timeline
from report_builder.decks.colours import DeckColour, deck_colour
from report_builder.decks.shapes import (
    PANEL,
    Box,
    Style,
    add_panel,
    add_text,
    inches,
    plain,
)
from report_builder.decks.text_fit import clean_text, line_height, text_width
from report_builder.theme import Theme

LABEL = Style(14, min_size=11, align=PP_ALIGN.RIGHT, anchor=MSO_ANCHOR.MIDDLE, max_lines=1)
TICK = Style(12, muted=True, align=PP_ALIGN.CENTER, max_lines=1)
MARK = Style(12, bold=True, max_lines=1)
MIN_ROW = inches(0.3)
MAX_ROW = inches(0.55)


def rows_that_fit(box: Box, count: int) -> int:
    return min(count, max(1, (box.h - _furniture_height()) // MIN_ROW))


def _furniture_height() -> int:
    """The marks and date ticks above the rows and the legend under them."""
    return 2 * line_height(MARK.size) + inches(0.1) + line_height(TICK.size) + inches(0.45)


def add_timeline(slide: Slide, box: Box, timeline: Timeline, theme: Theme) -> None:
    """Draw `timeline` (of at most rows_that_fit campaigns) on a time axis filling `box`."""
    group = slide.shapes.add_group_shape()
    group.name = "campaign_timeline"
    bars, start, end = timeline.bars, timeline.start, timeline.end
    widest = max((text_width(clean_text(b.name), LABEL.size) for b in bars), default=0)
    label_w = min(widest + inches(0.1), round(box.w * 0.36))
    marks_h = 2 * line_height(MARK.size) + inches(0.1)
    ticks_h = line_height(TICK.size)
    plot = Box(box.x + label_w + inches(0.15), box.y + marks_h + ticks_h,
               box.w - label_w - inches(0.15), 0)
    row_h = max(MIN_ROW, min(MAX_ROW, (box.h - _furniture_height()) // max(1, len(bars))))
    plot = Box(plot.x, plot.y, plot.w, row_h * len(bars))
    span = (end - start).days

    def x_of(day: dt.date) -> int:
        return plot.x + round(plot.w * (day - start).days / span)

    for tick in timeline.ticks:
        _line(group, x_of(tick.day), plot.y, plot.bottom, colour=None, width=1.0)
        add_text(group, Box(x_of(tick.day) - inches(0.6), plot.y - ticks_h, inches(1.2),
                            ticks_h), tick.label, TICK)
    for index, bar in enumerate(bars):
        y = plot.y + index * row_h
        add_text(group, Box(box.x, y, label_w, row_h), bar.name, LABEL)
        left = x_of(max(bar.start, start))
        right = x_of(min(bar.end + dt.timedelta(days=1), end))
        shape = add_panel(group, Box(left, y + row_h // 5, max(right - left, inches(0.05)),
                                     row_h - 2 * (row_h // 5)))
        deck_colour(timeline.colour(bar.status), theme).apply(shape.fill.fore_color)
    mark_colour = deck_colour(timeline.mark_colour, theme)
    for level, mark in enumerate(timeline.marks):
        x = x_of(mark.day)
        _line(group, x, plot.y - ticks_h - level * line_height(MARK.size), plot.bottom,
              colour=mark_colour, width=2.5, dash=MSO_LINE.DASH if mark.dashed else MSO_LINE.SOLID)
        align = PP_ALIGN.LEFT if mark.dashed else PP_ALIGN.RIGHT
        width = min(text_width(mark.label, MARK.size, bold=True) + inches(0.1), box.w // 3)
        label_x = x - width - inches(0.05) if align == PP_ALIGN.RIGHT else x + inches(0.05)
        y = box.y + level * line_height(MARK.size)
        add_text(group, Box(label_x, y, width, line_height(MARK.size)), mark.label,
                 Style(MARK.size, bold=True, align=align, max_lines=1))
    _legend(group, Box(plot.x, plot.bottom + inches(0.15), plot.w, inches(0.3)), timeline, theme)


def _legend(group: Any, box: Box, timeline: Timeline, theme: Theme) -> None:
    x = box.x
    style = Style(12, muted=True, anchor=MSO_ANCHOR.MIDDLE, max_lines=1)
    for status in timeline.statuses:
        swatch = add_panel(group, Box(x, box.y + inches(0.07), inches(0.3), inches(0.16)))
        deck_colour(status.colour, theme).apply(swatch.fill.fore_color)
        width = text_width(status.label, style.size) + inches(0.1)
        add_text(group, Box(x + inches(0.38), box.y, width, box.h), status.label, style)
        x += inches(0.38) + width + inches(0.3)


def _line(group: Any, x: int, top: int, bottom: int, *, colour: DeckColour | None,
          width: float, dash: MSO_LINE = MSO_LINE.SOLID) -> None:
    """A vertical line: a mark in `colour`, else a grid line (the panel colour, darker)."""
    line = group.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, Emu(x), Emu(top), Emu(x),
                                      Emu(bottom))
    if colour is None:
        line.line.color.theme_color = PANEL
        line.line.color.brightness = -0.1
    else:
        colour.apply(line.line.color)
    line.line.width = Pt(width)
    line.line.dash_style = dash
    plain(line)
