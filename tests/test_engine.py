"""The engine layer: the [engine] section, the DuckDB connection it opens, the dataset's tables
registered in it, and Parquet files scanned lazily with their checks as queries."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from report_builder.config import EngineConfig, load_config
from report_builder.data.load import load_dataset
from report_builder.data.schema import DATASET_TABLES
from report_builder.engine import connect, register_dataset, scan_parquet
from report_builder.errors import ConfigError
from tests.small_company import DEALS, LEADS, write_company


def test_the_engine_section_is_read(tmp_path: Path) -> None:
    config = load_config(write_company(
        tmp_path, extra_config='\n[engine]\nmemory_limit = "200MB"\nspill = "spill"\n'))
    assert config.engine == EngineConfig("duckdb", "200MB", tmp_path / "spill")


def test_without_an_engine_section_duckdb_with_its_own_limits(tmp_path: Path) -> None:
    assert load_config(write_company(tmp_path)).engine == EngineConfig()


def test_every_problem_of_the_engine_section_is_listed(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(write_company(tmp_path, extra_config=(
            '\n[engine]\nkind = "oracle"\nmemory_limit = "lots"\nspill = "afile"\n')))
    text = str(caught.value)
    assert "'engine.kind': 'oracle' should be one of duckdb" in text
    assert "'engine.memory_limit': 'lots' should be a size like \"200MB\"" in text
    assert "'engine.spill':" in text and "is a file" in text


def test_the_connection_takes_the_memory_limit_and_the_spill_folder(tmp_path: Path) -> None:
    con = connect(EngineConfig(memory_limit="100MB", spill=tmp_path / "spill"))
    limit, folder = con.raw_sql("SELECT current_setting('memory_limit'), "
                                "current_setting('temp_directory')").fetchone()
    assert limit in ("95.3 MiB", "100.0 MB")  # DuckDB writes the size back in its own unit
    assert folder == str(tmp_path / "spill") and (tmp_path / "spill").is_dir()


def test_the_dataset_tables_are_in_the_engine_with_their_rows(tmp_path: Path) -> None:
    config = load_config(write_company(tmp_path))
    dataset = load_dataset(config)
    tables = register_dataset(connect(), dataset)
    assert tables.deals.count().execute() == len(DEALS)
    assert tables.leads.count().execute() == len(LEADS)
    won = tables.deals.filter(tables.deals.step == "won").value.sum().execute()
    assert won == pytest.approx(dataset.deals.loc[dataset.deals["step"] == "won", "value"].sum())
    assert set(tables.targets.columns) == set(dataset.targets.columns)


def _deals_file(folder: Path, **changes: list[object]) -> Path:
    columns: dict[str, list[object]] = {
        "deal_id": ["D1", "D2", "D3", "D4"], "name": ["a", "b", "c", "d"],
        "account": ["A", "B", "C", "D"], "owner": ["Ann", "Bo", "Ann", "Bo"],
        "stage": ["Won", "Won", "Lost", "Proposal"], "amount": [10.0, 20.0, 30.0, 40.0],
        "close_date": pd.to_datetime(["2026-10-01", "2026-10-02", None, "2026-12-01"]),
        "created_date": pd.to_datetime(["2026-09-01"] * 4)}
    columns.update(changes)
    path = folder / "deals.parquet"
    pd.DataFrame(columns).to_parquet(path)
    return path


def test_a_parquet_file_is_scanned_with_its_columns_mapped_and_typed(tmp_path: Path) -> None:
    path = _deals_file(tmp_path)
    pd.read_parquet(path).rename(columns={"owner": "Deal owner"}).to_parquet(path)
    scan = scan_parquet(connect(), path, DATASET_TABLES["deals"], headers={"owner": "Deal owner"})
    assert scan.problems == ()
    frame = scan.table.to_pandas()
    assert list(frame.columns) == [c.name for c in DATASET_TABLES["deals"].columns]
    assert frame["owner"].tolist() == ["Ann", "Bo", "Ann", "Bo"]
    assert frame["amount"].sum() == 100.0 and frame["team"].isna().all()


def test_the_parquet_checks_name_file_rows_column_and_value(tmp_path: Path) -> None:
    path = _deals_file(tmp_path, owner=["Ann", None, None, "Bo"],
                       amount=["10", "twenty", "30", "forty"])
    found = {p.column: p for p in scan_parquet(connect(), path, DATASET_TABLES["deals"]).problems}
    assert set(found) == {"owner", "amount"}
    assert (found["owner"].count, found["owner"].rows) == (2, (2, 3))
    assert "every row needs a value" in found["owner"].message
    amount = found["amount"]
    assert (amount.row, amount.value, amount.count, amount.rows) == (2, "twenty", 2, (2, 4))
    assert str(amount).startswith(f"{path}, 2 rows (2, 4), column 'amount': value 'twenty'")


def test_a_parquet_file_without_a_required_column_is_one_problem(tmp_path: Path) -> None:
    path = _deals_file(tmp_path)
    pd.read_parquet(path).drop(columns=["stage"]).to_parquet(path)
    scan = scan_parquet(connect(), path, DATASET_TABLES["deals"])
    assert [p.message.split(" (")[0] for p in scan.problems] == [
        "missing required column(s): stage"]
    assert scan.table.count().execute() == 0
