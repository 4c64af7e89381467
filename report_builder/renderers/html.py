"""The HTML pack: one self-contained file (CSS, logo and plotly.js inline) that works offline.

plotly.js is our partial bundle (assets/plotly-partial.min.js: only the trace types the charts
draw, built by scripts/build-plotly-bundle.sh at the version plotly.py writes figures for), not
the python package's full 4.8 MB one.

Templates come from the user's folder first (RenderOptions.templates, overriding ours by name),
then ours; `default:` names ours explicitly, so a user template can
`{% extends "default:report.html" %}` and replace one block. Autoescape is on and undefined
names fail loudly.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path

import jinja2
import jinja2.bccache
import plotly.graph_objects as go
from markupsafe import Markup

from report_builder.charts.figures import build_figures
from report_builder.errors import OutputError
from report_builder.formatting import MISSING
from report_builder.i18n import shown
from report_builder.model.agenda import Agenda
from report_builder.names import breakable, keep_whole
from report_builder.renderers.changes import change_text, direction
from report_builder.renderers.context import RenderContext
from report_builder.renderers.quality import quality_lines
from report_builder.renderers.summaries import point_summaries
from report_builder.resources import assets_dir, templates_dir
from report_builder.terminal import terminal_text
from report_builder.text_limits import TEXT_LIMIT, clip

# responsive: a chart follows its card's width; no toolbar (modebar): on a phone it sat on the
# legend, and the pack's readers read the charts rather than zoom them (hover still works)
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}
PLOTLY_BUNDLE = "plotly-partial.min.js"
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
              ".jpeg": "image/jpeg"}


class CompiledTemplates(jinja2.BytecodeCache):
    """Each template compiled to Python once per process, not once per pack: every render
    makes an environment of its own (its filters are its pack's), and compiling the templates
    again took 0.2 s a pack (10 s of 50 team packs). A template whose source changed (a user
    template edited while `serve` runs) is compiled again: Jinja checks its checksum."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


# one per way of finishing printed text: the finalize function is part of the compiled code
_COMPILED = {False: CompiledTemplates(), True: CompiledTemplates()}


def template_environment(kind: str, context: RenderContext, *,
                         fallback: str | None = None,
                         break_long_runs: bool = False) -> jinja2.Environment:
    """A Jinja environment for templates/<kind>/ with the user's folder in front of ours.

    `fallback` names a second folder of ours for the templates <kind>/ does not have (the PDF
    reuses the HTML's section partials). Filters are the context's Formatter methods (money,
    percent, count, ...) plus `shown`, `clip` and `keep_whole` (a name that never breaks
    inside "A/S" or between a number and its unit); globals are `t` (labels) and `missing`
    (the dash for a missing value). With `break_long_runs` (the PDF), every text printed has
    a place to break in each long run without a space (names.breakable).
    """
    fmt, t, language = context.fmt, context.t, context.language
    folders = [templates_dir() / kind] + ([templates_dir() / fallback] if fallback else [])
    builtin = jinja2.FileSystemLoader(folders)
    loaders: list[jinja2.BaseLoader] = []
    if context.options.templates is not None:
        loaders.append(jinja2.FileSystemLoader(context.options.templates))
    loaders += [builtin, jinja2.PrefixLoader({"default": builtin}, delimiter=":")]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        finalize=_breakable_text if break_long_runs else _clip_text,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
        bytecode_cache=_COMPILED[break_long_runs],
    )
    env.filters.update(fmt.filters())
    env.filters["shown"] = lambda value: MISSING if value is None else shown(value, language)
    env.filters["clip"] = clip
    text = _breakable_text if break_long_runs else _clip_text
    env.filters["keep_whole"] = lambda value: keep_whole(MISSING if value is None else text(value))
    env.globals["t"] = t
    env.globals["missing"] = MISSING
    env.globals["change_text"] = lambda h, agenda, context=False: change_text(
        h, agenda, fmt, t, context=context)
    env.globals["direction"] = direction
    env.globals["quality_lines"] = lambda pipeline: quality_lines(pipeline, fmt, t)
    return env


def _clip_text(value: object) -> object:
    """Every text a template prints is at most TEXT_LIMIT characters (a safety net: names are
    cut shorter by the `shown` and `clip` filters) and holds no control characters (they show
    as boxes); our own markup (Markup) is left whole."""
    if type(value) is str:
        return clip(terminal_text(value), TEXT_LIMIT)
    return value


def _breakable_text(value: object) -> object:
    value = _clip_text(value)
    return breakable(value) if type(value) is str else value


def logo_data_uri(path: Path | None) -> Markup:
    """The logo as a data: URI (ours when `path` is None); SVG, PNG or JPEG."""
    path = path if path is not None else assets_dir() / "logo.svg"
    media_type = LOGO_TYPES.get(path.suffix.lower())
    if media_type is None:
        raise OutputError(f"Logo {path}: {path.suffix or 'no extension'} is not supported; "
                          f"use an SVG, PNG or JPEG file ({', '.join(LOGO_TYPES)})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OutputError(f"Logo {path} cannot be read ({exc.strerror}); "
                          "check company.logo in report.toml") from None
    # base64 and a media type of ours: nothing to escape, and never cut
    return Markup(f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}")


def chart_div_id(key: str) -> str:
    return "chart-" + key.replace("_", "-")


def chart_html(key: str, figure: go.Figure) -> Markup:
    """One chart as a div and its newPlot call; plotly.js itself is included once, elsewhere."""
    html = figure.to_html(full_html=False, include_plotlyjs=False, div_id=chart_div_id(key),
                          config=PLOTLY_CONFIG)
    return Markup(html)  # Plotly escapes the figure JSON (`<` as \u003c)


@lru_cache(maxsize=1)
def plotly_bundle() -> str:
    """Our partial plotly.js bundle (the file in assets/)."""
    return (assets_dir() / PLOTLY_BUNDLE).read_text(encoding="utf-8")


def _plotly_js() -> Markup:
    return Markup(plotly_bundle())  # our vendored library, not user data


def render_html(agenda: Agenda, context: RenderContext) -> bytes:
    """The pack as one UTF-8 HTML page."""
    env = template_environment("html", context)
    figures = build_figures(agenda, context.fmt, t=context.t, theme=context.theme)
    page = env.get_template("report.html").render(
        agenda=agenda,
        summaries=point_summaries(agenda, context),
        charts={key: chart_html(key, fig) for key, fig in figures.items()},
        theme_css=Markup(context.theme.css_variables()),  # our theme file
        page_css=Markup((assets_dir() / "theme.css").read_text(encoding="utf-8")),
        plotly_js=_plotly_js(),
        plotly_config=PLOTLY_CONFIG,  # the page's script redraws a chart for a narrow card
        logo_uri=logo_data_uri(context.options.logo),
        folded=True,  # each point's full lists fold below it
        appendix={},  # and are referred to without an appendix letter
    )
    return page.encode("utf-8")
