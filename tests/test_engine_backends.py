"""The engine kinds of [engine]: every section computed on DuckDB, on PostgreSQL (the throwaway
server of tests/postgres.py) and on Spark (local[2], marked `spark`) gives the figures recorded in
tests/golden/ (tests/test_engine_model.py); every query the sections issue compiles to BigQuery,
Snowflake and Databricks SQL (recorded on a DuckDB standing for each: no warehouse here); the
kinds' config and errors."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pytest
from ibis.backends import BaseBackend

from report_builder.config import EngineConfig, load_config
from report_builder.config.engine import ENGINE_KINDS, read_engine
from report_builder.config.reader import Reader
from report_builder.data.dataset import Dataset
from report_builder.data.load import load_dataset
from report_builder.data.parse import DATE_FORMATS
from report_builder.engine import EngineTables, connect, read_engine_dataset, register_dataset
from report_builder.engine.backends import (
    databricks_arguments,
    engine_kind,
    hold,
    missing_library,
    put_arrow,
    recording_duckdb,
    unique_name,
)
from report_builder.engine.sums import accurate_sum
from report_builder.engine.tables import TABLES, frame_to_arrow
from report_builder.engine.text_dates import parse_date, portable_parse_date
from report_builder.errors import ConfigError, SourceError
from report_builder.model.build import agendas_per_scope
from report_builder.model.view import make_view
from report_builder.renderers.json import to_plain
from tests.engine_fixtures import AS_OF, FIXTURES
from tests.small_company import DEALS, write_company
from tests.spark import MASTER, spark_session  # noqa: F401  (the session-wide fixture)
from tests.test_engine_model import GOLDEN, differences, sections
from tests.test_engine_sources_files import (
    COLUMNS,
    example_cells,
    parquet_example,
    same_sections,
    write_config,
)

# the small fixtures at dates that fill every figure, and one where lists and periods are empty
CASES = [("small", AS_OF), ("small", dt.date(2026, 8, 1)), ("two_pipelines", AS_OF),
         ("many_owners", AS_OF)]
SPARK_CASES = [("two_pipelines", AS_OF)]  # one: each query takes Spark ~0.1 s, its start ~30 s
WAREHOUSES = ("bigquery", "snowflake", "databricks")
PASSWORD_VARIABLE = "REPORT_BUILDER_TEST_ENGINE_PASSWORD"



def postgres_engine(server: Any, monkeypatch: pytest.MonkeyPatch) -> EngineConfig:
    from tests.postgres import PASSWORD

    monkeypatch.setenv(PASSWORD_VARIABLE, PASSWORD)
    return EngineConfig("postgres", url=server.url(), password_env=PASSWORD_VARIABLE)


@pytest.fixture
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> BaseBackend:
    """A connection to the engine kind `request.param`, opened as a build opens it."""
    if request.param == "postgres":
        return connect(postgres_engine(request.getfixturevalue("postgres"), monkeypatch))
    if request.param == "spark":
        request.getfixturevalue("spark_session")
        return connect(EngineConfig("spark", master=MASTER))
    return connect()


def tables_of_the_warehouse(con: BaseBackend, dataset: Dataset) -> EngineTables:
    """The dataset's tables as tables of the engine's own (not temporary), as a warehouse
    holds the company's data."""
    return EngineTables(con, **{name: put_arrow(con, unique_name(name), frame_to_arrow(
        name, getattr(dataset, name)), temp=False) for name in TABLES})


def same_figures(con: BaseBackend, fixture: str, as_of: dt.date, folder: Path, *,
                 register: Callable[[BaseBackend, Dataset], EngineTables] = register_dataset,
                 ) -> None:
    """The fixture's tables registered on `con`: every section has the recorded figures."""
    config = load_config(FIXTURES[fixture](folder))
    dataset = load_dataset(config, as_of=as_of)
    view = make_view(register(con, dataset), config, as_of)
    expected = json.loads((GOLDEN / f"{fixture}-{as_of.isoformat()}.json").read_text("utf-8"))
    found = json.loads(json.dumps(to_plain(sections(view))))
    assert differences(expected, found) == []


PARITY = [pytest.param(kind, fixture, as_of, id=f"{kind}-{fixture}-{as_of}")
          for kind in ("duckdb", "postgres") for fixture, as_of in CASES] + [
    # the example on PostgreSQL too (2,000 deals, 15,000 leads copied in): about 2 s
    pytest.param("postgres", "example", AS_OF, id=f"postgres-example-{AS_OF}")] + [
    pytest.param("spark", fixture, as_of, id=f"spark-{fixture}-{as_of}",
                 marks=pytest.mark.spark) for fixture, as_of in SPARK_CASES]


@pytest.mark.parametrize(("engine", "fixture", "as_of"), PARITY, indirect=["engine"])
def test_the_sections_have_the_same_figures_on_every_engine(
        engine: BaseBackend, fixture: str, as_of: dt.date, tmp_path: Path) -> None:
    same_figures(engine, fixture, as_of, tmp_path)


@pytest.fixture(scope="module", params=WAREHOUSES)
def recorded_warehouse(request: pytest.FixtureRequest,
                       tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[ibis.Expr]]:
    """A warehouse and every query the view and the sections run on the CASES there, recorded
    on a DuckDB standing for it: the data in tables of its own, the sums spelled and the view
    held as there (so the figures are checked with that spelling too)."""
    kind = request.param
    con = recording_duckdb(kind)
    for fixture, as_of in CASES:
        same_figures(con, fixture, as_of, tmp_path_factory.mktemp(fixture),
                     register=tables_of_the_warehouse)
    return kind, con.queries


def test_every_query_of_the_sections_compiles_for_the_warehouses(
        recorded_warehouse: tuple[str, list[ibis.Expr]]) -> None:
    kind, warehouse_queries = recorded_warehouse
    assert len(warehouse_queries) >= 15 * len(CASES)  # every section of every case
    failed = {}
    for query in warehouse_queries:
        try:
            sql = ibis.to_sql(query, dialect=kind)
        except Exception as exc:  # noqa: BLE001 (any compiler error is the finding)
            failed[str(exc)] = query
            continue
        assert "fsum" not in sql.lower()
    assert failed == {}


def test_the_recording_duckdb_keeps_the_queries_it_ran() -> None:
    con = recording_duckdb("snowflake")
    table = con.create_table("t", pa.table({"x": [0.1, 0.2, 0.3]}))
    total = table.aggregate(total=accurate_sum(table.x)).to_pyarrow().to_pylist()[0]["total"]
    assert total == pytest.approx(0.6) and len(con.queries) == 1
    assert engine_kind(con) == "snowflake"
    assert "CAST(SUM(CAST(\"t0\".\"x\" AS DECIMAL(38, 9))) AS DOUBLE)" in con.sql()[0]
    assert "`t0`" in con.sql("databricks")[0]


def test_accurate_sum_is_spelled_for_each_engine() -> None:
    table = ibis.table({"x": "float64"}, name="t")

    def sql(kind: str | None, dialect: str) -> str:
        return ibis.to_sql(table.aggregate(s=accurate_sum(table.x, kind=kind)), dialect=dialect)

    assert "FSUM(" in sql("duckdb", "duckdb")
    assert "CAST(\"t0\".\"x\" AS DECIMAL(38, 9))" in sql("postgres", "postgres")
    assert "AS NUMERIC)" in sql("bigquery", "bigquery")
    assert "AS DECIMAL(38, 9))" in sql("spark", "databricks")
    plain = sql(None, "postgres")  # an expression on no engine: the plain sum
    assert "SUM(\"t0\".\"x\")" in plain and "DECIMAL" not in plain


def test_a_frame_registered_twice_on_one_connection_is_two_tables(tmp_path: Path) -> None:
    config = load_config(write_company(tmp_path))
    dataset = load_dataset(config, as_of=AS_OF)
    con = connect()
    first, second = register_dataset(con, dataset), register_dataset(con, dataset)
    assert first.deals.get_name() != second.deals.get_name()
    assert first.deals.count().execute() == second.deals.count().execute() == len(DEALS)


def test_postgres_tables_do_not_collide_and_a_wrong_password_is_not_shown(
        postgres: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    engine = postgres_engine(postgres, monkeypatch)
    config = load_config(write_company(tmp_path))
    dataset = load_dataset(config, as_of=AS_OF)
    con = connect(engine)
    first, second = register_dataset(con, dataset), register_dataset(con, dataset)
    assert first.deals.get_name() != second.deals.get_name()
    assert second.deals.count().execute() == len(DEALS)
    monkeypatch.setenv(PASSWORD_VARIABLE, "not-the-password")
    with pytest.raises(SourceError, match="postgres engine at .* could not be opened") as caught:
        connect(engine)
    assert "not-the-password" not in str(caught.value)
    monkeypatch.delenv(PASSWORD_VARIABLE)
    with pytest.raises(SourceError, match=f"{PASSWORD_VARIABLE} .* is not set"):
        connect(engine)


def test_a_table_copied_into_postgres_comes_back_value_for_value(
        postgres: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """COPY as CSV keeps empty text apart from a missing value, quotes, commas and line breaks
    in text, every digit of a float, and times with and without a zone."""
    table = pa.table({
        "n": list(range(6)),
        "text": ["plain", "", None, 'a "quoted", text', "two\nlines", "NULL"],
        "amount": [0.1, 1 / 3, None, 1e20, -0.0, 123456789.123456789],
        "day": pa.array([dt.datetime(2026, 11, 24), None, dt.datetime(1999, 12, 31, 23, 59, 59),
                         None, dt.datetime(2026, 1, 1), dt.datetime(2026, 1, 1)],
                        pa.timestamp("ns")),
        "at": pa.array([dt.datetime(2026, 11, 24, 10, 11, tzinfo=dt.UTC)] * 6,
                       pa.timestamp("us", tz="UTC")),
        "flag": [True, False, None, True, False, True]})
    con = connect(postgres_engine(postgres, monkeypatch))
    found = put_arrow(con, "copied", table).order_by("n").to_pyarrow()
    assert found.column("text").to_pylist() == table.column("text").to_pylist()
    assert found.column("amount").to_pylist() == table.column("amount").to_pylist()
    assert found.column("day").to_pylist() == table.column("day").cast(
        pa.timestamp("us")).to_pylist()
    assert found.column("at").to_pylist() == table.column("at").to_pylist()
    assert found.column("flag").to_pylist() == table.column("flag").to_pylist()


# dates as text in every format of DATE_FORMATS, real and not: days past the month's end, leap
# and not leap, hours and minutes out of range, one digit, five, two-digit years either side
# of 69, letters, empty
DATE_TEXTS = [
    "2026-11-24", "2026-1-5", "2026-02-30", "2024-02-29", "2023-02-29", "1900-02-29",
    "2000-02-29", "2026-04-31", "2026-4-30", "2026-13-01", "2026-00-10", "02026-01-05",
    "2026-01-05x", "2026-01-05 7:05:09", "2026-01-05 07:5:09", "2026-01-05 23:59:59",
    "2026-01-05 24:00:00", "2026-01-05 23:60:00", "2026-11-24 10:11", "2026-01-05T10:11:12",
    "2026/11/24", "24-11-2026", "11-24-2026", "11/24/2026", "24/11/2026", "1.1.2026",
    "001.1.2026", "24.11.26", "31.12.99", "5/1/69", "5/1/68", "abc", "", None]


def date_parts(table: ir.Table, read: ir.TimestampValue) -> list[tuple]:
    """Each text with the year, month and day it was read as (None: not a date), in order."""
    rows = table.select(table.text, y=read.year(), m=read.month(), d=read.day()).to_pyarrow()
    return sorted(((r["text"], r["y"], r["m"], r["d"]) for r in rows.to_pylist()), key=str)


@pytest.mark.parametrize("engine", ["duckdb", "postgres",
                                    pytest.param("spark", marks=pytest.mark.spark)],
                         indirect=True)
def test_dates_written_as_text_read_as_duckdbs_strptime_reads_them(
        engine: BaseBackend) -> None:
    """Every engine reads a text date as DuckDB's try_strptime does (null where it is no real
    day in the format), so a warehouse's text column is read, not refused; on DuckDB itself
    the portable reading is compared with try_strptime, which builds use there."""
    duckdb_texts = connect().create_table("texts", pa.table({"text": DATE_TEXTS}))
    texts = put_arrow(engine, unique_name("texts"), pa.table({"text": DATE_TEXTS}))
    read = parse_date if engine_kind(engine) != "duckdb" else portable_parse_date
    expected = {fmt: date_parts(duckdb_texts, parse_date(duckdb_texts.text, fmt))
                for fmt in DATE_FORMATS}
    assert {fmt: date_parts(texts, read(texts.text, fmt)) for fmt in DATE_FORMATS} == expected
    iso = expected["%Y-%m-%d"]
    assert ("2024-02-29", 2024, 2, 29) in iso and ("2023-02-29", None, None, None) in iso
    assert ("5/1/68", 2068, 5, 1) in expected["%m/%d/%y"]


@pytest.mark.parametrize("warehouse", WAREHOUSES)
def test_dates_written_as_text_compile_for_the_warehouses(warehouse: str) -> None:
    texts = ibis.table({"text": "string"}, name="texts")
    for fmt in DATE_FORMATS:
        sql = ibis.to_sql(texts.select(day=portable_parse_date(texts.text, fmt)),
                          dialect=warehouse)
        assert "strptime" not in sql.lower()


def test_an_exports_text_cells_in_postgres_tables_give_the_data_layers_figures(
        postgres: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The example's export copied into PostgreSQL as it is, every cell text (dates like
    2026-11-24 too) under a CRM's headers, and read there: the sections, notes and counts of
    the same cells read by the data layer."""
    reference = parquet_example(tmp_path)
    con = connect(postgres_engine(postgres, monkeypatch))
    for table in TABLES:
        put_arrow(con, f"{table}_export", example_cells(table), temp=False)
    sources = "".join(f'{t} = {{ table = "{t}_export" }}\n' for t in TABLES)
    config = write_config(tmp_path, sources + 'path = "."', COLUMNS)
    engine = read_engine_dataset(con, config, as_of=AS_OF)
    assert engine.dataset is None  # read in PostgreSQL, not by the data layer
    same_sections(config, engine, reference)


def _engine_config(tmp_path: Path, section: str) -> EngineConfig:
    return load_config(write_company(tmp_path, extra_config=f"\n[engine]\n{section}")).engine


def test_each_engine_kind_is_read(tmp_path: Path) -> None:
    assert _engine_config(tmp_path / "pg", 'kind = "postgres"\nurl = "postgresql://report@db/crm"'
                          '\npassword_env = "CRM_PASSWORD"\n') == EngineConfig(
        "postgres", url="postgresql://report@db/crm", password_env="CRM_PASSWORD")
    assert _engine_config(tmp_path / "spark", 'kind = "spark"\nmaster = "local[4]"\n') == \
        EngineConfig("spark", master="local[4]")
    assert _engine_config(tmp_path / "bq", 'kind = "bigquery"\nurl = "bigquery://p/d"\n') == \
        EngineConfig("bigquery", url="bigquery://p/d")


def test_every_problem_of_an_engine_kind_is_listed(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _engine_config(tmp_path, 'kind = "postgres"\nmemory_limit = "1GB"\nmaster = "local[2]"\n')
    text = str(caught.value)
    assert "'engine.url': missing (required for kind = \"postgres\")" in text
    assert "'engine.memory_limit': not used by kind = \"postgres\" (only by duckdb)" in text
    assert "'engine.master': not used by kind = \"postgres\" (only by spark)" in text
    with pytest.raises(ConfigError) as caught:
        _engine_config(tmp_path / "s", 'kind = "snowflake"\nurl = "postgresql://x@y/z"\n')
    assert "'engine.url': the engine 'snowflake' takes a URL like \"snowflake://...\"; got " \
        "one starting postgresql://" in str(caught.value)
    with pytest.raises(ConfigError) as caught:  # no scheme: the URL (a password?) not shown
        _engine_config(tmp_path / "p", 'kind = "postgres"\nurl = "report:s3cret@db/crm"\n')
    assert "got no scheme://" in str(caught.value) and "s3cret" not in str(caught.value)
    with pytest.raises(ConfigError) as caught:  # an unknown kind: only that is said
        _engine_config(tmp_path / "k", 'kind = "postgress"\nurl = "postgresql://db/crm"\n')
    assert "'engine.kind': 'postgress' should be one of" in str(caught.value)
    assert "engine.url" not in str(caught.value)
    with pytest.raises(ConfigError, match="'engine.master': 'anywhere' should be a Spark"):
        _engine_config(tmp_path / "m", 'kind = "spark"\nmaster = "anywhere"\n')


def test_a_databricks_url_gives_ibis_its_arguments() -> None:
    assert databricks_arguments("databricks://token:dapi%2F1@adb-1.azuredatabricks.net"
                                "/sql/1.0/warehouses/abc?catalog=main&schema=crm") == {
        "server_hostname": "adb-1.azuredatabricks.net", "http_path": "/sql/1.0/warehouses/abc",
        "access_token": "dapi/1", "catalog": "main", "schema": "crm"}


@pytest.mark.parametrize("warehouse", WAREHOUSES)
def test_a_warehouse_without_its_library_names_the_extra_to_install(warehouse: str) -> None:
    if missing_library(warehouse) is None:
        pytest.skip(f"the {warehouse} library is installed here")
    with pytest.raises(SourceError, match=rf"pip install 'report-builder\[engine-{warehouse}\]'"):
        connect(EngineConfig(warehouse, url=f"{warehouse}://somewhere/data"))


def test_the_readme_engine_configs_are_read_without_a_problem(tmp_path: Path) -> None:
    """Each [engine] of the README's "When the data outgrows one machine" is a valid one, and
    the section shows every kind."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## When the data outgrows one machine", 1)[1].split("\n## ", 1)[0]
    kinds = []
    for block in re.findall(r"```toml\n(.*?)```", section, flags=re.DOTALL):
        raw = tomllib.loads(block)
        if "engine" not in raw:
            continue
        reader = Reader(raw, tmp_path)
        kinds.append(read_engine(reader).kind)
        assert reader.problems == [], block
    assert sorted(kinds) == sorted(ENGINE_KINDS)


def test_spark_without_java_or_pyspark_says_what_to_install(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "")
    expected = (r"pip install 'report-builder\[engine-spark\]'" if missing_library("spark")
                else "needs Java 17 or newer.*default-jre-headless")
    with pytest.raises(SourceError, match=expected):
        connect(EngineConfig("spark", master="local[2]"))


def test_where_there_are_no_temporary_tables_the_view_is_not_held() -> None:
    """Databricks (Ibis 12 makes no temporary tables there): the view's tables stay
    expressions; elsewhere they are held in the engine."""
    con = recording_duckdb("databricks")
    table = con.create_table("t", pa.table({"x": [1.0]}))
    assert hold(table) is table
    held = hold(recording_duckdb("bigquery").create_table("t", pa.table({"x": [1.0]})))
    assert "ibis_cached_" in held.get_name()


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
def test_a_pack_per_team_has_the_same_figures_on_every_engine(engine: BaseBackend,
                                                               tmp_path: Path) -> None:
    """Each team's agenda (model/scope.py: the team read from a table replaced between the
    packs, each query compiled once) as DuckDB gives it. (On Spark too, by hand: its
    session's start and a query's 0.1 s would add half a minute to the suite.)"""
    config = load_config(write_company(tmp_path))
    dataset = load_dataset(config, as_of=AS_OF)

    def agendas(con: BaseBackend) -> dict:
        found = agendas_per_scope(register_dataset(con, dataset), dataset.facts, config, AS_OF,
                                  "team")
        return json.loads(json.dumps(to_plain(found)))

    expected = agendas(connect())
    assert list(expected) == ["North", "South"]
    assert differences(expected, agendas(engine)) == []
