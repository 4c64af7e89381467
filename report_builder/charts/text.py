"""Text for Plotly figures: data shown as text, never read as Plotly's label markup.

Plotly draws every label (tick labels, legend names, hover labels, annotations, bar texts) by
splitting it on `<...>` tags: `<a href>` becomes a live link, `<span style>` a style (whose
`url(...)` the reader's browser fetches), `<b>`, `<i>`, `<sub>`, `<sup>`, `<br>` change the
text; between the tags it decodes HTML entities (`&lt;`, `&gt;`, `&amp;`, `&#36;`) and turns
newlines into spaces. So `<`, `>` and `&` written as entities are shown literally and can never
form a tag.

`escape_figure` is the one pass every figure of the pack goes through (charts.figures'
build_figures): it rewrites every string of the figure, so no chart can put data on screen
without it. The chart code writes plain text; the only markup a figure keeps is what the chart
code means by it:
- a newline in a label is a line break (written `<br>` after escaping);
- hover and text templates (`hovertemplate`, `texttemplate`) keep `<br>`, `<extra>` and
  `</extra>` and their `%{...}` fields; every other `<`, `>` and `&` in them is escaped.
Formats (`tickformat`, `hoverformat`, ... and `separators`) are d3 formats, not text: left as
they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go

# C0 controls but tab and newline, DEL and C1: invalid in SVG/XML or invisible tricks on screen
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TEMPLATE_TAGS = re.compile(r"(<br>|<extra>|</extra>)")
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def plotly_text(value: str) -> str:
    """`value` as Plotly shows it literally: `&`, `<`, `>` as entities, control characters
    dropped, line breaks (`\\n`, `\\r\\n`, `\\r`) as `<br>`."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", text).replace("\t", " ").translate(_ENTITIES)
    return text.replace("\n", "<br>")


def plotly_template(value: str) -> str:
    """A hover or text template: its `<br>`, `<extra>`, `</extra>` kept, everything else
    escaped like plotly_text (newlines become spaces, as Plotly itself would draw them)."""
    parts = _TEMPLATE_TAGS.split(value.replace("\r", " ").replace("\n", " "))
    return "".join(part if i % 2 else plotly_text(part) for i, part in enumerate(parts))


def escape_figure(figure: go.Figure) -> go.Figure:
    """A copy of `figure` with every string escaped (see the module docstring)."""
    return go.Figure(_escape(figure.to_plotly_json(), ""))


def _escape(value: Any, key: str) -> Any:
    if isinstance(value, str):
        if key.endswith("template"):
            return plotly_template(value)
        if key.endswith("format") or key == "separators":
            return value
        return plotly_text(value)
    if isinstance(value, Mapping):
        return {k: _escape(v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_escape(v, key) for v in value]
    if hasattr(value, "dtype") and value.dtype.kind in "OUS":  # numpy arrays of text
        return [_escape(v, key) for v in value.tolist()]
    return value
