"""Text that stays inside its box: cleaned for XML, measured, wrapped, shrunk or cut.

Widths come from Arial's metrics (font_metrics.py), which PowerPoint uses for the template's
Arial and LibreOffice for its metric twin Liberation Sans, so a line measured to fit here fits
there. Text is never left to overflow: it is wrapped, then set smaller (down to a floor), then
cut with an ellipsis. All lengths are EMU (914,400 to the inch, 12,700 to the point).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from report_builder.decks import font_metrics
from report_builder.text_limits import TEXT_LIMIT, clip

EMU_PER_PT = 12_700
EMU_PER_INCH = 914_400
ELLIPSIS = "\u2026"
LINE_SPACING = 1.2  # a line's height in font sizes (PowerPoint's single spacing for Arial)
SAFETY = 1.04  # kerning, hinting and rounding differ a little between applications

# Characters XML 1.0 forbids (C0 controls but tab/newline/return, lone surrogates, U+FFFE/F)
# and C1 controls, which are never meant as text in CRM exports.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\r\n\u2028\u2029]+")


def clean_text(value: object, *, keep_newlines: bool = False) -> str:
    """`value` as text that is valid in XML: control characters dropped, white space collapsed.

    Line breaks are kept (as `\\n`) only with `keep_newlines`; otherwise every run of white
    space, including tabs and newlines, becomes one space.
    """
    # no slide shows more than TEXT_LIMIT characters of one text: cut before any work on it
    text = clip(str(value), TEXT_LIMIT)
    text = _INVALID.sub("", text.replace("\x0b", "\n").replace("\x0c", "\n"))
    if keep_newlines:
        lines = (_SPACES.sub(" ", line).strip() for line in re.split(r"\r\n|[\r\n]", text))
        return "\n".join(line for line in lines if line)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=2)
def _widths(bold: bool) -> dict[str, int]:
    table = font_metrics.BOLD if bold else font_metrics.REGULAR
    return dict(zip(font_metrics.CHARS, table, strict=True))


def text_width(text: str, size: float, *, bold: bool = False) -> int:
    """The width of one line of `text` at `size` points, in EMU (with a small safety margin)."""
    widths = _widths(bold)
    units = sum(widths.get(char, font_metrics.UNKNOWN) for char in text)
    return round(units / 1000 * size * EMU_PER_PT * SAFETY)


def line_height(size: float) -> int:
    """The height of one line at `size` points, in EMU."""
    return round(size * LINE_SPACING * EMU_PER_PT)


def ellipsize(text: str, width: int, size: float, *, bold: bool = False) -> str:
    """`text` if it fits `width` on one line, else its longest start that fits, plus `…`."""
    if text_width(text, size, bold=bold) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if text_width(text[:middle].rstrip() + ELLIPSIS, size, bold=bold) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS if low else ELLIPSIS


def wrap(text: str, width: int, size: float, *, bold: bool = False) -> list[str]:
    """Greedy word wrap to `width`; a word longer than a line is broken between characters.

    Explicit line breaks (`\\n`) are kept.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, size, bold=bold) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = word
            while text_width(line, size, bold=bold) > width and len(line) > 1:
                cut = _longest_fitting(line, width, size, bold)
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return lines


def _longest_fitting(text: str, width: int, size: float, bold: bool) -> int:
    cut = 1
    while cut < len(text) and text_width(text[:cut + 1], size, bold=bold) <= width:
        cut += 1
    return cut


def clamp_text(text: str, width: int, size: float, max_lines: int, *,
               bold: bool = False) -> str:
    """`text` if it wraps to at most `max_lines`, else its longest start that does with `…`."""
    if len(wrap(text, width, size, bold=bold)) <= max_lines:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        candidate = text[:middle].rstrip() + ELLIPSIS
        if len(wrap(candidate, width, size, bold=bold)) <= max_lines:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


@dataclass(frozen=True)
class Fitted:
    """Text set to fit a box: the text to show (cut if it had to be), its size and its lines."""

    text: str
    size: float
    lines: int

    @property
    def cut(self) -> bool:
        return self.text.endswith(ELLIPSIS)


def fit_text(text: str, width: int, height: int, *, size: float, min_size: float | None = None,
             bold: bool = False, max_lines: int | None = None) -> Fitted:
    """The largest size from `size` down to `min_size` (whole points) at which `text` fits
    `width` x `height` in at most `max_lines` lines; at `min_size` it is cut with an ellipsis."""
    floor = size if min_size is None else min_size
    current = size
    while True:
        allowed = max(1, height // line_height(current))
        if max_lines is not None:
            allowed = min(allowed, max_lines)
        lines = len(wrap(text, width, current, bold=bold))
        if lines <= allowed:
            return Fitted(text, current, lines)
        if current <= floor:
            cut = clamp_text(text, width, current, allowed, bold=bold)
            return Fitted(cut, current, len(wrap(cut, width, current, bold=bold)))
        current = max(floor, current - 1)
