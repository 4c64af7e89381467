"""The history store: one SQLite file holding the deals snapshot of every meeting built.

Snapshot rows are keyed (meeting_date, deal_id). Writing a meeting's snapshot replaces any
earlier one for that date inside one transaction, so a re-run never duplicates it and an
interrupted write leaves the previous state. A file that is not SQLite, or is a SQLite database
of something else, raises HistoryError naming the file and the fix.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pandas as pd

from report_builder.errors import HistoryError
from report_builder.model.movement import SNAPSHOT_COLUMNS

SCHEMA_VERSION = 1
APPLICATION = "report-builder history"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_info (
    application TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS snapshot (
    meeting_date TEXT NOT NULL,
    deal_id TEXT NOT NULL,
    name TEXT,
    account TEXT,
    owner TEXT,
    stage TEXT,
    value REAL NOT NULL,
    close_date TEXT,
    win_probability REAL,
    PRIMARY KEY (meeting_date, deal_id)
);
"""


@contextmanager
def _connect(path: Path, *, create: bool) -> Iterator[sqlite3.Connection]:
    """An open, checked connection; the schema is created when `create` and the file is new."""
    fresh = not path.exists() or path.stat().st_size == 0
    if fresh and not create:
        raise FileNotFoundError(path)
    try:
        with closing(sqlite3.connect(path, isolation_level=None)) as conn:
            _check(conn, path, fresh=fresh)
            yield conn
    except sqlite3.DatabaseError as exc:
        raise HistoryError(path, f"it is not a readable history store ({exc})") from None


def _check(conn: sqlite3.Connection, path: Path, *, fresh: bool) -> None:
    if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
        raise HistoryError(path, "the database is damaged (PRAGMA quick_check failed)")
    if fresh:
        conn.executescript(f"BEGIN IMMEDIATE;{_SCHEMA}INSERT INTO schema_info VALUES "
                           f"('{APPLICATION}', {SCHEMA_VERSION}); COMMIT;")
        return
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"schema_info", "snapshot"} <= tables:
        raise HistoryError(path, "it is an SQLite database, but not a report-builder history "
                                 "store")
    row = conn.execute("SELECT application, version FROM schema_info").fetchone()
    if row is None or row[0] != APPLICATION:
        raise HistoryError(path, "it is an SQLite database, but not a report-builder history "
                                 "store")
    if row[1] != SCHEMA_VERSION:
        raise HistoryError(path, f"it has schema version {row[1]}; this version of "
                                 f"report-builder reads version {SCHEMA_VERSION}")


def read_snapshots(path: Path, before: dt.date) -> dict[dt.date, pd.DataFrame]:
    """Every stored snapshot of a meeting before `before`, oldest first (none: an empty dict)."""
    try:
        with _connect(path, create=False) as conn:
            rows = conn.execute(
                f"SELECT meeting_date, {', '.join(SNAPSHOT_COLUMNS)} FROM snapshot "
                "WHERE meeting_date < ? ORDER BY meeting_date, deal_id",
                (before.isoformat(),)).fetchall()
    except FileNotFoundError:
        return {}
    frame = pd.DataFrame(rows, columns=["meeting_date", *SNAPSHOT_COLUMNS])
    snapshots = {}
    for day, group in frame.groupby("meeting_date", sort=True):
        snap = group.drop(columns="meeting_date").reset_index(drop=True)
        snap["close_date"] = pd.to_datetime(snap["close_date"])
        snapshots[dt.date.fromisoformat(str(day))] = snap
    return snapshots


def write_snapshot(path: Path, meeting: dt.date, deals: pd.DataFrame) -> None:
    """Store `deals` (SNAPSHOT_COLUMNS) as the snapshot of `meeting`, replacing any earlier one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _connect(path, create=True) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:  # all or nothing: an interruption anywhere leaves the earlier state
            conn.execute("DELETE FROM snapshot WHERE meeting_date = ?", (meeting.isoformat(),))
            conn.executemany(f"INSERT INTO snapshot VALUES ({', '.join('?' * 9)})",
                             _records(meeting, deals))
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def _records(meeting: dt.date, deals: pd.DataFrame) -> Iterator[tuple[object, ...]]:
    for row in deals.loc[:, list(SNAPSHOT_COLUMNS)].itertuples(index=False):
        close = None if pd.isna(row.close_date) else pd.Timestamp(row.close_date).date()
        yield (meeting.isoformat(), str(row.deal_id), _text(row.name), _text(row.account),
               _text(row.owner), _text(row.stage), float(row.value),
               None if close is None else close.isoformat(),
               None if pd.isna(row.win_probability) else float(row.win_probability))


def _text(value: object) -> str | None:
    return None if value is None or pd.isna(value) else str(value)  # type: ignore[arg-type]
