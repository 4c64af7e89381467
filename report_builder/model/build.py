"""build_agenda: the dataset at a meeting date -> the Agenda. Pure: no clock, no files.

Every figure is computed in the engine (engine/: DuckDB in-process unless [engine] names
another): the dataset's tables are handed to it, the sections ask it for small results.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from report_builder.config import Config
from report_builder.data.dataset import DataFacts, Dataset
from report_builder.engine import EngineTables, connect, register_dataset
from report_builder.engine.backends import compiled_once, hold
from report_builder.model.actions import build_actions
from report_builder.model.agenda import Agenda, Scope
from report_builder.model.campaigns import build_campaigns
from report_builder.model.channels import build_sources, campaign_results, count_sources
from report_builder.model.comparison import Comparison
from report_builder.model.customers import build_customers
from report_builder.model.headline import (
    HeadlineChanges,
    build_headline,
    meetings_booked,
    window_before,
)
from report_builder.model.movement import build_movement, quarter_figures
from report_builder.model.notes import build_notes
from report_builder.model.pipeline import build_pipeline
from report_builder.model.scope import ScopeName, scope_names, scoped_comparison, scoped_view
from report_builder.model.targets import build_targets
from report_builder.model.view import ModelView, make_view


def build_agenda(dataset: Dataset, config: Config, as_of: dt.date, *,
                 comparison: Comparison | None = None) -> Agenda:
    """The agenda at `as_of` of a dataset the data layer read (handed to a new engine); with a
    `comparison` that has an earlier snapshot, also the pipeline movement since then
    (model/comparison.py's `compare` makes it)."""
    con = connect(config.engine)
    try:
        return agenda_in_engine(register_dataset(con, dataset), dataset.facts, config, as_of,
                                actions=dataset.actions, comparison=comparison)
    finally:
        con.disconnect()


def agenda_in_engine(tables: EngineTables, facts: DataFacts, config: Config, as_of: dt.date, *,
                     actions: pd.DataFrame | None = None,
                     comparison: Comparison | None = None) -> Agenda:
    """The agenda at `as_of` of the dataset's tables in the engine (`facts`: what the data
    notes say of how they were read)."""
    return agenda_of_view(make_view(tables, config, as_of), facts, actions=actions,
                          comparison=comparison)


def agendas_per_scope(tables: EngineTables, facts: DataFacts, config: Config, as_of: dt.date,
                      by: str, *, actions: pd.DataFrame | None = None,
                      comparison: Comparison | None = None) -> dict[str, Agenda]:
    """The agenda of each team (`by` "team") or seller ("owner") on the deals known at
    `as_of`, by name (model/scope.py): one view of the company, narrowed for each."""
    view = make_view(tables, config, as_of)
    # every pack scans the leads, which outside DuckDB's own tables each scan reads and maps
    # again: held once, as the deals are (50 team packs of 100k deals: about 2 s less)
    view = dataclasses.replace(view, leads=hold(view.leads))
    whole = build_targets(view).company  # the company's standing, on every pack's overview
    agendas = {}
    scope_name = ScopeName(tables.con)
    with compiled_once(tables.con):
        for name in scope_names(view, by):
            scoped = scoped_view(view, Scope(by, name), scope_name.set(name))
            agendas[name] = dataclasses.replace(agenda_of_view(
                scoped, facts, actions=actions,
                comparison=None if comparison is None else scoped_comparison(comparison,
                                                                              scoped)),
                company_targets=whole)
    return agendas


def agenda_of_view(view: ModelView, facts: DataFacts, *, actions: pd.DataFrame | None = None,
                   comparison: Comparison | None = None) -> Agenda:
    """The agenda of `view` (the company's, or narrowed to a team or seller)."""
    config, as_of = view.config, view.as_of
    targets = build_targets(view)
    pipeline = build_pipeline(view)
    customers = build_customers(view)
    counts = count_sources(view)
    results = campaign_results(view, counts)
    meetings = meetings_booked(view)
    earlier = None if comparison is None else comparison.earlier
    movement = None if comparison is None or earlier is None else build_movement(
        comparison.current, earlier, config, view.quarter, as_of)
    changes = None if earlier is None else HeadlineChanges(
        then=quarter_figures(earlier.previous, config, view.quarter, earlier.previous_date),
        **window_before(view))
    return Agenda(
        company=config.company.name,
        currency=config.company.currency,
        locale=config.company.locale,
        language=config.company.language,
        as_of=as_of,
        period_start=view.period.start,
        next_meeting=as_of + dt.timedelta(days=config.meeting.cadence_days),
        quarter=view.quarter.label,
        headline=build_headline(targets, pipeline, customers, meetings, changes),
        targets=targets,
        pipeline=pipeline,
        sources=build_sources(view, results, counts),
        customers=customers,
        campaigns=build_campaigns(view, results),
        data_notes=build_notes(facts, view, pipeline),
        movement=movement,
        actions=build_actions(actions, view.period),
        scope=view.scope,
    )
