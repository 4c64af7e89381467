"""What the pipeline movement compares, computed once per build. Pure.

The deals as they stood at the meeting (`current`) are needed three times: by the movement, by
the close-date slip counts of the stage history and by the history store, which keeps them as
this meeting's snapshot. The earlier side is, in order: an earlier export given with
`--compare-to`, else the latest snapshot stored before the meeting, else the previous meeting
rebuilt from the stage history; else there is no movement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from report_builder.config import Config
from report_builder.data.dataset import Dataset
from report_builder.engine import EngineTables, fetch
from report_builder.history.store import SNAPSHOT_COLUMNS, StoredSnapshot
from report_builder.model.movement import EarlierSnapshots, deal_snapshot, with_slips
from report_builder.model.stage_history import (
    earlier_from_history,
    history_slips,
    meeting_snapshot,
)
from report_builder.model.view import stamp


@dataclass(frozen=True)
class Comparison:
    """The meeting's deals snapshot and what it is compared with (None: no movement)."""

    current: pd.DataFrame  # SNAPSHOT_COLUMNS: the deals at the meeting
    earlier: EarlierSnapshots | None


@dataclass(frozen=True)
class EarlierExport:
    """An earlier deals export the movement is compared with (`--compare-to`)."""

    dataset: Dataset  # the dataset with its deals read from the earlier export
    name: str  # the export's file name, shown as what the movement is compared to


def snapshot_in_engine(tables: EngineTables, as_of: dt.date) -> pd.DataFrame:
    """The deals known at the meeting as a snapshot frame, from the engine's deals (the tables
    the engine read itself: no stage history to rebuild the meeting from)."""
    deals = tables.deals
    t = stamp(as_of)
    known = deals.filter((deals.created_date <= t) | deals.created_date.isnull())
    snap = fetch(known.select(*SNAPSHOT_COLUMNS).order_by("deal_id"))
    snap["deal_id"] = snap["deal_id"].astype(str)
    return snap


def compare(dataset: Dataset | None, config: Config, as_of: dt.date, *,
            current: pd.DataFrame | None = None, stored: StoredSnapshot | None = None,
            export: EarlierExport | None = None) -> Comparison:
    """The meeting's snapshot (`current`, else made from the data layer's `dataset`) and the
    earlier one it is compared with (see the module's note). Where the stage history records
    close dates, its slip counts are used whatever the comparison: snapshots only see the slips
    between the meetings built."""
    if current is None:
        assert dataset is not None, "the meeting's snapshot or the dataset to make it from"
        current = meeting_snapshot(dataset, config, as_of)
    slips = None if dataset is None else history_slips(dataset, config, as_of, current=current)
    earlier: EarlierSnapshots | None
    if export is not None:
        previous = deal_snapshot(export.dataset, as_of)
        earlier = EarlierSnapshots(with_slips(previous, None if stored is None else stored.deals),
                                   export.name, None, slips)
    elif stored is not None:
        earlier = EarlierSnapshots(stored.deals, stored.meeting.isoformat(), stored.meeting,
                                   slips)
    else:
        earlier = None if dataset is None else earlier_from_history(dataset, config, as_of, slips)
    return Comparison(current, earlier)
