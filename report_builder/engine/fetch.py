"""Small results out of the engine."""

from __future__ import annotations

import ibis.expr.types as ir
import pandas as pd


def fetch(expr: ir.Table) -> pd.DataFrame:
    """A small result as a pandas frame, through Arrow: Ibis' own `to_pandas` re-types every
    column in Python, about 30 ms a result, which a pack asking a few dozen questions of a
    small dataset would spend more on than on the questions."""
    return expr.to_pyarrow().to_pandas()
