"""A deck being built on the company template: slides by kind, fitted titles, the free area.

Slides use the template's layouts (template.find_layout); the title goes in the layout's title
placeholder at the template's size, set smaller only when it would not fit; the area under the
title, down to the footer margin, is where a slide's content goes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide, SlideLayout
from pptx.util import Pt

from report_builder.decks.shapes import Box, inches
from report_builder.decks.template import SLIDE_KINDS, find_layout
from report_builder.decks.text_fit import clean_text, fit_text

TITLE_TYPES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
DEFAULT_INSET = 91_440  # a text frame's default left/right inset (0.1 in)
DEFAULT_INSET_Y = 45_720
BOTTOM_MARGIN = 0.08  # of the slide height, kept free for the template's footer
GAP = inches(0.2)


class Deck:
    """The presentation and the layouts chosen for each slide kind."""

    def __init__(self, prs: PresentationType, configured: Mapping[str, str], *,
                 source: str) -> None:
        self.prs = prs
        self.layouts: dict[str, SlideLayout] = {
            kind: find_layout(prs, kind, configured, source=source) for kind in SLIDE_KINDS}

    @property
    def width(self) -> int:
        return int(self.prs.slide_width or 0)

    @property
    def height(self) -> int:
        return int(self.prs.slide_height or 0)

    def add_slide(self, kind: str, title: str, *, subtitle: str | None = None) -> Slide:
        """A slide of `kind` with its title (and subtitle, on title slides) filled in."""
        slide = self.prs.slides.add_slide(self.layouts[kind])
        title_shape = self.title_placeholder(slide)
        if title_shape is not None:
            fit_placeholder(title_shape, title, bold=True, max_lines=2)
        if subtitle is not None:
            body = self.body_placeholder(slide)
            if body is not None:
                fit_placeholder(body, subtitle, bold=False, keep_newlines=True)
        return slide

    @staticmethod
    def title_placeholder(slide: Slide) -> Any | None:
        return next((p for p in slide.placeholders
                     if p.placeholder_format.type in TITLE_TYPES), None)

    @staticmethod
    def body_placeholder(slide: Slide) -> Any | None:
        return next((p for p in slide.placeholders
                     if p.placeholder_format.type not in TITLE_TYPES), None)

    def content_box(self, slide: Slide) -> Box:
        """The free area under the title, between the title's side margins."""
        title = self.title_placeholder(slide)
        left = int(title.left) if title is not None else inches(0.6)
        top = int(title.top + title.height) + GAP if title is not None else inches(1.2)
        bottom = self.height - round(self.height * BOTTOM_MARGIN)
        return Box(left, top, self.width - 2 * left, bottom - top)

    @staticmethod
    def drop_empty_placeholders(slide: Slide) -> None:
        """Remove placeholders left empty ("Click to add text" would show while editing)."""
        for shape in list(slide.placeholders):
            if not shape.has_text_frame or not shape.text_frame.text.strip():
                shape._element.getparent().remove(shape._element)  # noqa: SLF001


def fit_placeholder(shape: Any, text: str, *, bold: bool, max_lines: int | None = None,
                    keep_newlines: bool = False) -> None:
    """Put `text` in a placeholder at its inherited size, smaller only if it would not fit."""
    size = inherited_size(shape)
    width = int(shape.width) - 2 * DEFAULT_INSET
    height = int(shape.height) - 2 * DEFAULT_INSET_Y
    fitted = fit_text(clean_text(text, keep_newlines=keep_newlines), width, height, size=size,
                      min_size=max(12.0, size * 0.6), bold=bold, max_lines=max_lines)
    frame = shape.text_frame
    frame.text = fitted.text
    if fitted.size != size:
        for paragraph in frame.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(fitted.size)


def inherited_size(shape: Any) -> float:
    """The font size (pt) a placeholder's first level gets from its layout, master or styles."""
    kind = shape.placeholder_format.type
    candidates = []
    layout_shape = _layout_placeholder(shape)
    if layout_shape is not None:
        candidates.append(layout_shape._element)  # noqa: SLF001
        master_shape = _layout_placeholder(layout_shape)
        if master_shape is not None:
            candidates.append(master_shape._element)  # noqa: SLF001
    for element in candidates:
        size = element.find(f".//{qn('a:lstStyle')}/{qn('a:lvl1pPr')}/{qn('a:defRPr')}")
        if size is not None and size.get("sz"):
            return int(size.get("sz")) / 100
    master = shape.part.slide_layout.slide_master if hasattr(shape.part, "slide_layout") \
        else None
    style = "p:titleStyle" if kind in TITLE_TYPES else "p:bodyStyle"
    if master is not None:
        styles = master._element.find(qn("p:txStyles"))  # noqa: SLF001
        found = styles.find(f"{qn(style)}/{qn('a:lvl1pPr')}/{qn('a:defRPr')}") \
            if styles is not None else None
        if found is not None and found.get("sz"):
            return int(found.get("sz")) / 100
    return 32.0 if kind in TITLE_TYPES else 18.0


def _layout_placeholder(shape: Any) -> Any | None:
    """The placeholder this one inherits from (on the layout, or on the master)."""
    try:
        return shape._base_placeholder  # noqa: SLF001 - python-pptx's inheritance link
    except (AttributeError, KeyError):
        return None
