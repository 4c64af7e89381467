"""Small results out of the engine."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import ibis.expr.operations as ops
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa


def fetch(expr: ir.Table) -> pd.DataFrame:
    """A small result as a pandas frame, through Arrow: Ibis' own `to_pandas` re-types every
    column in Python, about 30 ms a result, which a pack asking a few dozen questions of a
    small dataset would spend more on than on the questions."""
    return expr.to_pyarrow().to_pandas()


def one_row(table: ir.Table, **figures: ir.Scalar) -> dict[str, Any]:
    """One aggregate row of `table` as plain Python values (sums of no rows are 0)."""
    found = table.aggregate(**figures).to_pyarrow().to_pylist()[0]
    return {name: 0 if value is None else value for name, value in found.items()}


def results_at_once(exprs: Sequence[ir.Table]) -> list[pa.Table]:
    """The results of independent queries, as `to_pyarrow` gives each, run at the same time
    where the engine is DuckDB and they read only what every connection to its database
    sees: each on a cursor of its own, in a thread. One connection runs its queries one
    after the other, and a scan of one Parquet row group keeps one core busy: the checks of
    1M deals (one row group) and of 2M leads took 2.7 s one after the other, 1.9-2.4 s at
    once on two cores. Elsewhere (and for one query) one after the other."""
    if len(exprs) < 2 or not _on_shared_duckdb(exprs):
        return [expr.to_pyarrow() for expr in exprs]
    from ibis.backends.duckdb.converter import DuckDBPyArrowData

    backend: Any = exprs[0]._find_backend()
    queries = [backend.compile(expr.as_table()) for expr in exprs]

    def run(sql: str) -> pa.Table:
        cursor = backend.con.cursor()
        try:
            for setting in _SESSION:
                cursor.execute(setting)
            return cursor.sql(sql).to_arrow_table()
        finally:
            cursor.close()

    with ThreadPoolExecutor(len(queries), thread_name_prefix="engine-query") as pool:
        found = list(pool.map(run, queries))
    return [expr.__pyarrow_result__(table, data_mapper=DuckDBPyArrowData)
            for expr, table in zip(exprs, found, strict=True)]


# what Ibis sets on its DuckDB connection (ibis/backends/duckdb `_post_connect`), set on each
# cursor too: a cursor starts with the database's defaults
_SESSION = ("SET TimeZone = 'UTC'", "SET python_enable_replacements = false")


def _on_shared_duckdb(exprs: Sequence[ir.Table]) -> bool:
    """Whether `exprs` run on one DuckDB connection and read no table or view of that
    connection alone (a temporary one, or one of Ibis's in-memory tables), which a cursor
    does not see."""
    from report_builder.engine.backends import engine_kind

    backends = {id(expr._find_backend()): expr._find_backend() for expr in exprs}
    if len(backends) != 1:
        return False
    (backend,) = backends.values()
    if engine_kind(backend) != "duckdb" or getattr(backend, "stands_for", None):
        return False
    read = set()
    for expr in exprs:
        if expr.op().find(ops.InMemoryTable):
            return False
        read |= {table.name for table in expr.op().find(ops.DatabaseTable)}
    temporary = {str(row[0]) for row in backend.raw_sql(
        "SELECT table_name FROM duckdb_tables() WHERE temporary UNION ALL "
        "SELECT view_name FROM duckdb_views() WHERE temporary").fetchall()}
    return not read & temporary
