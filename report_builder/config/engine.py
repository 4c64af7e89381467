"""`[engine]`: where the agenda's aggregations run and within how much memory.

DuckDB in-process is the default and needs nothing set; `memory_limit` caps what it holds in
memory and `spill` is the folder it writes to past that cap (its `temp_directory`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from report_builder.config.reader import Reader

ENGINE_KINDS = ("duckdb",)
ENGINE_KEYS = ("kind", "memory_limit", "spill")
# DuckDB's sizes: a number and a unit, like "200MB", "1.5 GB" or "512MiB"
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class EngineConfig:
    """The engine the aggregations run in (DuckDB embedded by default)."""

    kind: str = "duckdb"
    memory_limit: str | None = None  # like "200MB"; None: DuckDB's own (80% of the memory)
    spill: Path | None = None  # the folder for what passes memory_limit; None: DuckDB's own


def read_engine(r: Reader) -> EngineConfig:
    sec = r.section("engine")
    kind = r.get(sec, "engine", "kind", str, "duckdb")
    if kind not in ENGINE_KINDS:
        r.problems.append(f"Config value 'engine.kind': {kind!r} should be one of "
                          f"{', '.join(ENGINE_KINDS)}")
        kind = "duckdb"
    limit = r.get(sec, "engine", "memory_limit", str)
    if limit is not None and not _SIZE.match(limit):
        r.problems.append(f"Config value 'engine.memory_limit': {limit!r} should be a size "
                          "like \"200MB\" or \"2GB\"")
        limit = None
    spill = r.path(r.get(sec, "engine", "spill", str))
    if spill is not None and spill.exists() and not spill.is_dir():
        r.problems.append(f"Config value 'engine.spill': {spill} is a file; it should be a "
                          "folder (made when missing) for what passes the memory limit")
        spill = None
    return EngineConfig(kind, limit.strip() if limit else None, spill)
