"""Pipeline movement: the deals snapshot at the meeting against an earlier one. Pure.

The change lists count every deal that changed, whatever its close date, and show the
LIST_LIMIT largest of each, as the pipeline's other deal lists do; a deal can be in several
(created and lost; won at a raised amount). The waterfall is over the quarter's open
pipeline: deals in an open stage (funnel step opportunity or quote) whose close date lies in
the meeting's fiscal quarter. A deal leaves or joins it through one bar at most (an amount
change of a deal that then leaves counts in `increased`/`decreased` too, at its new value), so
start + new + increased - decreased - won - lost - pushed + pulled - deleted = end, exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from report_builder.config import OPEN_STEPS, Config
from report_builder.data.dataset import Dataset
from report_builder.history.store import SNAPSHOT_COLUMNS
from report_builder.model.agenda import (
    CHANGE_KEYS,
    ChangeList,
    MovementBar,
    MovementRow,
    MovementSection,
)
from report_builder.model.rows import LIST_LIMIT
from report_builder.model.view import as_date, text
from report_builder.periods import Quarter

BAR_KEYS = ("new", "increased", "decreased", "won", "lost", "pushed", "pulled", "deleted")
_SIGN = {"new": 1, "increased": 1, "decreased": -1, "won": -1, "lost": -1, "pushed": -1,
         "pulled": 1, "deleted": -1}


@dataclass(frozen=True)
class EarlierSnapshots:
    """What the movement is measured against: the previous snapshot (SNAPSHOT_COLUMNS, and
    `slips`: how often each deal's close date had moved later up to then, 0 when unknown), or,
    where the source knows them through the meeting (a stage history), the counts themselves."""

    previous: pd.DataFrame
    compared_to: str
    previous_date: dt.date | None = None
    slips: Mapping[str, int] | None = None


def deal_snapshot(dataset: Dataset, as_of: dt.date) -> pd.DataFrame:
    """The deals known at the meeting (created on or before it), as a snapshot frame."""
    deals = dataset.deals
    known = (deals["created_date"] <= pd.Timestamp(as_of)) | deals["created_date"].isna()
    snap = deals.loc[known, list(SNAPSHOT_COLUMNS)].copy()
    snap["deal_id"] = snap["deal_id"].astype(str)
    return snap.sort_values("deal_id").reset_index(drop=True)


def build_movement(current: pd.DataFrame, earlier: EarlierSnapshots, config: Config,
                   quarter: Quarter, as_of: dt.date) -> MovementSection:
    """The change lists (every deal, whatever its close date) and the quarter's waterfall.
    Vectorised over the outer join of both snapshots on deal_id; MovementRows are made only
    for the deals a list shows."""
    steps = {s.name: s.step for s in config.stages.values()}
    order = {s.name: i for i, s in enumerate(config.stages.values())}
    prev, cur = _indexed(earlier.previous), _indexed(current)
    both = pd.merge(prev, cur, how="outer", left_index=True, right_index=True,
                    suffixes=("_p", "_c"), indicator=True).sort_index()
    side = both.pop("_merge").astype(str).to_numpy()
    in_p, in_c = side != "right_only", side != "left_only"
    value_p = both["value_p"].fillna(0.0).to_numpy()
    value_c = both["value_c"].fillna(0.0).to_numpy()
    step_p, step_c = _lookup(both["stage_p"], steps), _lookup(both["stage_c"], steps)
    was = _in_scope(step_p, both["close_date_p"], quarter)  # False where absent then
    now = _in_scope(step_c, both["close_date_c"], quarter)
    kept = in_p & in_c
    change = value_c - value_p
    leaving = kept & was & ~now
    bars = {
        "new": ~in_p & in_c & now,
        "increased": kept & was & (change > 0),
        "decreased": kept & was & (change < 0),
        "won": leaving & (step_c == "won"),
        "lost": leaving & (step_c == "lost"),
        "pushed": leaving & (step_c != "won") & (step_c != "lost"),
        "pulled": kept & ~was & now,
        "deleted": in_p & ~in_c & was,
    }
    amounts = {"new": value_c, "increased": change, "decreased": -change, "won": value_c,
               "lost": value_c, "pushed": value_c, "pulled": value_c, "deleted": value_p}

    open_p, open_c = np.isin(step_p, OPEN_STEPS), np.isin(step_c, OPEN_STEPS)
    closed_p = np.isin(step_p, ("won", "lost"))
    rank_p, rank_c = _lookup(both["stage_p"], order, -1), _lookup(both["stage_c"], order, -1)
    moved = kept & open_p & open_c & \
        (both["stage_p"] != both["stage_c"]).to_numpy(bool, na_value=False)
    close_p, close_c = both["close_date_p"], both["close_date_c"]
    later = (close_c > close_p).to_numpy(bool, na_value=False)
    earlier_close = (close_c < close_p).to_numpy(bool, na_value=False)
    lists = {
        "new": ~in_p & in_c,
        "won": in_c & (step_c == "won") & (~in_p | (step_p != "won")),
        "lost": in_c & (step_c == "lost") & (~in_p | (step_p != "lost")),
        "reopened": kept & closed_p & open_c,
        "advanced": moved & (rank_c > rank_p).astype(bool),
        "went_back": moved & (rank_c <= rank_p).astype(bool),
        "close_later": kept & open_p & open_c & later,
        "close_earlier": kept & open_p & open_c & earlier_close,
        "increased": kept & (change > 0),
        "decreased": kept & (change < 0),
        "deleted": in_p & ~in_c,
    }
    list_amounts = {k: value_c for k in lists} | {"increased": change, "decreased": -change,
                                                   "deleted": value_p}
    slips = both["slips_p"].fillna(0).astype(int).to_numpy() + (kept & later)
    if earlier.slips is not None:
        slips = np.array([earlier.slips.get(str(i), 0) for i in both.index], dtype=int)
    changed = np.logical_or.reduce(list(lists.values()))
    created_and_closed = lists["new"] & np.isin(step_c, ("won", "lost"))

    def change_list(key: str) -> ChangeList:
        """The list's count and total over every deal in it; rows for its LIST_LIMIT largest."""
        where = np.flatnonzero(lists[key])
        amount = list_amounts[key][where]
        # largest first; `both` is ordered by deal_id, so a stable sort breaks ties by id
        shown = where[np.argsort(-amount, kind="stable")[:LIST_LIMIT]]
        rows = tuple(_row(str(both.index[i]), p, c, int(slips[i]),
                          tuple(k for k in CHANGE_KEYS if lists[k][i]),
                          tuple(k for k in BAR_KEYS if bars[k][i]), bool(created_and_closed[i]))
                     for i, p, c in zip(shown, _side(both.iloc[shown], "_p", in_p[shown]),
                                        _side(both.iloc[shown], "_c", in_c[shown]), strict=True))
        return ChangeList(key, len(where), float(amount.sum()) + 0.0, rows)

    is_open_now = in_c & open_c
    overdue = is_open_now & (close_c < pd.Timestamp(as_of)).to_numpy(bool, na_value=False)
    before_quarter = is_open_now & \
        (close_c < pd.Timestamp(quarter.start)).to_numpy(bool, na_value=False)
    return MovementSection(
        compared_to=earlier.compared_to, previous_date=earlier.previous_date,
        timezone=config.company.timezone,
        start_value=float(value_p[was].sum()), start_count=int(was.sum()),
        bars=tuple(MovementBar(k, _SIGN[k] * float(amounts[k][bars[k]].sum()) + 0.0,
                               int(bars[k].sum())) for k in BAR_KEYS),
        end_value=float(value_c[now].sum()), end_count=int(now.sum()),
        changes=tuple(change_list(k) for k in CHANGE_KEYS),
        changed_deals=int(changed.sum()),
        changed_outside_quarter=int((changed & ~was & ~now).sum()),
        overdue_count=int(overdue.sum()), overdue_value=float(value_c[overdue].sum()),
        overdue_before_quarter_count=int(before_quarter.sum()),
        overdue_before_quarter_value=float(value_c[before_quarter].sum()),
    )


def quarter_figures(snapshot: pd.DataFrame, config: Config, quarter: Quarter,
                    until: dt.date | None) -> dict[str, float]:
    """The quarter's figures as a snapshot shows them: `won` (won deals closing in the quarter
    by `until`), `open` and `weighted` (the quarter's open pipeline: open deals closing in it)."""
    steps = {s.name: s.step for s in config.stages.values()}
    frame = _indexed(snapshot)
    step = _lookup(frame["stage"], steps)
    closes = frame["close_date"]
    last = pd.Timestamp(quarter.end if until is None else min(until, quarter.end))
    won = (step == "won") & ((closes >= pd.Timestamp(quarter.start)) & (closes <= last))\
        .to_numpy(bool, na_value=False)
    scope = _in_scope(step, closes, quarter)
    values = frame["value"].fillna(0.0).to_numpy()
    probability = frame["win_probability"].astype(float).fillna(0.0).to_numpy()
    return {"won": float(values[won].sum()), "open": float(values[scope].sum()),
            "weighted": float((values[scope] * probability[scope]).sum())}


def with_slips(snapshot: pd.DataFrame, before: pd.DataFrame | None) -> pd.DataFrame:
    """`snapshot` with its `slips` column carried on from the snapshot `before` it."""
    frame = snapshot.copy()
    frame["slips"] = 0
    if before is None or before.empty:
        return frame
    earlier = _indexed(before)
    ids = frame["deal_id"].astype(str)
    known = ids.isin(earlier.index).to_numpy()
    then = earlier.reindex(ids[known])
    later = (pd.to_datetime(frame.loc[known, "close_date"]).to_numpy() >
             then["close_date"].to_numpy())
    frame.loc[known, "slips"] = then["slips"].to_numpy() + later
    return frame


def _indexed(snapshot: pd.DataFrame) -> pd.DataFrame:
    frame = snapshot.loc[:, [*SNAPSHOT_COLUMNS, *(["slips"] if "slips" in snapshot else [])]]
    frame = frame.copy()
    frame["deal_id"] = frame["deal_id"].astype(str)
    frame["close_date"] = pd.to_datetime(frame["close_date"])
    frame["value"] = frame["value"].astype(float)
    if "slips" not in frame:
        frame["slips"] = 0
    return frame.drop_duplicates("deal_id").set_index("deal_id")


def _lookup(stages: pd.Series, mapping: Mapping[str, object], default: object = None) -> np.ndarray:
    """Each stage's entry in `mapping` (its step or its rank), `default` where absent."""
    codes, names = pd.factorize(stages)  # a few stage names, many deals: look each up once
    found = np.array([mapping.get(str(n), default) for n in names] + [default], dtype=object)
    return found[codes]  # code -1 (no stage) takes the last entry, `default`


def _in_scope(steps: np.ndarray, closes: pd.Series, quarter: Quarter) -> np.ndarray:
    """True for deals of the quarter's open pipeline: an open step, closing in the quarter."""
    in_quarter = (closes >= pd.Timestamp(quarter.start)) & (closes <= pd.Timestamp(quarter.end))
    return np.isin(steps, OPEN_STEPS) & in_quarter.to_numpy(bool, na_value=False)


def _side(frame: pd.DataFrame, suffix: str, present: object) -> list[dict[str, Any] | None]:
    """Each row's fields on one side of the join (`_p` then, `_c` now), None where absent."""
    names = [c for c in SNAPSHOT_COLUMNS if c != "deal_id"]
    records = frame[[c + suffix for c in names]].to_numpy(dtype=object)
    return [dict(zip(names, r, strict=True)) if here else None
            for r, here in zip(records, present, strict=True)]  # type: ignore[call-overload]


def _row(deal_id: str, p: dict[str, Any] | None, c: dict[str, Any] | None, slips: int,
         changes: tuple[str, ...], bars: tuple[str, ...], created_and_closed: bool
         ) -> MovementRow:
    """The deal's row in a change list."""
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
        slips=slips, changes=changes, bars=bars, created_and_closed=created_and_closed,
    )
