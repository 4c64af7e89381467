"""The company template: ours and the script that builds it, .potx, layouts by name and by shape,
standard slides kept in order, text placeholders, and the text fitting the decks rely on."""

from __future__ import annotations

import io
import runpy
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER

from report_builder.cli import main
from report_builder.config import load_config
from report_builder.decks.template import default_template, remove_slide
from report_builder.decks.text_fit import (
    ELLIPSIS,
    EMU_PER_INCH,
    clean_text,
    ellipsize,
    fit_text,
    line_height,
    text_width,
    wrap,
)
from report_builder.errors import ConfigError
from tests.small_company import write_company

ROOT = Path(__file__).resolve().parent.parent
MEETING = "pipeline-meeting-2026-11-24.pptx"
CUSTOMER = "customer-deck-2026-11-24.pptx"
LAYOUTS = ["Title Slide", "Title and Content", "Section Header", "Two Content", "Title Only",
           "Blank"]


def titles(path: Path) -> list[str]:
    return [s.shapes.title.text if s.shapes.title is not None else ""
            for s in Presentation(str(path)).slides]


def build(folder: Path, template: Path | None = None, *, layouts: str = "",
          formats: str = "pptx,customer-deck") -> tuple[int, Path]:
    extra = "\n[deck]\n"
    if template is not None:
        extra += f'template = "{template}"\n'
    if layouts:
        extra += f"[deck.layouts]\n{layouts}\n"
    config = write_company(folder, extra_config=extra)
    return main(["build", str(config), "--format", formats, "--out", str(folder / "out")]), \
        folder / "out"


def test_our_template_is_16_9_with_named_layouts_and_the_standard_slides() -> None:
    """The cover (the company and its tagline, no date), who we are, what we offer, the place
    of the references and events, how to reach us: each profile block a text box of its own."""
    prs = Presentation(str(default_template()))
    assert (prs.slide_width, prs.slide_height) == (12_192_000, 6_858_000)
    assert [layout.name for layout in prs.slide_layouts] == LAYOUTS
    assert [s.shapes.title.text for s in prs.slides] == [
        "{{ company }}", "{{ about_title }}", "{{ offer_title }}", "{{ customer_slides }}",
        "{{ contact_title }}"]
    assert [p.text for p in prs.slides[0].placeholders] == ["{{ company }}", "{{ tagline }}"]
    blocks = [[shape.text_frame.text for shape in slide.shapes
               if shape.has_text_frame and not shape.is_placeholder] for slide in prs.slides]
    assert blocks == [[], ["{{ about }}"], ["{{ offer }}"], [], ["{{ contact }}"]]


def test_the_script_beside_it_builds_the_same_file(tmp_path: Path) -> None:
    script = runpy.run_path(str(ROOT / "assets" / "build_deck_template.py"))
    script["main"](tmp_path / "deck_template.pptx")
    assert (tmp_path / "deck_template.pptx").read_bytes() == default_template().read_bytes()


def as_potx(pptx: bytes) -> bytes:
    """What PowerPoint writes for "Save as template": the same package, typed as a template."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(pptx)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"presentationml.presentation.main+xml",
                                    b"presentationml.template.main+xml")
            target.writestr(info, data)
    return out.getvalue()


def test_a_potx_template_is_accepted(tmp_path: Path) -> None:
    template = tmp_path / "brand.potx"
    template.write_bytes(as_potx(default_template().read_bytes()))
    with pytest.raises(ValueError, match="not a PowerPoint file"):
        Presentation(str(template))  # what python-pptx alone does with it
    code, out = build(tmp_path, template)
    assert code == 0
    plain_code, plain = build(tmp_path / "plain")
    assert plain_code == 0
    assert titles(out / MEETING) == titles(plain / MEETING)
    assert titles(out / CUSTOMER) == titles(plain / CUSTOMER)


def test_a_layout_the_template_lacks_is_an_error_naming_its_layouts(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = build(tmp_path, layouts='content = "Big Picture"')
    assert code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "no slide layout named 'Big Picture'" in err and "deck.layouts.content" in err
    assert "'Title Slide', 'Title and Content', 'Section Header'" in err
    assert not out.exists()


def test_a_configured_layout_is_used(tmp_path: Path) -> None:
    code, out = build(tmp_path, layouts='content = "Title and Content"')
    assert code == 0
    layouts = [s.slide_layout.name for s in Presentation(str(out / MEETING)).slides]
    assert layouts[:3] == ["Title Slide", "Title and Content", "Title and Content"]


def renamed_template(folder: Path) -> Path:
    """Our template with its layouts named as nobody would guess."""
    prs = Presentation(str(default_template()))
    for layout, name in zip(prs.slide_layouts, ("Forside", "Overskrift og tekst", "Afsnit",
                                                "To kolonner", "Kun overskriften", "Tom"),
                            strict=True):
        layout.name = name
    path = folder / "renamed.pptx"
    prs.save(str(path))
    return path


def test_layouts_are_found_by_their_placeholders_when_no_name_matches(tmp_path: Path) -> None:
    code, out = build(tmp_path, renamed_template(tmp_path))
    assert code == 0
    layouts = [s.slide_layout.name for s in Presentation(str(out / MEETING)).slides]
    assert layouts[:4] == ["Forside", "Overskrift og tekst", "Kun overskriften",
                           "Kun overskriften"]


def test_a_template_without_titles_is_an_error(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    prs = Presentation(str(default_template()))
    for layout in prs.slide_layouts:
        for shape in list(layout.placeholders):
            if shape.placeholder_format.type in (PP_PLACEHOLDER.TITLE,
                                                 PP_PLACEHOLDER.CENTER_TITLE):
                shape._element.getparent().remove(shape._element)
    path = tmp_path / "untitled.pptx"
    prs.save(str(path))
    code, _ = build(tmp_path, path, formats="pptx")
    assert code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "has no layout for title slides" in err and "[deck.layouts]" in err


def template_with_standard_slides(folder: Path, *, marker: bool) -> Path:
    """Our template's cover plus the company's own slides: about us, (the marker,) contact."""
    prs = Presentation(str(default_template()))
    for slide in list(prs.slides)[1:]:
        remove_slide(prs, slide)
    title_only = prs.slide_layouts.get_by_name("Title Only")
    about = prs.slides.add_slide(title_only)
    about.shapes.title.text = "About {{ company }}"
    if marker:
        prs.slides.add_slide(title_only).shapes.title.text = "{{ customer_slides }}"
    contact = prs.slides.add_slide(title_only)
    contact.shapes.title.text = "Contact us"
    box = contact.shapes.add_textbox(914_400, 2_000_000, 6_000_000, 600_000)
    paragraph = box.text_frame.paragraphs[0]
    for part in ("Offers valid in {{ qua", "rter }}."):  # one placeholder split over two runs
        paragraph.add_run().text = part
    path = folder / "company.pptx"
    prs.save(str(path))
    return path


def test_standard_slides_are_kept_in_order_around_ours(tmp_path: Path) -> None:
    code, out = build(tmp_path, template_with_standard_slides(tmp_path, marker=True))
    assert code == 0
    assert titles(out / CUSTOMER) == ["Small Co", "About Small Co",
                                      "Customers who chose us recently",
                                      "Join us: upcoming webinars and events", "Contact us"]
    contact = Presentation(str(out / CUSTOMER)).slides[-1]
    assert "Offers valid in Q4 2026." in [s.text_frame.text for s in contact.shapes
                                          if s.has_text_frame]
    # the meeting deck is ours alone: the company's standard slides are for customers
    assert titles(out / MEETING)[:2] == ["Pipeline meeting", "Agenda"]
    assert "About Small Co" not in titles(out / MEETING)


def test_without_a_marker_our_slides_come_after_the_standard_ones(tmp_path: Path) -> None:
    code, out = build(tmp_path, template_with_standard_slides(tmp_path, marker=False),
                      formats="customer-deck")
    assert code == 0
    assert titles(out / CUSTOMER) == ["Small Co", "About Small Co", "Contact us",
                                      "Customers who chose us recently",
                                      "Join us: upcoming webinars and events"]


def test_an_unknown_placeholder_is_an_error(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    prs = Presentation(str(default_template()))
    prs.slides[0].shapes.title.text = "{{ compnay }}"
    path = tmp_path / "typo.pptx"
    prs.save(str(path))
    code, _ = build(tmp_path, path, formats="customer-deck")
    assert code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "{{ compnay }}" in err
    assert all(f"{{{{ {name} }}}}" in err for name in ("company", "date", "quarter", "tagline"))
    assert "{{ about }}, {{ offer }}, {{ contact }}" in err  # the blocks, alone in a box


def test_deck_config_problems_are_all_listed(tmp_path: Path) -> None:
    config = write_company(tmp_path, extra_config=(
        '\n[deck]\ntemplate = "brand.key"\nreference_days = 0\n'
        '[deck.layouts]\ncover = "Title Slide"\ncontent = ""\n'))
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert caught.value.problems == [
        "Config value 'deck.template': brand.key should be a PowerPoint .pptx or .potx file",
        "Config value 'deck.layouts.cover': unknown slide kind (known: title, agenda, content)",
        "Config value 'deck.layouts.content': '' should be the name of a slide layout in the "
        'template, like "Title Only"',
        "Config value 'deck.reference_days': 0 should be 1 or more",
    ]


def test_missing_template_file(tmp_path: Path) -> None:
    config = write_company(tmp_path, extra_config='\n[deck]\ntemplate = "gone.pptx"\n')
    with pytest.raises(ConfigError, match="deck.template': file .*gone.pptx does not exist"):
        load_config(config)


# -- text that fits ------------------------------------------------------------------------------
def test_clean_text_makes_crm_text_safe_for_xml() -> None:
    assert clean_text("Acme\x00 A/S\x1f\x7f") == "Acme A/S"
    assert clean_text("two\x0blines\r\nand\ttabs") == "two lines and tabs"
    assert clean_text("a\r\n\r\nb\x0bc", keep_newlines=True) == "a\nb\nc"
    assert clean_text("lone \ud800surrogate\ufffe") == "lone surrogate"
    assert clean_text(12.5) == "12.5"


def test_measuring_wrapping_and_cutting() -> None:
    inch = EMU_PER_INCH
    assert text_width("Nordlys", 20, bold=True) > text_width("Nordlys", 20) > \
        text_width("Nordlys", 18)
    assert ellipsize("short", inch, 12) == "short"
    cut = ellipsize("a name far too long for one inch of slide", inch, 12)
    assert cut.endswith(ELLIPSIS) and text_width(cut, 12) <= inch
    lines = wrap("Webinar: Årsafslutning og lageroptælling 2026", 2 * inch, 14)
    assert lines == ["Webinar:", "Årsafslutning og", "lageroptælling 2026"]
    assert all(text_width(x, 14) <= 2 * inch for x in lines)
    assert wrap("x" * 200, inch, 12)[0] != "x" * 200  # a long word is broken, not overflowed


def test_fit_text_shrinks_then_cuts() -> None:
    inch = EMU_PER_INCH
    fits = fit_text("Pipelinemøde", 4 * inch, inch, size=28, bold=True)
    assert (fits.size, fits.text, fits.cut) == (28, "Pipelinemøde", False)
    smaller = fit_text("Kvartalets mål: hvor står vi i forhold til planen", 6 * inch,
                       line_height(28), size=28, min_size=14, bold=True, max_lines=1)
    assert 14 < smaller.size < 28 and not smaller.cut and smaller.lines == 1
    wrapped = fit_text("Kvartalets mål: hvor står vi i forhold til planen", 4 * inch,
                       2 * line_height(28), size=28, min_size=14, bold=True)
    assert wrapped.lines == 2 and not wrapped.cut
    cut = fit_text("word " * 200, 3 * inch, 2 * line_height(12), size=12, min_size=10)
    assert cut.cut and cut.lines == 2 and cut.size == 10


def test_a_template_without_slides_gets_the_standard_ones_made_from_its_layouts(
        tmp_path: Path) -> None:
    prs = Presentation(str(default_template()))
    for slide in list(prs.slides):
        remove_slide(prs, slide)
    path = tmp_path / "layouts-only.pptx"
    prs.save(str(path))
    code, out = build(tmp_path, path, formats="customer-deck")
    assert code == 0
    assert titles(out / CUSTOMER) == ["Small Co", "Who we are", "What we offer",
                                      "Customers who chose us recently",
                                      "Join us: upcoming webinars and events", "How to reach us"]
