"""The engine the agenda's aggregations run in: DuckDB in-process by default, or the company's
database, Spark or a warehouse ([engine] kind).

A layer between data and model. The data layer reads and checks the tables; the engine holds
them (the checked frames handed over through Arrow, Parquet files scanned lazily where they
lie) and the model's expressions (Ibis) run in it, returning small tables.

- connection.py: `connect` opens the engine with the [engine] section's memory limit and spill
- backends.py: the engines besides DuckDB (PostgreSQL, Spark, the warehouses): opening them,
  copying a frame in, the kind of engine an expression is on, a DuckDB recording its queries
- tables.py: `EngineTables`, the dataset's tables in the engine (`register_dataset` from the
  data layer's frames, `scan_parquet_folder` from a folder of Parquet files)
- parquet.py: `scan_parquet`, a canonical Parquet table scanned lazily, with its checks
- derive.py: the deals' derived columns (step, value, win_probability) in the engine
- fetch.py: `fetch`, a small result as a pandas frame; `one_row`, an aggregate's one row
- sums.py: `accurate_sum`, sums that do not depend on the order of the rows, on every engine
"""

from __future__ import annotations

from report_builder.engine.connection import connect
from report_builder.engine.fetch import fetch, one_row
from report_builder.engine.parquet import ParquetScan, scan_parquet
from report_builder.engine.tables import EngineTables, register_dataset, scan_parquet_folder

__all__ = ["EngineTables", "ParquetScan", "connect", "fetch", "one_row", "register_dataset",
           "scan_parquet", "scan_parquet_folder"]
