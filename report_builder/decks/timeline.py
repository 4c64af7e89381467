"""The campaign timeline, drawn from shapes: PowerPoint has no native Gantt chart.

One row per campaign (ended since the last meeting, running and starting, in start order, as
in the HTML and PDF), a bar from its first to its last day coloured by status, dates along the
top and a line at this meeting and the next. Everything is grouped as one shape, named
`campaign_timeline`, so it moves and scales as one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from pptx.enum.dml import MSO_LINE
from pptx.enum.shapes import MSO_CONNECTOR
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.slide import Slide
from pptx.util import Emu, Pt

from report_builder.charts.describe import date_ticks
from report_builder.decks.shapes import (
    PANEL,
    SERIES,
    Box,
    Style,
    add_panel,
    add_text,
    fill,
    inches,
    plain,
)
from report_builder.decks.text_fit import clean_text, line_height, text_width
from report_builder.formatting import Formatter
from report_builder.model.agenda import Agenda, CampaignRow

STATUS_COLOURS = {"running": SERIES[1], "starting": SERIES[0], "ended": PANEL}
LABEL = Style(14, min_size=11, align=PP_ALIGN.RIGHT, anchor=MSO_ANCHOR.MIDDLE, max_lines=1)
TICK = Style(12, muted=True, align=PP_ALIGN.CENTER, max_lines=1)
MARK = Style(12, bold=True, max_lines=1)
MIN_ROW = inches(0.3)
MAX_ROW = inches(0.55)


def timeline_rows(agenda: Agenda) -> list[CampaignRow]:
    section = agenda.campaigns
    return sorted(section.ended + section.upcoming, key=lambda r: (r.start_date, r.name))


def rows_that_fit(box: Box, count: int) -> int:
    return min(count, max(1, (box.h - _furniture_height()) // MIN_ROW))


def _furniture_height() -> int:
    """The marks and date ticks above the rows and the legend under them."""
    return 2 * line_height(MARK.size) + inches(0.1) + line_height(TICK.size) + inches(0.45)


def add_timeline(slide: Slide, box: Box, rows: list[CampaignRow], agenda: Agenda,
                 fmt: Formatter, t: Callable[..., str]) -> None:
    """Draw `rows` (at most rows_that_fit) on a time axis filling `box`."""
    group = slide.shapes.add_group_shape()
    group.name = "campaign_timeline"
    start = min([r.start_date for r in rows] + [agenda.as_of]) - dt.timedelta(days=3)
    end = max([r.end_date for r in rows] + [agenda.next_meeting]) + dt.timedelta(days=4)
    widest = max((text_width(clean_text(r.name), LABEL.size) for r in rows), default=0)
    label_w = min(widest + inches(0.1), round(box.w * 0.36))
    marks_h = 2 * line_height(MARK.size) + inches(0.1)
    ticks_h = line_height(TICK.size)
    plot = Box(box.x + label_w + inches(0.15), box.y + marks_h + ticks_h,
               box.w - label_w - inches(0.15), 0)
    row_h = max(MIN_ROW, min(MAX_ROW, (box.h - _furniture_height()) // max(1, len(rows))))
    plot = Box(plot.x, plot.y, plot.w, row_h * len(rows))
    span = (end - start).days

    def x_of(day: dt.date) -> int:
        return plot.x + round(plot.w * (day - start).days / span)

    for day in date_ticks(start, end):
        _line(group, x_of(day), plot.y, plot.bottom, colour=PANEL, width=1.0)
        add_text(group, Box(x_of(day) - inches(0.6), plot.y - ticks_h, inches(1.2), ticks_h),
                 fmt.day_month(day), TICK)
    for index, row in enumerate(rows):
        y = plot.y + index * row_h
        add_text(group, Box(box.x, y, label_w, row_h), row.name, LABEL)
        left = x_of(max(row.start_date, start))
        right = x_of(min(row.end_date + dt.timedelta(days=1), end))
        bar = add_panel(group, Box(left, y + row_h // 5, max(right - left, inches(0.05)),
                                   row_h - 2 * (row_h // 5)),
                        colour=STATUS_COLOURS.get(row.status, PANEL))
        if row.status == "ended":
            fill(bar, PANEL, brightness=-0.25)
    marks = ((agenda.as_of, "this_meeting", MSO_LINE.SOLID, PP_ALIGN.RIGHT, 0),
             (agenda.next_meeting, "next_meeting", MSO_LINE.DASH, PP_ALIGN.LEFT, 1))
    for day, key, dash, align, level in marks:
        x = x_of(day)
        _line(group, x, plot.y - ticks_h - level * line_height(MARK.size), plot.bottom,
              colour=SERIES[2], width=2.5, dash=dash)
        text = f"{t(key)} {fmt.day_month(day)}"
        width = min(text_width(text, MARK.size, bold=True) + inches(0.1), box.w // 3)
        label_x = x - width - inches(0.05) if align == PP_ALIGN.RIGHT else x + inches(0.05)
        y = box.y + level * line_height(MARK.size)
        add_text(group, Box(label_x, y, width, line_height(MARK.size)), text,
                 Style(MARK.size, bold=True, align=align, max_lines=1))
    _legend(group, Box(plot.x, plot.bottom + inches(0.15), plot.w, inches(0.3)), t)


def _legend(group: Any, box: Box, t: Callable[..., str]) -> None:
    x = box.x
    style = Style(12, muted=True, anchor=MSO_ANCHOR.MIDDLE, max_lines=1)
    for status in ("ended", "running", "starting"):
        swatch = add_panel(group, Box(x, box.y + inches(0.07), inches(0.3), inches(0.16)),
                           colour=STATUS_COLOURS[status])
        if status == "ended":
            fill(swatch, PANEL, brightness=-0.25)
        label = t(f"status_{status}")
        width = text_width(label, style.size) + inches(0.1)
        add_text(group, Box(x + inches(0.38), box.y, width, box.h), label, style)
        x += inches(0.38) + width + inches(0.3)


def _line(group: Any, x: int, top: int, bottom: int, *, colour: Any, width: float,
          dash: MSO_LINE = MSO_LINE.SOLID) -> None:
    line = group.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, Emu(x), Emu(top), Emu(x),
                                      Emu(bottom))
    line.line.color.theme_color = colour
    if colour == PANEL:
        line.line.color.brightness = -0.1
    line.line.width = Pt(width)
    line.line.dash_style = dash
    plain(line)
