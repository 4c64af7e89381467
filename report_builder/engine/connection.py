"""Open the engine: DuckDB in-process by default, within the [engine] section's memory limit;
the other kinds (PostgreSQL, Spark, the warehouses) through engine/backends.py."""

from __future__ import annotations

import ibis
from ibis.backends import BaseBackend

from report_builder.config import EngineConfig
from report_builder.engine.backends import open_engine


def connect(engine: EngineConfig | None = None) -> BaseBackend:
    """The engine `engine` names: by default a new in-memory DuckDB, its memory capped at
    `engine.memory_limit` (past it, DuckDB spills to `engine.spill`, made when missing)."""
    engine = engine or EngineConfig()
    if engine.kind != "duckdb":
        return open_engine(engine)
    con = ibis.duckdb.connect()
    if engine.memory_limit is not None:
        con.raw_sql(f"SET memory_limit = '{_quoted(engine.memory_limit)}'")
    if engine.spill is not None:
        engine.spill.mkdir(parents=True, exist_ok=True)
        con.raw_sql(f"SET temp_directory = '{_quoted(str(engine.spill))}'")
    return con


def _quoted(text: str) -> str:
    """`text` inside a SQL string literal."""
    return text.replace("'", "''")
