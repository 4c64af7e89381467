"""The company template: opened (.pptx or .potx), its layouts found by name, its text filled in.

A deck starts as a copy of the template, so it keeps the template's masters, layouts, theme
fonts and colours. Its text placeholders (`{{ company }}`) are filled in; a shape whose whole
text is a block marker (`{{ offer }}`) is taken out and its box handed back, for the deck to
draw a block there. Our slides are added with the template's layouts, chosen per slide kind: the
name configured in `[deck.layouts]`, else the usual PowerPoint names, else a layout of the right
shape (a centred title for the title slide, a title and little else for content slides).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide, SlideLayout
from pptx.text.text import TextFrame

from report_builder.decks.shapes import Box
from report_builder.decks.text_fit import clean_text
from report_builder.errors import DeckTemplateError
from report_builder.resources import assets_dir

SLIDE_KINDS = ("title", "agenda", "content")
# The usual names of each kind's layout, in PowerPoint's English and Danish.
DEFAULT_LAYOUT_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("Title Slide", "Titeldias"),
    "agenda": ("Title and Content", "Titel og indhold", "Title Only", "Kun titel"),
    "content": ("Title Only", "Kun titel", "Title and Content", "Titel og indhold"),
}
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
CONTENT_MARKER = "customer_slides"  # a standard slide holding {{ customer_slides }}
HINT_COLOUR = MSO_THEME_COLOR.ACCENT_3  # a hint (what to write where): italic, in accent 3

_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.{}.main+xml"
_TEMPLATE_MAIN = _MAIN.format("template")
_PRESENTATION_MAIN = _MAIN.format("presentation")
_FOOTER_TYPES = {PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER}


def default_template() -> Path:
    return assets_dir() / "deck_template.pptx"


def open_template(path: Path | None) -> PresentationType:
    """The template as a new presentation; a .potx is opened as the .pptx it would make."""
    path = path if path is not None else default_template()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DeckTemplateError(f"Deck template {path} cannot be read ({exc.strerror}); check "
                                "deck.template in report.toml") from None
    try:
        return Presentation(io.BytesIO(as_presentation(data)))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DeckTemplateError(f"Deck template {path} is not a PowerPoint file ({exc}); save "
                                "it from PowerPoint as .pptx or .potx") from None


def as_presentation(data: bytes) -> bytes:
    """A .potx package with its main part typed as a presentation (python-pptx opens only
    those); any other package unchanged."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        types = source.read("[Content_Types].xml")
        if _TEMPLATE_MAIN.encode() not in types:
            return data
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                content = source.read(info.filename)
                if info.filename == "[Content_Types].xml":
                    content = content.replace(_TEMPLATE_MAIN.encode(),
                                              _PRESENTATION_MAIN.encode())
                target.writestr(info, content)
    return out.getvalue()


def layouts(prs: PresentationType) -> list[SlideLayout]:
    """Every layout of every master, in the template's order."""
    return [layout for master in prs.slide_masters for layout in master.slide_layouts]


def find_layout(prs: PresentationType, kind: str, configured: Mapping[str, str], *,
                source: str) -> SlideLayout:
    """The layout for slides of `kind`: the configured name, else a usual name, else by shape.

    A configured name the template lacks is an error (it is a typo or the wrong template), as
    is a template with no layout that has a title.
    """
    available = layouts(prs)
    names = ", ".join(repr(layout.name) for layout in available) or "none"
    by_name = {layout.name.casefold(): layout for layout in reversed(available)}
    if kind in configured:
        found = by_name.get(configured[kind].casefold())
        if found is None:
            raise DeckTemplateError(
                f"Deck template {source} has no slide layout named {configured[kind]!r} "
                f"(deck.layouts.{kind} in report.toml); its layouts are: {names}")
        return found
    for name in DEFAULT_LAYOUT_NAMES[kind]:
        found = by_name.get(name.casefold())
        if found is not None and _has_title(found):
            return found
    found = _by_shape(available, kind)
    if found is None:
        raise DeckTemplateError(
            f"Deck template {source} has no layout for {kind} slides (none is named "
            f"{' or '.join(repr(n) for n in DEFAULT_LAYOUT_NAMES[kind][:2])} and none has a "
            f"title placeholder); its layouts are: {names}. Name one in report.toml under "
            f"[deck.layouts], like {kind} = \"...\"")
    return found


def _has_title(layout: SlideLayout) -> bool:
    placeholders: Any = layout.placeholders
    return any(p.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
               for p in placeholders)


def _by_shape(available: list[SlideLayout], kind: str) -> SlideLayout | None:
    """The layout whose placeholders suit `kind` best, or None when none has a title."""
    def types(layout: SlideLayout) -> list[Any]:
        placeholders: Any = layout.placeholders
        return [p.placeholder_format.type for p in placeholders
                if p.placeholder_format.type not in _FOOTER_TYPES]

    titled = [layout for layout in available
              if {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE} & set(types(layout))]
    if kind == "title":
        centred = [lay for lay in titled if PP_PLACEHOLDER.CENTER_TITLE in types(lay)]
        return next(iter(centred or titled), None)
    if kind == "agenda":
        bodies = [lay for lay in titled if {PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT}
                  & set(types(lay))]
        if bodies:
            return min(bodies, key=lambda lay: len(types(lay)))
    return min(titled, key=lambda lay: len(types(lay)), default=None)


def remove_slide(prs: PresentationType, slide: Slide) -> None:
    """Take `slide` out of the deck (its part is no longer written)."""
    id_list = prs.slides._sldIdLst  # noqa: SLF001 - python-pptx has no public remove
    for entry in list(id_list):
        if prs.slides.part.related_part(entry.rId) is slide.part:
            prs.part.drop_rel(entry.rId)
            id_list.remove(entry)
            break
    _renumber(prs)


def move_slides(prs: PresentationType, slides: list[Slide], position: int) -> None:
    """Put `slides` (in their order) at `position` in the deck."""
    id_list = prs.slides._sldIdLst  # noqa: SLF001 - python-pptx has no public reordering
    order = {id(slide.part): index for index, slide in enumerate(slides)}
    moving = sorted((e for e in id_list if id(prs.slides.part.related_part(e.rId)) in order),
                    key=lambda e: order[id(prs.slides.part.related_part(e.rId))])
    for entry in moving:
        id_list.remove(entry)
    for offset, entry in enumerate(moving):
        id_list.insert(position + offset, entry)
    _renumber(prs)


def _renumber(prs: PresentationType) -> None:
    """Name the slide parts slide1.xml, slide2.xml, ... in deck order, so a slide added later
    never takes the name of one still in the deck."""
    id_list = prs.slides._sldIdLst  # noqa: SLF001
    prs.part.rename_slide_parts([entry.rId for entry in id_list])


def slide_has_marker(slide: Slide, marker: str = CONTENT_MARKER) -> bool:
    return any(name == marker for frame in text_frames(slide.shapes)
               for name in PLACEHOLDER.findall(frame.text))


def text_frames(shapes: Any) -> Iterator[TextFrame]:
    """Every text frame among `shapes`: in shapes, groups and table cells."""
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from text_frames(shape.shapes)
        elif getattr(shape, "has_table", False):
            for row in shape.table.rows:
                for cell in row.cells:
                    yield cell.text_frame
        elif getattr(shape, "has_text_frame", False):
            yield shape.text_frame


def take_blocks(slide: Slide, names: Collection[str]) -> list[tuple[str, Box]]:
    """The block markers on `slide` (shapes whose whole text is `{{ name }}` for one of
    `names`), each taken off the slide and given back as its name and box, in slide order."""
    found = []
    shape: Any
    for shape in list(slide.shapes):
        if not getattr(shape, "has_text_frame", False):
            continue
        match = PLACEHOLDER.fullmatch(shape.text_frame.text.strip())
        if match and match.group(1) in names:
            found.append((match.group(1), Box(int(shape.left), int(shape.top),
                                              int(shape.width), int(shape.height))))
            shape._element.getparent().remove(shape._element)  # noqa: SLF001 - no public remove
    return found


def fill_placeholders(prs: PresentationType, values: Mapping[str, str], *,
                      source: str, hints: Collection[str] = (),
                      blocks: Collection[str] = ()) -> None:
    """Replace `{{ name }}` in the text of the slides, layouts and masters with `values[name]`.

    The paragraph keeps the format of its first run; one filled from a name in `hints` (a
    placeholder saying what to write where, for a value the config lacks) is set in italics,
    in accent 3 (our amber). An unknown name is an error, so no customer ever sees
    `{{ compnay }}`; the message names the `blocks` too (markers that must be alone in a box).
    """
    holders = [*prs.slide_masters, *layouts(prs), *prs.slides]
    unknown = set()
    for holder in holders:
        for frame in text_frames(holder.shapes):
            for paragraph in frame.paragraphs:
                runs = paragraph.runs
                text = "".join(run.text for run in runs)
                if "{{" not in text:
                    continue
                unknown |= {m for m in PLACEHOLDER.findall(text) if m not in values}
                filled = PLACEHOLDER.sub(lambda m: clean_text(values.get(m.group(1),
                                                                         m.group(0))), text)
                runs[0].text = filled
                for run in runs[1:]:
                    run._r.getparent().remove(run._r)  # noqa: SLF001 - merge into the first
                if set(PLACEHOLDER.findall(text)) & set(hints):
                    runs[0].font.italic = True
                    runs[0].font.color.theme_color = HINT_COLOUR
    if unknown:
        raise DeckTemplateError(
            f"Deck template {source} has text placeholders we do not know: "
            f"{', '.join('{{ ' + n + ' }}' for n in sorted(unknown))}; the known ones are "
            f"{', '.join('{{ ' + n + ' }}' for n in sorted(values))}"
            + (f"; and the blocks {', '.join('{{ ' + n + ' }}' for n in blocks)}, each alone "
               "in a text box of its own" if blocks else ""))
