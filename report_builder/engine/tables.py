"""The dataset's tables in the engine: `EngineTables`, and the data layer's checked frames
handed over through Arrow (engine/sources.py reads the sources the engine scans itself).

On DuckDB a frame is read in place (no copy); on the other engines it is copied into a temporary
table (engine/backends.py). Either way its columns are typed as the data layer types them, also a
column without a single value (an all-empty `team`), which Arrow would leave untyped."""

from __future__ import annotations

from dataclasses import dataclass

import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
from ibis.backends import BaseBackend

from report_builder.data.dataset import Dataset
from report_builder.data.schema import DATASET_TABLES, Kind
from report_builder.engine.backends import engine_kind, put_arrow, unique_name

TABLES = ("deals", "leads", "targets", "campaigns")


@dataclass(frozen=True)
class EngineTables:
    """The tables the model's expressions start from, each an Ibis table in `con`."""

    con: BaseBackend
    deals: ir.Table
    leads: ir.Table
    targets: ir.Table
    campaigns: ir.Table


# the Arrow type of a column of each kind, for the columns Arrow finds no type for (no values)
_ARROW_TYPES = {Kind.DATE: pa.timestamp("us"), Kind.TIMESTAMP: pa.timestamp("us", tz="UTC"),
                Kind.AMOUNT: pa.float64(), Kind.PROBABILITY: pa.float64(), Kind.BOOL: pa.bool_()}


def register_dataset(con: BaseBackend, dataset: Dataset) -> EngineTables:
    """The dataset's tables in `con` (DuckDB reads them in place; other engines get a copy)."""
    tables = {name: register_frame(con, name, getattr(dataset, name)) for name in TABLES}
    return EngineTables(con, **tables)


def register_frame(con: BaseBackend, name: str, frame: pd.DataFrame) -> ir.Table:
    """`frame` as a table of the engine, under `name` with a suffix no other table has."""
    arrow = frame_to_arrow(name, frame)
    if engine_kind(con) == "duckdb":
        unique = unique_name(name)
        con.con.register(unique, arrow)  # type: ignore[attr-defined]
        return con.table(unique)  # type: ignore[attr-defined,no-any-return]
    return put_arrow(con, unique_name(name), arrow)


def frame_to_arrow(name: str, frame: pd.DataFrame) -> pa.Table:
    """The dataset's table `name` as Arrow, its columns of no type (no values in them) typed
    by the table's schema: text unless the schema says a date, an amount, ..."""
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    table = DATASET_TABLES.get(name)
    kinds = {c.name: c.kind for c in table.columns} if table else {}
    for i, field in enumerate(arrow.schema):
        if pa.types.is_null(field.type):
            kind = _ARROW_TYPES.get(kinds.get(field.name, Kind.TEXT), pa.string())
            arrow = arrow.set_column(i, field.name, arrow.column(i).cast(kind))
    return arrow
