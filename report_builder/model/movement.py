"""Pipeline movement: the deals snapshot at the meeting against an earlier one. Pure.

The waterfall is over the quarter's open pipeline: deals in an open stage (funnel step
opportunity or quote) whose close date lies in the meeting's fiscal quarter. Every deal in
either snapshot falls in at most one bar, so
start + new + increased - decreased - won - lost - pushed + pulled - deleted = end, exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
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
                   quarter: Quarter) -> MovementSection:
    """The waterfall and its lists. Vectorised over the outer join of both snapshots on
    deal_id; MovementRows are made only for the deals a list holds."""
    steps = {s.name: s.step for s in config.stages.values()}
    order = {s.name: i for i, s in enumerate(config.stages.values())}
    prev, cur = _indexed(earlier.previous), _indexed(current)
    both = pd.merge(prev, cur, how="outer", left_index=True, right_index=True,
                    suffixes=("_p", "_c"), indicator=True).sort_index()
    side = both.pop("_merge").astype(str).to_numpy()
    in_p, in_c = side != "right_only", side != "left_only"
    was = _in_scope(prev, steps, quarter).reindex(both.index, fill_value=False).to_numpy()
    now = _in_scope(cur, steps, quarter).reindex(both.index, fill_value=False).to_numpy()
    value_p = both["value_p"].fillna(0.0).to_numpy()
    value_c = both["value_c"].fillna(0.0).to_numpy()
    step_p, step_c = _lookup(both["stage_p"], steps), _lookup(both["stage_c"], steps)
    kept = in_p & in_c
    change = value_c - value_p
    leaving = kept & was & ~now
    masks = {
        "new": ~in_p & in_c & now,
        "increased": kept & was & (change > 0),
        "decreased": kept & was & (change < 0),
        "won": leaving & (step_c == "won"),
        "lost": leaving & (step_c == "lost"),
        "pushed": leaving & (step_c != "won") & (step_c != "lost"),
        "pulled": kept & ~was & now,
        "deleted": in_p & ~in_c,
    }
    amounts = {"new": value_c, "increased": change, "decreased": -change, "won": value_c,
               "lost": value_c, "pushed": value_c, "pulled": value_c, "deleted": value_p}
    counted = {k: m & was if k == "deleted" else m for k, m in masks.items()}

    both_open = kept & np.isin(step_p, OPEN_STEPS) & np.isin(step_c, OPEN_STEPS)
    rank_p, rank_c = _lookup(both["stage_p"], order, -1), _lookup(both["stage_c"], order, -1)
    moved = both_open & (both["stage_p"] != both["stage_c"]).to_numpy(bool, na_value=False)
    later = (both["close_date_c"] > both["close_date_p"]).to_numpy(bool, na_value=False)
    masks["advanced"] = moved & (rank_c > rank_p).astype(bool)
    masks["went_back"] = moved & (rank_c <= rank_p).astype(bool)
    masks["slipped"] = both_open & later
    slips = both["slips_p"].fillna(0).astype(int).to_numpy() + (kept & later)
    if earlier.slips is not None:
        slips = np.array([earlier.slips.get(str(i), 0) for i in both.index], dtype=int)

    def rows(key: str) -> tuple[MovementRow, ...]:
        chosen = both[masks[key]]
        made = [_row(str(i), p, c, int(n)) for i, p, c, n in zip(
            chosen.index, _side(chosen, "_p", in_p[masks[key]]),
            _side(chosen, "_c", in_c[masks[key]]), slips[masks[key]], strict=True)]
        return tuple(sorted(made, key=lambda r: (-r.value, r.deal_id)))

    lists = {key: rows(key) for key in masks}
    return MovementSection(
        compared_to=earlier.compared_to, previous_date=earlier.previous_date,
        start_value=float(value_p[was].sum()), start_count=int(was.sum()),
        bars=tuple(MovementBar(k, _SIGN[k] * float(amounts[k][counted[k]].sum()) + 0.0,
                               int(counted[k].sum())) for k in BAR_KEYS),
        end_value=float(value_c[now].sum()), end_count=int(now.sum()),
        **lists,
    )


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


def _in_scope(frame: pd.DataFrame, steps: dict[str, str], quarter: Quarter) -> pd.Series:
    """True for deals of the quarter's open pipeline: an open stage, closing in the quarter."""
    is_open = pd.Series(np.isin(_lookup(frame["stage"], steps), OPEN_STEPS), index=frame.index)
    closes = frame["close_date"]
    in_quarter = (closes >= pd.Timestamp(quarter.start)) & (closes <= pd.Timestamp(quarter.end))
    return is_open & in_quarter.fillna(False).astype(bool)


def _side(frame: pd.DataFrame, suffix: str, present: object) -> list[dict[str, Any] | None]:
    """Each row's fields on one side of the join (`_p` then, `_c` now), None where absent."""
    names = [c for c in SNAPSHOT_COLUMNS if c != "deal_id"]
    records = frame[[c + suffix for c in names]].to_numpy(dtype=object)
    return [dict(zip(names, r, strict=True)) if here else None
            for r, here in zip(records, present, strict=True)]  # type: ignore[call-overload]


def _row(deal_id: str, p: dict[str, Any] | None, c: dict[str, Any] | None,
         slips: int) -> MovementRow:
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
