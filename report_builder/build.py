"""The build, top to bottom: config -> dataset -> agenda -> rendered outputs -> files."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import multiprocessing
import os
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from report_builder.config import Config, TableSource
from report_builder.data.dataset import Dataset
from report_builder.data.load import load_dataset
from report_builder.engine import EngineDataset, connect, read_engine_dataset
from report_builder.history.store import read_previous, write_snapshot
from report_builder.model.agenda import Agenda
from report_builder.model.build import agenda_in_engine, agendas_per_scope
from report_builder.model.comparison import Comparison, EarlierExport, compare, snapshot_in_engine
from report_builder.periods import next_meeting
from report_builder.renderers.base import Renderer, get_renderer
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
          compare_to: Path | None = None, charts: Any = None) -> BuildResult:
    """Load, model and render every format in memory first; write files only when all succeed.

    With `history` (and [history] enabled), the pipeline movement compares against the latest
    snapshot stored before the meeting (or the deals file `compare_to`; else the previous
    meeting rebuilt from the stage history), and once every file is written this meeting's
    snapshot replaces any stored for the same date.

    When a format needs static charts (the PDF), the browser that draws them starts first, so
    its start-up overlaps loading the data and building the model; it is closed at the end,
    whatever happens. A long-lived caller (the web page) passes its own started ChartExporter
    as `charts` instead: it is used and left open.
    """
    with _session(config, as_of, formats, progress, history, compare_to, charts) as session:
        progress("Building the agenda")
        agenda = agenda_in_engine(session.source.tables, session.source.facts, config, as_of,
                                  actions=session.actions, comparison=session.compared)
        context, rendered = session.render(agenda)
        progress("Writing the files")
    result = BuildResult(agenda, _write(settled(rendered), agenda, out_dir), context)
    session.store_snapshot()
    return result


def build_per(config: Config, by: str, *, as_of: dt.date, formats: Sequence[str],
              out_dir: Path, progress: Progress = lambda _: None, history: bool = True,
              compare_to: Path | None = None) -> dict[str, BuildResult]:
    """A pack for each team (`by` "team") or seller ("owner"), each in a folder of its own in
    `out_dir` (pack_folders), by name: the data loaded, the browser started and the company's
    view built once (model/scope.py narrows it). Every pack is rendered before any is written;
    the history stores the company's snapshot, as `build` does."""
    with _session(config, as_of, formats, progress, history, compare_to) as session:
        progress(f"Building the agenda of each {'seller' if by == 'owner' else by}")
        agendas = agendas_per_scope(session.source.tables, session.source.facts, config, as_of,
                                    by, actions=session.actions, comparison=session.compared)
        pending = {}
        with typesetting(session.renderers, len(agendas)) as session.typesetter:
            for name, agenda in agendas.items():
                progress(f"Rendering the pack of {name}")
                pending[name] = (agenda, *session.render(agenda))
            if session.typesetter is not None:
                progress("Laying out the PDFs")
            packs = {name: (agenda, context, settled(rendered))
                     for name, (agenda, context, rendered) in pending.items()}
        progress("Writing the files")
    folders = pack_folders(list(packs))
    results = {name: BuildResult(agenda, _write(rendered, agenda, out_dir / folders[name]),
                                 context)
               for name, (agenda, context, rendered) in packs.items()}
    session.store_snapshot()
    return results


@contextlib.contextmanager
def typesetting(renderers: Sequence[Renderer], packs: int) -> Iterator[Executor | None]:
    """Processes, one a core, that lay out the PDFs of a build of several packs while this
    one renders the next pack (WeasyPrint's layout is most of a PDF's time, and takes one
    core); None where there is one pack, one core or no PDF. Spawned rather than forked:
    this process runs the engine's threads."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if packs < 2 or (cores or 1) < 2 or not any(r.name == "pdf" for r in renderers):
        yield None
        return
    pool = ProcessPoolExecutor(max_workers=min(cores or 1, packs),
                               mp_context=multiprocessing.get_context("spawn"))
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def settled(rendered: dict[str, tuple[Renderer, bytes | Future[bytes]]],
            ) -> dict[str, tuple[Renderer, bytes]]:
    """Each format's bytes, waiting for those laid out in another process."""
    return {name: (renderer, content.result() if isinstance(content, Future) else content)
            for name, (renderer, content) in rendered.items()}


def pack_folders(names: list[str]) -> dict[str, str]:
    """A folder name for each team or seller: its name in lower case, every run of other
    characters than letters and digits a "-" (so no name reaches outside the output folder),
    at most 60 characters, made unique with "-2", "-3", ..."""
    folders: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        base = re.sub(r"[\W_]+", "-", name.lower()).strip("-")[:60].strip("-") or "unnamed"
        folder, n = base, 1
        while folder in taken:
            n += 1
            folder = f"{base}-{n}"
        taken.add(folder)
        folders[name] = folder
    return folders


def _write(rendered: dict[str, tuple[Renderer, bytes]], agenda: Agenda,
           out_dir: Path) -> dict[str, Path]:
    return {name: write_atomic(out_dir / output_name(agenda, renderer.extension,
                                                     renderer.file_stem), content)
            for name, (renderer, content) in rendered.items()}


@dataclass
class _Session:
    """What a build shares between its packs: the renderers, the browser, the dataset in the
    engine and what the movement compares."""

    config: Config
    as_of: dt.date
    renderers: list[Renderer]
    exporter: Any
    source: EngineDataset
    compared: Comparison | None
    history: bool
    progress: Progress
    typesetter: Executor | None = None  # lays out the PDFs of several packs (typesetting)

    @property
    def actions(self) -> Any:
        return None if self.source.dataset is None else self.source.dataset.actions

    def render(self, agenda: Agenda,
               ) -> tuple[RenderContext, dict[str, tuple[Renderer, bytes | Future[bytes]]]]:
        """Every format of `agenda`: its bytes, or (a PDF given to the typesetter) their
        future."""
        config = self.config
        context = render_context(agenda, RenderOptions(
            templates=config.output.templates, logo=config.company.logo,
            page_orientation=config.output.page_orientation, charts=self.exporter,
            browser=config.output.browser, deck=config.deck, profile=config.company.profile,
            typesetter=self.typesetter))
        for renderer in self.renderers:
            renderer.prepare(agenda, context)
        # the formats that wait for the browser's charts last: it draws them meanwhile
        done = {}
        for renderer in sorted(self.renderers, key=lambda r: r.static_charts):
            self.progress(f"Rendering {renderer.name.upper()}")
            done[renderer.name] = renderer.render(agenda, context)
        return context, {r.name: (r, done[r.name]) for r in self.renderers}

    def store_snapshot(self) -> None:
        """This meeting's deals snapshot stored, once every file is written."""
        if self.history and self.compared is not None:
            self.progress("Storing the deals snapshot")
            write_snapshot(self.config.history_path, self.as_of, self.compared.current)


@contextlib.contextmanager
def _session(config: Config, as_of: dt.date, formats: Sequence[str], progress: Progress,
             history: bool, compare_to: Path | None,
             charts: Any = None) -> Iterator[_Session]:
    # unknown formats fail before any work; a format asked for twice (or by its old name too)
    # is rendered once
    renderers = list({r.name: r for r in map(get_renderer, formats)}.values())
    with contextlib.ExitStack() as stack:
        exporter = None
        needs_browser = any(r.static_charts for r in renderers)
        if needs_browser and charts is not None:
            exporter = charts
        elif needs_browser:
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
        yield _Session(config, as_of, renderers, exporter, source, compared, history, progress)
