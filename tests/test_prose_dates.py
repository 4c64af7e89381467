"""Quarters and dates as the language writes them: the example's every format, in Danish and
English, shows no quarter as `2026-Q4` (`4. kvt. 2026`, `Q4 2026`) and no date as `2026-11-24`
(`24. nov. 2026`, `24 Nov 2026`) in what a reader reads. The JSON keeps the machine values and
is not read here; a file name (`pipeline-meeting-2026-11-24.pdf`) is a name, not prose.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from bs4 import BeautifulSoup
from pptx import Presentation
from pypdf import PdfReader

from report_builder.config.email import EmailConfig
from report_builder.delivery.message import compose
from tests.browser import BROWSER_TESTS
from tests.nordlys_languages import LOCALES

pytestmark = BROWSER_TESTS

MEETING = dt.date(2026, 11, 24)
PACKS = {"da": "example_pack", "en": "english_example_pack"}  # conftest.py's, by language
FORMATS = ("html", "pdf", "pptx", "customer-deck")
CODE_QUARTER = re.compile(r"\b\d{4}-Q\d\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
FILE_NAME = re.compile(r"[\w.-]+\.(?:pdf|pptx|html|json|eml|csv|xlsx)\b")


def html_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    return "\n".join(soup.stripped_strings)


def deck_text(data: bytes) -> str:
    """Every slide's text: its shapes, tables, chart titles and categories, and its notes."""
    lines = []
    for number, slide in enumerate(Presentation(io.BytesIO(data)).slides, 1):
        lines.append(f"[slide {number}]")
        for shape in slide.shapes:
            if shape.has_text_frame:
                lines.append(shape.text_frame.text)
            if getattr(shape, "has_table", False):
                lines.extend(cell.text for row in shape.table.rows for cell in row.cells)
            if getattr(shape, "has_chart", False):
                chart = shape.chart
                if chart.has_title:
                    lines.append(chart.chart_title.text_frame.text)
                lines.extend(str(c) for plot in chart.plots for c in plot.categories)
        if slide.has_notes_slide:
            lines.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(lines)


@pytest.fixture(scope="module", params=sorted(LOCALES))
def texts(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """What a reader reads in each format of the example, by format (its packs of
    conftest.py, in Danish and in English)."""
    folder = tmp_path_factory.mktemp(f"prose-{request.param}")
    result = request.getfixturevalue(PACKS[request.param])
    assert result.agenda.as_of == MEETING
    assert result.agenda.locale == LOCALES[request.param]
    files = result.files
    found = {"html": html_text(files["html"].read_text(encoding="utf-8")),
             "pdf": "\n".join(page.extract_text() or ""
                              for page in PdfReader(files["pdf"]).pages),
             "pptx": deck_text(files["pptx"].read_bytes()),
             "customer-deck": deck_text(files["customer-deck"].read_bytes())}
    settings = EmailConfig(host="mail.example", sender=None, to=(),  # type: ignore[arg-type]
                           send_log=folder / "sent.sqlite")
    message = compose(result.agenda, result.context, settings, [], message_id="<m@example>",
                      date=dt.datetime(2026, 11, 22, 7, tzinfo=dt.UTC))
    found["email subject"] = str(message["Subject"])
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            found["email text"] = part.get_content()
        elif part.get_content_type() == "text/html":
            found["email html"] = html_text(part.get_content())
    assert set(found) == {*FORMATS, "email subject", "email text", "email html"}
    return found


def code_like(text: str) -> list[str]:
    """Each quarter or date written as code, with the words around it."""
    prose = FILE_NAME.sub("", text)
    return [prose[max(0, m.start() - 40):m.end() + 20].replace("\n", " ")
            for pattern in (CODE_QUARTER, ISO_DATE) for m in pattern.finditer(prose)]


def test_no_quarter_or_date_is_written_as_code(texts: dict[str, str]) -> None:
    found = {name: code_like(text) for name, text in texts.items()}
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_the_quarter_is_written_as_the_language_writes_it(texts: dict[str, str]) -> None:
    quarter = "4. kvt. 2026" if "Pipelinemøde" in texts["html"] else "Q4 2026"
    for name in ("html", "pdf", "pptx", "email text"):
        assert quarter in texts[name], name


def test_code_like_quarters_and_dates_are_found() -> None:
    """The check finds what it looks for, and passes a file name."""
    assert len(code_like("Quarter 2026-Q4 from 2026-10-01")) == 2
    assert code_like("Attached: pipeline-meeting-2026-11-24.pdf, 4. kvt. 2026, 24 Nov 2026") \
        == []
