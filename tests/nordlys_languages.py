"""The example company in either language: its report.toml with another locale, its data read
from the repository, so a test builds the same pack in Danish (da_DK) and English (en_GB)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "nordlys" / "report.toml"
STEM = "pipeline-meeting-2026-11-24"
LOCALES = {"da": "da_DK", "en": "en_GB"}


def example_config(folder: Path, locale: str) -> Path:
    """The example's report.toml in `locale`, written to `folder`."""
    text = EXAMPLE.read_text(encoding="utf-8")
    data = (EXAMPLE.parent / "data").as_posix()
    text = text.replace('locale = "da_DK"', f'locale = "{locale}"', 1)
    text = text.replace('path = "data"', f'path = "{data}"', 1)
    config = folder / "report.toml"
    config.write_text(text, encoding="utf-8")
    return config
