"""The PDF pack: the HTML pack's sections, laid out for A4 by WeasyPrint, with vector charts.

The same Plotly figures as the HTML are exported to SVG (dense ones to PNG) through one browser
and placed as images; the templates in templates/pdf add the cover, the contents with page
numbers, running headers and footers and the definitions, and reuse the HTML's section partials.
"""

from __future__ import annotations

import contextlib
import logging
import math
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from report_builder.charts.figures import build_figures
from report_builder.decks.text_fit import EMU_PER_PT, text_width
from report_builder.model.agenda import Agenda
from report_builder.renderers.appendix import POINTS, appendix_parts, part_title
from report_builder.renderers.context import RenderContext, RenderOptions, StaticChartSource
from report_builder.renderers.fetcher import RestrictedFetcher
from report_builder.renderers.html import logo_data_uri, template_environment
from report_builder.renderers.summaries import point_summaries
from report_builder.resources import assets_dir, templates_dir

log = logging.getLogger(__name__)
# WeasyPrint warns about every screen-only rule of the shared stylesheet (media queries, sticky
# navigation); those are expected, so only its errors are shown.
logging.getLogger("weasyprint").setLevel(logging.ERROR)

# The width of the text block at 96 px per inch: A4 less 2 x 14 mm margins; half-width charts
# sit two to a row with a 6 mm gap.
CONTENT_WIDTH_PX = {"landscape": 1016, "portrait": 688}
# The tallest chart that still fits under a section's heading on its first page; taller
# figures are laid out again at this height rather than pushed to the next page.
MAX_CHART_HEIGHT_PX = {"landscape": 500, "portrait": 820}
HALF_WIDTH_CHARTS = frozenset({"funnel_flow", "funnel_cohort", "win_reasons", "loss_reasons"})
# Charts of bars are as tall as their bars and labels need (charts/figures.py); these two,
# whose labels do not sit on bars, are laid out no taller than this on a landscape page.
MAIN_BODY_HEIGHT_PX = {"landscape": {"campaigns": 260, "pipeline_movement": 360},
                       "portrait": {}}
GAP_PX = 23
# The teams' bullet stands right under the company's (assets/pdf.css), whose legend it shares.
SHARED_LEGEND = {"targets_teams": "targets_company"}
MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
# The headline's figures: four tiles to a row with 3 mm between them, each with 3 mm of padding
# and a 1 px border each side; their figure is set at 17 pt bold (assets/pdf.css) and smaller
# when it would not fit on its line (a large company's `393.925.941 kr.` on a portrait page).
TILES_PER_ROW, TILE_GAP_PT, TILE_INSET_PT, TILE_VALUE_PT = 4, 8.5, 18.5, 17.0
_CHARTS_AHEAD = "pdf-charts"
CHART_SCHEME = "chart"  # <img src="chart:funnel_flow">: the fetcher hands over the drawn chart


@dataclass(frozen=True)
class PendingCharts:
    """The PDF's charts while the browser draws them: an <img> for each, sized for its place
    on the page and pointing at `chart:<key>`, and the export running in a thread of its own.
    The fetcher hands WeasyPrint each image when it asks (after styling the document, so the
    two overlap), waiting for the export if need be."""

    images: dict[str, Markup]
    export: Future[dict[str, Any]]

    def image(self, key: str) -> tuple[bytes, str]:
        chart = self.export.result()[key]
        return chart.data, MEDIA_TYPES[chart.format]


def draw_charts(agenda: Agenda, context: RenderContext,
                exporter: StaticChartSource) -> PendingCharts:
    """Every chart's figure sized for its place on the page, its export started."""
    figures = build_figures(agenda, context.fmt, t=context.t, theme=context.theme)
    for key, above in SHARED_LEGEND.items():
        if key in figures and above in figures:
            figure = figures[key]  # the legend's room at its top given back
            figure.update_layout(showlegend=False, margin={"t": 16},
                                 height=int(figure.layout.height) - 24)
    orientation = context.options.page_orientation
    full = CONTENT_WIDTH_PX[orientation]
    caps, cap = MAIN_BODY_HEIGHT_PX[orientation], MAX_CHART_HEIGHT_PX[orientation]
    groups = []
    images = {}
    for width, keys in ((full, [k for k in figures if k not in HALF_WIDTH_CHARTS]),
                        ((full - GAP_PX) // 2, [k for k in figures if k in HALF_WIDTH_CHARTS])):
        group = {k: figures[k] for k in keys}
        heights = {k: min(int(f.layout.height or 400), caps.get(k, cap))
                   for k, f in group.items()}
        groups.append((width, group, heights))
        for key in keys:
            images[key] = Markup(
                f'<img class="chart-image" data-chart="{escape(key)}" '
                f'src="{CHART_SCHEME}:{escape(key)}" width="{width}" height="{heights[key]}" '
                'alt="">')

    def export() -> dict[str, Any]:
        drawn: dict[str, Any] = {}
        for width, group, heights in groups:
            drawn.update(exporter.export(group, width=width, height=heights))
        return drawn

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf-charts")
    pending = PendingCharts(images, pool.submit(export))
    pool.shutdown(wait=False)
    return pending


def draw_charts_ahead(agenda: Agenda, context: RenderContext) -> None:
    """The charts' export started before the build renders any format, on the build's shared
    browser, so it draws them while the other formats render; `layout` takes them. Without a
    shared browser the PDF opens its own when it renders."""
    if context.options.charts is not None:
        context.ahead[_CHARTS_AHEAD] = draw_charts(agenda, context, context.options.charts)


def css_string(value: object) -> Markup:
    """A value as the inside of a CSS string ("..."), for running headers in <style>."""
    text = str(value)
    for char, escaped in (("\\", "\\\\"), ('"', '\\"'), ("\n", " "), ("<", "\\3C ")):
        text = text.replace(char, escaped)
    return Markup(text)  # noqa: S704 - escaped for CSS above; HTML escaping would show as text


def tile_value_size(values: list[str], orientation: str) -> str | None:
    """The font size (CSS) that fits the longest of the headline's figures on its tile's line,
    for all of them alike; None when the stylesheet's own size does. Measured with Arial's
    metrics, which the PDF's Liberation Sans shares."""
    row = CONTENT_WIDTH_PX[orientation] * 0.75  # pt
    width = (row - (TILES_PER_ROW - 1) * TILE_GAP_PT) / TILES_PER_ROW - TILE_INSET_PT
    needed = max((text_width(v, TILE_VALUE_PT, bold=True) / EMU_PER_PT for v in values),
                 default=0.0)
    if needed <= width:
        return None
    return f"{math.floor(TILE_VALUE_PT * width / needed * 2) / 2:g}pt"


def render_page_html(agenda: Agenda, context: RenderContext, charts: dict[str, Markup]) -> str:
    env = template_environment("pdf", context, fallback="html", break_long_runs=True)
    env.filters["css_string"] = css_string
    return env.get_template("report.html").render(
        agenda=agenda,
        summaries=point_summaries(agenda, context),
        charts=charts,
        orientation=context.options.page_orientation,
        tile_value_size=tile_value_size(
            [context.fmt.value(h.value, h.kind) for h in agenda.headline],
            context.options.page_orientation),
        theme_css=Markup(context.theme.css_variables()),
        font_family=Markup(context.theme.font_family),  # our theme file
        page_css=Markup((assets_dir() / "theme.css").read_text(encoding="utf-8")),
        pdf_css=Markup((assets_dir() / "pdf.css").read_text(encoding="utf-8")),
        logo_uri=logo_data_uri(context.options.logo),
        folded=False,  # the full lists are laid out in the appendix, after the main body
        appendix=appendix_parts(agenda),
        part_title=part_title,
        points=POINTS,
    )


def allowed_folders(options: RenderOptions) -> list[Path]:
    folders = [templates_dir(), assets_dir()]
    if options.templates is not None:
        folders.append(options.templates)
    if options.logo is not None:
        folders.append(options.logo.parent)
    return folders


def base_url() -> str:
    return (templates_dir() / "pdf").as_uri() + "/"


def layout(agenda: Agenda, context: RenderContext) -> tuple[Any, RestrictedFetcher]:
    """The laid-out WeasyPrint document (pages and boxes), and the fetcher it read through."""
    from weasyprint import HTML

    options = context.options
    with contextlib.ExitStack() as stack:
        charts: PendingCharts | None = context.ahead.pop(_CHARTS_AHEAD, None)
        if charts is None:
            exporter = options.charts
            if exporter is None:
                from report_builder.charts.export import ChartExporter

                exporter = stack.enter_context(ChartExporter(options.browser))
            charts = draw_charts(agenda, context, exporter)
        page = render_page_html(agenda, context, charts.images)
        fetcher = RestrictedFetcher(allowed_folders(options), charts=charts.image)
        document = HTML(string=page, base_url=base_url(), url_fetcher=fetcher).render()
        charts.export.result()  # a chart the browser failed on stops the build
    return document, fetcher


def render_pdf(agenda: Agenda, context: RenderContext) -> bytes | Future[bytes]:
    """The PDF's bytes; with a typesetting pool (RenderOptions.typesetter: a build of several
    packs), their future: the pack is laid out in another process once the browser has drawn
    its charts, while this one renders the next pack."""
    pool = context.options.typesetter
    if pool is None or context.options.charts is None:
        return write_pdf(agenda, *layout(agenda, context))
    charts = context.ahead.pop(_CHARTS_AHEAD, None) or draw_charts(agenda, context,
                                                                   context.options.charts)
    page = render_page_html(agenda, context, charts.images)
    folders = allowed_folders(context.options)
    done: Future[bytes] = Future()

    def typeset(export: Future[dict[str, Any]]) -> None:
        try:
            images = {key: (chart.data, MEDIA_TYPES[chart.format])
                      for key, chart in export.result().items()}
            laid_out = pool.submit(typeset_pdf, page, base_url(), folders, images,
                                   pdf_identifier(agenda))
        except BaseException as error:  # a chart the browser failed on, a pool shut down
            done.set_exception(error)
            return
        laid_out.add_done_callback(lambda f: _settle(done, f))

    charts.export.add_done_callback(typeset)
    return done


def _settle(done: Future[bytes], laid_out: Future[tuple[bytes, list[str]]]) -> None:
    try:
        pdf, refused = laid_out.result()
    except BaseException as error:
        done.set_exception(error)
        return
    _say_refused(refused)
    done.set_result(pdf)


def typeset_pdf(page: str, base: str, folders: list[Path],
                charts: dict[str, tuple[bytes, str]], identifier: bytes,
                ) -> tuple[bytes, list[str]]:
    """The PDF of a pack's page HTML and drawn charts, and what its fetcher left out: the
    work of a typesetting process."""
    from weasyprint import HTML

    fetcher = RestrictedFetcher(folders, charts=charts.__getitem__)
    document = HTML(string=page, base_url=base, url_fetcher=fetcher).render()
    return bytes(document.write_pdf(pdf_identifier=identifier)), fetcher.refused


def write_pdf(agenda: Agenda, document: Any, fetcher: RestrictedFetcher) -> bytes:
    """The laid-out pack as PDF bytes, saying what its fetcher left out."""
    _say_refused(fetcher.refused)
    return bytes(document.write_pdf(pdf_identifier=pdf_identifier(agenda)))


def pdf_identifier(agenda: Agenda) -> bytes:
    """A fixed identifier and the meeting date as the creation date: the same data and date
    give the same bytes."""
    return f"report-builder {agenda.as_of}".encode()


def _say_refused(refused: list[str]) -> None:
    for url in refused:
        log.warning("The PDF left out a resource it may not load: %s", url[:200])
