"""Hostile text at the command line and in the files we edit: nothing reaches the terminal as a
control sequence, workbooks get strings (never formulas), a symlinked actions file stays a link,
outputs follow the umask, and database trouble is a clear error without the password."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from report_builder.cli import main
from report_builder.data.sql import masked_url
from report_builder.terminal import terminal_text
from report_builder.writer import current_umask, write_atomic
from tests.small_company import DEALS, write_company

ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x1b[31m\x9b1m\u202e"
FORMULA = '=HYPERLINK("https://evil.example","Partner")'
ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def actions_csv(text: str) -> str:
    return ("action_id,text,owner,team,due,agreed_on,status,closed_on\n"
            f'A-001,"{text}",Ann,sales,2026-12-08,2026-11-24,open,\n')


# -- the terminal -------------------------------------------------------------------------------
def test_terminal_text_drops_control_characters() -> None:
    assert terminal_text(f"Call {ESCAPES}Ann\r\nnext\tline\x00") == \
        "Call [2J]0;pwned[31m1mAnn\nnext\tline"


def test_actions_list_prints_no_escape_sequence(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    config = write_company(tmp_path)
    (tmp_path / "data" / "actions.csv").write_text(actions_csv(f"Call{ESCAPES} them"),
                                                   encoding="utf-8")
    assert main(["actions", "list", str(config)]) == 0
    printed = capsys.readouterr()
    assert "Call[2J]0;pwned[31m1m them" in printed.out
    for text in (printed.out, printed.err):
        assert not any(c in text for c in "\x1b\x07\x9b\u202e")


def test_validate_error_prints_no_escape_sequence(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    deals = [list(row) for row in DEALS]
    deals[0][6] = f"12{ESCAPES}"  # an amount that is not a number
    deals[1][5] = f"Won{ESCAPES}"  # a stage the config does not know
    config = write_company(tmp_path, deals=deals)
    assert main(["validate", str(config)]) == 2
    printed = capsys.readouterr()
    assert "deals" in printed.err and "Traceback" not in printed.err
    for text in (printed.out, printed.err):
        assert not any(c in text for c in "\x1b\x07\x9b\u202e")


def test_inspect_prints_no_escape_sequence(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "deals.csv"
    export.write_text("Deal Name,Deal Stage,Amount,Close Date,Create Date\n"
                      f"Acme,Closed won{ESCAPES},100,2026-11-01,2026-10-01\n"
                      f"Beta,Proposal{ESCAPES},200,2026-12-01,2026-10-02\n", encoding="utf-8")
    code = main(["inspect", str(export)])
    printed = capsys.readouterr()
    assert code in (0, 2), printed.err
    for text in (printed.out, printed.err):
        assert not any(c in text for c in "\x1b\x07\x9b\u202e")


# -- workbooks get strings ----------------------------------------------------------------------
def test_actions_added_to_a_workbook_are_text_not_formulas(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "acme"), "--company", FORMULA]) == 0
    config = tmp_path / "acme" / "report.toml"
    assert main(["actions", "add", str(config), "--text", FORMULA, "--owner", "=1+1",
                 "--team", "sales", "--due", "2026-12-08", "--agreed-on", "2026-11-24"]) == 0
    book = openpyxl.load_workbook(tmp_path / "acme" / "pipeline.xlsx")
    formulas = [(sheet.title, cell.coordinate, cell.value) for sheet in book
                for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert formulas == []
    row = [cell for cell in book["actions"][2]]
    assert (row[1].value, row[1].data_type) == (FORMULA, "s")
    assert (row[2].value, row[2].data_type) == ("=1+1", "s")
    assert row[1].quotePrefix  # stays text when edited in Excel
    assert main(["actions", "list", str(config)]) == 0
    assert FORMULA in capsys.readouterr().out  # read back as the text it is


# -- files --------------------------------------------------------------------------------------
def test_symlinked_actions_file_is_edited_where_it_points(tmp_path: Path) -> None:
    config = write_company(tmp_path / "co")
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "actions.csv"
    target.write_text(actions_csv("Call them"), encoding="utf-8")
    target.chmod(0o660)
    link = tmp_path / "co" / "data" / "actions.csv"
    link.symlink_to(target)
    assert main(["actions", "add", str(config), "--text", "Book the fair", "--owner", "Bo",
                 "--team", "marketing", "--due", "2026-12-15", "--agreed-on", "2026-11-24"]) == 0
    assert main(["actions", "close", str(config), "A-001", "--on", "2026-11-30"]) == 0
    assert link.is_symlink() and link.resolve() == target.resolve()
    text = target.read_text(encoding="utf-8")
    assert "A-002,Book the fair,Bo" in text and "A-001,Call them,Ann,sales,2026-12-08" in text
    assert stat.S_IMODE(target.stat().st_mode) == 0o660
    assert sorted(p.name for p in shared.iterdir() if not p.name.startswith(".")) == \
        ["actions.csv"]


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o002, 0o077])
def test_outputs_follow_the_umask(tmp_path: Path, mask: int) -> None:
    config = write_company(tmp_path / "co")
    with umask(mask):
        assert current_umask() == mask
        written = write_atomic(tmp_path / "out" / "file.txt", b"x")
        assert main(["build", str(config), "--format", "json", "--out", str(tmp_path / "out"),
                     "--no-history", "--as-of", "2026-11-24", "-q"]) == 0
        assert main(["init", str(tmp_path / "acme"), "--company", "Acme"]) == 0
    expected = 0o666 & ~mask
    files = [written, tmp_path / "out" / "pipeline-meeting-2026-11-24.json",
             tmp_path / "acme" / "report.toml", tmp_path / "acme" / "pipeline.xlsx"]
    assert {f.name: oct(stat.S_IMODE(f.stat().st_mode)) for f in files} == \
        {f.name: oct(expected) for f in files}


# -- databases ----------------------------------------------------------------------------------
def test_masked_url() -> None:
    assert masked_url("postgresql://report:s3cr@t@db/crm") == "postgresql://report:***@db/crm"
    assert masked_url("report:s3cret@db/crm") == "report:***@db/crm"
    assert masked_url("sqlite:///crm.db") == "sqlite:///crm.db"


def _sql_company(tmp_path: Path, url: str, sql: str = "SELECT * FROM deals") -> Path:
    config = write_company(tmp_path)
    text = config.read_text().replace(
        'path = "data"', f'path = "data"\ndeals = {{ sql = "{sql}", url = "{url}" }}\n')
    config.write_text(text)
    return config


def test_database_error_is_exit_2_with_the_cause(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    sqlite3.connect(tmp_path / "crm.sqlite").close()
    config = _sql_company(tmp_path, "sqlite:///crm.sqlite", "SELECT * FROM no_such_table")
    assert main(["validate", str(config)]) == 2
    err = capsys.readouterr().err
    assert "no such table: no_such_table" in err and "Traceback" not in err


def test_missing_driver_is_exit_2_password_masked(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("sqlalchemy")
    if any(_importable(m) for m in ("MySQLdb",)):
        pytest.skip("the MySQL driver is installed here")
    config = _sql_company(tmp_path, "mysql://report:s3cret@127.0.0.1/crm")
    assert main(["validate", str(config)]) == 2
    err = capsys.readouterr().err
    assert "no database driver" in err and "pymysql" in err
    assert "s3cret" not in err and "***" in err


def test_bad_url_with_a_password_is_masked(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("sqlalchemy")
    config = _sql_company(tmp_path, "report:s3cret@db.example.com/crm")
    assert main(["validate", str(config)]) == 2
    err = capsys.readouterr().err
    assert "not a SQLAlchemy URL" in err and "s3cret" not in err


def test_missing_sqlalchemy_is_exit_2(tmp_path: Path) -> None:
    config = _sql_company(tmp_path, "postgresql://report:s3cret@127.0.0.1/crm")
    code = ("import sys; sys.modules['sqlalchemy'] = None\n"  # as if it were not installed
            "from report_builder.cli import main\n"
            f"sys.exit(main(['validate', {str(config)!r}]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2, done.stderr
    assert "needs SQLAlchemy" in done.stderr and "report-builder[sql]" in done.stderr
    assert "s3cret" not in done.stderr and "Traceback" not in done.stderr


def _importable(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True
