"""What the laid-out PDF looks like to a reader: which page each chart is on, whether a chart is
cut by the page's bottom, what runs past the right margin, and which text runs out of its
figure's box (a tile or a stat, whose figures do not wrap). Reads WeasyPrint's page boxes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class PageLayout:
    chart_pages: dict[str, list[int]] = field(default_factory=dict)  # chart key -> pages
    cut_charts: list[tuple[int, str]] = field(default_factory=list)  # (page, chart key)
    overflowing: list[tuple[int, str | None]] = field(default_factory=list)  # (page, tag)
    out_of_box: list[tuple[int, str]] = field(default_factory=list)  # (page, text)

# the boxes of one figure each: their text stays inside them
FIGURE_BOXES = {"tile", "stat"}


def page_layout(document: Any) -> PageLayout:
    found = PageLayout()
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box  # noqa: SLF001 - the laid-out page and its boxes
        right = page_box.content_box_x() + page_box.width + 0.5
        bottom = page_box.content_box_y() + page_box.height
        for box in descendants(page_box):
            element = getattr(box, "element", None)
            if element is not None and element.get("class") == "chart-image" \
                    and type(box).__name__.endswith("ReplacedBox"):
                key = element.get("data-chart")
                found.chart_pages.setdefault(key, []).append(number)
                if box.position_y + box.height > bottom:
                    found.cut_charts.append((number, key))
            if element is not None and FIGURE_BOXES & set((element.get("class") or "").split()) \
                    and hasattr(box, "border_box_x"):
                edge = box.border_box_x() + box.border_width() + 0.5
                found.out_of_box += [(number, text.text) for text in descendants(box)
                                     if type(text).__name__ == "TextBox"
                                     and text.position_x + text.width > edge]
            if type(box).__name__ in ("PageBox", "MarginBox") or not hasattr(box, "position_x"):
                continue
            if box.margin_width() > 0 and box.position_x + box.margin_width() > right:
                found.overflowing.append((number, getattr(box, "element_tag", None)))
    return found


def descendants(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from descendants(child)
