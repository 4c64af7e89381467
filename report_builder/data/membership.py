"""Fast `isin` for large string columns.

pandas' `Series.isin` on Arrow-backed strings walks the lookup values in Python (seconds for a
million ids); pyarrow's `is_in` does the same in native code.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def member_of(series: pd.Series, values: pd.Series | Iterable[str]) -> pd.Series:
    """True where the value is one of `values`; False for missing values."""
    lookup = pd.Series(values).dropna().astype(str).unique()
    if len(series) == 0:
        return pd.Series(False, index=series.index, dtype=bool)
    array = pa.array(series.astype("string").to_numpy(dtype=object, na_value=None),
                     type=pa.string()) if not _is_arrow_string(series) else \
        pa.chunked_array(series.array._pa_array)  # type: ignore[attr-defined]
    hit = pc.is_in(array, value_set=pa.array(lookup, type=pa.string()))
    return pd.Series(hit.to_numpy(zero_copy_only=False), index=series.index).fillna(False)\
        .astype(bool)


def _is_arrow_string(series: pd.Series) -> bool:
    dtype = series.dtype
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"
