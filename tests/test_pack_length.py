"""The meeting's main body is short: the example's PDF holds the overview, the actions and the
five points in at most 12 pages, each part from a new page, before the appendix (found by its
bookmark); the meeting deck holds at most 15 slides before the divider titled with the
appendix's name (in Danish and in English); the HTML keeps every row of the JSON's lists,
folded. The figures are printed (`pytest -s` shows them).

The real-world samples in ../shared/data build too (skipped when it is absent).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from pptx import Presentation
from pypdf import PdfReader

from report_builder.build import BuildResult
from report_builder.cli import main
from report_builder.i18n import labels
from tests.browser import BROWSER_TESTS

pytestmark = BROWSER_TESTS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "nordlys" / "report.toml"
SHARED = ROOT.parent / "shared" / "data"
STEM = "pipeline-meeting-2026-11-24"
MAX_PAGES = 12
MAX_SLIDES = 15
# the seven parts of the main body, by the label of their heading
PARTS = ("section_headline", "section_actions", "section_targets", "section_pipeline",
         "section_sources", "section_customers", "section_campaigns")


@pytest.fixture(scope="module")
def example(example_pack: BuildResult) -> Path:
    """The folder of the example's pack (conftest.py)."""
    return example_pack.files["json"].parent


def outline(reader: PdfReader) -> list[tuple[str, int, int]]:
    """Every bookmark as (title, level, page number from 1)."""
    found: list[tuple[str, int, int]] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((item.title, level, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 1)
    return found


def main_body(pdf: Path, language: str, parts: tuple[str, ...] = PARTS,
              ) -> tuple[int, dict[str, int], list[str]]:
    """The pages before the appendix, the page each of `parts` starts on, and each page's
    text."""
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    t = labels(language)
    marks = outline(reader)
    appendix = [page for title, level, page in marks if title == t["appendix"] and level == 1]
    assert len(appendix) == 1, marks  # a program finds where the appendix starts
    starts = {key: next(page for title, level, page in marks
                        if level == 1 and title.endswith(t[key])) for key in parts}
    texts = [" ".join((p.extract_text() or "").split()) for p in reader.pages]
    return appendix[0] - 1, starts, texts


def test_the_pdf_main_body_is_twelve_pages_at_most(example: Path) -> None:
    pages, starts, texts = main_body(example / f"{STEM}.pdf", "da")
    print(f"\nPDF: {len(texts)} pages, main body {pages} (at most {MAX_PAGES}), "
          f"appendix from page {pages + 1}")
    assert pages <= MAX_PAGES
    # each of the seven parts starts a page of its own, in the agenda's order
    order = [starts[key] for key in PARTS]
    assert order == sorted(order) and len(set(order)) == len(PARTS), starts
    assert "Bilag" in texts[pages] and all(start <= pages for start in order)
    assert_no_near_empty_page(texts[:pages])


def assert_no_near_empty_page(texts: list[str]) -> None:
    """No page of the main body holds only a heading or a leftover row: each page after the
    cover has some text beyond its running header and footer."""
    for number, text in enumerate(texts[1:], start=2):
        assert len(text) > 300, (number, text)


@pytest.fixture(scope="module")
def english_example(english_example_pack: BuildResult) -> Path:
    """The folder of the example's pack in English (en_GB: the words are longer, the tables'
    rows taller; conftest.py)."""
    return english_example_pack.files["pdf"].parent


def test_the_english_pack_is_as_short(english_example: Path) -> None:
    pages, starts, texts = main_body(english_example / f"{STEM}.pdf", "en")
    order = [starts[key] for key in PARTS]
    slides = list(Presentation(str(english_example / f"{STEM}.pptx")).slides)
    titles = [s.shapes.title.text if s.shapes.title is not None else "" for s in slides]
    divider = titles.index(labels("en")["appendix"])
    print(f"\nEnglish: PDF main body {pages} pages, deck {divider} slides before the divider")
    assert pages <= MAX_PAGES and divider <= MAX_SLIDES
    assert order == sorted(order) and len(set(order)) == len(PARTS), starts
    assert_no_near_empty_page(texts[:pages])


def test_each_point_links_to_its_appendix_part(example: Path) -> None:
    reader = PdfReader(io.BytesIO((example / f"{STEM}.pdf").read_bytes()))
    pages, _, texts = main_body(example / f"{STEM}.pdf", "da")
    agenda = json.loads((example / f"{STEM}.json").read_text(encoding="utf-8"))["agenda"]
    stale = agenda["pipeline"]["stale_count"]
    assert any(f"Alle {stale} stillestående aftaler: bilag C" in text for text in texts[:pages])
    # the links are PDF link annotations to a place in the appendix
    inside = 0
    for page in reader.pages[:pages]:
        for annotation in page.get("/Annots") or ():
            link = annotation.get_object()
            if link.get("/Subtype") == "/Link" and "/Dest" in link:
                target = reader.get_destination_page_number(
                    reader.named_destinations[link["/Dest"]]) \
                    if isinstance(link["/Dest"], str) else None
                if target is not None and target >= pages:
                    inside += 1
    assert inside >= 7, inside  # at least one from each part with a list behind it


def test_the_deck_main_body_is_fifteen_slides_at_most(example: Path) -> None:
    slides = list(Presentation(str(example / f"{STEM}.pptx")).slides)
    titles = [s.shapes.title.text if s.shapes.title is not None else "" for s in slides]
    t = labels("da")
    divider = titles.index(t["appendix"])
    print(f"\nMeeting deck: {len(slides)} slides, {divider} before the divider "
          f"(at most {MAX_SLIDES}), {len(slides) - divider - 1} backup")
    assert divider <= MAX_SLIDES
    assert titles[:4] == [t["report_title"], t["agenda"], t["section_headline"],
                          t["section_actions"]]
    # one slide per point, two at most
    for number, key in enumerate(PARTS[2:], start=1):
        assert 1 <= titles[:divider].count(f"{number}. {t[key]}") + \
            (titles[:divider].count(f"{number}. {t['movement']}") if number == 2 else 0) <= 2
    # the backup holds the full tables; a main slide's notes say where its backup is
    assert all(t["continued"] not in title for title in titles[:divider])
    backup = [s for s in slides[divider + 1:] if any(shape.has_table for shape in s.shapes)]
    assert backup
    notes = [s.notes_slide.notes_text_frame.text for s in slides[3:divider]]
    assert all("Backup: " in text and " dias " in text for text in notes), notes


def test_the_html_keeps_every_row_of_the_lists(example: Path) -> None:
    agenda = json.loads((example / f"{STEM}.json").read_text(encoding="utf-8"))["agenda"]
    soup = BeautifulSoup((example / f"{STEM}.html").read_text(encoding="utf-8"), "lxml")

    def rows(selector: str) -> int:
        found = soup.select(selector)
        assert all(row.find_parent("details") is not None for row in found), selector
        return len(found)

    p, mv = agenda["pipeline"], agenda["movement"]
    assert rows("#overdue-deals tbody tr") == len(p["overdue"])
    assert rows("#stale-deals tbody tr") == len(p["stale"])
    assert rows("#largest-deals tbody tr") == len(p["largest"])
    assert rows("#targets-owners tbody tr") == len(agenda["targets"]["owners"]) + 1  # total
    assert rows("#sources-channels tbody tr") == len(agenda["sources"]["channels"])
    assert rows("#sources-campaigns tbody tr") == len(agenda["sources"]["campaigns"])
    assert rows("#sources-rejections tbody tr") == len(agenda["sources"]["rejection_reasons"])
    assert rows("#won-deals tbody tr") == len(agenda["customers"]["won"])
    assert rows("#campaigns-ended tbody tr") == len(agenda["campaigns"]["ended"])
    actions = agenda["actions"]
    assert rows("#actions-all tbody tr") == sum(len(actions[k]) for k in
                                                ("due_since", "open", "closed_since"))
    for change in mv["changes"]:
        if change["count"]:
            key = change["key"].replace("_", "-")
            assert rows(f"#movement-{key} tbody tr") == len(change["rows"]), key
    # each folded list says what it is and how many, and its point links to it
    for details in soup.select("details.full-list"):
        summary = details.select_one("summary")
        assert summary is not None and any(ch.isdigit() for ch in summary.get_text())
        linked = [node["id"] for node in (details, *details.parents)
                  if node.get("id") and soup.select_one(f'a[href="#{node["id"]}"]')]
        assert linked, details["id"]  # the list, or the part it is in


def test_a_large_companys_points_keep_their_link_to_the_appendix(large_company: Path,
                                                                 tmp_path: Path) -> None:
    """At 100,000 deals the figures are wide (conftest.py), so the campaign names of point
    3's few rows wrap to two lines: the line linking to the appendix still fits under them,
    and no page of the main body holds that line alone."""
    assert main(["build", str(large_company), "--format", "pdf", "--out",
                 str(tmp_path / "out"), "--no-history", "-q"]) == 0
    # the generated data has no actions: its main body has no part for them
    pages, starts, texts = main_body(next((tmp_path / "out").glob("*.pdf")), "da",
                                     tuple(p for p in PARTS if p != "section_actions"))
    print(f"\n100,000 deals: PDF main body {pages} pages of {len(texts)}")
    assert_no_near_empty_page(texts[:pages])
    assert "og 22 flere · Alle 9 kanaler og 27 kampagner" in texts[starts["section_sources"] - 1]


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is absent")
@pytest.mark.parametrize("example_name", ["maven_crm", "salesforce_fizzly", "x_education"])
def test_the_real_world_samples_build(example_name: str, tmp_path: Path) -> None:
    config = ROOT / "examples" / example_name / "report.toml"
    assert main(["build", str(config), "--format", "html,pdf,pptx", "--out", str(tmp_path),
                 "--no-history"]) == 0
    pdf = next(tmp_path.glob("*.pdf"))
    deck = next(tmp_path.glob("*.pptx"))
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    marks = outline(reader)
    language = "da" if any(title == "Bilag" for title, _, _ in marks) else "en"
    appendix = next(page for title, level, page in marks
                    if title == labels(language)["appendix"] and level == 1)
    titles = [s.shapes.title.text if s.shapes.title is not None else ""
              for s in Presentation(str(deck)).slides]
    divider = titles.index(labels(language)["appendix"])
    print(f"\n{example_name}: PDF main body {appendix - 1} of {len(reader.pages)} pages; "
          f"deck {divider} slides before the divider, {len(titles)} in all")
    assert appendix > 1 and divider > 3
