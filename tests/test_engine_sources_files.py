"""The sources the engine reads where they lie (engine/sources.py): the example's data as Parquet
files under the headers a config maps, as the tables of a DuckDB file, as a table of the
engine's own connection (a warehouse's `crm.opportunities`), and a HubSpot-shaped export
through the preset, each give the pandas path's sections and notes exactly; and the files are
scanned, never loaded whole."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from report_builder.config import Config, load_config
from report_builder.data.load import load_dataset
from report_builder.engine import EngineDataset, connect, read_engine_dataset
from report_builder.errors import ConfigError
from report_builder.model import engine_pipeline, engine_targets, pipeline, targets
from report_builder.model.engine_view import make_engine_view
from report_builder.model.view import make_view
from tests.small_company import write_company
from tests.test_engine_sections import differences

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "nordlys"
AS_OF = dt.date(2026, 11, 24)
TABLES = ("deals", "leads", "targets", "campaigns")
# the example's headers as a CRM of its own names them, mapped back by [data.columns.<table>]
RENAMED = {"deals": {"owner": "Deal owner", "stage": "Sales stage", "amount": "Deal value"},
           "leads": {"source_channel": "Lead source", "created_date": "Created"}}
COLUMNS = "".join(f"\n[data.columns.{table}]\n" + "".join(
    f'{canonical} = "{header}"\n' for canonical, header in renamed.items())
    for table, renamed in RENAMED.items())


def example_text(data: str) -> str:
    """The example's report.toml reading its data from `data`, output beside it."""
    text = (EXAMPLE / "report.toml").read_text(encoding="utf-8")
    return text.replace('path = "data"', data).replace('dir = "../../out"', 'dir = "out"')


def example_cells(table: str, *, renamed: bool = True) -> pa.Table:
    """The example's table as its CSV has it: every cell text (empty: null), under the
    RENAMED headers unless not `renamed`."""
    frame = pd.read_csv(EXAMPLE / "data" / f"{table}.csv", dtype=str, keep_default_na=False)
    frame = frame.rename(columns=RENAMED.get(table, {}) if renamed else {})
    return pa.Table.from_pandas(frame.mask(frame == ""), preserve_index=False)


def with_stages_after_data(text: str, extra: str) -> str:
    """`extra` (tables under [data]) put before [stages], where TOML keeps them in [data]."""
    return text.replace("\n[stages]", f"{extra}\n[stages]", 1)


def write_config(folder: Path, data: str, extra: str = "") -> Config:
    path = folder / "report.toml"
    path.write_text(with_stages_after_data(example_text(data), extra), encoding="utf-8")
    return load_config(path)


def parquet_example(folder: Path) -> Config:
    for table in TABLES:
        pq.write_table(example_cells(table), folder / f"{table}.parquet")
    return write_config(folder, 'path = "."', COLUMNS)


def duckdb_example(folder: Path) -> Config:
    with duckdb.connect(str(folder / "crm.duckdb")) as db:
        for table in TABLES:
            db.register("cells", example_cells(table))
            db.execute(f'CREATE TABLE "{table}" AS SELECT * FROM cells')
            db.unregister("cells")
    sources = "".join(f'{t} = {{ path = "crm.duckdb", table = "{t}" }}\n' for t in TABLES)
    return write_config(folder, sources, COLUMNS)


def same_sections(config: Config, engine: EngineDataset, expected_from: Config) -> None:
    """The engine's targets, pipeline and notes are the pandas path's (from `expected_from`)."""
    dataset = load_dataset(expected_from, as_of=AS_OF)
    pandas_view = make_view(dataset, expected_from, AS_OF)
    engine_view = make_engine_view(engine.tables, config, AS_OF)
    assert differences(pipeline.build_pipeline(pandas_view),
                       engine_pipeline.build_pipeline(engine_view)) == []
    assert differences(targets.build_targets(pandas_view),
                       engine_targets.build_targets(engine_view)) == []
    assert engine.counts.notes == tuple(dataset.notes)
    assert engine.counts.row_counts == {t: len(getattr(dataset, t)) for t in TABLES}


def leaves(table: ir.Table) -> list[ops.Node]:
    """The tables an expression reads from."""
    return list(table.op().find((ops.DatabaseTable, ops.InMemoryTable, ops.SQLQueryResult)))


def test_parquet_files_under_the_configs_headers_give_the_pandas_figures(
        tmp_path: Path) -> None:
    config = parquet_example(tmp_path)
    con = connect()
    engine = read_engine_dataset(con, config, as_of=AS_OF)
    same_sections(config, engine, config)
    for table in (engine.tables.deals, engine.tables.leads):
        found = leaves(table)
        assert found and not [n for n in found if isinstance(n, ops.InMemoryTable)]
    views = dict(con.raw_sql("SELECT view_name, sql FROM duckdb_views() "
                             "WHERE NOT internal").fetchall())
    assert "read_parquet" in views["scan_deals"] and "deals.parquet" in views["scan_deals"]


def test_a_duckdb_files_tables_give_the_pandas_figures(tmp_path: Path) -> None:
    config = duckdb_example(tmp_path)
    engine = read_engine_dataset(connect(), config, as_of=AS_OF)
    same_sections(config, engine, config)
    queries = [n for n in leaves(engine.tables.deals) if isinstance(n, ops.SQLQueryResult)]
    assert queries and all('"deals"' in q.query and "db_crm" in q.query for q in queries)
    assert not [n for n in leaves(engine.tables.deals) if isinstance(n, ops.InMemoryTable)]


def test_a_table_of_the_engines_connection_gives_the_pandas_figures(tmp_path: Path) -> None:
    """`deals = { table = "crm.opportunities" }`: read from the engine's own connection (here
    DuckDB holding a schema `crm`, as a warehouse would), mapped by the config's columns."""
    reference = parquet_example(tmp_path)
    con = connect()
    con.raw_sql("CREATE SCHEMA crm")
    for table in TABLES:
        con.con.register("cells", example_cells(table))
        con.raw_sql(f"CREATE TABLE crm.{table}_export AS SELECT * FROM cells")
        con.con.unregister("cells")
    sources = "".join(f'{t} = {{ table = "crm.{t}_export" }}\n' for t in TABLES)
    config = write_config(tmp_path, sources + 'path = "."', COLUMNS)
    engine = read_engine_dataset(con, config, as_of=AS_OF)
    assert engine.counts.sources["deals"] == "crm.deals_export"
    same_sections(config, engine, reference)


HUBSPOT_DEALS = {"deal_id": "Record ID", "name": "Deal Name", "account": "Associated Company",
                 "owner": "Deal owner", "stage": "Deal Stage", "amount": "Amount",
                 "currency": "Currency", "created_date": "Create Date",
                 "close_date": "Close Date", "source_channel": "Original Traffic Source",
                 "campaign_id": "Original Traffic Source Drill-Down 1",
                 "won_reason": "Closed Won Reason", "lost_reason": "Closed Lost Reason",
                 "probability": "Deal probability", "team": "HubSpot Team"}


def hubspot_deals() -> pd.DataFrame:
    """The example's deals as HubSpot exports them: its headers, times of day after the dates,
    deactivated owners, channels as HubSpot's internal values."""
    frame = pd.read_csv(EXAMPLE / "data" / "deals.csv", dtype=str, keep_default_na=False)
    frame = frame[list(HUBSPOT_DEALS)].rename(columns=HUBSPOT_DEALS)
    frame["Create Date"] = frame["Create Date"] + " 09:30"
    every_third = frame.index % 3 == 0
    frame.loc[every_third, "Deal owner"] += " (Deactivated User)"
    channel = frame["Original Traffic Source"]
    frame.loc[every_third, "Original Traffic Source"] = channel.str.upper().str.replace(" ", "_")
    frame["Unused property"] = "x"
    return frame.mask(frame == "")


def test_a_hubspot_export_is_mapped_through_the_preset(tmp_path: Path) -> None:
    """The same export as CSV for the pandas path and as Parquet for the engine."""
    frame = hubspot_deals()
    frame.to_csv(tmp_path / "deals.csv", index=False)
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp_path / "deals.parquet")
    for table in TABLES[1:]:
        pq.write_table(example_cells(table, renamed=False), tmp_path / f"{table}.parquet")
    rest = "".join(f'{t} = "{t}.parquet"\n' for t in TABLES[1:])
    pandas_config = write_config(tmp_path, f'preset = "hubspot"\ndeals = "deals.csv"\n{rest}')
    (tmp_path / "pandas.toml").write_text(pandas_config.path.read_text(), encoding="utf-8")
    config = write_config(tmp_path, f'preset = "hubspot"\ndeals = "deals.parquet"\n{rest}')
    engine = read_engine_dataset(connect(), config, as_of=AS_OF)
    deals = engine.tables.deals
    assert not deals.owner.contains("Deactivated").any().to_pyarrow().as_py()
    assert [n for n in leaves(deals) if isinstance(n, ops.DatabaseTable)]
    same = load_config(tmp_path / "pandas.toml")
    dataset = load_dataset(same, as_of=AS_OF)
    assert any(n.key == "ignored_columns" for n in dataset.notes)
    engine_notes = [n for n in engine.counts.notes if n.key != "ignored_columns"]
    assert engine_notes == [n for n in dataset.notes if n.key != "ignored_columns"]
    pandas_view = make_view(dataset, same, AS_OF)
    engine_view = make_engine_view(engine.tables, config, AS_OF)
    assert differences(pipeline.build_pipeline(pandas_view),
                       engine_pipeline.build_pipeline(engine_view)) == []
    assert differences(targets.build_targets(pandas_view),
                       engine_targets.build_targets(engine_view)) == []


def test_csv_sources_are_read_by_the_data_layer_and_handed_over(tmp_path: Path) -> None:
    config = load_config(write_company(tmp_path))
    engine = read_engine_dataset(connect(), config)
    assert engine.counts.sources["deals"] == "deals.csv"
    assert [n for n in leaves(engine.tables.deals) if isinstance(n, ops.DatabaseTable)]


@pytest.mark.parametrize(("source", "message"), [
    ('{ table = "crm.deals", sql = "SELECT 1" }', "either table"),
    ('{ path = "deals.csv", table = "deals" }', "a table is read from a DuckDB file"),
])
def test_a_table_source_is_checked(source: str, message: str, tmp_path: Path) -> None:
    (tmp_path / "deals.csv").write_text("deal_id\n", encoding="utf-8")
    path = tmp_path / "report.toml"
    path.write_text(with_stages_after_data(example_text(f"deals = {source}"), ""),
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_deals_convert_at_the_rate_table_rate_of_their_close_date(tmp_path: Path) -> None:
    """The CRM's rate table (Salesforce CurrencyType and DatedConversionRate): each deal at the
    dated rate in force on its close date, else the fixed rate, in the engine as in pandas."""
    from tests.small_company import DEALS
    from tests.test_engine_checks import CURRENCY, changed, engine_copy

    deals = changed(changed(DEALS, "D1", CURRENCY, "EUR"), "D5", CURRENCY, "eur")
    config = write_company(tmp_path, deals=deals)
    (tmp_path / "CurrencyType.csv").write_text(
        "IsoCode,ConversionRate,IsCorporate,IsActive\nDKK,1,1,1\nEUR,0.134,0,1\n")
    (tmp_path / "DatedConversionRate.csv").write_text(
        "IsoCode,ConversionRate,StartDate,NextStartDate\nEUR,0.13,0001-01-01,2026-11-01\n"
        "EUR,0.14,2026-11-01,9999-12-31\nDKK,1,0001-01-01,9999-12-31\n")
    text = config.read_text(encoding="utf-8").replace(
        "currency_rates = { EUR = 7.5 }", 'currency_rates = { path = "CurrencyType.csv", '
        'dated = "DatedConversionRate.csv" }')
    config.write_text(text, encoding="utf-8")
    dataset = load_dataset(load_config(config))
    engine = read_engine_dataset(connect(), load_config(engine_copy(config, "parquet")))
    values = engine.tables.deals.select("deal_id", "value").to_pandas()
    got = dict(zip(values["deal_id"], values["value"], strict=True))
    expected = dict(zip(dataset.deals["deal_id"], dataset.deals["value"], strict=True))
    assert got == pytest.approx(expected)
    assert got["D1"] == pytest.approx(100000 / 0.13) and got["D3"] == pytest.approx(1000 / 0.14)
