"""The renderer registry: each output format turns the Agenda into bytes, in memory.

Renderers never write files (writer.py does) and never read the dataset: the Agenda is all they
see, plus the build's RenderContext (renderers/context.py). The formats are a table of
descriptions naming where each renderer lives; its module is imported the first time it
renders, so building the JSON loads neither WeasyPrint nor python-pptx.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from report_builder.errors import UnknownFormatError

if TYPE_CHECKING:
    from report_builder.model.agenda import Agenda
    from report_builder.renderers.context import RenderContext

PPTX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


@dataclass(frozen=True)
class Renderer:
    """One output format: what it writes, and where its render function lives."""

    name: str
    extension: str
    media_type: str
    # "module:function", the function (agenda, context) -> bytes (or their future, where the
    # context has a typesetter: renderers/pdf.py)
    entry: str
    static_charts: bool = False  # needs charts as SVG/PNG (a browser), not as Plotly JSON
    file_stem: str = "pipeline-meeting"  # the output is <file_stem>-<meeting date><extension>
    # "module:function" (agenda, context) -> None, called before any format of the build is
    # rendered: work that can run meanwhile (the PDF's charts, drawn by the browser)
    prepare_entry: str | None = None

    @property
    def render(self) -> Callable[[Agenda, RenderContext], bytes | Future[bytes]]:
        """The render function, its module imported on first use."""
        return _function(self.entry)

    def prepare(self, agenda: Agenda, context: RenderContext) -> None:
        """Start what this format can have done while the others render (nothing for most)."""
        if self.prepare_entry is not None:
            _function(self.prepare_entry)(agenda, context)


def _function(entry: str) -> Callable[..., Any]:
    module, _, function = entry.partition(":")
    found: Callable[..., Any] = getattr(importlib.import_module(module), function)
    return found


# The built-in formats, in the order they are offered: the pack, then the decks.
BUILTIN = (
    Renderer("html", ".html", "text/html", "report_builder.renderers.html:render_html"),
    Renderer("json", ".json", "application/json", "report_builder.renderers.json:render_json"),
    Renderer("pdf", ".pdf", "application/pdf", "report_builder.renderers.pdf:render_pdf",
             static_charts=True, prepare_entry="report_builder.renderers.pdf:draw_charts_ahead"),
    Renderer("pptx", ".pptx", PPTX_MEDIA_TYPE, "report_builder.renderers.pptx:render_pptx"),
    Renderer("customer-deck", ".pptx", PPTX_MEDIA_TYPE,
             "report_builder.renderers.customer_deck:render_customer_deck",
             file_stem="customer-deck"),
)
_BY_NAME = {r.name: r for r in BUILTIN}

# Other names accepted for a format: `deck` was the customer deck's name until it was renamed
# to say what it makes; `meeting-deck` says what `pptx` makes.
ALIASES = {"deck": "customer-deck", "meeting-deck": "pptx"}


def get_renderer(name: str) -> Renderer:
    """The format called `name` (or one of its ALIASES); its module is not imported yet."""
    try:
        return _BY_NAME[ALIASES.get(name, name)]
    except KeyError:
        raise UnknownFormatError(f'Unknown format "{name}", did you mean one of: '
                                 f'{", ".join(format_names())}?') from None


def format_names() -> list[str]:
    """Every format's name, in the order they are offered (aliases are not listed)."""
    return [r.name for r in BUILTIN]
