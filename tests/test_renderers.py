"""The format registry: every built-in format honours the renderer contract, formats load lazily,
and the customer deck's old name still works."""

from __future__ import annotations

import email
import email.policy
import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from report_builder.build import build
from report_builder.charts.export import ChartExporter
from report_builder.cli import main
from report_builder.config import load_config
from report_builder.errors import UnknownFormatError
from report_builder.renderers.base import (
    ALIASES,
    PPTX_MEDIA_TYPE,
    format_names,
    get_renderer,
)
from report_builder.renderers.context import RenderOptions, render_context
from tests.browser import HAVE_BROWSER
from tests.sample_agenda import sample_agenda
from tests.small_company import write_company

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "nordlys" / "report.toml"
HEAVY = ("weasyprint", "pptx", "kaleido", "choreographer")


def is_html(data: bytes) -> bool:
    return data.lstrip().lower().startswith(b"<!doctype html>")


def is_json(data: bytes) -> bool:
    return "agenda" in json.loads(data)


def is_pdf(data: bytes) -> bool:
    return data.startswith(b"%PDF-")


def is_pptx(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "ppt/presentation.xml" in archive.namelist()


LOOKS_LIKE = {".html": is_html, ".json": is_json, ".pdf": is_pdf, ".pptx": is_pptx}


@pytest.fixture(scope="module")
def exporter() -> Iterator[ChartExporter | None]:
    """One browser for the PDF's charts; None where there is none (the PDF case is skipped)."""
    if not HAVE_BROWSER:
        yield None
        return
    with ChartExporter() as shared:
        yield shared


# the PDF's same bytes are checked of two builds by the command line (tests/test_pdf.py
# test_metadata_and_same_bytes_twice): laying it out twice more here took 19 s
@pytest.mark.parametrize("name", [n for n in format_names() if n != "pdf"])
def test_every_format_renders_the_agenda_to_the_same_bytes_each_time(
        name: str, exporter: ChartExporter | None) -> None:
    renderer = get_renderer(name)
    if renderer.static_charts and exporter is None:
        pytest.skip("no Chrome/Chromium to draw the static charts")
    agenda = sample_agenda("en")
    context = render_context(agenda, RenderOptions(charts=exporter))
    first = renderer.render(agenda, context)
    assert isinstance(first, bytes) and first
    assert LOOKS_LIKE[renderer.extension](first), name
    assert renderer.render(agenda, context) == first
    assert renderer.name == name and renderer.media_type


def test_formats_are_offered_in_order_and_an_unknown_one_lists_them() -> None:
    assert format_names() == ["html", "json", "pdf", "pptx", "customer-deck"]
    with pytest.raises(UnknownFormatError) as error:
        get_renderer("docx")
    assert str(error.value) == ('Unknown format "docx", did you mean one of: '
                                'html, json, pdf, pptx, customer-deck?')


def test_the_old_and_the_descriptive_names_are_aliases() -> None:
    assert ALIASES == {"deck": "customer-deck", "meeting-deck": "pptx"}
    assert get_renderer("deck") is get_renderer("customer-deck")
    assert get_renderer("meeting-deck") is get_renderer("pptx")
    assert [get_renderer(n).file_stem for n in ("pptx", "customer-deck")] == \
        ["pipeline-meeting", "customer-deck"]


def test_the_old_name_deck_builds_the_customer_deck_once(tmp_path: Path) -> None:
    config = load_config(write_company(tmp_path))
    assert config.meeting.as_of is not None
    result = build(config, as_of=config.meeting.as_of, formats=["deck", "customer-deck"],
                   out_dir=tmp_path / "out", history=False)
    assert list(result.files) == ["customer-deck"]
    assert result.files["customer-deck"].name == \
        f"customer-deck-{config.meeting.as_of.isoformat()}.pptx"
    assert [p.name for p in (tmp_path / "out").iterdir()] == \
        [result.files["customer-deck"].name]


def test_the_email_attaches_the_customer_deck_by_its_old_name(tmp_path: Path) -> None:
    config = write_company(tmp_path, extra_config="""
[email]
host = "smtp.example.com"
sender = "Pipeline <pipeline@smallco.example>"
to = ["anna@smallco.example"]
attach = ["deck", "json"]
""")
    out = tmp_path / "out"
    assert main(["send", str(config), "--dry-run", "--out", str(out)]) == 0
    [eml] = out.glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    as_of = load_config(config).meeting.as_of
    assert as_of is not None
    assert [(p.get_filename(), p.get_content_type()) for p in message.iter_attachments()] == [
        (f"customer-deck-{as_of.isoformat()}.pptx", PPTX_MEDIA_TYPE),
        (f"pipeline-meeting-{as_of.isoformat()}.json", "application/json")]


def test_json_and_html_load_neither_weasyprint_nor_python_pptx(tmp_path: Path) -> None:
    """A fresh interpreter builds the example's JSON, then renders its HTML: neither imports
    WeasyPrint, python-pptx or the chart export's Kaleido and Choreographer."""
    script = f"""
import sys
from pathlib import Path
from report_builder.cli import main
from report_builder.renderers.base import get_renderer
from report_builder.renderers.context import render_context

heavy = {HEAVY!r}
def loaded():
    return sorted({{m.split(".")[0] for m in sys.modules}} & set(heavy))

out = Path({str(tmp_path)!r})
assert main(["build", {str(EXAMPLE)!r}, "--format", "json", "--no-history", "--out", str(out),
             "-q"]) == 0, "the build failed"
assert loaded() == [], ("json", loaded())
import json
document = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
assert document["agenda"]["company"], document.keys()
renderer = get_renderer("html")
from tests.sample_agenda import sample_agenda
agenda = sample_agenda("en")
page = renderer.render(agenda, render_context(agenda))
assert page.lower().startswith(b"<!doctype html>"), page[:80]
assert loaded() == [], ("html", loaded())
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "ok"
