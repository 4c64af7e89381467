"""The sources the engine reads where they lie (engine/sources.py): the example's data as Parquet
files under the headers a config maps, as the tables of a DuckDB file, as a table of the
engine's own connection (a warehouse's `crm.opportunities`), and a HubSpot-shaped export
through the preset, each give the sections and notes of the same data read by the data layer
and handed to the engine, exactly; and the files are scanned, never loaded whole."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path

import duckdb
import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from report_builder.config import Config, load_config
from report_builder.data.dataset import DataNote, Dataset
from report_builder.data.load import load_dataset
from report_builder.data.presets import MappingReport
from report_builder.data.schema import DATASET_TABLES, Kind
from report_builder.engine import EngineDataset, connect, read_engine_dataset, register_dataset
from report_builder.engine.sources import checked_dataset, lazy_sources
from report_builder.engine.values import TRIMMED, maybe_padded
from report_builder.errors import ConfigError
from report_builder.model.view import make_view
from report_builder.renderers.json import to_plain
from tests.small_company import write_company
from tests.test_engine_model import differences, sections

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


def plain_sections(engine: EngineDataset | Dataset, config: Config) -> dict:
    """Every section from the tables the engine read, or from a dataset the data layer read
    (handed to the engine), as plain values."""
    tables = register_dataset(connect(), engine) if isinstance(engine, Dataset) else \
        engine.tables
    return to_plain(sections(make_view(tables, config, AS_OF)))  # type: ignore[no-any-return]


def same_sections(config: Config, engine: EngineDataset, expected_from: Config) -> None:
    """The engine's sections and notes are those of the data layer's reading of
    `expected_from`."""
    dataset = load_dataset(expected_from, as_of=AS_OF)
    assert differences(plain_sections(dataset, expected_from),
                       plain_sections(engine, config)) == []
    assert engine.facts.notes == tuple(dataset.notes)
    assert engine.facts.row_counts == {t: len(getattr(dataset, t)) for t in TABLES}
    assert [unsourced(r) for r in engine.mappings] == [unsourced(r) for r in dataset.mappings]


def unsourced(report: MappingReport) -> MappingReport:
    """The report without the source it names (one table read from two kinds of source)."""
    return dataclasses.replace(report, source="")


def leaves(table: ir.Table) -> list[ops.Node]:
    """The tables an expression reads from."""
    return list(table.op().find((ops.DatabaseTable, ops.InMemoryTable, ops.SQLQueryResult)))


def test_parquet_files_under_the_configs_headers_give_the_pandas_figures(
        tmp_path: Path) -> None:
    config = parquet_example(tmp_path)
    con = connect()
    engine = read_engine_dataset(con, config, as_of=AS_OF)
    assert engine.dataset is None  # read by the engine, not the data layer
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
    assert engine.facts.sources["deals"] == "crm.deals_export"
    same_sections(config, engine, reference)


def example_deals(headers: dict[str, str]) -> pd.DataFrame:
    """The example's deals (every cell text) under a CRM's headers."""
    frame = pd.read_csv(EXAMPLE / "data" / "deals.csv", dtype=str, keep_default_na=False)
    return frame[list(headers)].rename(columns=headers)


def hubspot_deals() -> pd.DataFrame:
    """As HubSpot exports them: times of day after the dates, deactivated owners, channels as
    HubSpot's internal values, a property the pack does not use."""
    frame = example_deals({
        "deal_id": "Record ID", "name": "Deal Name", "account": "Associated Company",
        "owner": "Deal owner", "stage": "Deal Stage", "amount": "Amount", "currency": "Currency",
        "created_date": "Create Date", "close_date": "Close Date",
        "source_channel": "Original Traffic Source",
        "campaign_id": "Original Traffic Source Drill-Down 1",
        "won_reason": "Closed Won Reason", "lost_reason": "Closed Lost Reason",
        "probability": "Deal probability", "team": "HubSpot Team"})
    frame["Create Date"] = frame["Create Date"] + " 09:30"
    every_third = frame.index % 3 == 0
    frame.loc[every_third, "Deal owner"] += " (Deactivated User)"
    channel = frame["Original Traffic Source"]
    frame.loc[every_third, "Original Traffic Source"] = channel.str.upper().str.replace(" ", "_")
    frame["Unused property"] = "x"
    return frame


def salesforce_deals() -> pd.DataFrame:
    """As Salesforce exports opportunities: probability in percent, null ids as 15 zeros."""
    frame = example_deals({
        "deal_id": "Id", "name": "Name", "account": "Account Name",
        "owner": "Opportunity Owner", "team": "Owner Role", "stage": "StageName",
        "amount": "Amount", "currency": "CurrencyIsoCode", "created_date": "CreatedDate",
        "close_date": "CloseDate", "source_channel": "LeadSource", "campaign_id": "CampaignId",
        "won_reason": "Win_Reason__c", "lost_reason": "Loss_Reason__c",
        "probability": "Probability (%)"})
    frame["CampaignId"] = frame["CampaignId"].mask(frame["CampaignId"] == "", "000000000000000")
    frame["CloseDate"] = frame["CloseDate"].mask(frame["CloseDate"] != "",
                                                 frame["CloseDate"] + "T12:00:00.000Z")
    return frame


def pipedrive_deals() -> pd.DataFrame:
    """As Pipedrive exports them: a closed deal keeps the stage it was in, its status says it
    closed, and its close date is its won or lost time."""
    frame = example_deals({
        "deal_id": "Deal - ID", "name": "Deal - Title", "account": "Deal - Organization",
        "owner": "Deal - Owner", "stage": "Deal - Stage", "amount": "Deal - Value",
        "currency": "Deal - Currency of value", "created_date": "Deal - Deal created",
        "close_date": "Deal - Expected close date", "source_channel": "Deal - Source channel",
        "lost_reason": "Deal - Lost reason", "probability": "Deal - Probability"})
    stage = frame["Deal - Stage"]
    won, lost = stage == "Closed won", stage == "Closed lost"
    frame["Deal - Status"] = "open"
    frame.loc[won, "Deal - Status"], frame.loc[lost, "Deal - Status"] = "won", "lost"
    frame["Deal - Won time"] = frame["Deal - Expected close date"].where(won, "") + ""
    frame["Deal - Lost time"] = frame["Deal - Expected close date"].where(lost, "")
    frame.loc[won | lost, "Deal - Expected close date"] = "2030-01-01"
    frame.loc[won | lost, "Deal - Stage"] = "Negotiation"
    frame["Deal - Probability"] = frame["Deal - Probability"].mask(
        frame["Deal - Probability"] != "", "35")
    return frame


EXPORTS = {"hubspot": hubspot_deals, "salesforce": salesforce_deals,
           "pipedrive": pipedrive_deals}
# Pipedrive's closed deals are `Won` or `Lost` (their status), beside the example's stages
STAGES = '"Won" = { step = "won" }\n"Lost" = { step = "lost" }\n'


def nearly_equal(left: object, right: object) -> bool:
    """Equal, floats to 12 significant digits (nested dicts, lists and tuples alike)."""
    if isinstance(left, float) and isinstance(right, float):
        return math.isclose(left, right, rel_tol=1e-12)
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(nearly_equal(left[k], right[k])
                                                   for k in left)
    if isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
        return len(left) == len(right) and all(map(nearly_equal, left, right))
    return left == right


def without_source(note: DataNote) -> DataNote:
    """The note without the file it names (the same export as CSV or as Parquet)."""
    return dataclasses.replace(note, values={k: v for k, v in note.values.items()
                                             if k != "source"})


@pytest.mark.parametrize("preset", list(EXPORTS))
def test_a_crm_export_is_mapped_through_its_preset(preset: str, tmp_path: Path) -> None:
    """The same export as CSV for the pandas path and as Parquet for the engine: the preset's
    headers and conversions give the same sections and notes."""
    frame = EXPORTS[preset]()
    frame.to_csv(tmp_path / "deals.csv", index=False)
    cells = pa.Table.from_pandas(frame.mask(frame == ""), preserve_index=False)
    pq.write_table(cells, tmp_path / "deals.parquet")
    for table in TABLES[1:]:
        pq.write_table(example_cells(table, renamed=False), tmp_path / f"{table}.parquet")
    rest = "".join(f'{t} = {{ path = "{t}.parquet", preset = "canonical" }}\n'
                   for t in TABLES[1:])
    configs = {}
    for name, deals in (("pandas", "deals.csv"), ("engine", "deals.parquet")):
        text = example_text(f'preset = "{preset}"\ndeals = "{deals}"\n{rest}')
        path = tmp_path / f"{name}.toml"
        text = text.replace('\n"Qualification"', f'\n{STAGES}"Qualification"', 1)
        path.write_text(text, encoding="utf-8")
        configs[name] = load_config(path)
    engine = read_engine_dataset(connect(), configs["engine"], as_of=AS_OF)
    deals = engine.tables.deals
    assert [n for n in leaves(deals) if isinstance(n, ops.DatabaseTable)]
    assert not [n for n in leaves(deals) if isinstance(n, ops.InMemoryTable)]
    dataset = load_dataset(configs["pandas"], as_of=AS_OF)
    assert [without_source(n) for n in engine.facts.notes] == \
        [without_source(n) for n in dataset.notes]
    assert [unsourced(r) for r in engine.mappings] == [unsourced(r) for r in dataset.mappings]
    assert engine.mappings[0].preset == preset and engine.mappings[0].mapped["deal_id"]
    # Salesforce's percentages (0.35 / 100) read in pandas and in the engine can differ in
    # their 16th digit
    assert nearly_equal(plain_sections(dataset, configs["pandas"]),
                        plain_sections(engine, configs["engine"]))
    if preset == "hubspot":
        assert not deals.owner.contains("Deactivated").any().to_pyarrow().as_py()
    if preset == "pipedrive":
        assert deals.stage.isin(["Won", "Lost"]).sum().to_pyarrow().as_py() > 0


def test_a_hubspot_export_with_date_entered_columns_goes_through_the_data_layer(
        tmp_path: Path) -> None:
    """Its `Date entered` columns are a stage history, which the engine does not read yet."""
    frame = hubspot_deals()
    frame['Date entered "Closed won (Sales Pipeline)"'] = ""
    pq.write_table(pa.Table.from_pandas(frame.mask(frame == ""), preserve_index=False),
                   tmp_path / "deals.parquet")
    config = write_config(tmp_path, 'preset = "hubspot"\ndeals = "deals.parquet"')
    assert lazy_sources(connect(), config) is None
    dataset = load_dataset(config, as_of=AS_OF)
    assert read_engine_dataset(connect(), config, as_of=AS_OF).facts.notes == \
        tuple(dataset.notes)


def test_csv_sources_are_read_by_the_data_layer_and_handed_over(tmp_path: Path) -> None:
    config = load_config(write_company(tmp_path))
    engine = read_engine_dataset(connect(), config)
    assert engine.facts.sources["deals"] == "deals.csv"
    assert engine.dataset is not None and engine.dataset.sources == engine.facts.sources
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


def test_the_starters_danish_headers_and_words_are_read(tmp_path: Path) -> None:
    """A canonical folder written under the starter workbook's Danish headers (and its lead
    statuses in Danish) reads as the data layer reads it."""
    from report_builder.i18n import starter_words

    words = starter_words("da")
    for table in TABLES:
        cells = example_cells(table, renamed=False).to_pandas()
        if table == "leads":
            cells["status"] = cells["status"].map(
                lambda v: words.get(f"value.status.{v}", v) if isinstance(v, str) else v)
        cells = cells.rename(columns={c: words.get(f"header.{table}.{c}", c)
                                      for c in cells.columns})
        pq.write_table(pa.Table.from_pandas(cells, preserve_index=False),
                       tmp_path / f"{table}.parquet")
    assert "Aftale-id" in pq.read_schema(tmp_path / "deals.parquet").names
    config = write_config(tmp_path, 'path = "."')
    engine = read_engine_dataset(connect(), config, as_of=AS_OF)
    assert engine.dataset is None
    assert engine.tables.leads.status.isin(["accepted"]).sum().to_pyarrow().as_py() > 0
    same_sections(config, engine, config)


def test_a_folder_of_parquet_parts_is_one_table(tmp_path: Path) -> None:
    """`deals/` holding the deals in several Parquet files (as a warehouse exports them); no
    row order across the files, so examples are named by id (the example's ids are in file
    order, so the notes are the pandas path's on one file)."""
    (tmp_path / "one").mkdir()
    (tmp_path / "parts").mkdir()
    reference = parquet_example(tmp_path / "one")
    parts = parquet_example(tmp_path / "parts")
    (tmp_path / "parts" / "deals.parquet").unlink()
    (tmp_path / "parts" / "deals").mkdir()
    deals = example_cells("deals")
    half = deals.num_rows // 2
    pq.write_table(deals.slice(0, half), tmp_path / "parts" / "deals" / "part-0.parquet")
    pq.write_table(deals.slice(half), tmp_path / "parts" / "deals" / "part-1.parquet")
    engine = read_engine_dataset(connect(), parts, as_of=AS_OF)
    assert engine.facts.sources["deals"] == "deals"
    assert engine.facts.row_counts["deals"] == deals.num_rows
    same_sections(parts, engine, reference)


def test_padded_and_empty_text_and_empty_rows_in_parquet_read_as_the_data_layer_reads_them(
        tmp_path: Path) -> None:
    """Text is read as it is where no cell of its column needs trimming (the usual export);
    where one does, the column is trimmed and "" is empty; a row of empty cells is left out
    and noted. Both give the data layer's reading of the same files."""
    for table in TABLES:
        cells = example_cells(table)
        if table == "deals":
            frame = cells.to_pandas()
            frame["Deal owner"] = " " + frame["Deal owner"] + "\t"  # every owner padded
            frame.loc[frame.index[:3], "account"] = ""  # three empty accounts
            # deal ids ending in each character strip() removes: the leads' deals are
            # found by the trimmed ids
            ends = [TRIMMED[i % len(TRIMMED)] for i in range(len(frame))]
            frame["deal_id"] = frame["deal_id"] + ends
            frame = pd.concat([frame, frame.iloc[:1].map(lambda _: None)], ignore_index=True)
            cells = pa.Table.from_pandas(frame, preserve_index=False)
        if table == "leads":  # one lead of a deal that is not there (the empty row's id is no
            frame = cells.to_pandas()  # deal either)
            frame.loc[frame.index[0], "deal_id"] = "D-NONE"
            cells = pa.Table.from_pandas(frame, preserve_index=False)
        pq.write_table(cells, tmp_path / f"{table}.parquet")
    config = write_config(tmp_path, 'path = "."', COLUMNS)
    engine = read_engine_dataset(connect(), config, as_of=AS_OF)
    same_sections(config, engine, config)
    owners = engine.tables.deals.owner.to_pyarrow().to_pylist()
    assert owners and all(o == o.strip() for o in owners)
    accounts = engine.tables.deals.account.to_pyarrow().to_pylist()
    assert "" not in accounts and accounts.count(None) >= 3
    (empty,) = [n for n in engine.facts.notes if n.key == "empty_rows"]
    assert (empty.table, empty.count) == ("deals", 1)
    (unknown,) = [n for n in engine.facts.notes if n.key == "unknown_deal"]
    assert unknown.count == 1
    ids = engine.tables.deals.deal_id.to_pyarrow().to_pylist()
    assert all(i == i.strip() for i in ids)


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "pyspark"])
def test_trimmed_names_what_strip_removes(dialect: str) -> None:
    """maybe_padded looks for the characters TRIMMED at a value's end: they are the ones
    each engine's strip() removes."""
    compiled = ibis.to_sql(ibis.table({"x": "string"}, name="t").x.strip().name("y"),
                           dialect=dialect)
    removed = compiled.split("TRIM(")[1].split("'")[1].encode().decode("unicode_escape")
    assert set(removed) == set(TRIMMED)


def typed_cells(table: str) -> pa.Table:
    """The example's table as a typed export (a warehouse's Parquet) has it: dates as dates,
    amounts and probabilities as numbers, flags as booleans; empty cells null."""
    frame = pd.read_csv(EXAMPLE / "data" / f"{table}.csv", dtype=str, keep_default_na=False)
    frame = frame.mask(frame == "")
    for column in DATASET_TABLES[table].columns:
        if column.name not in frame:
            continue
        values = frame[column.name]
        if column.kind is Kind.DATE:
            frame[column.name] = pd.to_datetime(values).dt.date
        elif column.kind in (Kind.AMOUNT, Kind.PROBABILITY):
            frame[column.name] = values.astype(float)
        elif column.kind is Kind.BOOL:
            frame[column.name] = values.map({"true": True, "false": False})
    return pa.Table.from_pandas(frame, preserve_index=False)


def typed_parquet_example(folder: Path, deals: pa.Table | None = None) -> Config:
    folder.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        cells = deals if table == "deals" and deals is not None else typed_cells(table)
        pq.write_table(cells, folder / f"{table}.parquet")
    return write_config(folder, 'path = "."')


def test_a_typed_parquet_export_is_read_without_a_pass_for_its_profile(
        queries: list[str], tmp_path: Path) -> None:
    """Nothing to trim, no percent, no empty row: the profile's questions of each table are
    asked with its checks, one query a table fewer than asking them first, and the tables
    read as the data layer reads them."""
    config = typed_parquet_example(tmp_path)
    raws = lazy_sources(connect(), config)
    assert raws is not None
    asked_first = checked_dataset(connect(), dict(raws), config, clean=frozenset())
    queries_asked_first = len(queries)
    queries.clear()
    assumed = read_engine_dataset(connect(), config, as_of=AS_OF)
    assert queries_asked_first - len(queries) == len(TABLES)
    same_sections(config, assumed, config)
    assert plain_sections(assumed, config) == plain_sections(asked_first, config)


def _padded_owner(deals: pd.DataFrame) -> pd.DataFrame:
    deals["owner"] = " " + deals["owner"]
    return deals


def _percent(deals: pd.DataFrame) -> pd.DataFrame:
    deals["probability"] = deals["probability"] * 100
    return deals


def _empty_row(deals: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([deals, deals.iloc[:1].map(lambda _: None)], ignore_index=True)


@pytest.mark.parametrize("unclean", [_padded_owner, _percent, _empty_row])
def test_a_typed_parquet_export_that_is_not_clean_is_read_again_with_its_profile(
        unclean: object, tmp_path: Path) -> None:
    """An owner to trim, probabilities in percent, a row of empty cells: the checks find the
    assumed profile wrong, and the deals are read again, their profile asked first, as the
    data layer reads them."""
    deals = unclean(typed_cells("deals").to_pandas())  # type: ignore[operator]
    config = typed_parquet_example(tmp_path, pa.Table.from_pandas(deals, preserve_index=False))
    engine = read_engine_dataset(connect(), config, as_of=AS_OF)
    same_sections(config, engine, config)
    read = engine.tables.deals.to_pyarrow().to_pandas()
    assert (read["owner"] == read["owner"].str.strip()).all()
    assert read["probability"].max() <= 1
    assert len(read) == typed_cells("deals").num_rows  # the empty row left out


def test_maybe_padded_finds_every_value_strip_would_change() -> None:
    values = ["a", "Ab c", "æøå", "1", "", " a", "a ", "\ta", *(f"x{c}" for c in TRIMMED)]
    table = ibis.memtable({"v": values})
    found = table.select(p=maybe_padded(table.v)).to_pyarrow()["p"].to_pylist()
    changed = [v.strip() != v or v == "" for v in values]
    assert found == changed
