"""The engine layer: the [engine] section, the DuckDB connection it opens and the dataset's
tables registered in it (tests/test_engine_checks.py and test_engine_sources_files.py: the
sources the engine scans itself, and their checks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from report_builder.config import EngineConfig, load_config
from report_builder.data.load import load_dataset
from report_builder.engine import connect, register_dataset
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
