"""Open the engine: DuckDB in-process, within the [engine] section's memory limit."""

from __future__ import annotations

import ibis
from ibis.backends.duckdb import Backend as DuckDBBackend

from report_builder.config import EngineConfig


def connect(engine: EngineConfig | None = None) -> DuckDBBackend:
    """A new in-memory DuckDB, its memory capped at `engine.memory_limit` (past it, DuckDB
    spills to `engine.spill`, made when missing)."""
    engine = engine or EngineConfig()
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
