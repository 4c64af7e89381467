"""The send log: which meeting's pack went to whom, and a lock so two runs cannot both send.

One SQLite file (beside the config unless email.send_log names one), one row per attempt to send
a meeting's pack: the company's (pack "") or, with `send --per`, a team's or seller's (pack
"team:North", "owner:Anna Holm"); each is sent once per meeting. A row is written before
the message goes to the server and confirmed only after the server's OK, so a meeting counts as
sent only when the server took it. A row left unconfirmed (the reply was lost, or the run
died) keeps its Message-ID for the next attempt: mail clients that drop duplicates by
Message-ID then show one copy even if the first attempt did arrive.

The lock is an exclusive lock on `<send log>.lock` (the `filelock` package: `flock` on Unix,
`msvcrt.locking` on Windows), taken without waiting: a second run fails at once with the
holder's pid, which the holder writes into the file. The operating system drops the lock when
its process ends, however it ends, so a crash never leaves it locked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from report_builder.errors import SendLockedError, SendLogError

SCHEMA = """
CREATE TABLE IF NOT EXISTS sends (
    id INTEGER PRIMARY KEY,
    meeting TEXT NOT NULL,          -- the meeting date, ISO
    pack TEXT NOT NULL DEFAULT '',  -- '' the company's; 'team:NAME' or 'owner:NAME'
    message_id TEXT NOT NULL,
    recipients TEXT NOT NULL,       -- JSON list: every envelope recipient, then those accepted
    attachments TEXT NOT NULL,      -- JSON list of file names
    forced INTEGER NOT NULL,        -- 1: sent again with --force
    started_at TEXT NOT NULL,       -- UTC, ISO
    sent_at TEXT,                   -- UTC, ISO: when the server said OK; NULL until then
    error TEXT                      -- why the attempt failed, when it did
);
"""
# a log written before packs per team had no pack column: its rows are the company's
ADD_PACK = "ALTER TABLE sends ADD COLUMN pack TEXT NOT NULL DEFAULT ''"
INDEX = """
DROP INDEX IF EXISTS sends_by_meeting;
CREATE INDEX IF NOT EXISTS sends_by_meeting_and_pack ON sends (meeting, pack, sent_at);
"""


@dataclass(frozen=True)
class SentRecord:
    """One confirmed send."""

    meeting: dt.date
    message_id: str
    recipients: tuple[str, ...]
    attachments: tuple[str, ...]
    sent_at: dt.datetime
    forced: bool


class SendLog:
    """The log at `path`; the file is created on the first write, not before."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the exclusive lock, or raise SendLockedError naming the run that holds it."""
        held: list[int] = []

        def sign(fd: int) -> None:  # who holds it, for the message of a run it refuses
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, f"pid {os.getpid()} since {_now().isoformat()}\n".encode())
            held.append(fd)

        lock = FileLock(self.lock_path, blocking=False, on_acquired=sign)
        try:
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            lock.acquire()
        except Timeout:
            raise SendLockedError(
                f"Another send for this config is running ({self._holder() or 'pid unknown'}; "
                f"lock {self.lock_path}); this run sent nothing. It is released when that "
                "run ends: run again then, and the send log will say whether it sent."
            ) from None
        except OSError as exc:
            raise SendLogError(f"Cannot create the lock file {self.lock_path} "
                               f"({exc.strerror}); make its folder writable or name another "
                               "file in email.send_log") from None
        try:
            yield
        finally:
            os.ftruncate(held[0], 0)
            lock.release()

    def last_sent(self, meeting: dt.date, pack: str = "") -> SentRecord | None:
        """The latest confirmed send of `pack` for `meeting`, if any."""
        if not self.path.exists():
            return None
        with self._connect() as db:
            row = db.execute(
                "SELECT meeting, message_id, recipients, attachments, sent_at, forced FROM sends "
                "WHERE meeting = ? AND pack = ? AND sent_at IS NOT NULL "
                "ORDER BY sent_at DESC, id DESC", (meeting.isoformat(), pack)).fetchone()
        if row is None:
            return None
        return SentRecord(dt.date.fromisoformat(row[0]), row[1], tuple(json.loads(row[2])),
                          tuple(json.loads(row[3])), dt.datetime.fromisoformat(row[4]),
                          bool(row[5]))

    def unconfirmed_message_id(self, meeting: dt.date, pack: str = "") -> str | None:
        """The Message-ID of the latest attempt to send `pack` for `meeting` the server never
        confirmed."""
        if not self.path.exists():
            return None
        with self._connect() as db:
            row = db.execute(
                "SELECT message_id FROM sends WHERE meeting = ? AND pack = ? AND sent_at IS NULL "
                "ORDER BY id DESC", (meeting.isoformat(), pack)).fetchone()
        return None if row is None else str(row[0])

    def begin(self, meeting: dt.date, *, message_id: str, recipients: Sequence[str],
              attachments: Sequence[str], forced: bool, pack: str = "") -> int:
        """Record an attempt about to be made; returns its id for `confirm` or `fail`."""
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO sends (meeting, pack, message_id, recipients, attachments, forced, "
                "started_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (meeting.isoformat(), pack, message_id, json.dumps(list(recipients)),
                 json.dumps(list(attachments)), int(forced), _now().isoformat()))
            return int(cursor.lastrowid or 0)

    def confirm(self, attempt: int, accepted: Sequence[str]) -> None:
        """The server said OK: the meeting counts as sent, to the recipients it accepted."""
        with self._connect() as db:
            db.execute("UPDATE sends SET sent_at = ?, recipients = ?, error = NULL "
                       "WHERE id = ?", (_now().isoformat(), json.dumps(list(accepted)), attempt))

    def fail(self, attempt: int, error: str) -> None:
        with self._connect() as db:
            db.execute("UPDATE sends SET error = ? WHERE id = ?", (error, attempt))

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=10)
        except (OSError, sqlite3.Error) as exc:
            raise SendLogError(f"Cannot open the send log {self.path}: {exc}; make its folder "
                               "writable or name another file in email.send_log") from None
        try:
            db.executescript(SCHEMA)
            if "pack" not in {row[1] for row in db.execute("PRAGMA table_info(sends)")}:
                db.execute(ADD_PACK)
            db.executescript(INDEX)
            with db:  # one transaction: committed on success, rolled back on an error
                yield db
        except sqlite3.DatabaseError as exc:
            raise SendLogError(f"The send log {self.path} cannot be used ({exc}); if it is not "
                               "a send log, name another file in email.send_log") from None
        finally:
            db.close()

    def _holder(self) -> str:
        """What the run holding the lock wrote into it (Windows may not let us read it)."""
        try:
            with self.lock_path.open("rb") as file:
                return file.read(200).decode("utf-8", "replace").strip()
        except OSError:
            return ""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
