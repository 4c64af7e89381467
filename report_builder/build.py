"""The build, top to bottom: config -> dataset -> agenda -> rendered outputs -> files."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from report_builder.config import Config, TableSource
from report_builder.data.dataset import Dataset
from report_builder.data.load import load_dataset
from report_builder.engine import EngineDataset, connect, read_engine_dataset
from report_builder.history.store import read_previous, write_snapshot
from report_builder.model.agenda import Agenda
from report_builder.model.build import agenda_in_engine
from report_builder.model.comparison import Comparison, EarlierExport, compare, snapshot_in_engine
from report_builder.periods import next_meeting
from report_builder.renderers.base import get_renderer
from report_builder.renderers.context import RenderContext, RenderOptions, render_context
from report_builder.writer import write_atomic

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    agenda: Agenda
    files: dict[str, Path]  # format (its name, not an alias) -> written file
    context: RenderContext  # what every format was rendered with; the email uses it too


def meeting_date(config: Config, as_of: dt.date | None, today: dt.date) -> dt.date:
    """--as-of, else the config's as_of, else the next meeting of the cadence from today."""
    if as_of is not None:
        return as_of
    if config.meeting.as_of is not None:
        return config.meeting.as_of
    return next_meeting(today, config.meeting.cadence_anchor, config.meeting.cadence_days)


def output_name(agenda: Agenda, extension: str, stem: str = "pipeline-meeting") -> str:
    return f"{stem}-{agenda.as_of.isoformat()}{extension}"


def comparison(config: Config, source: EngineDataset, as_of: dt.date, *, history: bool = True,
               compare_to: Path | None = None) -> Comparison | None:
    """What the pipeline movement compares: the meeting's deals against the deals file
    `compare_to`, else the latest snapshot stored before `as_of` (never the meeting's own),
    else the previous meeting rebuilt from the dataset's stage history. None when there is
    nothing to compare with and no snapshot to store (the history off, tables the engine read
    itself: no stage history), so a million deals are not fetched for nothing."""
    dataset = source.dataset
    if not history and compare_to is None and (dataset is None or dataset.stage_history is None):
        return None
    stored = read_previous(config.history_path, as_of) if history else None
    export = None if compare_to is None else EarlierExport(
        load_deals_export(config, compare_to, as_of), compare_to.name)
    current = snapshot_in_engine(source.tables, as_of) if dataset is None else None
    return compare(dataset, config, as_of, current=current, stored=stored, export=export)


def load_deals_export(config: Config, path: Path, as_of: dt.date | None = None) -> Dataset:
    """The dataset with its deals read from `path` (an earlier export in the same form)."""
    tables = {**config.data.tables, "deals": TableSource(path=path)}
    return load_dataset(dataclasses.replace(config,
                                            data=dataclasses.replace(config.data, tables=tables)),
                        as_of=as_of)


def build(config: Config, *, as_of: dt.date, formats: Sequence[str], out_dir: Path,
          progress: Progress = lambda _: None, history: bool = True,
          compare_to: Path | None = None) -> BuildResult:
    """Load, model and render every format in memory first; write files only when all succeed.

    With `history` (and [history] enabled), the pipeline movement compares against the latest
    snapshot stored before the meeting (or the deals file `compare_to`; else the previous
    meeting rebuilt from the stage history), and once every file is written this meeting's
    snapshot replaces any stored for the same date.

    When a format needs static charts (the PDF), the browser that draws them starts first, so
    its start-up overlaps loading the data and building the model; it is closed at the end,
    whatever happens.
    """
    # unknown formats fail before any work; a format asked for twice (or by its old name too)
    # is rendered once
    renderers = list({r.name: r for r in map(get_renderer, formats)}.values())
    with contextlib.ExitStack() as stack:
        exporter = None
        if any(r.static_charts for r in renderers):
            from report_builder.charts.confinement import sandbox_decision
            from report_builder.charts.export import ChartExporter, find_browser

            exporter = stack.enter_context(ChartExporter(find_browser(config.output.browser)))
            exporter.start()
            if (why_not := sandbox_decision()[1]) is not None:
                progress(f"Drawing the charts without the browser's sandbox: {why_not}")
        progress("Loading the dataset")
        con = connect(config.engine)
        stack.callback(con.disconnect)
        source = read_engine_dataset(con, config, as_of=as_of)
        history = history and config.history.enabled
        compared = comparison(config, source, as_of, history=history, compare_to=compare_to)
        progress("Building the agenda")
        agenda = agenda_in_engine(
            source.tables, source.facts, config, as_of,
            actions=None if source.dataset is None else source.dataset.actions,
            comparison=compared)
        context = render_context(agenda, RenderOptions(
            templates=config.output.templates, logo=config.company.logo,
            page_orientation=config.output.page_orientation, charts=exporter,
            browser=config.output.browser, deck=config.deck, profile=config.company.profile))
        rendered = {}
        for renderer in renderers:
            progress(f"Rendering {renderer.name.upper()}")
            rendered[renderer.name] = (renderer, renderer.render(agenda, context))
    files = {}
    for name, (renderer, content) in rendered.items():
        path = out_dir / output_name(agenda, renderer.extension, renderer.file_stem)
        files[name] = write_atomic(path, content)
    if history and compared is not None:
        progress("Storing the deals snapshot")
        write_snapshot(config.history_path, as_of, compared.current)
    return BuildResult(agenda, files, context)
