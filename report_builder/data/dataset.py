"""The checked, typed dataset that the agenda model is built from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class DataNote:
    """A tolerable data problem: counted, explained and listed in the pack's data notes.

    `key` names the explanation; its text, in each language, is the label `note_<key>` in
    report_builder/locales/<language>.toml, filled in with `values` (`i18n.note_text`).
    """

    table: str
    key: str
    count: int
    values: dict[str, str | int] = field(default_factory=dict)
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class DataFacts:
    """What the data layer tells the pack's data notes about the tables it read, whichever way
    they were read: the notes of its checks, each table's row count, where each came from."""

    notes: tuple[DataNote, ...]
    row_counts: dict[str, int]  # table -> rows read
    sources: dict[str, str]  # table -> file it came from


@dataclass
class Dataset:
    """The canonical tables, typed, with derived columns the model needs.

    `actions` (the actions agreed in the meetings) is None when the dataset has no actions
    table, so the pack can leave the point out rather than show an empty one.

    deals has extra columns: `step` (opportunity, quote, won, lost from the stage map),
    `value` (amount in the company currency, 0 when missing) and `win_probability` (the deal's own
    probability, else its stage's default).
    """

    deals: pd.DataFrame
    leads: pd.DataFrame
    targets: pd.DataFrame
    campaigns: pd.DataFrame
    sources: dict[str, str] = field(default_factory=dict)  # table -> file it came from
    notes: list[DataNote] = field(default_factory=list)
    # how each source's columns were mapped (data.presets.MappingReport), for `validate`
    mappings: list[Any] = field(default_factory=list)
    # the stage history (deal_id, stage, entered, amount, currency, close_date, probability,
    # and `value` in the company currency), of deals in the deals table; None: none given
    stage_history: pd.DataFrame | None = None
    actions: pd.DataFrame | None = None
    # company currency per unit of each other currency, as used (the config's, or the CRM rate
    # table's turned the right way round); deals with dated rates convert at their close date's
    currency_rates: dict[str, float] = field(default_factory=dict)

    @property
    def facts(self) -> DataFacts:
        counts = {name: len(getattr(self, name))
                  for name in ("deals", "leads", "targets", "campaigns")}
        if self.actions is not None:
            counts["actions"] = len(self.actions)
        return DataFacts(tuple(self.notes), counts, dict(self.sources))
