"""`[engine]`: where the agenda's aggregations run and within how much memory.

DuckDB in-process is the default and needs nothing set; `memory_limit` caps what it holds in
memory and `spill` is the folder it writes to past that cap (its `temp_directory`).

The other kinds run the aggregations where the data lives: "postgres" (a PostgreSQL database,
`url` and `password_env` as the SQL sources take them), "spark" (pyspark, `master` like
"local[4]" or "spark://host:7077"; local with every core by default), and the warehouses
"bigquery", "snowflake" and "databricks" (`url` as Ibis takes it: "bigquery://project/dataset",
"snowflake://user@account/database/schema?warehouse=wh", "databricks://..."). Each needs its
extra installed (ENGINE_EXTRAS); engine/connection.py says so when it is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from report_builder.config.reader import Reader

ENGINE_KINDS = ("duckdb", "postgres", "spark", "bigquery", "snowflake", "databricks")
# the pip extra (pyproject.toml) each kind's connection needs; DuckDB is always installed
ENGINE_EXTRAS = {"postgres": "engine-postgres", "spark": "engine-spark",
                 "bigquery": "engine-bigquery", "snowflake": "engine-snowflake",
                 "databricks": "engine-databricks"}
ENGINE_KEYS = ("kind", "memory_limit", "spill", "url", "password_env", "master")
# the URL schemes each kind with a `url` accepts
URL_SCHEMES = {"postgres": ("postgresql", "postgres"), "bigquery": ("bigquery",),
               "snowflake": ("snowflake",), "databricks": ("databricks",)}
DEFAULT_SPARK_MASTER = "local[*]"  # Spark in this process, a worker thread per core
# DuckDB's sizes: a number and a unit, like "200MB", "1.5 GB" or "512MiB"
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)
_MASTER = re.compile(r"^(local(\[(\d+|\*)(,\d+)?\])?|(spark|yarn|k8s|mesos)(://\S+)?)$")


@dataclass(frozen=True)
class EngineConfig:
    """The engine the aggregations run in (DuckDB embedded by default)."""

    kind: str = "duckdb"
    memory_limit: str | None = None  # like "200MB"; None: DuckDB's own (80% of the memory)
    spill: Path | None = None  # the folder for what passes memory_limit; None: DuckDB's own
    url: str | None = None  # the database or warehouse (every kind but duckdb and spark)
    password_env: str | None = None  # the environment variable holding the password
    master: str | None = None  # Spark's master; None: DEFAULT_SPARK_MASTER


def read_engine(r: Reader) -> EngineConfig:
    sec = r.section("engine")
    kind = r.get(sec, "engine", "kind", str, "duckdb")
    known = kind in ENGINE_KINDS  # else the keys are not checked against it
    if not known:
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
    url = _read_url(r, sec, kind) if known else None
    password_env = r.get(sec, "engine", "password_env", str)
    master = r.get(sec, "engine", "master", str)
    if master is not None and not _MASTER.match(master.strip()):
        r.problems.append(f"Config value 'engine.master': {master!r} should be a Spark master "
                          "like \"local[4]\" or \"spark://host:7077\"")
        master = None
    if known:
        _only_for(r, sec, kind, {"memory_limit": ("duckdb",), "spill": ("duckdb",),
                                 "url": tuple(URL_SCHEMES),
                                 "password_env": tuple(URL_SCHEMES), "master": ("spark",)})
    return EngineConfig(kind, limit.strip() if limit else None, spill, url, password_env,
                        master.strip() if master else None)


def _read_url(r: Reader, sec: dict[str, object], kind: str) -> str | None:
    """The connection URL: required by the kinds that take one, of their scheme."""
    url = r.get(sec, "engine", "url", str)
    schemes = URL_SCHEMES.get(kind)
    if schemes is None:
        return None
    example = f"{schemes[0]}://..."
    if url is None:
        r.problems.append(f"Config value 'engine.url': missing (required for kind = "
                          f"\"{kind}\"); a URL like \"{example}\"")
        return None
    scheme = url.split("://", 1)[0].lower() if "://" in url else None
    if scheme not in schemes:  # the rest of the URL is not shown: it may hold a password
        found = f"one starting {scheme}://" if scheme else "no scheme://"
        r.problems.append(f"Config value 'engine.url': the engine {kind!r} takes a URL like "
                          f"\"{example}\"; got {found}")
        return None
    return url


def _only_for(r: Reader, sec: dict[str, object], kind: str,
              keys: dict[str, tuple[str, ...]]) -> None:
    """A problem for each key given that `kind` does not take (it would be ignored)."""
    for key, kinds in keys.items():
        if key in sec and kind not in kinds:
            r.problems.append(f"Config value 'engine.{key}': not used by kind = \"{kind}\" "
                              f"(only by {', '.join(kinds)})")
