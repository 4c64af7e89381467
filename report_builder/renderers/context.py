"""The render context: everything a renderer (and the email) uses besides the Agenda, made once
per build.

The locale's formatter, the translator and the theme are built here and nowhere else, so every
format of one build writes its numbers, dates and labels the same way and none rebuilds them.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from report_builder.config import CompanyProfile, DeckConfig
from report_builder.formatting import Formatter
from report_builder.i18n import translator
from report_builder.model.agenda import Agenda
from report_builder.theme import Theme, load_theme


class StaticChartSource(Protocol):
    """Exports Plotly figures to SVG/PNG (charts/export.py's ChartExporter)."""

    def export(self, figures: dict[str, Any], *, width: int,
               height: int | dict[str, int]) -> dict[str, Any]: ...


@dataclass(frozen=True)
class RenderOptions:
    """What the build's config adds for the renderers: templates, logo, page, charts, decks."""

    templates: Path | None = None  # the user's template folder, overriding ours by name
    logo: Path | None = None  # the company logo; ours when None
    page_orientation: str = "landscape"  # of paged formats (A4)
    charts: StaticChartSource | None = None  # a started exporter the build shares
    browser: Path | None = None  # for renderers that open their own exporter
    deck: DeckConfig = field(default_factory=DeckConfig)  # the PowerPoint template and options
    # what the company says about itself to customers ([company.profile]): the customer deck's
    profile: CompanyProfile = field(default_factory=CompanyProfile)
    # processes that lay out the PDFs of a build of several packs (build.py typesetting)
    typesetter: Executor | None = None


@dataclass(frozen=True)
class RenderContext:
    """The pack's locale, words and look, and the render options: one per build."""

    fmt: Formatter  # numbers and dates in the company's locale and currency
    t: Callable[..., str]  # the label for a key in the pack's language, fields filled in
    language: str  # the pack's language (en, da): for `shown` and the templates' lang
    theme: Theme  # our palette and font (assets/theme.json)
    options: RenderOptions
    # work a format started before the build rendered any (Renderer.prepare), by name: the
    # PDF's charts, drawn by the browser while the HTML and the decks render
    ahead: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def render_context(agenda: Agenda, options: RenderOptions | None = None) -> RenderContext:
    """The context for rendering `agenda`: its locale, currency and language, our theme and
    `options` (the defaults when None)."""
    return RenderContext(fmt=Formatter(agenda.locale, agenda.currency),
                         t=translator(agenda.language), language=agenda.language,
                         theme=load_theme(), options=options or RenderOptions())
