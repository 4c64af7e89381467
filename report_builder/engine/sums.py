"""Sums of floating-point columns with compensated (Kahan) summation, so that a sum of a
million weighted values does not depend on the order the engine adds them in (a plain sum of
1M deals' weighted values differed from pandas' in the 5th decimal, which the JSON writes)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir


@ibis.udf.agg.builtin(name="fsum")
def _fsum(arg: float) -> float:  # type: ignore[empty-body]
    """DuckDB's fsum: the sum with Kahan summation."""


def accurate_sum(column: ir.FloatingColumn, where: ir.BooleanValue | None = None
                 ) -> ir.FloatingScalar:
    return _fsum(column, where=where)  # type: ignore[no-any-return]
