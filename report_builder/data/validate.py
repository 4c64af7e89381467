"""Checks across rows and tables: ids, stage names, references, allowed values.

Fatal problems are appended to `problems` (the build stops and lists them all); tolerable ones
become DataNotes in the dataset, shown in the pack.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from report_builder.config import OPEN_STEPS, Config
from report_builder.data.dataset import DataNote, Dataset
from report_builder.data.membership import member_of
from report_builder.data.problems import MAX_VALUES, grouped_problems
from report_builder.data.schema import (
    ACTION_STATUSES,
    ACTION_TEAMS,
    LEAD_STATUSES,
    TABLES,
    TARGET_SCOPES,
)
from report_builder.errors import Problem
from report_builder.text_limits import listed

MAX_EXAMPLES = 8


class _Checker:
    def __init__(self, dataset: Dataset, first_rows: dict[str, int], problems: list[Problem],
                 row_numbers: dict[str, tuple[int, ...]] | None = None):
        self.dataset = dataset
        self.first_rows = first_rows
        self.problems = problems
        self.row_numbers = row_numbers or {}

    def _row(self, table: str, pos: int) -> int:
        numbers = self.row_numbers.get(table)
        return numbers[pos] if numbers is not None else pos + self.first_rows.get(table, 2)

    def rows(self, table: str, frame: pd.DataFrame, mask: pd.Series, column: str | None,
             message: str, *, values: pd.Series | None = None, every_value: bool = False) -> None:
        """Report each distinct value where `mask` holds, once, with its rows (the values
        capped unless `every_value`, with a count of the rest)."""
        positions = np.flatnonzero(mask.to_numpy(dtype=bool, na_value=False))
        shown = values if values is not None else (frame[column] if column else None)
        source = self.dataset.sources.get(table, table)
        self.problems.extend(grouped_problems(
            source, column, message, positions,
            None if shown is None else shown.to_numpy(dtype=object),
            lambda pos: self._row(table, pos),
            max_values=None if every_value else MAX_VALUES))

    def unique_ids(self, table: str, frame: pd.DataFrame, column: str) -> None:
        ids = frame[column].dropna()
        if ids.is_unique:  # the common case, several times faster than duplicated()
            return
        dup = frame[column].duplicated(keep=False) & frame[column].notna()
        if dup.any():
            self.rows(table, frame, dup, column,
                      f"duplicate {column}: each {column} may appear once")

    def allowed(self, table: str, frame: pd.DataFrame, column: str, allowed: list[str],
                what: str) -> None:
        bad = frame[column].notna() & ~frame[column].isin(allowed)
        if bad.any():
            self.rows(table, frame, bad, column,
                      f"unknown {what}; expected one of: {', '.join(allowed)}")

    def references(self, table: str, frame: pd.DataFrame, column: str, target: pd.Series,
                   what: str) -> None:
        bad = frame[column].notna() & ~member_of(frame[column], target)
        if bad.any():
            self.rows(table, frame, bad, column, f"refers to a {what} not in the {what}s table; "
                      f"add it there or clear the cell")


    def stages(self, table: str, frame: pd.DataFrame, stage_names: list[str]) -> None:
        bad_stage = frame["stage"].notna() & ~frame["stage"].isin(stage_names)
        if not bad_stage.any():
            return
        self.rows(table, frame, bad_stage, "stage", "unknown stage: map it in [stages] of "
                  f"report.toml (mapped now: {listed(stage_names) or 'none'})",
                  every_value=True)

    def currencies(self, table: str, frame: pd.DataFrame, known: set[str],
                   company: str) -> None:
        currency = frame["currency"].str.upper()
        bad_currency = currency.notna() & ~currency.isin(sorted(known))
        for code in currency[bad_currency].drop_duplicates():  # in the order first seen
            self.rows(table, frame, bad_currency & (currency == code), "currency",
                      f"no exchange rate for {code}; add {code} = the {company} per one {code} "
                      f"under [data.currency_rates] in report.toml (1 {code} = ? {company})",
                      values=currency, every_value=True)


def check_dataset(dataset: Dataset, config: Config, *, first_rows: dict[str, int],
                  problems: list[Problem],
                  row_numbers: dict[str, tuple[int, ...]] | None = None) -> None:
    """Append fatal problems to `problems` and tolerable ones to `dataset.notes`."""
    c = _Checker(dataset, first_rows, problems, row_numbers)
    deals, leads, targets, campaigns = (dataset.deals, dataset.leads, dataset.targets,
                                        dataset.campaigns)
    for name, frame in (("deals", deals), ("leads", leads), ("campaigns", campaigns)):
        c.unique_ids(name, frame, TABLES[name].id_column or "")

    history = dataset.stage_history
    for name, frame in (("deals", deals), ("stage_history", history)):
        if frame is not None:
            c.stages(name, frame, list(config.stages))
            c.currencies(name, frame, {config.company.currency, *config.data.currency_rates},
                         config.company.currency)

    c.allowed("leads", leads, "status", list(LEAD_STATUSES), "lead status")
    c.allowed("targets", targets, "scope", list(TARGET_SCOPES), "target scope")
    needs_value = targets["scope"].isin(["team", "owner"]) & targets["scope_value"].isna()
    if needs_value.any():
        c.rows("targets", targets, needs_value, "scope_value",
               "is empty; a team or owner target needs the team's or owner's name")
    key = targets[["quarter", "scope"]].assign(v=targets["scope_value"].fillna(""))
    dup_target = key.duplicated(keep=False)
    if dup_target.any():
        c.rows("targets", targets, dup_target, "quarter",
               "duplicate target: one row per quarter, scope and scope_value",
               values=key["quarter"] + " " + key["scope"] + " " + key["v"])
    backwards = campaigns["end_date"] < campaigns["start_date"]
    if backwards.any():
        c.rows("campaigns", campaigns, backwards, "end_date", "ends before it starts")

    if dataset.actions is not None:
        _check_actions(c, dataset.actions)

    if "campaigns" in dataset.sources:
        c.references("deals", deals, "campaign_id", campaigns["campaign_id"], "campaign")
        c.references("leads", leads, "campaign_id", campaigns["campaign_id"], "campaign")

    _tolerable_notes(dataset, config)


def _check_actions(c: _Checker, actions: pd.DataFrame) -> None:
    c.unique_ids("actions", actions, "action_id")
    c.allowed("actions", actions, "team", list(ACTION_TEAMS), "team")
    c.allowed("actions", actions, "status", list(ACTION_STATUSES), "action status")
    early = actions["due"] < actions["agreed_on"]
    if early.any():
        c.rows("actions", actions, early, "due", "is before agreed_on; an action is due on or "
               "after the day it was agreed")
    closed_early = actions["closed_on"] < actions["agreed_on"]
    if closed_early.any():
        c.rows("actions", actions, closed_early, "closed_on",
               "is before agreed_on; an action is closed on or after the day it was agreed")


def _ids(frame: pd.DataFrame, mask: pd.Series, column: str) -> tuple[str, ...]:
    return tuple(frame.loc[mask, column].astype(str).head(MAX_EXAMPLES))


def _tolerable_notes(dataset: Dataset, config: Config) -> None:
    deals, leads = dataset.deals, dataset.leads
    notes = dataset.notes
    actions = dataset.actions
    if actions is not None:
        # a done or cancelled action without its date: still closed, but the pack cannot say
        # whether it was closed since the last meeting; not worth stopping the meeting for
        undated = actions["status"].isin(["done", "cancelled"]) & actions["closed_on"].isna()
        if undated.any():
            notes.append(DataNote("actions", "no_closed_on", int(undated.sum()),
                                  examples=_ids(actions, undated, "action_id")))
    open_names = config.stage_names(*OPEN_STEPS)
    no_close = deals["close_date"].isna()
    if no_close.any():
        open_no_close = no_close & deals["stage"].isin(open_names)
        notes.append(DataNote("deals", "no_close_date", int(no_close.sum()),
                              {"open": int(open_no_close.sum())}, _ids(deals, no_close, "deal_id")))
    no_account = deals["account"].isna()
    if no_account.any():
        notes.append(DataNote("deals", "no_account", int(no_account.sum()),
                              examples=_ids(deals, no_account, "deal_id")))
    no_created = deals["created_date"].isna()
    if no_created.any():
        notes.append(DataNote("deals", "no_created_date", int(no_created.sum()),
                              examples=_ids(deals, no_created, "deal_id")))
    no_amount = deals["amount"].isna()
    if no_amount.any():
        notes.append(DataNote("deals", "no_amount", int(no_amount.sum()),
                              examples=_ids(deals, no_amount, "deal_id")))
    if len(leads) and "deals" in dataset.sources:
        dangling = leads["deal_id"].notna() & ~member_of(leads["deal_id"], deals["deal_id"])
        if dangling.any():
            notes.append(DataNote("leads", "unknown_deal", int(dangling.sum()),
                                  examples=_ids(leads, dangling, "lead_id")))
    won_names = config.stage_names("won")
    no_reason = deals["stage"].isin(won_names) & deals["won_reason"].isna()
    if no_reason.any():
        notes.append(DataNote("deals", "no_won_reason", int(no_reason.sum()),
                              examples=_ids(deals, no_reason, "deal_id")))
    no_pipeline = deals["pipeline"].isna()
    if no_pipeline.any() and not no_pipeline.all():
        notes.append(DataNote("deals", "no_pipeline", int(no_pipeline.sum()),
                              examples=_ids(deals, no_pipeline, "deal_id")))
    lost_names = config.stage_names("lost")
    no_lost_reason = deals["stage"].isin(lost_names) & deals["lost_reason"].isna()
    if no_lost_reason.any():
        notes.append(DataNote("deals", "no_lost_reason", int(no_lost_reason.sum()),
                              examples=_ids(deals, no_lost_reason, "deal_id")))
