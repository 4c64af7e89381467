"""The history store: one SQLite file holding the deals snapshot of every meeting built.

Snapshots are stored as changes. A `deal_version` row is one state of a deal (its name, account,
owner, stage, value, close date, probability), valid from the meeting it was first seen in until
the meeting it changed or disappeared (`valid_to`, NULL while current). A deal that did not change
between meetings costs nothing, so two years of biweekly snapshots of 100k deals take tens of
megabytes, not a gigabyte, and the previous meeting's snapshot is one query. Each version also
carries `slips`: how many times the deal's close date had moved later, meeting to meeting, up to
then, so the pack never needs more than that one snapshot.

Writing a meeting's snapshot replaces any earlier one for that date inside one transaction (the
later meetings, if any, are replayed on top), so a re-run never duplicates it and an interrupted
write leaves the previous state. A file that is not SQLite, or is a SQLite database of something
else, raises HistoryError naming the file and the fix. Version-1 files (one row per deal and
meeting) are converted on first use.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from report_builder.errors import HistoryError

# A deal as a snapshot holds it: what the store keeps of each deal, and what the pipeline movement
# compares between two meetings (model/movement.py reads the columns from here).
SNAPSHOT_COLUMNS = ("deal_id", "name", "account", "owner", "stage", "value", "close_date",
                    "win_probability")
SCHEMA_VERSION = 2
APPLICATION = "report-builder history"
_STATE = SNAPSHOT_COLUMNS[1:]  # what makes a new version when it changes

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_info (
    application TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meeting (
    meeting_date TEXT PRIMARY KEY
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deal_version (
    deal_id TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    name TEXT,
    account TEXT,
    owner TEXT,
    stage TEXT,
    value REAL NOT NULL,
    close_date TEXT,
    win_probability REAL,
    slips INTEGER NOT NULL,
    PRIMARY KEY (deal_id, valid_from)
) WITHOUT ROWID;
"""
_COLUMNS = ", ".join(SNAPSHOT_COLUMNS)
# a snapshot being written, as the store compares it with the current versions
_INCOMING = ("deal_id TEXT PRIMARY KEY, name TEXT, account TEXT, owner TEXT, stage TEXT, "
             "value REAL NOT NULL, close_date TEXT, win_probability REAL")


@dataclass(frozen=True)
class StoredSnapshot:
    meeting: dt.date
    deals: pd.DataFrame  # SNAPSHOT_COLUMNS and `slips`


@contextmanager
def _connect(path: Path, *, create: bool) -> Iterator[sqlite3.Connection]:
    """An open, checked connection; the schema is created when `create` and the file is new."""
    fresh = not path.exists() or path.stat().st_size == 0
    if fresh and not create:
        raise FileNotFoundError(path)
    try:
        with closing(sqlite3.connect(path, isolation_level=None)) as conn:
            conn.execute("PRAGMA cache_size = -262144")  # KiB: 256 MiB, the default is 2 MiB
            conn.execute("PRAGMA temp_store = MEMORY")
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
    row = conn.execute("SELECT application, version FROM schema_info").fetchone() \
        if "schema_info" in tables else None
    if row is None or row[0] != APPLICATION:
        raise HistoryError(path, "it is an SQLite database, but not a report-builder history "
                                 "store")
    if row[1] == 1 and "snapshot" in tables:
        _upgrade_from_version_1(conn)
    elif row[1] != SCHEMA_VERSION:
        raise HistoryError(path, f"it has schema version {row[1]}; this version of "
                                 f"report-builder reads versions 1 and {SCHEMA_VERSION}")
    elif not {"meeting", "deal_version"} <= tables:
        raise HistoryError(path, "it is an SQLite database, but not a report-builder history "
                                 "store")


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """All or nothing: an interruption anywhere leaves the earlier state."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _upgrade_from_version_1(conn: sqlite3.Connection) -> None:
    with _transaction(conn):
        old = pd.read_sql_query(f"SELECT meeting_date, {_COLUMNS} FROM snapshot "
                                "ORDER BY meeting_date, deal_id", conn)
        for statement in _SCHEMA.split(";"):  # executescript would commit first
            conn.execute(statement)
        for day, group in old.groupby("meeting_date", sort=True):
            _append(conn, dt.date.fromisoformat(str(day)), group.drop(columns="meeting_date"))
        conn.execute("DROP TABLE snapshot")
        conn.execute("UPDATE schema_info SET version = ?", (SCHEMA_VERSION,))


def _meetings(conn: sqlite3.Connection) -> list[dt.date]:
    return [dt.date.fromisoformat(r[0]) for r in
            conn.execute("SELECT meeting_date FROM meeting ORDER BY meeting_date")]


def _snapshot(conn: sqlite3.Connection, meeting: dt.date) -> pd.DataFrame:
    day = meeting.isoformat()
    frame = pd.read_sql_query(
        f"SELECT {_COLUMNS}, slips FROM deal_version WHERE valid_from <= ? "
        "AND (valid_to IS NULL OR valid_to > ?) ORDER BY deal_id", conn, params=(day, day))
    frame["close_date"] = pd.to_datetime(frame["close_date"])
    frame["win_probability"] = frame["win_probability"].astype(float)
    return frame


def stored_meetings(path: Path) -> list[dt.date]:
    """The meetings with a stored snapshot, oldest first."""
    try:
        with _connect(path, create=False) as conn:
            return _meetings(conn)
    except FileNotFoundError:
        return []


def read_previous(path: Path, before: dt.date) -> StoredSnapshot | None:
    """The snapshot of the latest meeting before `before` (never that meeting's own), or None."""
    try:
        with _connect(path, create=False) as conn:
            earlier = [m for m in _meetings(conn) if m < before]
            return StoredSnapshot(earlier[-1], _snapshot(conn, earlier[-1])) if earlier else None
    except FileNotFoundError:
        return None


def read_snapshots(path: Path, before: dt.date) -> dict[dt.date, pd.DataFrame]:
    """Every stored snapshot of a meeting before `before`, oldest first (none: an empty dict)."""
    try:
        with _connect(path, create=False) as conn:
            return {m: _snapshot(conn, m) for m in _meetings(conn) if m < before}
    except FileNotFoundError:
        return {}


def write_snapshot(path: Path, meeting: dt.date, deals: pd.DataFrame) -> None:
    """Store `deals` (SNAPSHOT_COLUMNS) as the snapshot of `meeting`, replacing any earlier one.

    Later meetings' snapshots (a rebuild of a past meeting) are kept and replayed on top, so
    their slip counts follow the replaced one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with _connect(path, create=True) as conn, _transaction(conn):
        later = [m for m in _meetings(conn) if m > meeting]
        replay = [(m, _snapshot(conn, m)) for m in later]
        day = meeting.isoformat()
        conn.execute("DELETE FROM deal_version WHERE valid_from >= ?", (day,))
        conn.execute("UPDATE deal_version SET valid_to = NULL WHERE valid_to >= ?", (day,))
        conn.execute("DELETE FROM meeting WHERE meeting_date >= ?", (day,))
        _append(conn, meeting, deals)
        for m, snapshot in replay:
            _append(conn, m, snapshot)


def _append(conn: sqlite3.Connection, meeting: dt.date, deals: pd.DataFrame) -> None:
    """Record `deals` as the snapshot of `meeting`, later than every stored meeting.

    The snapshot is written to a temporary table and joined with the current versions inside
    SQLite: only the snapshot crosses from Python, never the stored versions (a million deals
    took 15 s when they were read back to be compared in pandas)."""
    day = meeting.isoformat()
    new = _normalised(deals)
    conn.execute("DROP TABLE IF EXISTS temp.incoming")
    conn.execute(f"CREATE TEMP TABLE incoming ({_INCOMING}) WITHOUT ROWID")
    conn.executemany(f"INSERT INTO incoming VALUES (?, {', '.join('?' * len(_STATE))})",
                     zip(new.index.tolist(), *(_bindable(new[c]) for c in _STATE),
                         strict=True))
    same = " AND ".join(f"i.{c} IS deal_version.{c}" for c in _STATE)
    # the current version of a deal gone or changed ends at this meeting
    conn.execute("UPDATE deal_version SET valid_to = ? WHERE valid_to IS NULL AND NOT EXISTS "
                 f"(SELECT 1 FROM incoming i WHERE i.deal_id = deal_version.deal_id AND {same})",
                 (day,))
    # a deal new or changed starts a version; its slips go on from the version that just ended
    state = ", ".join(_STATE)
    conn.execute(
        f"INSERT INTO deal_version (deal_id, valid_from, {state}, slips) "
        f"SELECT i.deal_id, ?, {', '.join('i.' + c for c in _STATE)}, "
        "CASE WHEN e.deal_id IS NULL THEN 0 "
        "ELSE e.slips + COALESCE(i.close_date > e.close_date, 0) END "
        "FROM incoming i LEFT JOIN deal_version e ON e.deal_id = i.deal_id AND e.valid_to = ? "
        "WHERE NOT EXISTS (SELECT 1 FROM deal_version v "
        "WHERE v.deal_id = i.deal_id AND v.valid_to IS NULL)", (day, day))
    conn.execute("DROP TABLE temp.incoming")
    conn.execute("INSERT INTO meeting VALUES (?)", (day,))


def _normalised(deals: pd.DataFrame) -> pd.DataFrame:
    """The snapshot as the store holds it: text ids, ISO close dates, None for missing."""
    frame = pd.DataFrame(index=pd.Index(deals["deal_id"].astype(str).to_numpy(), name="deal_id"))
    for column in ("name", "account", "owner", "stage"):
        values = deals[column]
        frame[column] = pd.Series(values.astype(str).to_numpy(dtype=object), index=frame.index)\
            .where(values.notna().to_numpy(), None)
    frame["value"] = deals["value"].astype(float).to_numpy()
    closes = pd.to_datetime(deals["close_date"])
    frame["close_date"] = pd.Series(closes.dt.strftime("%Y-%m-%d").to_numpy(dtype=object),
                                    index=frame.index).where(closes.notna().to_numpy(), None)
    frame["win_probability"] = deals["win_probability"].astype(float).to_numpy()
    # in id order: SQLite appends to its B-trees instead of inserting all over them (a
    # shuffled million-deal export: stored in 12 s sorted, 14.5 s as it came)
    return frame[~frame.index.duplicated()].sort_index()


def _bindable(column: pd.Series) -> list[object]:
    """The column's values as sqlite3 binds them: Python ints, floats and text, None for a
    missing value (NaN included), converted a column at a time."""
    values = column.to_numpy()
    if values.dtype.kind in "iub":
        return values.tolist()  # type: ignore[no-any-return]
    present = column.notna().to_numpy()
    if present.all():
        return values.tolist()  # type: ignore[no-any-return]
    plain = values.astype(object)
    plain[~present] = None
    return plain.tolist()  # type: ignore[no-any-return]

