"""The chart descriptions' colours (hex, from the theme) as PowerPoint theme colours.

The default deck template's accents 1-6 are the theme's series colours, its text 1 the ink and
its background 2 the page background (assets/build_deck_template.py). A description colour
that is one of those is drawn as that theme colour, so a company template recolours the charts
with its own palette; the muted grey is text 1 made lighter, as muted text is. Any other colour
(a step of the funnel's shading) is drawn as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pptx.dml.color import RGBColor
from pptx.enum.dml import MSO_THEME_COLOR

from report_builder.decks.shapes import INK, MUTED_BRIGHTNESS, PANEL, SERIES
from report_builder.theme import Theme

PAPER = MSO_THEME_COLOR.BACKGROUND_1


@dataclass(frozen=True)
class DeckColour:
    """A theme colour (with a brightness change), else a fixed RGB colour."""

    hex: str
    theme_colour: MSO_THEME_COLOR | None = None
    brightness: float = 0.0

    def apply(self, colour: Any) -> None:
        """Set a python-pptx ColorFormat (a fill's, a line's or a font's) to this colour."""
        if self.theme_colour is None:
            colour.rgb = RGBColor.from_string(self.hex.removeprefix("#"))
            return
        colour.theme_color = self.theme_colour
        if self.brightness:
            colour.brightness = self.brightness

    def is_dark(self) -> bool:
        """Dark enough that text on it is written light (by its relative luminance)."""
        red, green, blue = (int(self.hex[i:i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.5


def deck_colour(hex_colour: str, theme: Theme) -> DeckColour:
    """`hex_colour` (from `theme`) as the deck draws it."""
    wanted = hex_colour.lower()
    for index, colour in enumerate(theme.series[:len(SERIES)]):
        if colour.lower() == wanted:
            return DeckColour(hex_colour, SERIES[index])
    named = (("ink", INK, 0.0), ("muted", INK, MUTED_BRIGHTNESS), ("background", PANEL, 0.0),
             ("paper", PAPER, 0.0))
    for name, slot, brightness in named:
        if theme.colors.get(name, "").lower() == wanted:
            return DeckColour(hex_colour, slot, brightness)
    return DeckColour(hex_colour)
