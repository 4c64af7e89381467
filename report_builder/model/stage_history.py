"""The deals of the previous meeting, rebuilt from the stage history. Pure.

With no stored snapshot of an earlier meeting, the pipeline movement compares the meeting with
the deals as they were `meeting.cadence_days` before it: the deals created by then, each in the
stage it had last entered by then and with the amount, close date and probability of its latest
history row by then where the history carries them (else its values now).

"By a day" is up to the end of that day in the company's time zone (`company.timezone`), that
day included; a deal's changes are taken in the order of their full timestamps, the order of
the source breaking exact ties only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from report_builder.config import Config
from report_builder.data.dataset import Dataset
from report_builder.data.stage_history import in_time_order
from report_builder.data.timestamps import end_of_day, local_times
from report_builder.history.store import SNAPSHOT_COLUMNS
from report_builder.model.agenda import FROM_HISTORY
from report_builder.model.movement import EarlierSnapshots, deal_snapshot


def earlier_from_history(dataset: Dataset, config: Config, as_of: dt.date,
                         slips: Mapping[str, int] | None) -> EarlierSnapshots | None:
    """The previous meeting's deals rebuilt from the stage history, with its `history_slips`;
    None without a history."""
    history = dataset.stage_history
    if history is None or not len(history):
        return None
    day = as_of - dt.timedelta(days=config.meeting.cadence_days)
    previous = snapshot_at(dataset.deals, history, day, config)
    return EarlierSnapshots(previous, FROM_HISTORY, day, slips=slips or {})


def history_slips(dataset: Dataset, config: Config, as_of: dt.date, *,
                  current: pd.DataFrame | None = None) -> dict[str, int] | None:
    """Close-date slips counted over every change the stage history records, up to the meeting
    (`current`: the meeting's snapshot, when already made); None when it records no close
    dates. Snapshots only see the slips between the meetings built, so where the history knows
    them, its counts are used whatever the comparison."""
    history = dataset.stage_history
    if history is None or not len(history) or history["close_date"].isna().all():
        return None
    if current is None:
        current = meeting_snapshot(dataset, config, as_of)
    return slip_counts(history, current, as_of, config.company.timezone)


def meeting_snapshot(dataset: Dataset, config: Config, as_of: dt.date) -> pd.DataFrame:
    """The deals as they stood at the meeting: the deals table as exported, or, for a meeting
    before the stage history's last entry (a pack built for an earlier date), rebuilt from the
    history, so the snapshot stored for that meeting is what the pipeline was then."""
    history = dataset.stage_history
    if history is None or not len(history) or \
            local_times(history["entered"], config.company.timezone).max() < \
            end_of_day(as_of, config.company.timezone):
        return deal_snapshot(dataset, as_of)
    return snapshot_at(dataset.deals, history, as_of, config)


def snapshot_at(deals: pd.DataFrame, history: pd.DataFrame, day: dt.date,
                config: Config) -> pd.DataFrame:
    """The deals snapshot (SNAPSHOT_COLUMNS) as it was at the end of `day` in the company's time
    zone: each deal as its last change at or before then left it."""
    known = (deals["created_date"] <= pd.Timestamp(day)) | deals["created_date"].isna()
    snap = deals.loc[known].copy()
    snap["deal_id"] = snap["deal_id"].astype(str)
    rows = in_time_order(timed(history, config.company.timezone))
    end = end_of_day(day, config.company.timezone)
    then = rows[rows["entered"] < end].drop_duplicates("deal_id", keep="last")\
        .set_index("deal_id")
    first = rows.drop_duplicates("deal_id", keep="first").set_index("deal_id")
    ids = snap["deal_id"]

    def at(frame: pd.DataFrame, column: str) -> pd.Series:
        return pd.Series(frame[column].reindex(ids.to_numpy(dtype=object)).to_numpy(),
                         index=ids.index)

    # a deal created by then without a history row by then: the first stage it recorded
    stage = at(then, "stage").fillna(at(first, "stage")).fillna(snap["stage"])
    defaults = {s.name: s.probability for s in config.stages.values()}
    own_p = at(then, "probability").astype("float64").fillna(snap["probability"])
    snap["stage"] = stage.astype("string")
    snap["value"] = at(then, "value").astype("float64").fillna(snap["value"])
    snap["close_date"] = at(then, "close_date").fillna(snap["close_date"])
    snap["win_probability"] = own_p.fillna(stage.map(defaults).astype("float64"))
    return snap.loc[:, list(SNAPSHOT_COLUMNS)].sort_values("deal_id").reset_index(drop=True)


def timed(history: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """The history with text deal ids and `entered` as moments in the company's time zone (a
    history made without a zone is taken as local time)."""
    return history.assign(deal_id=history["deal_id"].astype(str),
                          entered=local_times(history["entered"], timezone))


def slip_counts(history: pd.DataFrame, current: pd.DataFrame, as_of: dt.date,
                timezone: str = "UTC") -> dict[str, int]:
    """Per deal: how often its close date moved later, over its history rows up to the end of
    the meeting day (in the order they happened) and its close date now. Rows without a close
    date are passed over; a history without close dates gives no slips."""
    end = end_of_day(as_of, timezone)
    rows = timed(history, timezone)
    rows = rows[rows["entered"] < end]
    if rows["close_date"].isna().all():
        return {}
    now = current.loc[:, ["deal_id", "close_date"]].assign(
        deal_id=current["deal_id"].astype(str), entered=end)
    timeline = in_time_order(pd.concat([rows.loc[:, ["deal_id", "entered", "close_date"]],
                                        now], ignore_index=True))
    timeline = timeline.dropna(subset=["close_date"])
    before = timeline.groupby("deal_id")["close_date"].shift()
    later = (timeline["close_date"] > before).fillna(False).astype(bool)
    counts = timeline.loc[later, "deal_id"].value_counts()
    return {str(k): int(v) for k, v in counts.items()}
