"""The PDF pack: the HTML pack's sections, laid out for A4 by WeasyPrint, with vector charts.

The same Plotly figures as the HTML are exported to SVG (dense ones to PNG) through one browser
and placed as images; the templates in templates/pdf add the cover, the contents with page
numbers, running headers and footers and the definitions, and reuse the HTML's section partials.
"""

from __future__ import annotations

import base64
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from report_builder.charts.figures import build_figures
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
_CHARTS_AHEAD = "pdf-charts"


def chart_images(agenda: Agenda, context: RenderContext,
                 exporter: StaticChartSource) -> dict[str, Markup]:
    """Every chart as an <img> holding its SVG (or PNG), sized for its place on the page."""
    figures = build_figures(agenda, context.fmt, t=context.t, theme=context.theme)
    for key, above in SHARED_LEGEND.items():
        if key in figures and above in figures:
            figure = figures[key]  # the legend's room at its top given back
            figure.update_layout(showlegend=False, margin={"t": 16},
                                 height=int(figure.layout.height) - 24)
    orientation = context.options.page_orientation
    full = CONTENT_WIDTH_PX[orientation]
    groups = {full: {k: f for k, f in figures.items() if k not in HALF_WIDTH_CHARTS},
              (full - GAP_PX) // 2: {k: f for k, f in figures.items() if k in HALF_WIDTH_CHARTS}}
    images = {}
    for width, group in groups.items():
        caps = MAIN_BODY_HEIGHT_PX[orientation]
        cap = MAX_CHART_HEIGHT_PX[orientation]
        heights = {k: min(int(f.layout.height or 400), caps.get(k, cap))
                   for k, f in group.items()}
        for key, chart in exporter.export(group, width=width, height=heights).items():
            data = base64.b64encode(chart.data).decode("ascii")
            images[key] = Markup(
                f'<img class="chart-image" data-chart="{escape(key)}" '
                f'src="data:{MEDIA_TYPES[chart.format]};base64,{data}" '
                f'width="{chart.width}" height="{chart.height}" alt="">')
    return images


def draw_charts_ahead(agenda: Agenda, context: RenderContext) -> None:
    """The charts' export started in a thread of its own, on the build's browser, so the
    browser draws them while the other formats render; `layout` takes the result. Without a
    shared browser the PDF opens its own when it renders, as before."""
    exporter = context.options.charts
    if exporter is None:
        return
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf-charts")
    context.ahead[_CHARTS_AHEAD] = pool.submit(chart_images, agenda, context, exporter)
    pool.shutdown(wait=False)


def css_string(value: object) -> Markup:
    """A value as the inside of a CSS string ("..."), for running headers in <style>."""
    text = str(value)
    for char, escaped in (("\\", "\\\\"), ('"', '\\"'), ("\n", " "), ("<", "\\3C ")):
        text = text.replace(char, escaped)
    return Markup(text)  # noqa: S704 - escaped for CSS above; HTML escaping would show as text


def render_page_html(agenda: Agenda, context: RenderContext, charts: dict[str, Markup]) -> str:
    env = template_environment("pdf", context, fallback="html", break_long_runs=True)
    env.filters["css_string"] = css_string
    return env.get_template("report.html").render(
        agenda=agenda,
        summaries=point_summaries(agenda, context),
        charts=charts,
        orientation=context.options.page_orientation,
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


def layout(agenda: Agenda, context: RenderContext) -> tuple[Any, RestrictedFetcher]:
    """The laid-out WeasyPrint document (pages and boxes), and the fetcher it read through."""
    from weasyprint import HTML

    options = context.options
    ahead: Future[dict[str, Markup]] | None = context.ahead.pop(_CHARTS_AHEAD, None)
    if ahead is not None:
        charts = ahead.result()
    elif options.charts is not None:
        charts = chart_images(agenda, context, options.charts)
    else:
        from report_builder.charts.export import ChartExporter

        with ChartExporter(options.browser) as exporter:
            charts = chart_images(agenda, context, exporter)
    page = render_page_html(agenda, context, charts)
    fetcher = RestrictedFetcher(allowed_folders(options))
    html = HTML(string=page, base_url=(templates_dir() / "pdf").as_uri() + "/",
                url_fetcher=fetcher)
    return html.render(), fetcher


def render_pdf(agenda: Agenda, context: RenderContext) -> bytes:
    return write_pdf(agenda, *layout(agenda, context))


def write_pdf(agenda: Agenda, document: Any, fetcher: RestrictedFetcher) -> bytes:
    """The laid-out pack as PDF bytes, saying what its fetcher left out."""
    for url in fetcher.refused:
        log.warning("The PDF left out a resource it may not load: %s", url[:200])
    # A fixed identifier and the meeting date as the creation date: the same data and date
    # give the same bytes.
    return bytes(document.write_pdf(pdf_identifier=f"report-builder {agenda.as_of}".encode()))
