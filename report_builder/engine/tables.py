"""The dataset's tables in the engine: `EngineTables`, and the data layer's checked frames
handed over through Arrow (engine/sources.py reads the sources the engine scans itself)."""

from __future__ import annotations

from dataclasses import dataclass

import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
from ibis.backends.duckdb import Backend as DuckDBBackend

from report_builder.data.dataset import Dataset

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
