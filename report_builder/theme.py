"""The pack's palette and font, defined once in assets/theme.json and shared by the charts,
the HTML and PDF stylesheets, the decks and the email."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from report_builder.resources import assets_dir


@dataclass(frozen=True)
class Theme:
    """The palette and font, defined once in assets/theme.json (also fed to the CSS)."""

    font_family: str
    colors: dict[str, str]
    series: tuple[str, ...]

    def css_variables(self) -> str:
        """`:root { --navy: ...; }` for the HTML, so the page and the charts share colours."""
        lines = [f"  --{name.replace('_', '-')}: {value};" for name, value in self.colors.items()]
        lines.append(f"  --font: {self.font_family};")
        return ":root {\n" + "\n".join(lines) + "\n}\n"


@lru_cache(maxsize=1)
def load_theme() -> Theme:
    raw = json.loads((assets_dir() / "theme.json").read_text(encoding="utf-8"))
    return Theme(raw["font_family"], dict(raw["colors"]), tuple(raw["series"]))
