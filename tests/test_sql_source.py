"""Tables read from real SQLite and DuckDB files through SQLAlchemy, one query per table."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from report_builder.cli import main
from report_builder.config import load_config
from report_builder.data.load import load_dataset
from report_builder.model.build import build_agenda
from tests.small_company import DEAL_COLUMNS, DEALS, LEAD_COLUMNS, LEADS, write_company

pytest.importorskip("sqlalchemy")

AS_OF = dt.date(2026, 11, 24)


def rows_for_sql(rows: list[list[str]]) -> list[list[str | None]]:
    return [[v if v != "" else None for v in r] for r in rows]


def sql_config(config: Path, url: str, extra: str = "") -> None:
    deals_sql = ("SELECT " + ", ".join(DEAL_COLUMNS) +
                 " FROM deals WHERE close_date IS NULL OR close_date >= '2026-01-01'")
    text = config.read_text().replace('path = "data"', (
        f'path = "data"\n'
        f'deals = {{ sql = "{deals_sql}", url = "{url}"{extra} }}\n'
        f'leads = {{ sql = "SELECT * FROM leads", url = "{url}"{extra} }}\n'))
    config.write_text(text)


def won(config: Path) -> float:
    cfg = load_config(config)
    return build_agenda(load_dataset(cfg), cfg, AS_OF).targets.company.won


def test_sqlite_file(tmp_path: Path) -> None:
    config = write_company(tmp_path)
    with sqlite3.connect(tmp_path / "crm.sqlite") as db:
        db.execute(f"CREATE TABLE deals ({', '.join(DEAL_COLUMNS)})")
        db.executemany(f"INSERT INTO deals VALUES ({', '.join('?' * len(DEAL_COLUMNS))})",
                       rows_for_sql(DEALS))
        db.execute(f"CREATE TABLE leads ({', '.join(LEAD_COLUMNS)})")
        db.executemany(f"INSERT INTO leads VALUES ({', '.join('?' * len(LEAD_COLUMNS))})",
                       rows_for_sql(LEADS))
    db.close()
    (tmp_path / "data" / "deals.csv").unlink()  # the database is the only source of deals
    sql_config(config, "sqlite:///crm.sqlite")
    assert won(config) == 157_500


def test_duckdb_file_with_typed_columns(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    pytest.importorskip("duckdb_engine")
    config = write_company(tmp_path)
    db = duckdb.connect(str(tmp_path / "crm.duckdb"))
    types = {c: "DATE" if c.endswith("_date") else "DECIMAL(18,2)" if c == "amount"
             else "DOUBLE" if c == "probability" else "BOOLEAN" if c == "public_reference"
             else "VARCHAR" for c in DEAL_COLUMNS}
    db.execute(f"CREATE TABLE deals ({', '.join(f'{c} {t}' for c, t in types.items())})")
    db.executemany(f"INSERT INTO deals VALUES ({', '.join('?' * len(DEAL_COLUMNS))})",
                   rows_for_sql(DEALS))
    db.execute(f"CREATE TABLE leads ({', '.join(f'{c} VARCHAR' for c in LEAD_COLUMNS)})")
    db.executemany(f"INSERT INTO leads VALUES ({', '.join('?' * len(LEAD_COLUMNS))})",
                   rows_for_sql(LEADS))
    db.close()
    sql_config(config, "duckdb:///crm.duckdb")
    assert won(config) == 157_500


def test_password_variable_not_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("CRM_DB_PASSWORD", raising=False)
    config = write_company(tmp_path)
    sql_config(config, "postgresql://report@db.example.com/crm",
               extra=', password_env = "CRM_DB_PASSWORD"')
    assert main(["validate", str(config)]) == 2
    assert "CRM_DB_PASSWORD" in capsys.readouterr().err


def test_missing_database_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_company(tmp_path)
    sql_config(config, "sqlite:///nowhere.sqlite")
    assert main(["validate", str(config)]) == 2
    assert "nowhere.sqlite does not exist" in capsys.readouterr().err
