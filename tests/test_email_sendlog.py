"""The send log: what counts as sent, and a lock that two runs cannot both hold and that a
crashed run does not keep."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from report_builder.delivery.sendlog import SendLog
from report_builder.errors import SendLockedError, SendLogError

ROOT = Path(__file__).resolve().parent.parent
MEETING = dt.date(2026, 11, 24)


def test_only_a_confirmed_attempt_counts_as_sent(tmp_path: Path) -> None:
    log = SendLog(tmp_path / "log.sqlite")
    assert log.last_sent(MEETING) is None and not log.path.exists()  # reading creates nothing
    attempt = log.begin(MEETING, message_id="<a@x>", recipients=["a@x.dk", "b@x.dk"],
                        attachments=["p.pdf"], forced=False)
    assert log.last_sent(MEETING) is None
    assert log.unconfirmed_message_id(MEETING) == "<a@x>"
    log.fail(attempt, "421 busy")
    assert log.last_sent(MEETING) is None
    again = log.begin(MEETING, message_id="<a@x>", recipients=["a@x.dk", "b@x.dk"],
                      attachments=["p.pdf"], forced=False)
    log.confirm(again, ["a@x.dk"])
    record = log.last_sent(MEETING)
    assert record is not None
    assert (record.meeting, record.message_id, record.recipients, record.attachments,
            record.forced) == (MEETING, "<a@x>", ("a@x.dk",), ("p.pdf",), False)
    assert record.sent_at.tzinfo is not None
    assert log.last_sent(MEETING + dt.timedelta(days=14)) is None  # per meeting


def test_the_lock_is_exclusive_between_threads(tmp_path: Path) -> None:
    log = SendLog(tmp_path / "log.sqlite")
    inside, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def hold() -> None:
        with log.lock():
            inside.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    assert inside.wait(10)
    try:
        with pytest.raises(SendLockedError, match=f"pid {os.getpid()} since"), \
                SendLog(tmp_path / "log.sqlite").lock():
            errors.append(AssertionError("both held the lock"))
    finally:
        release.set()
        holder.join(10)
    assert errors == []
    with log.lock():  # free again
        pass


def test_a_crashed_run_does_not_keep_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    script = ("import sys, time; from pathlib import Path\n"
              "from report_builder.delivery.sendlog import SendLog\n"
              f"with SendLog(Path({str(path)!r})).lock():\n"
              "    print('locked', flush=True); time.sleep(60)\n")
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "locked"
        with pytest.raises(SendLockedError, match=f"pid {child.pid}"), SendLog(path).lock():
            pass
    finally:
        child.send_signal(signal.SIGKILL)  # no cleanup code runs
        child.wait(10)
    with SendLog(path).lock():
        pass


def test_a_file_that_is_not_a_send_log(tmp_path: Path) -> None:
    path = tmp_path / "report.toml"
    path.write_text("[company]\nname = 'not a database'\n" * 50)
    with pytest.raises(SendLogError, match="name another file in email.send_log"):
        SendLog(path).last_sent(MEETING)
