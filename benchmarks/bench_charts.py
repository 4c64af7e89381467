"""Time static chart export: one shared browser (ChartExporter) against a browser per chart.

    python benchmarks/bench_charts.py
    python benchmarks/bench_charts.py --config examples/nordlys/report.toml --width 1016

Exports every figure of the pack (a) through one ChartExporter: start-up, then each chart, and
(b) the naive way, `plotly.io.to_image` per chart, where Kaleido starts and stops a browser for
each one. Run by hand (about a minute); the figures go in the closing notes, not in assertions.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

from report_builder.build import build
from report_builder.charts.export import ChartExporter, StaticChart, count_points
from report_builder.charts.figures import build_figures
from report_builder.config import load_config
from report_builder.data.load import load_dataset
from report_builder.formatting import Formatter
from report_builder.model.build import build_agenda
from report_builder.renderers.context import RenderOptions, render_context
from report_builder.renderers.pdf import render_pdf

ROOT = Path(__file__).resolve().parent.parent


def pack_figures(config_path: Path) -> dict[str, go.Figure]:
    config = load_config(config_path)
    dataset = load_dataset(config)
    as_of = config.meeting.as_of
    if as_of is None:
        raise SystemExit(f"{config_path} sets no [meeting] as_of; the benchmark needs one")
    agenda = build_agenda(dataset, config, as_of)
    return build_figures(agenda, Formatter(agenda.locale, agenda.currency))


def shared_browser(figures: dict[str, go.Figure], width: int,
                   heights: dict[str, int]) -> tuple[float, dict[str, float], float]:
    """(start-up s, s per chart, s for all charts again in one call) through one browser."""
    with ChartExporter() as exporter:
        begin = time.perf_counter()
        exporter.export({}, width=width, height=heights)  # waits for the browser to be ready
        startup = time.perf_counter() - begin
        per_chart = {}
        for key, figure in figures.items():
            begin = time.perf_counter()
            exporter.export({key: figure}, width=width, height=heights)
            per_chart[key] = time.perf_counter() - begin
        begin = time.perf_counter()
        exporter.export(figures, width=width, height=heights)
        batch = time.perf_counter() - begin
    return startup, per_chart, batch


def browser_per_chart(figures: dict[str, go.Figure], width: int,
                      heights: dict[str, int]) -> dict[str, float]:
    """s per chart with `plotly.io.to_image`, which starts a browser each time."""
    per_chart = {}
    for key, figure in figures.items():
        begin = time.perf_counter()
        pio.to_image(figure, format="svg", width=width, height=heights[key])
        per_chart[key] = time.perf_counter() - begin
    return per_chart


class BrowserPerChart:
    """The naive exporter: `plotly.io.to_image` per chart, each starting its own browser."""

    def export(self, figures: dict[str, go.Figure], *, width: int,
               height: int | dict[str, int]) -> dict[str, StaticChart]:
        out = {}
        for key, figure in figures.items():
            h = height[key] if isinstance(height, dict) else height
            svg = pio.to_image(figure, format="svg", width=width, height=h)
            out[key] = StaticChart(key, "svg", svg, width, h)
        return out


def whole_pdf(config_path: Path, out: Path) -> tuple[float, float]:
    """Seconds for a whole PDF build (load, model, charts, layout, write): as the tool does it
    (one browser, started before the data loads) and with a browser per chart."""
    config = load_config(config_path)
    assert config.meeting.as_of is not None
    begin = time.perf_counter()
    build(config, as_of=config.meeting.as_of, formats=["pdf"], out_dir=out)
    ours = time.perf_counter() - begin
    begin = time.perf_counter()
    agenda = build_agenda(load_dataset(config), config, config.meeting.as_of)
    pdf = render_pdf(agenda, render_context(agenda, RenderOptions(charts=BrowserPerChart())))
    (out / "naive.pdf").write_bytes(pdf)
    return ours, time.perf_counter() - begin


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=ROOT / "examples/nordlys/report.toml")
    parser.add_argument("--width", type=int, default=1016, help="px (the PDF's text width)")
    args = parser.parse_args()

    figures = pack_figures(args.config)
    heights = {key: int(figure.layout.height or 400) for key, figure in figures.items()}
    print(f"{len(figures)} charts from {args.config}, {args.width} px wide\n")

    shared_start = time.perf_counter()
    startup, shared, batch = shared_browser(figures, args.width, heights)
    shared_wall = time.perf_counter() - shared_start
    naive = browser_per_chart(figures, args.width, heights)

    print(f"{'chart':<18}{'points':>8}{'one browser':>14}{'browser each':>14}")
    for key in figures:
        print(f"{key:<18}{count_points(figures[key]):>8}{shared[key]:>12.2f} s"
              f"{naive[key]:>12.2f} s")
    shared_total = startup + sum(shared.values())
    naive_total = sum(naive.values())
    print(f"{'start-up':<26}{startup:>12.2f} s{'-':>14}")
    print(f"{'total':<26}{shared_total:>12.2f} s{naive_total:>12.2f} s")
    print(f"\none browser, all charts in one export() call: {batch:.2f} s "
          f"({batch / len(figures):.2f} s per chart); whole run with close: {shared_wall:.2f} s")
    print(f"speed-up (start-up + one call per chart vs a browser each): "
          f"{naive_total / shared_total:.1f}x")
    print(f"speed-up once the browser runs (one call for all charts): "
          f"{naive_total / batch:.1f}x")
    with tempfile.TemporaryDirectory() as out:
        ours, naive_pdf = whole_pdf(args.config, Path(out))
    print(f"\nwhole PDF build: {ours:.2f} s with one browser started early, "
          f"{naive_pdf:.2f} s with a browser per chart ({naive_pdf / ours:.1f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
