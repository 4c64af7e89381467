"""Build assets/deck_template.pptx: the decks' default company template (16:9, our theme).

    .venv/bin/python assets/build_deck_template.py [OUT]   (OUT: assets/deck_template.pptx)

It starts from python-pptx's built-in presentation and makes it ours: 16:9; the theme's colours
from assets/theme.json and Arial for headings and text (Liberation Sans, its metric twin, where
LibreOffice renders); a master with a left-aligned title, an amber rule under it, the logo drawn
from shapes and a footer with `{{ company }}` and the slide number; six layouts (Title Slide,
Title and Content, Section Header, Two Content, Title Only, Blank); and the customer deck's
standard slides: the cover (`{{ company }}`, `{{ tagline }}`: no meeting date), who we are
(`{{ about }}`), what we offer (`{{ offer }}`), the place of the references and events
(`{{ customer_slides }}`) and how to reach us (`{{ contact }}`): each block marker a text box
whose place and size the deck draws the company's profile in. The file is written with fixed
dates, so building it again gives the same bytes.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import sys
from pathlib import Path
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.slide import SlideLayout, SlideMaster
from pptx.util import Emu, Inches, Pt

from report_builder.decks.package import stamped

HERE = Path(__file__).resolve().parent
OUT = HERE / "deck_template.pptx"
WIDTH, HEIGHT = Emu(12_192_000), Emu(6_858_000)  # 16:9, 13.33 x 7.5 in
MARGIN = Inches(0.6)
KEEP = ("Title Slide", "Title and Content", "Section Header", "Two Content", "Title Only",
        "Blank")
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
FOOTER_TYPES = (PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER)


def main(out: Path = OUT) -> None:
    theme = json.loads((HERE / "theme.json").read_text(encoding="utf-8"))
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    set_theme(prs, theme)
    master = prs.slide_master
    style_master(master)
    decorate_master(prs, master)
    for layout in list(master.slide_layouts):
        if layout.name not in KEEP:
            master.slide_layouts.remove(layout)
    for layout in master.slide_layouts:
        style_layout(prs, layout)
    standard_slides(prs)
    prs.core_properties.title = "report-builder deck template"
    prs.core_properties.author = "report-builder"
    stamp = dt.datetime(2026, 1, 1)
    prs.core_properties.created = prs.core_properties.modified = stamp
    prs.core_properties.revision = 1
    prs.core_properties.last_modified_by = "report-builder"
    buffer = io.BytesIO()
    prs.save(buffer)
    out.write_bytes(stamped(buffer.getvalue(), stamp))
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")


def standard_slides(prs: Any) -> None:
    """The customer deck's standard slides, filled from [company.profile] when it is built."""
    cover = prs.slides.add_slide(layout_named(prs, "Title Slide"))
    cover.shapes.title.text = "{{ company }}"
    cover.placeholders[1].text = "{{ tagline }}"
    title_only = layout_named(prs, "Title Only")
    for title, block in (("{{ about_title }}", "{{ about }}"), ("{{ offer_title }}", "{{ offer }}"),
                         ("{{ customer_slides }}", None),
                         ("{{ contact_title }}", "{{ contact }}")):
        slide = prs.slides.add_slide(title_only)
        slide.shapes.title.text = title
        if block is not None:  # the content area under the title, above the footer
            box = slide.shapes.add_textbox(MARGIN, Inches(1.4), WIDTH - 2 * MARGIN, Inches(5.5))
            box.name = f"Block {block}"
            box.text_frame.text = block


# -- theme ---------------------------------------------------------------------------------------
def set_theme(prs: Any, theme: dict[str, Any]) -> None:
    """Colours from theme.json (dk2 and accent1 are our navy) and Arial for all text."""
    part = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(part.blob)
    root.set("name", "report-builder")
    colours = theme["colors"]
    series = theme["series"]
    scheme = {"dk1": colours["ink"], "lt1": colours["paper"], "dk2": colours["navy"],
              "lt2": colours["background"], "accent1": series[0], "accent2": series[1],
              "accent3": series[2], "accent4": series[3], "accent5": series[4],
              "accent6": series[5], "hlink": colours["teal"], "folHlink": colours["muted"]}
    clr = root.find(f".//{{{A}}}clrScheme")
    clr.set("name", theme["name"])
    for name, value in scheme.items():
        slot = clr.find(f"{{{A}}}{name}")
        for child in list(slot):
            slot.remove(child)
        etree.SubElement(slot, f"{{{A}}}srgbClr", val=value.lstrip("#").upper())
    fonts = root.find(f".//{{{A}}}fontScheme")
    fonts.set("name", "Arial")
    for latin in fonts.iter(f"{{{A}}}latin"):
        latin.set("typeface", "Arial")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# -- master --------------------------------------------------------------------------------------
def style_master(master: SlideMaster) -> None:
    for shape in list(master.placeholders):
        kind = shape.placeholder_format.type
        if kind in FOOTER_TYPES:
            shape._element.getparent().remove(shape._element)
        elif kind == PP_PLACEHOLDER.TITLE:
            place(shape, MARGIN, Inches(0.35), Inches(11.35), Inches(0.85))
            body_pr(shape, anchor="b")
        else:
            place(shape, MARGIN, Inches(1.45), WIDTH - 2 * MARGIN, Inches(5.3))
            body_pr(shape, anchor="t")
    styles = master._element.find(qn("p:txStyles"))
    title = styles.find(qn("p:titleStyle")).find(qn("a:lvl1pPr"))
    title.set("algn", "l")
    run = title.find(qn("a:defRPr"))
    run.set("sz", "2800")
    run.set("b", "1")
    scheme_fill(run, "tx2")
    sizes = {1: 2000, 2: 1800, 3: 1600, 4: 1400, 5: 1400}
    body = styles.find(qn("p:bodyStyle"))
    for level, size in sizes.items():
        paragraph = body.find(qn(f"a:lvl{level}pPr"))
        paragraph.find(qn("a:defRPr")).set("sz", str(size))
        bullet_colour = paragraph.find(qn("a:buClr"))
        if bullet_colour is None:
            bullet_colour = etree.Element(qn("a:buClr"))
            paragraph.insert(1, bullet_colour)
        for child in list(bullet_colour):
            bullet_colour.remove(child)
        etree.SubElement(bullet_colour, qn("a:schemeClr"), val="accent2")


def decorate_master(prs: Any, master: SlideMaster) -> None:
    """The logo at the top right and the footer: the company and the slide number."""
    scratch = prs.slides.add_slide(master.slide_layouts[6])  # Blank: shapes are drawn here
    shapes = scratch.shapes
    draw_logo(shapes, WIDTH - MARGIN - Inches(0.5), Inches(0.55), Inches(0.5))
    line = shapes.add_connector(1, MARGIN, Inches(7.0), WIDTH - MARGIN, Inches(7.0))
    line.line.color.rgb = RGBColor(0xCF, 0xD7, 0xE0)
    line.line.width = Pt(0.75)
    plain(line)
    footer = shapes.add_textbox(MARGIN, Inches(7.05), Inches(8), Inches(0.3))
    footer_text(footer, "{{ company }}", PP_ALIGN.LEFT)
    number = shapes.add_textbox(WIDTH - MARGIN - Inches(1.5), Inches(7.05), Inches(1.5),
                                Inches(0.3))
    footer_text(number, "", PP_ALIGN.RIGHT)
    paragraph = number.text_frame.paragraphs[0]._p
    field = etree.SubElement(paragraph, qn("a:fld"), id="{2B5E9C1D-6F0A-4C43-9B0E-5D1A4E8C7F21}",
                             type="slidenum")
    run_pr = etree.SubElement(field, qn("a:rPr"), lang="en-GB", sz="1000")
    scheme_fill(run_pr, "tx1", lum=(65000, 35000))
    etree.SubElement(field, qn("a:t")).text = "\u2039#\u203a"
    move_shapes(scratch, master._element.find(qn("p:cSld")).find(qn("p:spTree")))
    drop_slide(prs, scratch)


def draw_logo(shapes: Any, left: int, top: int, size: int, *, outline: bool = False) -> None:
    """assets/logo.svg (a 64-unit square: three bars and a rising line) drawn from shapes."""
    unit = size / 64

    def box(shape_type: Any, x: float, y: float, w: float, h: float, radius: float,
            colour: MSO_THEME_COLOR) -> None:
        shape = shapes.add_shape(shape_type, Emu(round(left + x * unit)),
                                 Emu(round(top + y * unit)), Emu(round(w * unit)),
                                 Emu(round(h * unit)))
        shape.adjustments[0] = radius / min(w, h)
        solid(shape, colour)

    box(MSO_SHAPE.ROUNDED_RECTANGLE, 2, 2, 60, 60, 12, MSO_THEME_COLOR.TEXT_2)
    if outline:
        frame = shapes[-1]
        frame.line.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        frame.line.width = Pt(1.5)
    box(MSO_SHAPE.ROUNDED_RECTANGLE, 13, 36, 9, 16, 2, MSO_THEME_COLOR.ACCENT_5)
    box(MSO_SHAPE.ROUNDED_RECTANGLE, 27.5, 26, 9, 26, 2, MSO_THEME_COLOR.ACCENT_2)
    box(MSO_SHAPE.ROUNDED_RECTANGLE, 42, 14, 9, 38, 2, MSO_THEME_COLOR.ACCENT_3)
    points = [(12, 27), (30, 17), (40, 21), (52, 9)]
    builder = shapes.build_freeform(Emu(round(left + points[0][0] * unit)),
                                    Emu(round(top + points[0][1] * unit)))
    builder.add_line_segments([(Emu(round(left + x * unit)), Emu(round(top + y * unit)))
                               for x, y in points[1:]], close=False)
    path = builder.convert_to_shape()
    path.fill.background()
    path.line.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    path.line.width = Emu(round(3 * unit))
    plain(path)


# -- layouts -------------------------------------------------------------------------------------
def style_layout(prs: Any, layout: SlideLayout) -> None:
    for shape in list(layout.placeholders):
        if shape.placeholder_format.type in FOOTER_TYPES:
            shape._element.getparent().remove(shape._element)
    placeholders = list(layout.placeholders)
    if layout.name == "Title Slide":
        title_slide(prs, layout, placeholders)
        return
    for shape in placeholders:  # inherit the master's places
        xfrm = shape._element.spPr.find(qn("a:xfrm"))
        if xfrm is not None:
            shape._element.spPr.remove(xfrm)
    if layout.name in ("Title and Content", "Two Content", "Title Only"):
        title_rule(prs, layout)
    if layout.name == "Two Content":
        half = (WIDTH - 2 * MARGIN - Inches(0.4)) // 2
        place(placeholders[1], MARGIN, Inches(1.45), half, Inches(5.3))
        place(placeholders[2], MARGIN + half + Inches(0.4), Inches(1.45), half, Inches(5.3))
    elif layout.name == "Section Header":
        title, text = placeholders
        place(title, MARGIN, Inches(2.4), Inches(11.35), Inches(1.5))
        body_pr(title, anchor="b")
        level_style(title, size=4000, colour="tx2", bold=True)
        place(text, MARGIN, Inches(4.1), Inches(11.35), Inches(1.2))
        body_pr(text, anchor="t")
        level_style(text, size=2000, colour="tx1", lum=(75000, 25000))


def title_rule(prs: Any, layout: SlideLayout) -> None:
    """An amber rule under the title."""
    scratch = prs.slides.add_slide(layout)
    for shape in list(scratch.placeholders):
        shape._element.getparent().remove(shape._element)
    rule = scratch.shapes.add_shape(MSO_SHAPE.RECTANGLE, MARGIN, Inches(1.24), Inches(0.9),
                                    Inches(0.06))
    solid(rule, MSO_THEME_COLOR.ACCENT_3)
    move_shapes(scratch, layout._element.find(qn("p:cSld")).find(qn("p:spTree")))
    drop_slide(prs, scratch)


def title_slide(prs: Any, layout: SlideLayout, placeholders: list[Any]) -> None:
    """Navy, without the master's rule, logo and footer; a large white title."""
    layout._element.set("showMasterSp", "0")
    background = etree.SubElement(layout._element.find(qn("p:cSld")), qn("p:bg"))
    layout._element.find(qn("p:cSld")).insert(0, background)
    bg_pr = etree.SubElement(background, qn("p:bgPr"))
    scheme_fill(bg_pr, "tx2")
    etree.SubElement(bg_pr, qn("a:effectLst"))
    title, subtitle = placeholders
    place(title, Inches(0.9), Inches(2.3), Inches(11.5), Inches(1.7))
    body_pr(title, anchor="b")
    level_style(title, size=4800, colour="bg1", bold=True, align="l")
    place(subtitle, Inches(0.9), Inches(4.35), Inches(11.5), Inches(1.4))
    body_pr(subtitle, anchor="t")
    level_style(subtitle, size=2200, colour="accent5", align="l")
    scratch = prs.slides.add_slide(layout)
    for shape in list(scratch.placeholders):
        shape._element.getparent().remove(shape._element)
    draw_logo(scratch.shapes, Inches(0.9), Inches(1.1), Inches(0.9), outline=True)
    rule = scratch.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(0.9), Inches(4.15),
                                    Inches(1.2), Inches(0.07))
    solid(rule, MSO_THEME_COLOR.ACCENT_3)
    move_shapes(scratch, layout._element.find(qn("p:cSld")).find(qn("p:spTree")))
    drop_slide(prs, scratch)


# -- helpers -------------------------------------------------------------------------------------
def layout_named(prs: Any, name: str) -> SlideLayout:
    return next(layout for layout in prs.slide_layouts if layout.name == name)


def place(shape: Any, left: int, top: int, width: int, height: int) -> None:
    shape.left, shape.top, shape.width, shape.height = left, top, width, height


def body_pr(shape: Any, *, anchor: str) -> None:
    """Anchor the text, flush with the margin; no autofit (the decks measure their text)."""
    body = shape._element.txBody.find(qn("a:bodyPr"))
    body.set("anchor", anchor)
    body.set("lIns", "0")
    body.set("rIns", "0")
    for child in list(body):
        body.remove(child)


def level_style(shape: Any, *, size: int, colour: str, bold: bool = False,
                align: str | None = None, lum: tuple[int, int] | None = None) -> None:
    """The first level's paragraph style of a layout placeholder (no bullet)."""
    lst = shape._element.txBody.find(qn("a:lstStyle"))
    for child in list(lst):
        lst.remove(child)
    level = etree.SubElement(lst, qn("a:lvl1pPr"), marL="0", indent="0")
    if align:
        level.set("algn", align)
    etree.SubElement(level, qn("a:buNone"))
    run = etree.SubElement(level, qn("a:defRPr"), sz=str(size))
    if bold:
        run.set("b", "1")
    scheme_fill(run, colour, lum=lum)


def scheme_fill(parent: Any, colour: str, *, lum: tuple[int, int] | None = None) -> None:
    for old in parent.findall(qn("a:solidFill")):
        parent.remove(old)
    fill = etree.Element(qn("a:solidFill"))
    scheme = etree.SubElement(fill, qn("a:schemeClr"), val=colour)
    if lum:
        etree.SubElement(scheme, qn("a:lumMod"), val=str(lum[0]))
        etree.SubElement(scheme, qn("a:lumOff"), val=str(lum[1]))
    parent.insert(0, fill)


def solid(shape: Any, colour: MSO_THEME_COLOR) -> None:
    shape.fill.solid()
    shape.fill.fore_color.theme_color = colour
    shape.line.fill.background()
    plain(shape)


def plain(shape: Any) -> None:
    """Drop the shape's theme style reference (its shadow and default outline)."""
    style = shape._element.find(qn("p:style"))
    if style is not None:
        shape._element.remove(style)


def footer_text(box: Any, text: str, align: PP_ALIGN) -> None:
    frame = box.text_frame
    frame.margin_left = frame.margin_right = 0
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    paragraph = frame.paragraphs[0]
    paragraph.alignment = align
    if text:
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt(10)
        run.font.color.theme_color = MSO_THEME_COLOR.TEXT_1
        run.font.color.brightness = 0.35


def move_shapes(slide: Any, tree: Any) -> None:
    """Move the drawn shapes of a scratch slide into a master's or layout's shape tree."""
    ids = [int(e.get("id")) for e in tree.iter(qn("p:cNvPr"))]
    next_id = max(ids + [1]) + 1
    for element in list(slide.shapes._spTree)[2:]:  # after nvGrpSpPr and grpSpPr
        element = copy.deepcopy(element)
        for props in element.iter(qn("p:cNvPr")):
            props.set("id", str(next_id))
            next_id += 1
        tree.append(element)


def drop_slide(prs: Any, slide: Any) -> None:
    id_list = prs.slides._sldIdLst
    for entry in list(id_list):
        if prs.part.related_part(entry.rId) is slide.part:
            prs.part.drop_rel(entry.rId)
            id_list.remove(entry)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
