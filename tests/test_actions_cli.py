"""`report-builder actions add/close/list` on real files: a user's CSV stays as it was outside
the row touched; a workbook keeps its other sheets; edits lock, and refuse open files."""

from __future__ import annotations

import datetime as dt
import subprocess
import threading
import time
from pathlib import Path

import openpyxl
import pytest
from filelock import FileLock

from report_builder.actions.commands import add_action, next_id
from report_builder.cli import main
from report_builder.config import load_config
from report_builder.data.load import load_dataset
from report_builder.errors import ActionsBusyError
from tests.office import SOFFICE
from tests.small_company import write_company

# a user's file: BOM, CRLF, ';', their own header spelling, column order and an extra column
USER_CSV = (
    "\ufeffAction ID;Due;Text;Owner;Team;Agreed On;Status;Closed On;Comment\r\n"
    "M-0007;10.11.2026;Ring til tabte kunder;Mette;sales;27.10.2026;open;;\"første; vigtig\"\r\n"
    "M-0008;17.11.2026;Skriv SQL-definition;Jonas;marketing;27.10.2026;done;15.11.2026;\r\n"
    "M-0012;01.12.2026;Messebudget;Ida;marketing;10.11.2026;open;;\r\n"
)


def company(tmp_path: Path, actions: str | None = USER_CSV) -> Path:
    config = write_company(tmp_path, extra_config="")
    if actions is not None:
        (tmp_path / "data" / "actions.csv").write_bytes(actions.encode("utf-8"))
    return config


def run(*args: str) -> int:
    return main(["actions", *args])


def test_next_id_follows_the_pattern() -> None:
    assert next_id(["A-001", "A-013", "A-002"]) == "A-014"
    assert next_id(["M-0007", "M-0012"]) == "M-0013"
    assert next_id([]) == "A-001"
    assert next_id(["A-9", "x"]) == "A-10"


def test_add_and_close_keep_the_csv_as_it_was(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    config = company(tmp_path)
    path = tmp_path / "data" / "actions.csv"
    assert run("add", str(config), "--text", "Opfølgning på webinar", "--owner", "Rasmus",
               "--team", "sales", "--due", "2026-12-08", "--agreed-on", "2026-11-24") == 0
    assert capsys.readouterr().out.strip() == "M-0013"
    assert run("close", str(config), "M-0012", "--on", "2026-11-26") == 0
    lines = path.read_bytes().split(b"\r\n")
    original = USER_CSV.encode("utf-8").split(b"\r\n")
    assert lines[:3] == original[:3]  # BOM, header and untouched rows byte for byte
    assert lines[3] == b"M-0012;01.12.2026;Messebudget;Ida;marketing;10.11.2026;done;26.11.2026;"
    assert lines[4] == "M-0013;08.12.2026;Opfølgning på webinar;Rasmus;sales;24.11.2026;open;;" \
        .encode()
    assert lines[5] == b"" and len(lines) == 6  # CRLF after every row, nothing else
    # the dataset reads it: the new action is there, the closed one closed
    dataset = load_dataset(load_config(config))
    assert dataset.actions is not None
    assert list(dataset.actions["action_id"]) == ["M-0007", "M-0008", "M-0012", "M-0013"]
    assert list(dataset.actions["status"]) == ["open", "done", "done", "open"]


def test_bad_input_exit_2_and_nothing_written(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    config = company(tmp_path)
    path = tmp_path / "data" / "actions.csv"
    before = path.read_bytes()
    assert run("close", str(config), "M-0099") == 2
    assert "no action with id 'M-0099'; the open ones are: M-0007, M-0012" in \
        capsys.readouterr().err
    assert run("close", str(config), "M-0008") == 2
    assert "already done (closed_on 15.11.2026)" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        run("add", str(config), "--text", "x", "--owner", "y", "--team", "finance", "--due",
            "2026-12-01")
    assert exit_info.value.code == 2
    assert "invalid choice: 'finance' (choose from 'marketing', 'sales')" in \
        capsys.readouterr().err
    with pytest.raises(SystemExit):
        run("add", str(config), "--text", "x", "--owner", "y", "--team", "sales", "--due",
            "1/12/2026")
    assert "'1/12/2026' is not a date like 2026-11-24" in capsys.readouterr().err
    assert run("add", str(config), "--text", "x", "--owner", "y", "--team", "sales", "--due",
               "2026-11-01", "--agreed-on", "2026-11-24") == 2
    assert "is before --agreed-on" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_add_creates_the_table_and_list(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    config = company(tmp_path, actions=None)
    assert run("add", str(config), "--text", "First", "--owner", "Ann", "--team", "marketing",
               "--due", "2026-12-01", "--agreed-on", "2026-11-24") == 0
    assert capsys.readouterr().out.strip() == "A-001"
    # written like deals.csv beside it (UTF-8, ',' and the csv module's CRLF)
    assert (tmp_path / "data" / "actions.csv").read_bytes() == (
        b"action_id,text,owner,team,agreed_on,due,status,closed_on\r\n"
        b"A-001,First,Ann,marketing,2026-11-24,2026-12-01,open,\r\n")
    assert run("list", str(config), "--open") == 0
    out = capsys.readouterr()
    assert out.out.split()[:2] == ["A-001", "2026-12-01"]
    assert "1 of 1 actions in actions.csv" in out.err


def test_edits_lock_and_refuse_open_files(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    config = company(tmp_path)
    path = tmp_path / "data" / "actions.csv"
    before = path.read_bytes()
    with FileLock(path.with_name(".actions.csv.lock")), \
            pytest.raises(ActionsBusyError, match="being edited by another"):  # another edit runs
        add_action(load_config(config), text="x", owner="y", team="sales",
                   due=dt.date(2026, 12, 1), agreed_on=dt.date(2026, 11, 24), wait=0.2)
    office = path.with_name(".~lock.actions.csv#")  # LibreOffice has it open
    office.write_text("user,host", encoding="utf-8")
    assert run("close", str(config), "M-0007") == 1
    assert "open in Excel or LibreOffice (.~lock.actions.csv#" in capsys.readouterr().err
    office.unlink()
    assert path.read_bytes() == before


def test_an_edit_waits_for_the_one_running(tmp_path: Path) -> None:
    config = company(tmp_path)
    other = FileLock(tmp_path / "data" / ".actions.csv.lock", thread_local=False)
    other.acquire()  # another edit, done in half a second
    threading.Timer(0.5, other.release).start()
    started = time.monotonic()
    action_id, _ = add_action(load_config(config), text="x", owner="y", team="sales",
                              due=dt.date(2026, 12, 1), agreed_on=dt.date(2026, 11, 24), wait=10)
    assert action_id == "M-0013" and time.monotonic() - started >= 0.4


def test_sql_source_is_read_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import sqlite3

    config = company(tmp_path, actions=None)
    with sqlite3.connect(tmp_path / "crm.db") as db:
        db.execute("CREATE TABLE actions (action_id, text, owner, team, agreed_on, due, status, "
                   "closed_on)")
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("[data]\n", '[data]\nactions = { sql = "SELECT * FROM '
                                   'actions", url = "sqlite:///crm.db" }\n', 1), encoding="utf-8")
    assert run("close", str(config), "A-001") == 2
    assert "a SQL query (data.actions, sqlite:///crm.db), which report-builder only reads" in \
        capsys.readouterr().err


def test_workbook_sheet_edited_other_sheets_kept(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "acme"), "--company", "Acme ApS"]) == 0
    config = tmp_path / "acme" / "report.toml"
    book_path = tmp_path / "acme" / "pipeline.xlsx"
    before = openpyxl.load_workbook(book_path)
    capsys.readouterr()
    assert run("add", str(config), "--text", "Call the webinar's attendees", "--owner", "Ann",
               "--team", "sales", "--due", "2026-12-08", "--agreed-on", "2026-11-24") == 0
    assert run("add", str(config), "--text", "Book the fair", "--owner", "Bo",
               "--team", "marketing", "--due", "2026-12-15", "--agreed-on", "2026-11-24") == 0
    assert capsys.readouterr().out.split() == ["A-001", "A-002"]
    assert run("close", str(config), "A-001", "--on", "2026-11-30") == 0
    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames == before.sheetnames
    assert book["Lists"].sheet_state == "hidden"
    for name in ("deals", "leads", "targets", "campaigns"):
        assert [[c.value for c in r] for r in book[name].iter_rows()] == \
            [[c.value for c in r] for r in before[name].iter_rows()]
        assert book[name].freeze_panes == before[name].freeze_panes
    assert len(book["deals"].data_validations.dataValidation) == \
        len(before["deals"].data_validations.dataValidation)
    rows = [[c.value for c in r] for r in book["actions"].iter_rows(min_row=2, max_row=3)]
    assert rows[0][:3] == ["A-001", "Call the webinar's attendees", "Ann"]
    assert rows[0][6:] == ["done", dt.datetime(2026, 11, 30)]
    assert book["actions"]["F2"].is_date and book["actions"]["F2"].number_format == "yyyy-mm-dd"
    assert rows[1][0] == "A-002" and rows[1][6] == "open"
    dataset = load_dataset(load_config(config))
    assert dataset.actions is not None and list(dataset.actions["action_id"]) == ["A-001", "A-002"]
    if SOFFICE is None:
        return
    out = tmp_path / "calc"
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,"
         "false,-1", "--outdir", str(out), str(book_path)],
        capture_output=True, text=True, timeout=120, check=False)
    sheet = out / "pipeline-actions.csv"
    assert sheet.is_file(), done.stdout + done.stderr
    text = sheet.read_text(encoding="utf-8")
    assert "A-001,Call the webinar's attendees,Ann,sales" in text and "A-002,Book the fair" in text
