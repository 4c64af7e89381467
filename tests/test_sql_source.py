"""Tables read from real SQLite, DuckDB and PostgreSQL databases, one query per table; the
meeting's dates bound as query parameters (:as_of, :period_start, :quarter_start, :quarter_end,
:since)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from report_builder.cli import main
from report_builder.config import load_config
from report_builder.data.load import load_dataset
from report_builder.data.sql import meeting_parameters
from report_builder.errors import SourceError
from report_builder.model.build import build_agenda
from tests.small_company import DEAL_COLUMNS, DEALS, LEAD_COLUMNS, LEADS, write_company

pytest.importorskip("sqlalchemy")

AS_OF = dt.date(2026, 11, 24)
PASSWORD_VARIABLE = "REPORT_BUILDER_TEST_PG_PASSWORD"
DEALS_SQL = "SELECT " + ", ".join(DEAL_COLUMNS) + " FROM deals"


def rows_for_sql(rows: list[list[str]]) -> list[list[str | None]]:
    return [[v if v != "" else None for v in r] for r in rows]


def column_types(columns: list[str]) -> dict[str, str]:
    return {c: "DATE" if c.endswith("_date") else "DECIMAL(18,2)" if c == "amount"
            else "DOUBLE PRECISION" if c == "probability" else "BOOLEAN"
            if c == "public_reference" else "VARCHAR" for c in columns}


def create_tables(execute: Callable[[str, list[list[str | None]] | None], None], *,
                  typed: bool) -> None:
    for name, columns, rows in (("deals", DEAL_COLUMNS, DEALS), ("leads", LEAD_COLUMNS, LEADS)):
        types = column_types(columns) if typed else dict.fromkeys(columns, "")
        execute(f"DROP TABLE IF EXISTS {name}", None)
        execute(f"CREATE TABLE {name} ({', '.join(f'{c} {t}' for c, t in types.items())})",
                None)
        execute(f"INSERT INTO {name} VALUES ({', '.join(['%s'] * len(columns))})",
                rows_for_sql(rows))



@pytest.fixture(params=["sqlite", "duckdb", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path,
             monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """The small company's deals and leads in a database: (url, extra source settings)."""
    kind = request.param
    if kind == "sqlite":  # untyped columns: dates as ISO text
        with sqlite3.connect(tmp_path / "crm.sqlite") as db:
            create_tables(lambda sql, rows: db.executemany(sql.replace("%s", "?"), rows)
                          if rows else db.execute(sql), typed=False)
        db.close()
        return "sqlite:///crm.sqlite", ""
    if kind == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        pytest.importorskip("duckdb_engine")
        db = duckdb.connect(str(tmp_path / "crm.duckdb"))
        create_tables(lambda sql, rows: db.executemany(sql.replace("%s", "?"), rows)
                      if rows else db.execute(sql), typed=True)
        db.close()
        return "duckdb:///crm.duckdb", ""
    server = request.getfixturevalue("postgres")
    import psycopg

    with psycopg.connect(server.url(with_password=True)) as db:
        create_tables(lambda sql, rows: db.cursor().executemany(sql, rows)
                      if rows else db.execute(sql), typed=True)
    monkeypatch.setenv(PASSWORD_VARIABLE, "s3cret-for-tests")
    return server.url(), f', password_env = "{PASSWORD_VARIABLE}"'


def sql_config(config: Path, url: str, extra: str = "", *,
               deals_sql: str = DEALS_SQL + " WHERE close_date IS NULL OR "
                                            "close_date >= '2026-01-01'",
               leads_sql: str = "SELECT * FROM leads") -> None:
    text = config.read_text().replace('path = "data"', (
        f'path = "data"\n'
        f'deals = {{ sql = "{deals_sql}", url = "{url}"{extra} }}\n'
        f'leads = {{ sql = "{leads_sql}", url = "{url}"{extra} }}\n'))
    config.write_text(text)


def won(config: Path) -> float:
    cfg = load_config(config)
    return build_agenda(load_dataset(cfg, as_of=AS_OF), cfg, AS_OF).targets.company.won


def test_company_from_a_database(tmp_path: Path, database: tuple[str, str]) -> None:
    config = write_company(tmp_path)
    (tmp_path / "data" / "deals.csv").unlink()  # the database is the only source of deals
    sql_config(config, *database)
    assert won(config) == 157_500


def test_meeting_parameters() -> None:
    """Meeting 2026-11-24, every 14 days, calendar quarters, sources window 365 days and
    references 90 days: since = 2026-11-24 - 364 days = 2025-11-25, the earliest window."""
    config = load_config(write_company(Path(__import__("tempfile").mkdtemp())))
    assert meeting_parameters(config, AS_OF) == {
        "as_of": AS_OF, "period_start": dt.date(2026, 11, 11),
        "quarter_start": dt.date(2026, 10, 1), "quarter_end": dt.date(2026, 12, 31),
        "since": dt.date(2025, 11, 25)}


def test_queries_bind_the_meeting_dates(tmp_path: Path, database: tuple[str, str]) -> None:
    """Open deals and whatever closed since the quarter began (D9, won in June, stays in the
    database), created by the meeting; the leads created since the last meeting (L4-L6)."""
    config = write_company(tmp_path)
    sql_config(config, *database,
               deals_sql=DEALS_SQL + " WHERE (stage IN ('Discovery', 'Proposal') OR close_date "
                         "BETWEEN :quarter_start AND :quarter_end OR close_date >= :since "
                         "AND close_date < :quarter_start AND stage = 'Lost') "
                         "AND created_date <= :as_of",
               leads_sql="SELECT * FROM leads WHERE created_date >= :period_start")
    cfg = load_config(config)
    dataset = load_dataset(cfg, as_of=AS_OF)
    assert list(dataset.deals["deal_id"]) == ["D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8"]
    assert list(dataset.leads["lead_id"]) == ["L4", "L5", "L6"]
    assert build_agenda(dataset, cfg, AS_OF).targets.company.won == 157_500
    # a week earlier: D3 (created 2026-11-01) is in, the leads of 2026-11-04 onwards
    earlier = load_dataset(cfg, as_of=dt.date(2026, 11, 17))
    assert list(earlier.leads["lead_id"]) == ["L4", "L5", "L6"]
    assert "D3" in set(earlier.deals["deal_id"])
    assert len(load_dataset(cfg, as_of=dt.date(2026, 10, 31)).deals) == 5  # D3, D6, D8 later


def test_unknown_placeholder_lists_the_accepted(tmp_path: Path) -> None:
    config = write_company(tmp_path)
    sqlite3.connect(tmp_path / "crm.sqlite").close()
    sql_config(config, "sqlite:///crm.sqlite",
               deals_sql=DEALS_SQL + " WHERE close_date >= :start_of_year")
    with pytest.raises(SourceError) as info:
        load_dataset(load_config(config), as_of=AS_OF)
    assert str(info.value) == (
        f"the query for sqlite:///{tmp_path}/crm.sqlite uses :start_of_year, which is not a "
        "parameter report-builder binds; accepted: :as_of (the meeting date); :period_start "
        "(the first day since the previous meeting); :quarter_start (the first day of the "
        "meeting's fiscal quarter); :quarter_end (the last day of the meeting's fiscal "
        "quarter); :since (the earliest day any figure of the pack looks at)")


def test_validate_and_build_pass_the_meeting_date(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_company(tmp_path)
    with sqlite3.connect(tmp_path / "crm.sqlite") as db:
        create_tables(lambda sql, rows: db.executemany(sql.replace("%s", "?"), rows)
                      if rows else db.execute(sql), typed=False)
    db.close()
    sql_config(config, "sqlite:///crm.sqlite",
               leads_sql="SELECT * FROM leads WHERE created_date >= :period_start")
    assert main(["validate", str(config), "--as-of", "2026-11-24"]) == 0
    assert "3 leads" in capsys.readouterr().out
    assert main(["validate", str(config), "--as-of", "2026-10-13"]) == 0  # from 2026-09-30
    assert "6 leads" in capsys.readouterr().out
    out = tmp_path / "out"
    assert main(["build", str(config), "--format", "json", "--out", str(out), "--no-history",
                 "--as-of", "2026-11-24"]) == 0
    assert (out / "pipeline-meeting-2026-11-24.json").is_file()


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
