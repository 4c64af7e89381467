"""Pipeline movement: the deals snapshot at the meeting against an earlier one. Pure.

The waterfall is over the quarter's open pipeline: deals in an open stage (funnel step
opportunity or quote) whose close date lies in the meeting's fiscal quarter. Every deal in
either snapshot falls in at most one bar, so
start + new + increased - decreased - won - lost - pushed + pulled - deleted = end, exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from report_builder.config import Config
from report_builder.data.dataset import Dataset
from report_builder.model.agenda import MovementBar, MovementRow, MovementSection
from report_builder.model.view import as_date, text
from report_builder.periods import Quarter

SNAPSHOT_COLUMNS = ("deal_id", "name", "account", "owner", "stage", "value", "close_date",
                    "win_probability")
OPEN_STEPS = ("opportunity", "quote")
BAR_KEYS = ("new", "increased", "decreased", "won", "lost", "pushed", "pulled", "deleted")
_SIGN = {"new": 1, "increased": 1, "decreased": -1, "won": -1, "lost": -1, "pushed": -1,
         "pulled": 1, "deleted": -1}


@dataclass(frozen=True)
class EarlierSnapshots:
    """What the movement is measured against: the previous snapshot and, for counting slipped
    close dates, every stored snapshot in date order (the previous one last), or the counts
    themselves (`slips`, from a stage history)."""

    previous: pd.DataFrame
    compared_to: str
    previous_date: dt.date | None = None
    all_snapshots: Sequence[pd.DataFrame] = field(default_factory=tuple)
    slips: Mapping[str, int] | None = None


def deal_snapshot(dataset: Dataset, as_of: dt.date) -> pd.DataFrame:
    """The deals known at the meeting (created on or before it), as a snapshot frame."""
    deals = dataset.deals
    known = (deals["created_date"] <= pd.Timestamp(as_of)) | deals["created_date"].isna()
    snap = deals.loc[known, list(SNAPSHOT_COLUMNS)].copy()
    snap["deal_id"] = snap["deal_id"].astype(str)
    return snap.sort_values("deal_id").reset_index(drop=True)


def build_movement(current: pd.DataFrame, earlier: EarlierSnapshots, config: Config,
                   quarter: Quarter) -> MovementSection:
    steps = {s.name: s.step for s in config.stages.values()}
    order = {s.name: i for i, s in enumerate(config.stages.values())}
    prev = _indexed(earlier.previous)
    cur = _indexed(current)
    p_scope = _in_scope(prev, steps, quarter)
    c_scope = _in_scope(cur, steps, quarter)
    slips = earlier.slips if earlier.slips is not None else \
        _slip_counts([*earlier.all_snapshots, current])

    lists: dict[str, list[MovementRow]] = {k: [] for k in (*BAR_KEYS, "advanced", "went_back",
                                                           "slipped")}
    amounts = dict.fromkeys(BAR_KEYS, 0.0)
    counts = dict.fromkeys(BAR_KEYS, 0)

    def add(key: str, row: MovementRow, amount: float) -> None:
        lists[key].append(row)
        amounts[key] += amount
        counts[key] += 1

    for deal_id in sorted(set(prev.index) | set(cur.index)):
        p = prev.loc[deal_id] if deal_id in prev.index else None
        c = cur.loc[deal_id] if deal_id in cur.index else None
        row = _row(deal_id, p, c, slips.get(deal_id, 0))
        was = bool(p_scope.get(deal_id, False))
        now = bool(c_scope.get(deal_id, False))
        if c is None:
            assert p is not None
            if was:
                add("deleted", row, float(p["value"]))
            else:
                lists["deleted"].append(row)  # listed; outside the quarter's pipeline
            continue
        if p is None:
            if now:
                add("new", row, float(c["value"]))
            continue
        change = float(c["value"]) - float(p["value"])
        if was:
            if change > 0:
                add("increased", row, change)
            elif change < 0:
                add("decreased", row, -change)
            if not now:
                step = steps.get(str(c["stage"]))
                key = "won" if step == "won" else "lost" if step == "lost" else "pushed"
                add(key, row, float(c["value"]))
        elif now:
            add("pulled", row, float(c["value"]))
        both_open = steps.get(str(p["stage"])) in OPEN_STEPS and \
            steps.get(str(c["stage"])) in OPEN_STEPS
        if both_open and p["stage"] != c["stage"]:
            before, after = order.get(str(p["stage"]), -1), order.get(str(c["stage"]), -1)
            lists["advanced" if after > before else "went_back"].append(row)
        if both_open and _later(p["close_date"], c["close_date"]):
            lists["slipped"].append(row)

    def ordered(key: str) -> tuple[MovementRow, ...]:
        return tuple(sorted(lists[key], key=lambda r: (-r.value, r.deal_id)))

    return MovementSection(
        compared_to=earlier.compared_to, previous_date=earlier.previous_date,
        start_value=float(prev.loc[p_scope[p_scope].index, "value"].sum()),
        start_count=int(p_scope.sum()),
        bars=tuple(MovementBar(k, _SIGN[k] * amounts[k] + 0.0, counts[k]) for k in BAR_KEYS),
        end_value=float(cur.loc[c_scope[c_scope].index, "value"].sum()),
        end_count=int(c_scope.sum()),
        new=ordered("new"), increased=ordered("increased"), decreased=ordered("decreased"),
        won=ordered("won"), lost=ordered("lost"), pushed=ordered("pushed"),
        pulled=ordered("pulled"), deleted=ordered("deleted"), advanced=ordered("advanced"),
        went_back=ordered("went_back"), slipped=ordered("slipped"),
    )


def _indexed(snapshot: pd.DataFrame) -> pd.DataFrame:
    frame = snapshot.loc[:, list(SNAPSHOT_COLUMNS)].copy()
    frame["deal_id"] = frame["deal_id"].astype(str)
    frame["close_date"] = pd.to_datetime(frame["close_date"])
    return frame.drop_duplicates("deal_id").set_index("deal_id")


def _in_scope(frame: pd.DataFrame, steps: dict[str, str], quarter: Quarter) -> pd.Series:
    """True for deals of the quarter's open pipeline: an open stage, closing in the quarter."""
    is_open = frame["stage"].map(lambda s: steps.get(str(s)) in OPEN_STEPS).astype(bool)
    closes = frame["close_date"]
    in_quarter = (closes >= pd.Timestamp(quarter.start)) & (closes <= pd.Timestamp(quarter.end))
    return is_open & in_quarter.fillna(False).astype(bool)


def _later(before: object, after: object) -> bool:
    return not pd.isna(before) and not pd.isna(after) and after > before  # type: ignore[operator]


def _slip_counts(snapshots: Sequence[pd.DataFrame]) -> dict[str, int]:
    """Per deal: how often its close date moved later from one snapshot to the next."""
    counts: dict[str, int] = {}
    closes = [_indexed(s)["close_date"] for s in snapshots]
    for before, after in zip(closes, closes[1:], strict=False):
        both = before.index.intersection(after.index)
        moved = after[both] > before[both]
        for deal_id in moved[moved].index:
            counts[deal_id] = counts.get(deal_id, 0) + 1
    return counts


def _row(deal_id: str, p: pd.Series | None, c: pd.Series | None, slips: int) -> MovementRow:
    now = c if c is not None else p
    assert now is not None
    return MovementRow(
        deal_id=deal_id, name=text(now["name"]) or "", account=text(now["account"]) or "",
        owner=text(now["owner"]) or "",
        stage=None if c is None else text(c["stage"]),
        previous_stage=None if p is None else text(p["stage"]),
        value=float(now["value"]),
        previous_value=None if p is None else float(p["value"]),
        close_date=None if c is None else as_date(c["close_date"]),
        previous_close_date=None if p is None else as_date(p["close_date"]),
        slips=slips,
    )
