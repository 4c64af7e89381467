"""Tables that fit the slide: sized to their content, cut per cell, continued on the next slide.

A table's font size is the largest (14 pt down to 10 pt) at which its numbers fit their columns;
text columns share what is left and their cells are wrapped (to two lines, or the column's
limit) and only then cut with an ellipsis, so that two different names never read the same
(names.distinct_shortened). Rows that do not fit under the title go on a new slide whose
title and heading end in "(cont.)"; the header row is repeated there. A table never runs past
the slide's free area.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from xml.sax.saxutils import escape

from pptx.oxml import parse_xml
from pptx.slide import Slide
from pptx.util import Emu

from report_builder.decks.shapes import Box, Style, add_text, inches
from report_builder.decks.text_fit import clamp_text, clean_text, line_height, text_width, wrap
from report_builder.names import distinct_shortened

SIZES = (14, 13, 12, 11, 10)
CELL_X = inches(0.08)  # left and right cell margin
CELL_Y = inches(0.04)
HEADING = Style(16, min_size=12, bold=True, max_lines=1)
FOOTNOTE = Style(12, min_size=10, muted=True, max_lines=1)
HEADING_GAP = inches(0.06)
BLOCK_GAP = inches(0.28)
MIN_ROWS = 3  # a table starts on a new slide rather than with fewer rows under its heading
COMFORTABLE = inches(2.4)  # a text column cut to this width still reads well
ROW_SLACK = inches(0.04)  # applications add a little to a row's line height
WRAP_LINES = 2  # a cell that does not fit its column wraps to this many lines before it is cut


@dataclass(frozen=True)
class Column:
    header: str
    numeric: bool = False  # right-aligned and never cut: the column is made wide enough
    # a text column is measured for its cells in this many lines; a cell that still does not
    # fit wraps to WRAP_LINES (or this, if more) before it is cut
    max_lines: int = 1


@dataclass(frozen=True)
class TableBlock:
    """A heading, a table and an optional footnote, with the speaker notes that explain it."""

    heading: str | None
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    footnote: str | None = None
    notes: tuple[str, ...] = ()
    bold_last: bool = False  # the last row is a total
    name: str = "table"
    # rows to mark (e.g. overdue actions): bold, in the theme's accent 6 (our red)
    marked: tuple[int, ...] = ()
    # the rows of the whole list when the block holds only its first few (a main-body slide);
    # the footnote then says how many are left out
    total: int | None = None


@dataclass
class _Sized:
    size: int
    widths: list[int]
    header_lines: int
    cells: list[list[str]]  # fitted cell texts
    heights: list[int]  # of each body row
    header_height: int = 0


@dataclass
class TableFlow:
    """Lays table blocks out on as many slides as they need.

    `new_slide(continued)` adds a slide (its title ending in "(cont.)" when `continued`) and
    returns it with its free area; `continued` is the label, like "cont.".
    """

    new_slide: Callable[[bool], tuple[Slide, Box]]
    continued: str
    on_slide: Callable[[Slide, list[str]], None] = lambda slide, notes: None
    _slides: list[tuple[Slide, Box, list[str]]] = field(default_factory=list)

    def add(self, blocks: Sequence[TableBlock]) -> None:
        slide, area, notes = self._start()
        y = area.y
        for block in blocks:
            sized = size_table(block, area.w)
            heading_h = line_height(HEADING.size) + HEADING_GAP if block.heading else 0
            rows = list(range(len(block.rows)))
            part = 0
            while True:
                space = area.bottom - y - heading_h - sized.header_height
                take = _rows_fitting(sized.heights, rows, space)
                if take < min(MIN_ROWS, len(rows)) and y > area.y:  # too little room left
                    slide, area, notes = self._start()
                    y = area.y
                    continue
                take = max(take, min(1, len(rows)))
                left = len(rows) - take
                if 0 < left < MIN_ROWS and take - (MIN_ROWS - left) >= MIN_ROWS:
                    take -= MIN_ROWS - left  # no last slide with one or two rows
                if block.heading:
                    heading = block.heading if part == 0 else \
                        f"{block.heading} ({self.continued})"
                    add_text(slide, Box(area.x, y, area.w, line_height(HEADING.size)), heading,
                             HEADING)
                    y += heading_h
                y += draw_table(slide, Box(area.x, y, area.w, area.bottom - y), block, sized,
                                rows[:take])
                notes.extend(n for n in block.notes if n not in notes)
                rows = rows[take:]
                part += 1
                if not rows:
                    break
                slide, area, notes = self._start()
                y = area.y
            if block.footnote:
                height = line_height(FOOTNOTE.size)
                if y + HEADING_GAP + height > area.bottom:
                    slide, area, notes = self._start()
                    y = area.y
                add_text(slide, Box(area.x, y + HEADING_GAP, area.w, height), block.footnote,
                         FOOTNOTE)
                y += HEADING_GAP + height
            y += BLOCK_GAP
        for done, _, sentences in self._slides:
            self.on_slide(done, sentences)
        self._slides.clear()

    def _start(self) -> tuple[Slide, Box, list[str]]:
        slide, area = self.new_slide(bool(self._slides))
        notes: list[str] = []
        self._slides.append((slide, area, notes))
        return slide, area, notes


def _rows_fitting(heights: list[int], rows: list[int], space: int) -> int:
    used = 0
    for count, row in enumerate(rows):
        used += heights[row]
        if used > space:
            return count
    return len(rows)


def size_table(block: TableBlock, width: int) -> _Sized:
    """The font size and column widths for a block, and its cells fitted to them."""
    size, widths = choose_widths(block, width)
    headers = [wrap(clean_text(c.header), w - 2 * CELL_X, size, bold=True)
               for c, w in zip(block.columns, widths, strict=True)]
    header_lines = min(2, max(len(h) for h in headers))
    any_bold = any(_bold(block, r) for r in range(len(block.rows)))  # measured as the widest
    columns = [fit_column([clean_text(row[index]) for row in block.rows],
                          column_width - 2 * CELL_X, size, max(column.max_lines, WRAP_LINES),
                          bold=any_bold)
               for index, (column, column_width)
               in enumerate(zip(block.columns, widths, strict=True))]
    cells, heights = [], []
    for number in range(len(block.rows)):
        bold = _bold(block, number)
        fitted = [column[number] for column in columns]
        lines = max((len(wrap(cell, column_width - 2 * CELL_X, size, bold=bold))
                     for cell, column_width in zip(fitted, widths, strict=True)), default=1)
        cells.append(fitted)
        heights.append(lines * line_height(size) + 2 * CELL_Y + ROW_SLACK)
    sized = _Sized(size, widths, header_lines, cells, heights)
    sized.header_height = header_lines * line_height(size) + 2 * CELL_Y + ROW_SLACK
    return sized


def fit_column(values: list[str], width: int, size: float, max_lines: int, *,
               bold: bool = False) -> list[str]:
    """A column's cells as they read in `width`: wrapped to `max_lines`, and where a cell
    must still be cut, cut so that no two different values read the same."""
    return distinct_shortened(
        values, lambda text: len(wrap(text, width, size, bold=bold)) <= max_lines)


def choose_widths(block: TableBlock, width: int) -> tuple[int, list[int]]:
    """In order of preference: everything whole (down to 12 pt); text cut to a comfortable
    width (down to 11 pt); text cut to its narrowest (down to 10 pt); else every column
    narrowed in proportion at 10 pt."""
    for mode, sizes in (("whole", SIZES[:3]), ("comfortable", SIZES[:4]), ("narrowest", SIZES)):
        for size in sizes:
            widths = column_widths(block, width, size, mode)
            if widths is not None:
                return size, widths
    size = SIZES[-1]
    natural = [_natural(block, i, size) for i in range(len(block.columns))]
    return size, [int(w * width / sum(natural)) for w in natural]


def column_widths(block: TableBlock, width: int, size: float, mode: str) -> list[int] | None:
    """Column widths at `size` in `mode` (whole, comfortable or narrowest), or None when the
    table does not fit `width` that way. Numbers always get their whole width."""
    natural = [_natural(block, i, size) for i in range(len(block.columns))]
    if sum(natural) <= width:
        # a table much narrower than the slide is widened a little, not stretched across it
        target = width if sum(natural) > 0.7 * width else min(width, round(sum(natural) * 1.25))
        extra = target - sum(natural)
        text = [i for i, c in enumerate(block.columns) if not c.numeric]
        grow = text or list(range(len(natural)))
        share = sum(natural[i] for i in grow)
        return [w + (round(extra * w / share) if i in grow else 0) for i, w in enumerate(natural)]
    if mode == "whole":
        return None
    numeric = [i for i, c in enumerate(block.columns) if c.numeric]
    text = [i for i, c in enumerate(block.columns) if not c.numeric]
    free = width - sum(natural[i] for i in numeric)
    floors = {i: max(inches(0.9), _header_width(block.columns[i].header, size)) for i in text}
    if mode == "comfortable":
        floors = {i: max(f, min(natural[i], COMFORTABLE)) for i, f in floors.items()}
    if not text or free < sum(min(floors[i], natural[i]) for i in text):
        return None
    widths = list(natural)
    # each text column first gets its floor (its header whole, in two lines at most), then
    # water-filling: columns that want little more keep their width, wide ones share the rest
    base = {i: min(floors[i], natural[i]) for i in text}
    free -= sum(base.values())
    pending = sorted(text, key=lambda i: natural[i] - base[i])
    while pending:
        fair = free // len(pending)
        i = pending.pop(0)
        extra = min(natural[i] - base[i], fair) if pending else free
        widths[i] = base[i] + extra
        free -= extra
    return widths


def _natural(block: TableBlock, index: int, size: float) -> int:
    column = block.columns[index]
    cells = [text_width(clean_text(row[index]), size, bold=_bold(block, number))
             for number, row in enumerate(block.rows)]
    widest = max(cells, default=0)
    if column.max_lines > 1:
        widest = min(widest, max(inches(2.0), widest // column.max_lines))
    return max(widest, _header_width(column.header, size)) + 2 * CELL_X


def _bold(block: TableBlock, row: int) -> bool:
    return block.bold_last and row == len(block.rows) - 1 or row in block.marked


def _header_width(header: str, size: float) -> int:
    """The narrowest width at which a header takes at most two lines."""
    text = clean_text(header)
    words = [text_width(w, size, bold=True) for w in text.split(" ")]
    width = max(max(words, default=0), text_width(text, size, bold=True) // 2)
    while len(wrap(text, width, size, bold=True)) > 2:
        width += inches(0.05)
    return width + 2 * CELL_X


def draw_table(slide: Slide, box: Box, block: TableBlock, sized: _Sized,
               rows: list[int]) -> int:
    """Draw the header and `rows` of the block at the top of `box`; return the height used."""
    height = sized.header_height + sum(sized.heights[r] for r in rows)
    shape = slide.shapes.add_table(len(rows) + 1, len(block.columns), Emu(box.x), Emu(box.y),
                                   Emu(sum(sized.widths)), Emu(height))
    shape.name = block.name
    table = shape.table
    for index, column_width in enumerate(sized.widths):
        table.columns[index].width = Emu(column_width)
    table.rows[0].height = Emu(sized.header_height)
    for column, spec in enumerate(block.columns):
        header = clamp_text(clean_text(spec.header), sized.widths[column] - 2 * CELL_X,
                            sized.size, 2, bold=True)
        _cell(table.cell(0, column), header, sized.size, spec, header=True, shade=False)
    for position, row in enumerate(rows, start=1):
        table.rows[position].height = Emu(sized.heights[row])
        bold = _bold(block, row)
        ink = MARK_INK if row in block.marked else "tx1"
        for column, spec in enumerate(block.columns):
            _cell(table.cell(position, column), sized.cells[row][column], sized.size, spec,
                  header=False, shade=position % 2 == 0, bold=bold, ink=ink)
    return height


# A cell written as XML in one go: python-pptx's cell API takes ~1 ms a cell, and the example's
# tables have over a thousand. Colours are the theme's: accent 1 (header), background 1 and 2
# (rows), text 1 and background 1 (text). An empty cell has no run, only the paragraph's end
# at the table's size: with an empty run LibreOffice sets its line at the default 18 pt, and
# the row grows taller than measured (the footnote under the table then covers its last row).
_CELL = (
    '<a:tc xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:txBody>'
    '<a:bodyPr wrap="square"/><a:lstStyle/><a:p><a:pPr algn="{align}"/>{run}'
    '<a:endParaRPr sz="{size}" dirty="0"/></a:p></a:txBody>'
    '<a:tcPr marL="{x}" marR="{x}" marT="{y}" marB="{y}" anchor="{anchor}"><a:solidFill>'
    '<a:schemeClr val="{fill}"/></a:solidFill></a:tcPr></a:tc>'
)
_RUN = ('<a:r><a:rPr sz="{size}" b="{bold}" dirty="0"><a:solidFill>'
        '<a:schemeClr val="{ink}"/></a:solidFill></a:rPr><a:t>{text}</a:t></a:r>')


MARK_INK = "accent6"


def _cell(cell: Any, text: str, size: int, column: Column, *, header: bool, shade: bool,
          bold: bool = False, ink: str = "tx1") -> None:
    """Replace `cell` with one holding `text`, formatted and filled."""
    run = _RUN.format(size=size * 100, bold=int(header or bold), ink="bg1" if header else ink,
                      text=escape(text)) if text else ""
    xml = _CELL.format(
        align="r" if column.numeric else "l", size=size * 100, run=run, x=CELL_X,
        y=CELL_Y, anchor="b" if header else "ctr",
        fill="accent1" if header else ("bg2" if shade else "bg1"))
    old = cell._tc  # noqa: SLF001 - the cell's element, replaced whole
    old.getparent().replace(old, parse_xml(xml))


def _wrapping(style: Style, text: str | None, width: int) -> Style:
    """The heading or footnote style in two lines where one cannot hold `text` (a narrow column
    beside a chart), rather than cut."""
    if not text or text_width(text, style.size, bold=style.bold) <= width:
        return style
    return replace(style, max_lines=2)


def add_tables_on_slide(slide: Slide, area: Box, blocks: Sequence[TableBlock],
                        more: Callable[[int], str]) -> list[str]:
    """The blocks one under the other on this slide only (a main-body slide: its backup holds
    the full tables). A block's rows that do not fit are left out, and a block with no room
    for its heading and one row is left out whole; a block with a `total` says how many of
    its list's rows it leaves out (`more(count)`). Returns the notes of the blocks drawn."""
    y = area.y
    notes: list[str] = []
    for block in blocks:
        sized = size_table(block, area.w)
        heading = _wrapping(HEADING, block.heading, area.w)
        heading_h = line_height(HEADING.size) * (heading.max_lines or 1) + HEADING_GAP \
            if block.heading else 0
        # a list's "n more" line is written once its rows are counted: sized for the most
        footnote = _wrapping(FOOTNOTE, block.footnote if block.total is None
                             else more(block.total), area.w)
        footnote_h = line_height(FOOTNOTE.size) * (footnote.max_lines or 1) + HEADING_GAP \
            if block.footnote or block.total is not None else 0
        space = area.bottom - y - heading_h - sized.header_height - footnote_h
        rows = list(range(len(block.rows)))
        take = _rows_fitting(sized.heights, rows, space)
        if take == 0:
            continue
        if block.total is not None:
            block = replace(block, footnote=more(block.total - take) if block.total > take
                            else None)
        if block.heading:
            add_text(slide, Box(area.x, y, area.w, heading_h - HEADING_GAP), block.heading,
                     heading)
            y += heading_h
        y += draw_table(slide, Box(area.x, y, area.w, area.bottom - y), block, sized,
                        rows[:take])
        if block.footnote:
            add_text(slide, Box(area.x, y + HEADING_GAP, area.w, footnote_h - HEADING_GAP),
                     block.footnote, footnote)
            y += footnote_h
        notes.extend(n for n in block.notes if n not in notes)
        y += BLOCK_GAP
    return notes

