"""The renderer registry: each output format turns the Agenda into bytes, in memory.

Renderers never write files (writer.py does) and never read the dataset: the Agenda is all they
see, plus the render options (theme, the user's template folder).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from report_builder.config import DeckConfig
from report_builder.errors import UnknownFormatError
from report_builder.model.agenda import Agenda


class StaticChartSource(Protocol):
    """Exports Plotly figures to SVG/PNG (charts/export.py's ChartExporter)."""

    def export(self, figures: dict[str, Any], *, width: int,
               height: int | dict[str, int]) -> dict[str, Any]: ...


@dataclass(frozen=True)
class RenderOptions:
    """What a renderer may use besides the Agenda."""

    templates: Path | None = None  # the user's template folder, overriding ours by name
    logo: Path | None = None  # the company logo; ours when None
    page_orientation: str = "landscape"  # of paged formats (A4)
    charts: StaticChartSource | None = None  # a started exporter the build shares
    browser: Path | None = None  # for renderers that open their own exporter
    deck: DeckConfig = field(default_factory=DeckConfig)  # the PowerPoint template and options


@dataclass(frozen=True)
class Renderer:
    name: str
    extension: str
    media_type: str
    render: Callable[[Agenda, RenderOptions], bytes]
    static_charts: bool = False  # needs charts as SVG/PNG (a browser), not as Plotly JSON
    file_stem: str = "pipeline-meeting"  # the output is <file_stem>-<meeting date><extension>


_REGISTRY: dict[str, Renderer] = {}


def register(renderer: Renderer) -> Renderer:
    _REGISTRY[renderer.name] = renderer
    return renderer


def get_renderer(name: str) -> Renderer:
    _load_builtin()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownFormatError(f'Unknown format "{name}", did you mean one of: '
                          f'{", ".join(_offered())}?') from None


def renderer_names() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


# The built-in formats, in the order they are offered: the pack, then the decks.
BUILTIN = ("html", "json", "pdf", "pptx", "deck")


def _offered() -> list[str]:
    """Every format: the built-in ones in BUILTIN's order, then any others by name."""
    return [n for n in BUILTIN if n in _REGISTRY] + sorted(set(_REGISTRY) - set(BUILTIN))


def _load_builtin() -> None:
    """Import the built-in renderers, which register themselves."""
    for module in BUILTIN:
        importlib.import_module(f"report_builder.renderers.{module}")
