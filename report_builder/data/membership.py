"""Fast `isin` for large string columns.

pandas' `Series.isin` on Arrow-backed strings walks the lookup values in Python (seconds for a
million ids); pyarrow's `is_in` does the same in native code.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def member_of(series: pd.Series, values: pd.Series | Iterable[str]) -> pd.Series:
    """True where the value is one of `values`; False for missing values."""
    lookup = pd.Series(values).dropna().astype(str).unique()
    if len(series) == 0:
        return pd.Series(False, index=series.index, dtype=bool)
    hit = pc.is_in(_arrow(series), value_set=pa.array(lookup, type=pa.string()))
    return pd.Series(hit.to_numpy(zero_copy_only=False), index=series.index).fillna(False)\
        .astype(bool)


def _is_arrow_string(series: pd.Series) -> bool:
    dtype = series.dtype
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def positions_in(series: pd.Series, lookup: pd.Series) -> np.ndarray:
    """For each value, its position in `lookup` (the first, if repeated), or -1 when absent."""
    if len(series) == 0 or len(lookup) == 0:
        return np.full(len(series), -1, dtype=np.int64)
    found = pc.index_in(_arrow(series), value_set=_arrow(lookup))
    return np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def take_text(values: pd.Series, positions: np.ndarray, index: pd.Index) -> pd.Series:
    """values[positions] as a string column, missing where the position is -1."""
    if len(values) == 0:
        return pd.Series(pd.NA, index=index, dtype="string")
    indices = pa.array(positions, mask=positions < 0)
    taken = pc.take(_arrow(values), indices)
    array = taken.combine_chunks() if isinstance(taken, pa.ChunkedArray) else taken
    return pd.Series(pd.arrays.ArrowStringArray(array.cast(pa.large_string())), index=index)


def take_flag(values: pd.Series, positions: np.ndarray) -> np.ndarray:
    """values[positions] for a boolean column, False where the position is -1."""
    if len(values) == 0:
        return np.zeros(len(positions), dtype=bool)
    flags = values.to_numpy(dtype=bool)
    return flags[np.where(positions < 0, 0, positions)] & (positions >= 0)


def _arrow(series: pd.Series) -> pa.ChunkedArray | pa.Array:
    if _is_arrow_string(series):
        return pa.chunked_array(series.array._pa_array)  # type: ignore[attr-defined]
    return pa.array(series.astype("string").to_numpy(dtype=object, na_value=None),
                    type=pa.string())
