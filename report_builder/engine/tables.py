"""The dataset's tables in the engine: the checked frames of the data layer, through Arrow,
or a folder of Parquet files scanned lazily."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
from ibis.backends.duckdb import Backend as DuckDBBackend

from report_builder.config import Config
from report_builder.data.dataset import Dataset
from report_builder.data.schema import DATASET_TABLES
from report_builder.engine.derive import with_deal_columns
from report_builder.engine.parquet import scan_parquet
from report_builder.errors import DataError, Problem

TABLES = ("deals", "leads", "targets", "campaigns")


@dataclass(frozen=True)
class EngineTables:
    """The tables the model's expressions start from, each an Ibis table in `con`."""

    con: DuckDBBackend
    deals: ir.Table
    leads: ir.Table
    targets: ir.Table
    campaigns: ir.Table


def register_dataset(con: DuckDBBackend, dataset: Dataset) -> EngineTables:
    """The dataset's tables in `con`, each an Arrow table DuckDB reads in place (no copy)."""
    tables = {name: register_frame(con, name, getattr(dataset, name)) for name in TABLES}
    return EngineTables(con, **tables)


def register_frame(con: DuckDBBackend, name: str, frame: pd.DataFrame) -> ir.Table:
    """`frame` as the engine's table `name` (replacing one of that name)."""
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    con.con.register(name, arrow)
    return con.table(name)


def scan_parquet_folder(con: DuckDBBackend, folder: Path, config: Config) -> EngineTables:
    """The dataset's tables from `folder`'s <table>.parquet files, scanned lazily (never loaded
    whole), the deals with their derived columns; raise DataError listing every problem the
    scans' checks found (engine/parquet.py says which checks those are)."""
    problems: list[Problem] = []
    tables = {}
    for name in TABLES:
        path = folder / f"{name}.parquet"
        if not path.is_file():
            problems.append(Problem(str(folder), None, None, None,
                                    f"no {name}.parquet: the engine scans Parquet files here"))
            continue
        scan = scan_parquet(con, path, DATASET_TABLES[name])
        problems += scan.problems
        tables[name] = scan.table
    if problems:
        raise DataError(problems)
    tables["deals"] = with_deal_columns(tables["deals"], config)
    return EngineTables(con, **tables)
