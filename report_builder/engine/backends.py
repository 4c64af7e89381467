"""The engines besides DuckDB: opening them, putting a table into them, and telling which engine
an expression runs on (engine/sums.py spells its sums by that).

- "postgres": a PostgreSQL database through psycopg (extra `engine-postgres`);
- "spark": pyspark, in this process (`local[*]`) or on a cluster (`master`), Java 17 or newer
  (extra `engine-spark`);
- "bigquery", "snowflake", "databricks": the warehouses through their Ibis backends (extras
  `engine-bigquery`, ...). Their queries are compiled in the tests (`RecordingDuckDB`), not run:
  there is no warehouse to run them on.

The data layer's frames (CSV, XLSX) go into these engines as temporary tables (PostgreSQL,
the warehouses) or temporary views (Spark), named with a random suffix so that two builds on one
connection or Spark session never read each other's tables.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import shutil
import sys
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit, urlunsplit

import ibis
import ibis.common.exceptions as ibis_errors
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.csv as pacsv
import sqlglot as sg
from ibis.backends import BaseBackend
from ibis.backends.duckdb import Backend as DuckDBBackend

from report_builder.config import EngineConfig
from report_builder.config.engine import DEFAULT_SPARK_MASTER, ENGINE_EXTRAS
from report_builder.errors import SourceError

# Ibis's backend name -> the engine kind of report.toml
_KINDS = {"duckdb": "duckdb", "postgres": "postgres", "pyspark": "spark",
          "bigquery": "bigquery", "snowflake": "snowflake", "databricks": "databricks"}
# the engine kind -> the dialect ibis.to_sql compiles to
DIALECTS = {kind: name for name, kind in _KINDS.items()}
# the library each kind connects through (Ibis imports some of them only when connecting)
DRIVERS = {"postgres": "psycopg", "spark": "pyspark", "bigquery": "google.cloud.bigquery",
           "snowflake": "snowflake.connector", "databricks": "databricks.sql"}


def engine_kind(backend: BaseBackend) -> str:
    """The engine kind of `backend` (a recording DuckDB: the kind it stands for)."""
    standing_for = getattr(backend, "stands_for", None)
    return standing_for or _KINDS.get(backend.name, backend.name)


def expression_kind(expr: ir.Expr) -> str | None:
    """The engine kind `expr` runs on; None for an expression on no engine."""
    try:
        return engine_kind(expr._find_backend())
    except ibis_errors.IbisError:
        return None


def open_engine(engine: EngineConfig) -> BaseBackend:
    """A connection to `engine` (any kind but DuckDB, which engine/connection.py opens);
    SourceError naming the extra to install when its library is missing, or saying why the
    connection failed (the password never shown)."""
    if engine.kind == "spark":
        return _open_spark(engine.master or DEFAULT_SPARK_MASTER)
    backend = _ibis_backend(engine.kind)  # first: it says when the libraries are missing
    url = _with_password(engine)
    try:
        if engine.kind == "databricks":
            return backend.connect(**databricks_arguments(url))  # type: ignore[no-any-return]
        con = ibis.connect(url)
        if engine.kind == "postgres":
            _postgres_session(con)
        return con
    except Exception as exc:  # each driver raises its own errors
        shown = _masked(url)
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        password = os.environ.get(engine.password_env or "", "")
        raise SourceError(f"the {engine.kind} engine at {shown} could not be opened: "
                          f"{reason.replace(password, '***') if password else reason}") from None


# PostgreSQL's memory for one sort or hash of this session (its default is 4MB): a check like
# "a lead's deal that no deal has" (NOT IN the deals' ids) is answered from a hash of the ids
# only when they fit, else by reading every id again for each lead (hours for 2M leads)
POSTGRES_WORK_MEM = "256MB"


def _postgres_session(con: Any) -> None:
    """Settings of report-builder's session alone (the database's are left as they are)."""
    cursor = con.raw_sql(f"SET work_mem = '{POSTGRES_WORK_MEM}'")
    if hasattr(cursor, "close"):
        cursor.close()


def missing_library(kind: str) -> str | None:
    """The library engine `kind` needs that is not installed, or None."""
    try:
        found = importlib.util.find_spec(DRIVERS[kind]) is not None
    except ImportError:  # its parent package is missing
        found = False
    return None if found else DRIVERS[kind]


def databricks_arguments(url: str) -> dict[str, str]:
    """Ibis's Databricks arguments from a URL like
    databricks://token:<access token>@<server hostname>/<http path>?catalog=main&schema=crm
    (Ibis reads no Databricks URL of its own)."""
    parts = urlsplit(url)
    found = {"server_hostname": parts.hostname or "", "http_path": parts.path,
             **dict(parse_qsl(parts.query))}
    if parts.password:
        found["access_token"] = unquote(parts.password)
    return {key: value for key, value in found.items() if value}


def _ibis_backend(kind: str) -> Any:
    """Ibis's backend module for `kind`; SourceError naming the extra when a library is missing."""
    library = missing_library(kind)
    try:
        if library is None:
            return getattr(ibis, DIALECTS[kind])
    except (ImportError, AttributeError) as exc:
        library = str(exc).strip().splitlines()[0]
    raise SourceError(f"the {kind} engine ([engine] kind = \"{kind}\") needs {library}, which "
                      f"is not installed; install it with pip install "
                      f"'report-builder[{ENGINE_EXTRAS[kind]}]'")


def _with_password(engine: EngineConfig) -> str:
    """The engine's URL with the password from `password_env` (SourceError when not set)."""
    url = engine.url or ""
    if not engine.password_env:
        return url
    password = os.environ.get(engine.password_env)
    if password is None:
        raise SourceError(f"the environment variable {engine.password_env} (engine "
                          "password_env) is not set; set it to the database password")
    parts = urlsplit(url)
    user, _, host = parts.netloc.rpartition("@")
    user = user.split(":", 1)[0]
    netloc = f"{user}:{quote(password, safe='')}@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def _masked(url: str) -> str:
    parts = urlsplit(url)
    user, at, host = parts.netloc.rpartition("@")
    if not at or ":" not in user:
        return url
    return urlunsplit(parts._replace(netloc=f"{user.split(':', 1)[0]}:***@{host}"))


def _open_spark(master: str) -> BaseBackend:
    """Ibis on the Spark session of this process (started with `master` if there is none)."""
    backend = _ibis_backend("spark")
    from pyspark.sql import SparkSession

    if master.startswith("local") and not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise SourceError("the spark engine needs Java 17 or newer, which is not installed "
                          "(Debian: apt-get install default-jre-headless) or not on PATH")
    builder = (SparkSession.builder.master(master).appName("report-builder")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true"))
    if master.startswith("local"):  # Spark's Python workers: this Python, with its packages
        builder = builder.config("spark.pyspark.python", sys.executable)
    session = builder.getOrCreate()
    return backend.connect(session)  # type: ignore[no-any-return]


def unique_name(name: str) -> str:
    """`name` with a random suffix: a table name no other build on the engine uses."""
    return f"rb_{name}_{uuid.uuid4().hex[:12]}"


# the kinds on which Ibis 12 makes no temporary tables (nor caches a table in one)
NO_TEMPORARY_TABLES = ("databricks",)


def hold(expr: ir.Table) -> ir.Table:
    """`expr` computed once and held by its engine for the queries to come: a temporary table
    (DuckDB spills it past its memory limit), a cached view on Spark; released when the
    returned table is. Where the engine has no temporary tables, `expr` itself (computed again
    by each query)."""
    if expression_kind(expr) in NO_TEMPORARY_TABLES:
        return expr
    return expr.cache()


@contextlib.contextmanager
def compiled_once(con: BaseBackend) -> Iterator[None]:
    """Within, each query `con` runs is compiled to SQL once: a query asked again (the same
    expression, as every team's pack asks of its team, model/scope.py) runs the SQL compiled
    the first time. Ibis compiles every query anew, and 50 team packs spent half their time
    compiling the same questions."""
    compile_sql = con.compile  # type: ignore[attr-defined]
    compiled: dict[tuple[Any, ...], str] = {}

    def compile_once(expr: ir.Expr, /, *, limit: Any = None, params: Any = None,
                     **kwargs: Any) -> str:
        if params:  # bound values are in the SQL: compiled each time
            return compile_sql(expr, limit=limit, params=params, **kwargs)  # type: ignore[no-any-return]
        key = (expr.op(), limit, tuple(sorted(kwargs.items())))
        if key not in compiled:
            compiled[key] = compile_sql(expr, limit=limit, **kwargs)
        return compiled[key]

    own = vars(con).get("compile")
    con.compile = compile_once  # type: ignore[attr-defined]
    try:
        yield
    finally:
        if own is None:
            del con.compile  # type: ignore[attr-defined]
        else:
            con.compile = own  # type: ignore[attr-defined]


def put_arrow(con: BaseBackend, name: str, table: pa.Table, *, temp: bool = True,
              replace: bool = False) -> ir.Table:
    """`table` in the engine as a table named `name`: temporary (a temporary view on Spark)
    unless `temp` is False; the table of that name replaced where `replace`. On Databricks (no
    temporary tables) an Ibis memtable: uploaded to the session's volume when a query joins it
    with the catalog's tables; a query of it alone runs in-process."""
    kind = engine_kind(con)
    if kind in NO_TEMPORARY_TABLES and temp:
        return ibis.memtable(table)
    if kind == "spark" and temp:
        return con.create_view(name, ibis.memtable(table), overwrite=True)  # type: ignore[attr-defined,no-any-return]
    if kind == "postgres":
        if replace:
            con.drop_table(name, force=True)
        return _copy_into_postgres(con, name, table, temp=temp)
    return con.create_table(name, table, temp=temp, overwrite=replace)


COPY_ROWS = 100_000  # rows per CSV chunk handed to PostgreSQL's COPY


def _copy_into_postgres(con: Any, name: str, table: pa.Table, *, temp: bool) -> ir.Table:
    """`table` copied into PostgreSQL with COPY, as CSV written by Arrow a chunk at a time:
    a million rows in seconds, where Ibis's INSERT of each row takes minutes. Empty text is
    written quoted, a missing value unquoted (COPY's NULL); floats as their shortest exact
    digits, so the figures do not move."""
    table = table.cast(pa.schema([
        pa.field(f.name, pa.timestamp("us", tz=f.type.tz)) if pa.types.is_timestamp(f.type)
        else f for f in table.schema]))
    created = con.create_table(name, schema=ibis.Schema.from_pyarrow(table.schema), temp=temp)
    options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    target = sg.table(name, quoted=True).sql("postgres")
    with con.con.cursor() as cursor, cursor.copy(f"COPY {target} FROM STDIN (FORMAT csv)") \
            as copy:
        for batch in table.to_batches(max_chunksize=COPY_ROWS):
            chunk = io.BytesIO()
            pacsv.write_csv(batch, chunk, options)
            copy.write(chunk.getvalue())
    return created  # type: ignore[no-any-return]


class RecordingDuckDB(DuckDBBackend):
    """DuckDB keeping every query it runs, spelled for another engine (`stands_for`): the
    sections run on it as they would there and its `queries` compile to that engine's SQL
    (`sql`), without connecting to it."""

    stands_for: str | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queries: list[ir.Expr] = []

    def sql(self, kind: str | None = None) -> list[str]:
        """Every query run so far, in the SQL of `kind` (default: the one it stands for)."""
        dialect = DIALECTS[kind or self.stands_for or "duckdb"]
        return [ibis.to_sql(query, dialect=dialect) for query in self.queries]

    def execute(self, expr: ir.Expr, /, **kwargs: Any) -> Any:
        self.queries.append(expr)
        return super().execute(expr, **kwargs)

    def to_pyarrow(self, expr: ir.Expr, /, **kwargs: Any) -> Any:
        self.queries.append(expr)
        return super().to_pyarrow(expr, **kwargs)

    def create_table(self, name: str, /, obj: Any = None, **kwargs: Any) -> ir.Table:
        if isinstance(obj, ir.Table):
            self.queries.append(obj)
        return super().create_table(name, obj, **kwargs)


def recording_duckdb(stands_for: str) -> RecordingDuckDB:
    """An in-memory RecordingDuckDB standing for the engine kind `stands_for`."""
    con = RecordingDuckDB().connect()
    con.stands_for = stands_for
    return con  # type: ignore[no-any-return]
