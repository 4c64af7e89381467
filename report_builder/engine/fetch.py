"""Small results out of the engine."""

from __future__ import annotations

from typing import Any

import ibis.expr.types as ir
import pandas as pd


def fetch(expr: ir.Table) -> pd.DataFrame:
    """A small result as a pandas frame, through Arrow: Ibis' own `to_pandas` re-types every
    column in Python, about 30 ms a result, which a pack asking a few dozen questions of a
    small dataset would spend more on than on the questions."""
    return expr.to_pyarrow().to_pandas()


def one_row(table: ir.Table, **figures: ir.Scalar) -> dict[str, Any]:
    """One aggregate row of `table` as plain Python values (sums of no rows are 0)."""
    found = table.aggregate(**figures).to_pyarrow().to_pylist()[0]
    return {name: 0 if value is None else value for name, value in found.items()}
