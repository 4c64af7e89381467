"""The history store keeps changes, not copies: what it stores, replays and upgrades."""

from __future__ import annotations

import datetime as dt
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from report_builder.history.store import (
    read_previous,
    read_snapshots,
    stored_meetings,
    write_snapshot,
)

OCT_27, NOV_10, NOV_24 = dt.date(2026, 10, 27), dt.date(2026, 11, 10), dt.date(2026, 11, 24)


def snapshot(*deals: tuple[str, str, float, str]) -> pd.DataFrame:
    """Deals as (id, stage, value, close date); name, account and owner follow from the id."""
    return pd.DataFrame({
        "deal_id": [d[0] for d in deals],
        "name": [f"{d[0]} deal" for d in deals],
        "account": [f"{d[0]} A/S" for d in deals],
        "owner": ["Anna"] * len(deals),
        "stage": [d[1] for d in deals],
        "value": [d[2] for d in deals],
        "close_date": pd.to_datetime([d[3] for d in deals]),
        "win_probability": [0.4] * len(deals),
    })


def versions(store: Path) -> int:
    with sqlite3.connect(store) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM deal_version").fetchone()[0])


def test_an_unchanged_deal_is_stored_once(tmp_path: Path) -> None:
    store = tmp_path / "h.sqlite"
    same = snapshot(("A", "Discovery", 100.0, "2026-12-15"), ("B", "Proposal", 50.0, "2026-12-01"))
    write_snapshot(store, OCT_27, same)
    write_snapshot(store, NOV_10, same)
    changed = same.copy()
    changed.loc[1, "value"] = 70.0
    write_snapshot(store, NOV_24, changed)
    assert versions(store) == 3  # A once, B before and after its new amount
    stored = read_snapshots(store, dt.date(2027, 1, 1))
    assert list(stored) == [OCT_27, NOV_10, NOV_24]
    assert stored[NOV_10]["value"].tolist() == [100.0, 50.0]
    assert stored[NOV_24]["value"].tolist() == [100.0, 70.0]
    assert stored[NOV_24]["close_date"].tolist() == list(pd.to_datetime(["2026-12-15",
                                                                         "2026-12-01"]))


def test_slips_are_counted_meeting_to_meeting(tmp_path: Path) -> None:
    store = tmp_path / "h.sqlite"
    write_snapshot(store, OCT_27, snapshot(("F", "Proposal", 80.0, "2026-11-28")))
    write_snapshot(store, NOV_10, snapshot(("F", "Proposal", 80.0, "2026-12-05")))
    write_snapshot(store, NOV_24, snapshot(("F", "Proposal", 80.0, "2026-12-01")))  # earlier
    previous = read_previous(store, dt.date(2026, 12, 8))
    assert previous is not None and previous.meeting == NOV_24
    assert previous.deals["slips"].tolist() == [1]
    assert read_snapshots(store, NOV_24)[NOV_10]["slips"].tolist() == [1]


def test_a_deal_deleted_and_back_again(tmp_path: Path) -> None:
    store = tmp_path / "h.sqlite"
    a = ("A", "Discovery", 100.0, "2026-12-15")
    b = ("B", "Proposal", 50.0, "2026-12-01")
    write_snapshot(store, OCT_27, snapshot(a, b))
    write_snapshot(store, NOV_10, snapshot(a))
    write_snapshot(store, NOV_24, snapshot(a, b))
    stored = read_snapshots(store, dt.date(2027, 1, 1))
    assert [list(f["deal_id"]) for f in stored.values()] == [["A", "B"], ["A"], ["A", "B"]]


def test_rebuilding_a_past_meeting_keeps_the_later_ones(tmp_path: Path) -> None:
    store = tmp_path / "h.sqlite"
    write_snapshot(store, OCT_27, snapshot(("F", "Proposal", 80.0, "2026-11-28")))
    write_snapshot(store, NOV_10, snapshot(("F", "Proposal", 80.0, "2026-11-28")))
    write_snapshot(store, NOV_24, snapshot(("F", "Proposal", 80.0, "2026-12-05")))
    # the 11-10 pack is rebuilt from a corrected export: F had slipped by then already
    write_snapshot(store, NOV_10, snapshot(("F", "Proposal", 90.0, "2026-12-01")))
    stored = read_snapshots(store, dt.date(2027, 1, 1))
    assert stored_meetings(store) == [OCT_27, NOV_10, NOV_24]
    assert stored[NOV_10]["value"].tolist() == [90.0]
    assert stored[NOV_24]["value"].tolist() == [80.0]
    assert stored[NOV_24]["close_date"].tolist() == [pd.Timestamp("2026-12-05")]
    assert [int(f["slips"].iloc[0]) for f in stored.values()] == [0, 1, 2]


def test_a_version_1_store_is_upgraded_in_place(tmp_path: Path) -> None:
    store = tmp_path / "old.history.sqlite"
    with sqlite3.connect(store) as conn:
        conn.executescript("""
            CREATE TABLE schema_info (application TEXT NOT NULL, version INTEGER NOT NULL);
            INSERT INTO schema_info VALUES ('report-builder history', 1);
            CREATE TABLE snapshot (meeting_date TEXT NOT NULL, deal_id TEXT NOT NULL,
                name TEXT, account TEXT, owner TEXT, stage TEXT, value REAL NOT NULL,
                close_date TEXT, win_probability REAL, PRIMARY KEY (meeting_date, deal_id));
            INSERT INTO snapshot VALUES
                ('2026-10-27', 'F', 'F deal', 'F A/S', 'Anna', 'Proposal', 80, '2026-11-28', 0.6),
                ('2026-11-10', 'F', 'F deal', 'F A/S', 'Anna', 'Proposal', 80, '2026-12-05', 0.6),
                ('2026-11-10', 'G', 'G deal', 'G A/S', 'Bo', 'Discovery', 35, NULL, NULL);
        """)
    previous = read_previous(store, NOV_24)
    assert previous is not None and previous.meeting == NOV_10
    frame = previous.deals
    assert frame["deal_id"].tolist() == ["F", "G"]
    assert frame["slips"].tolist() == [1, 0]
    assert frame["close_date"].isna().tolist() == [False, True]
    with sqlite3.connect(store) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "snapshot" not in tables
        assert conn.execute("SELECT version FROM schema_info").fetchone() == (2,)


WRITER = """
import datetime as dt, sys
import pandas as pd
from report_builder.history.store import write_snapshot
n = 400_000
deals = pd.DataFrame({
    "deal_id": [f"N{i}" for i in range(n)], "name": "x", "account": "y", "owner": "z",
    "stage": "Discovery", "value": 1.0, "close_date": pd.Timestamp("2026-12-01"),
    "win_probability": 0.2})
print("writing", flush=True)
write_snapshot(__import__("pathlib").Path(sys.argv[1]), dt.date(2026, 11, 24), deals)
print("done", flush=True)
"""


def test_a_build_killed_while_writing_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    """A real SIGKILL in the middle of the transaction (its journal on disk): the next open
    rolls it back, the earlier meetings read as before, and the next write works."""
    store = tmp_path / "h.sqlite"
    a, b = ("A", "Discovery", 100.0, "2026-12-15"), ("B", "Proposal", 50.0, "2026-12-01")
    write_snapshot(store, OCT_27, snapshot(a, b))
    write_snapshot(store, NOV_10, snapshot(a))
    before = read_snapshots(store, dt.date(2027, 1, 1))
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(store)], stdout=subprocess.PIPE,
                             text=True, cwd=Path(__file__).resolve().parent.parent)
    assert child.stdout is not None and child.stdout.readline().strip() == "writing"
    journal = store.with_name(store.name + "-journal")
    deadline = time.monotonic() + 60
    while not journal.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert journal.exists(), "the writer finished before it could be killed mid-write"
    child.send_signal(signal.SIGKILL)
    child.wait()
    after = read_snapshots(store, dt.date(2027, 1, 1))
    assert list(after) == [OCT_27, NOV_10]
    for day, frame in before.items():
        pd.testing.assert_frame_equal(after[day], frame)
    write_snapshot(store, NOV_24, snapshot(a, b))
    assert stored_meetings(store) == [OCT_27, NOV_10, NOV_24]
