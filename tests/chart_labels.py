"""Where a drawn Plotly chart put its value labels, read in Chromium, and what is wrong with
them: a label missing, too small to read, outside its plot, overlapping another label or any
other text, running into a bar that is not its own, or covered by a marker.

`LAYOUT_JS` reads one chart (a static SVG as the PDF embeds it, or a chart of the HTML) with
getBoundingClientRect, so what it measures is what the browser laid out; `label_problems`
judges it against the labels the chart's description says are drawn.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from report_builder.charts.description import Chart, Description

MIN_LABEL_PX = 11.0  # the smallest value label we call legible, in CSS px at the size drawn
TOLERANCE = 0.5  # px two boxes may touch by (anti-aliasing, rounding)
GAP = 2.0  # px two labels keep between them, so they read as two

# The chart in `root` (an <svg> or the element holding a Plotly chart's SVGs): its value labels
# (the bars', funnel's and waterfall's texts) with the bar each belongs to, every other text,
# every bar, every marker and each plot area, as client rectangles.
LAYOUT_JS = """
(root) => {
  const box = (r) => ({x: r.left, y: r.top, w: r.width, h: r.height});
  const svgs = root.tagName.toLowerCase() === 'svg' ? [root]
    : Array.from(root.querySelectorAll('svg.main-svg'));
  const labels = [], texts = [], bars = [], markers = [], plots = [];
  let bar = 0;
  for (const svg of svgs) {
    for (const clip of svg.querySelectorAll('clipPath.plotclip')) {
      const name = clip.id.replace(/^clip[0-9a-f]+/, '').replace(/plot$/, '');
      const group = svg.querySelector(`g.overplot > g.${name}`);
      const rect = clip.querySelector('rect');
      if (!group || !rect) continue;
      const m = group.getScreenCTM();
      plots.push({x: m.e, y: m.f, w: rect.width.baseVal.value * m.a,
                  h: rect.height.baseVal.value * m.d});
    }
    for (const point of svg.querySelectorAll('g.trace.bars g.point')) {
      bar += 1;
      const path = point.querySelector('path');
      if (path && path.getBBox().width > 0) {
        bars.push({id: bar, ...box(path.getBoundingClientRect())});
      }
      for (const text of point.querySelectorAll('text.bartext')) {
        const size = parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a;
        labels.push({id: bar, text: text.textContent, size, ...box(text.getBoundingClientRect())});
      }
    }
    for (const path of svg.querySelectorAll('g.trace.scatter path.point')) {
      // a line marker's box is its centre line: widen it by half its stroke each way
      const r = path.getBoundingClientRect();
      const half = (parseFloat(getComputedStyle(path).strokeWidth) || 0) / 2;
      markers.push({x: r.left - half, y: r.top - half, w: r.width + 2 * half,
                    h: r.height + 2 * half});
    }
    for (const text of svg.querySelectorAll('text')) {
      if (text.classList.contains('bartext') || !text.textContent.trim()) continue;
      const r = text.getBoundingClientRect();
      if (r.width > 0) texts.push({text: text.textContent, ...box(r)});
    }
  }
  return {labels, texts, bars, markers, plots};
}
"""


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Box, gap: float = 0.0) -> bool:
        """The two share more than TOLERANCE px each way (or come closer than `gap`)."""
        least = TOLERANCE - gap
        return (min(self.x + self.w, other.x + other.w) - max(self.x, other.x) > least
                and min(self.y + self.h, other.y + other.h) - max(self.y, other.y) > least)

    def inside(self, other: Box) -> bool:
        return (self.x >= other.x - TOLERANCE and self.y >= other.y - TOLERANCE
                and self.x + self.w <= other.x + other.w + TOLERANCE
                and self.y + self.h <= other.y + other.h + TOLERANCE)


def _box(item: Mapping[str, Any]) -> Box:
    return Box(item["x"], item["y"], item["w"], item["h"])


def drawn_labels(chart: Description) -> list[str]:
    """The value labels the description says the Plotly drawing writes on its bars (none for a
    timeline, whose bars carry no value)."""
    if not isinstance(chart, Chart):
        return []
    return [label for panel in chart.panels for series in panel.series
            for value, label in zip(series.values, series.labels, strict=True)
            if value is not None]


def label_problems(layout: Mapping[str, Any], expected: Sequence[str]) -> list[str]:
    """What is wrong with the labels of one laid-out chart (LAYOUT_JS's answer), given the
    labels its description says are drawn; empty when every label is legible."""
    labels = layout["labels"]
    problems = [f"label {text!r} missing" for text in _missing(expected, labels)]
    plots = [_box(p) for p in layout["plots"]]
    others = [(t["text"], _box(t)) for t in layout["texts"]]
    for index, label in enumerate(labels):
        name, box = label["text"], _box(label)
        if label["size"] < MIN_LABEL_PX:
            problems.append(f"label {name!r} drawn at {label['size']:.1f} px")
        if not any(box.inside(plot) for plot in plots):
            problems.append(f"label {name!r} outside its plot")
        for other in labels[index + 1:]:
            if box.overlaps(_box(other), GAP):
                problems.append(f"label {name!r} overlaps label {other['text']!r}")
        for text, other_box in others:
            if box.overlaps(other_box):
                problems.append(f"label {name!r} overlaps text {text!r}")
        for bar in layout["bars"]:
            if bar["id"] != label["id"] and box.overlaps(_box(bar)):
                problems.append(f"label {name!r} runs into another bar")
        if any(box.overlaps(_box(marker)) for marker in layout["markers"]):
            problems.append(f"label {name!r} covered by a marker")
    for index, (text, box) in enumerate(others):  # the names, ticks, legend and notes
        problems += [f"text {text!r} overlaps text {other!r}"
                     for other, other_box in others[index + 1:] if box.overlaps(other_box, GAP)]
    return problems


def _missing(expected: Iterable[str], labels: Sequence[Mapping[str, Any]]) -> list[str]:
    # a label drawn on two lines reads back without the break: compare without white space
    shown = ["".join(label["text"].split()) for label in labels]
    missing = []
    for text in expected:
        wanted = "".join(text.split())
        if wanted in shown:
            shown.remove(wanted)
        else:
            missing.append(text)
    return missing
