"""The history store at scale: 50 biweekly snapshots of 100k deals, stored and compared.

    python benchmarks/bench_history.py [--deals 100000] [--meetings 50]

Simulates two years of meetings on the example company's stage map. Between meetings some open
deals advance, win, lose, change amount or slip their close date, and new deals arrive. Prints
the time to store each snapshot, the store's size on disk, and the time to read the earlier
snapshots and compute the last meeting's movement (what `build` does). Run by hand; the figures
go in the closing notes, not in assertions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from report_builder.config import load_config
from report_builder.history.store import read_previous, stored_meetings, write_snapshot
from report_builder.model.movement import EarlierSnapshots, build_movement
from report_builder.periods import fiscal_quarter

CONFIG = Path(__file__).resolve().parent.parent / "examples" / "nordlys" / "report.toml"
OPEN = ["Qualification", "Discovery", "Solution design", "Proposal sent", "Negotiation"]
FIRST_MEETING = dt.date(2025, 1, 7)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def first_snapshot(rng: np.random.Generator, deals: int, day: dt.date) -> pd.DataFrame:
    ids = np.arange(deals)
    return pd.DataFrame({
        "deal_id": [f"D{i:07d}" for i in ids],
        "name": [f"Deal {i}" for i in ids],
        "account": [f"Account {i % 20000}" for i in ids],
        "owner": [f"Seller {i % 40}" for i in ids],
        "stage": rng.choice(OPEN, size=deals),
        "value": rng.integers(5, 400, size=deals).astype(float) * 1000,
        "close_date": pd.Timestamp(day) + pd.to_timedelta(rng.integers(0, 180, deals), "D"),
        "win_probability": 0.3,
    })


def next_snapshot(rng: np.random.Generator, snap: pd.DataFrame, day: dt.date,
                  next_id: int, new: int) -> pd.DataFrame:
    """Two weeks later: 10% of open deals move a stage, 3% win, 4% lose, 5% change amount,
    6% slip a month; `new` deals arrive; 0.1% are deleted."""
    snap = snap.copy()
    open_ = snap["stage"].isin(OPEN).to_numpy()
    roll = rng.random(len(snap))
    stage_index = snap["stage"].map({s: i for i, s in enumerate(OPEN)})
    advance = open_ & (roll < 0.10) & (stage_index < len(OPEN) - 1).to_numpy()
    snap.loc[advance, "stage"] = [OPEN[int(i) + 1] for i in stage_index[advance]]
    snap.loc[open_ & (roll >= 0.10) & (roll < 0.13), "stage"] = "Closed won"
    snap.loc[open_ & (roll >= 0.13) & (roll < 0.17), "stage"] = "Closed lost"
    change = open_ & (rng.random(len(snap)) < 0.05)
    snap.loc[change, "value"] = (snap.loc[change, "value"] * 1.2).round()
    slip = open_ & (rng.random(len(snap)) < 0.06)
    snap.loc[slip, "close_date"] = snap.loc[slip, "close_date"] + pd.Timedelta(days=30)
    snap = snap[rng.random(len(snap)) >= 0.001]
    arrivals = first_snapshot(rng, new, day)
    arrivals["deal_id"] = [f"D{i:07d}" for i in range(next_id, next_id + new)]
    return pd.concat([snap, arrivals], ignore_index=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--meetings", type=int, default=50)
    args = parser.parse_args()
    config = load_config(CONFIG)
    rng = np.random.default_rng(7)
    new_per_meeting = args.deals // 50

    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "report.history.sqlite"
        snap = first_snapshot(rng, args.deals, FIRST_MEETING)
        next_id = args.deals
        writes = []
        deal_rows = 0
        day = FIRST_MEETING
        for meeting in range(args.meetings):
            if meeting:
                snap = next_snapshot(rng, snap, day, next_id, new_per_meeting)
                next_id += new_per_meeting
            started = time.perf_counter()
            write_snapshot(store, day, snap)
            deal_rows += len(snap)
            writes.append(time.perf_counter() - started)
            last_day, day = day, day + dt.timedelta(days=14)
        size = store.stat().st_size

        started = time.perf_counter()
        previous = read_previous(store, last_day)
        read = time.perf_counter() - started
        assert previous is not None
        earlier = EarlierSnapshots(previous.deals, previous.meeting.isoformat(), previous.meeting)
        started = time.perf_counter()
        movement = build_movement(snap, earlier, config, fiscal_quarter(last_day), last_day)
        compare = time.perf_counter() - started

        meetings = len(stored_meetings(store))
    print(f"{meetings} snapshots stored, {len(snap):,} deals in the last, "
          f"{deal_rows:,} deal rows in all")
    print(f"store each snapshot: median {statistics.median(writes):.2f} s, "
          f"max {max(writes):.2f} s")
    print(f"store size: {size / 2**20:.1f} MiB ({size / deal_rows:.0f} bytes per deal row "
          f"of the snapshots)")
    print(f"read the previous meeting's snapshot: {read:.2f} s")
    print(f"compare (the waterfall and its lists): {compare:.2f} s")
    print(f"  waterfall {movement.start_value:,.0f} -> {movement.end_value:,.0f}; "
          f"{movement.changed_deals:,} deals changed")
    print(f"peak memory: {peak_mib():.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
