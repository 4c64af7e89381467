"""LibreOffice for the deck tests: a real client opens the decks and prints them to PDF."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

libreoffice = pytest.mark.libreoffice
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (soffice) is not installed; make test installs libreoffice-impress")


def profile_dir(factory: pytest.TempPathFactory) -> Path:
    """One LibreOffice user profile for the whole test session (making one takes ~2 s), apart
    from the user's own, so a LibreOffice the user has open does not swallow the conversion."""
    return factory.getbasetemp() / "libreoffice-profile"


def convert_to_pdf(decks: list[Path], out: Path, profile: Path) -> dict[Path, Path]:
    """Convert the decks in one LibreOffice run; fail with its output if any PDF is missing."""
    assert SOFFICE is not None
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), *map(str, decks)],
        capture_output=True, text=True, timeout=300, check=False)
    pdfs = {deck: out / f"{deck.stem}.pdf" for deck in decks}
    missing = [str(p) for p in pdfs.values() if not p.is_file()]
    assert done.returncode == 0 and not missing, (done.returncode, missing, done.stdout,
                                                   done.stderr)
    return pdfs


def page_count(pdf: Path) -> int:
    return len(PdfReader(io.BytesIO(pdf.read_bytes())).pages)


def page_texts(pdf: Path) -> list[str]:
    return [" ".join((page.extract_text() or "").split())
            for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages]


def package_text(deck: Path | bytes) -> str:
    """Every text in the package as a client could read it: the text nodes of every XML part
    (slides, notes, layouts, masters, charts, document properties) and of any embedded
    workbook. Pictures are skipped."""
    import zipfile

    from lxml import etree

    data = deck if isinstance(deck, bytes) else deck.read_bytes()
    texts = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            content = package.read(name)
            if name.endswith((".xml", ".rels")):
                texts.extend(t for t in etree.fromstring(content).itertext() if t.strip())
            elif name.endswith((".xlsx", ".pptx", ".docx")):
                texts.append(package_text(content))
    return "\n".join(texts)
