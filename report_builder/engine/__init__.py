"""The engine the agenda's aggregations run in: DuckDB in-process by default, or the company's
database, Spark or a warehouse ([engine] kind).

A layer between data and model. The engine holds the dataset's tables (Parquet files and DuckDB
database files scanned where they lie, a warehouse's tables where they are, or the data layer's
checked frames handed over through Arrow) and the model's expressions (Ibis) run in it,
returning small tables.

- connection.py: `connect` opens the engine with the [engine] section's memory limit and spill
- backends.py: the engines besides DuckDB (PostgreSQL, Spark, the warehouses): opening them,
  copying a frame in, the kind of engine an expression is on, a DuckDB recording its queries
- sources.py: `read_engine_dataset`, the config's sources read lazily where they allow it
  (`scan_parquet_folder` for a folder of canonical Parquet files)
- mapping.py: `map_table`, a raw table mapped (columns, presets, defaults, pipelines) as the
  data layer maps frames; presets.py: the presets' conversions as expressions; values.py: its
  columns typed as data/parse.py types them, the values that do not read as checks
- checks.py: the data checks as queries (counts and example ids), the notes' counts
- spellings.py: channel spellings merged, as data/channels.py merges them
- tables.py: `EngineTables`, `register_dataset` (the data layer's frames through Arrow)
- derive.py: the deals' derived columns (step, value, win_probability) in the engine
- fetch.py: `fetch`, a small result as a pandas frame; `one_row`, an aggregate's one row
- sums.py: `accurate_sum`, sums that do not depend on the order of the rows, on every engine
"""

from __future__ import annotations

from report_builder.engine.connection import connect
from report_builder.engine.fetch import fetch, one_row
from report_builder.engine.sources import (
    EngineDataset,
    read_engine_dataset,
    scan_parquet_folder,
)
from report_builder.engine.tables import EngineTables, register_dataset

__all__ = ["EngineDataset", "EngineTables", "connect", "fetch", "one_row", "read_engine_dataset",
           "register_dataset", "scan_parquet_folder"]
