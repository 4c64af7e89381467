"""Sums of floating-point columns that do not depend on the order the engine adds the rows in
(a plain sum of 1M deals' weighted values differed from pandas' in the 5th decimal, which the
JSON writes; a distributed engine adds its partitions in any order).

Each engine spells it its own way (`accurate_sum` picks by the expression's engine, or takes
the engine kind):
- DuckDB: `fsum`, its sum with Kahan summation;
- PostgreSQL, Spark, BigQuery, Snowflake, Databricks: the values as exact decimals
  (DECIMAL(38, 9), BigQuery's NUMERIC: 9 decimals, far below the cent) summed exactly and
  turned back into a float;
- any other engine (and an expression on no engine): the plain sum, whose last digits may
  depend on the order of the rows.
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from report_builder.engine.backends import expression_kind

EXACT = dt.Decimal(38, 9)
DECIMAL_SUMS = ("postgres", "spark", "bigquery", "snowflake", "databricks")


@ibis.udf.agg.builtin(name="fsum")
def _fsum(arg: float) -> float:  # type: ignore[empty-body]
    """DuckDB's fsum: the sum with Kahan summation."""


def accurate_sum(column: ir.FloatingColumn, where: ir.BooleanValue | None = None, *,
                 kind: str | None = None) -> ir.FloatingScalar:
    """The sum of `column` (of the rows where `where` holds) in the spelling of engine `kind`
    (ENGINE_KINDS), by default the engine `column` is on."""
    kind = kind or expression_kind(column)
    if kind == "duckdb":
        return _fsum(column, where=where)  # type: ignore[no-any-return]
    if kind in DECIMAL_SUMS:
        return column.cast(EXACT).sum(where=where).cast("float64")  # type: ignore[no-any-return]
    return column.sum(where=where)
