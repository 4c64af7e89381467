"""Tables from SQL databases: any SQLAlchemy URL and a query per table.

The query selects the columns (named like the canonical columns or like the preset's headers)
and does the filtering in the database, so only what the pack needs is fetched. SQLite and
DuckDB files given by a relative path are found beside the config. The password is never in the
config: `password_env` names the environment variable that holds it.

A query may use the meeting's dates as bound parameters (`WHERE close_date >= :since`); only those
it names are bound, an unknown `:name` is an error listing the accepted ones (PARAMETERS).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pandas as pd

from report_builder.config import Config, TableSource
from report_builder.errors import SourceError
from report_builder.periods import fiscal_quarter, since_last_meeting

PARAMETERS = {
    "as_of": "the meeting date",
    "period_start": "the first day since the previous meeting",
    "quarter_start": "the first day of the meeting's fiscal quarter",
    "quarter_end": "the last day of the meeting's fiscal quarter",
    "since": "the earliest day any figure of the pack looks at",
}
# what SQLAlchemy's text() takes for a bound parameter: `:name`, not `::cast` nor `\:`
_PLACEHOLDER = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")


def meeting_parameters(config: Config, as_of: dt.date) -> dict[str, dt.date]:
    """The dates a query may bind. `since` is the earliest of the windows the model reads: the
    quarter (targets, forecast), the period since the last meeting, the sources window
    (meeting.sources_window_days, 365 by default) and the public references window
    (deck.reference_days). Open deals and won deals older than that still count (the open
    pipeline; an account's first win makes a new customer), so filter closed-lost deals and
    leads by it, not every deal: `WHERE stage <> 'Closed lost' OR close_date >= :since`."""
    quarter = fiscal_quarter(as_of, config.company.fiscal_year_start_month)
    period = since_last_meeting(as_of, config.meeting.cadence_days)
    windows = (config.meeting.sources_window_days, config.deck.reference_days)
    since = min(quarter.start, period.start,
                *(as_of - dt.timedelta(days=max(days, 1) - 1) for days in windows))
    return {"as_of": as_of, "period_start": period.start, "quarter_start": quarter.start,
            "quarter_end": quarter.end, "since": since}


def bound_parameters(sql: str, available: dict[str, dt.date] | None,
                     safe: str) -> dict[str, dt.date]:
    """The parameters `sql` names, from `available`; a clear error for any other name."""
    names = list(dict.fromkeys(_PLACEHOLDER.findall(sql)))
    unknown = [n for n in names if n not in PARAMETERS]
    if unknown:
        accepted = "; ".join(f":{k} ({v})" for k, v in PARAMETERS.items())
        raise SourceError(f"the query for {safe} uses {', '.join(':' + n for n in unknown)}, "
                          f"which is not a parameter report-builder binds; accepted: {accepted}")
    if names and available is None:
        raise SourceError(f"the query for {safe} uses {', '.join(':' + n for n in names)} but "
                          "no meeting date was given to bind them")
    return {n: available[n] for n in names} if available else {}

FILE_DATABASES = ("sqlite", "duckdb")
DRIVERS = {"duckdb": "duckdb-engine", "postgresql": "psycopg[binary] (or psycopg2-binary)",
           "mysql": "pymysql", "mssql": "pyodbc", "oracle": "oracledb"}


# `user:password@` after the scheme (or at the start of a URL without one), up to the last @
_URL_PASSWORD = re.compile(r"(?<=://)([^:/?#@\s]*):\S*@")
_BARE_PASSWORD = re.compile(r"^([^:/?#@\s]*):\S*@")


def masked_url(url: str) -> str:
    """`url` as it may be shown: a password in it (`user:secret@host`) written `***`."""
    return (_URL_PASSWORD if "://" in url else _BARE_PASSWORD).sub(r"\1:***@", url)


def _require_sqlalchemy(source: TableSource) -> None:
    try:
        import sqlalchemy  # noqa: F401
    except ModuleNotFoundError:
        raise SourceError(f"data source url {masked_url(source.url or '')!r}: reading a SQL "
                          "database needs SQLAlchemy, which is not installed; install it with "
                          "pip install 'report-builder[sql]' (plus the database's driver)") \
            from None


def _url(source: TableSource, base_dir: Path):  # type: ignore[no-untyped-def]
    _require_sqlalchemy(source)
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    shown = masked_url(source.url or "")
    try:
        url = make_url(source.url or "")
    except ArgumentError:
        raise SourceError(f"data source url {shown!r} is not a SQLAlchemy URL; expected "
                          "e.g. \"sqlite:///crm.db\" or \"postgresql://user@host/crm\"") from None
    if source.password_env:
        password = os.environ.get(source.password_env)
        if password is None:
            raise SourceError(f"the environment variable {source.password_env} (data "
                              "password_env) is not set; set it to the database password")
        url = url.set(password=password)
    database = url.database
    if url.get_backend_name() in FILE_DATABASES and database and database != ":memory:" \
            and not Path(database).is_absolute():
        url = url.set(database=str(base_dir / database))
    if url.get_backend_name() in FILE_DATABASES and url.database and \
            not Path(url.database).is_file() and url.database != ":memory:":
        raise SourceError(f"database file {url.database} does not exist (data source url "
                          f"{shown!r}); check the path, relative to the config")
    return url


def read_query(source: TableSource, base_dir: Path,
               parameters: dict[str, dt.date] | None = None) -> pd.DataFrame:
    """The query's result, columns as the database names them; `parameters` are the meeting
    dates its placeholders may name (see meeting_parameters)."""
    url = _url(source, base_dir)  # first: it says when SQLAlchemy is missing
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import NoSuchModuleError, SQLAlchemyError

    safe = url.render_as_string(hide_password=True)
    sql = source.sql or ""
    bound = bound_parameters(sql, parameters, safe)
    if url.get_backend_name() == "duckdb" and url.database:
        return _read_duckdb(url.database, sql, bound, safe)
    values: dict[str, object] = dict(bound)
    if url.get_backend_name() == "sqlite":  # no date type: dates are ISO text
        values = {k: v.isoformat() for k, v in bound.items()}
    try:
        engine = create_engine(url)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        driver = DRIVERS.get(url.get_backend_name(), "its SQLAlchemy driver")
        raise SourceError(f"no database driver for {safe} ({exc}); install {driver}") from None
    try:
        with engine.connect() as connection:
            return pd.read_sql_query(text(sql), connection, params=values)
    except (SQLAlchemyError, pd.errors.DatabaseError) as exc:
        # pandas wraps the database's error in its own (the cause is SQLAlchemy's, whose
        # `orig` is the driver's)
        cause = exc.__cause__ if isinstance(exc, pd.errors.DatabaseError) and \
            exc.__cause__ is not None else exc
        reason = _first_line(str(getattr(cause, "orig", None) or cause), url.password)
        raise SourceError(f"the query for {safe} failed: {reason}") from None
    finally:
        engine.dispose()


def _read_duckdb(database: str, sql: str, bound: dict[str, dt.date], safe: str) -> pd.DataFrame:
    """DuckDB files straight to Arrow: columnar, without a Python tuple per row (a million
    deals in about a second, against half a minute through the DB-API)."""
    try:
        import duckdb
    except ModuleNotFoundError:
        raise SourceError(f"no database driver for {safe}; install duckdb "
                          "(pip install 'report-builder[duckdb]')") from None
    from report_builder.data.sources import arrow_to_frame

    try:
        with duckdb.connect(database, read_only=True) as connection:
            if bound:  # DuckDB names parameters $name
                relation = connection.sql(_PLACEHOLDER.sub(r"$\1", sql), params=bound)
            else:
                relation = connection.sql(sql)
            if relation is None:
                raise SourceError(f"the query for {safe} returns no table; it must be a SELECT")
            return arrow_to_frame(relation.to_arrow_table())
    except duckdb.Error as exc:
        raise SourceError(f"the query for {safe} failed: {_first_line(str(exc), None)}") from None


def _first_line(message: str, password: str | None) -> str:
    """The first line of a database's error message, the password (were it echoed) masked."""
    line = (message.strip().splitlines() or ["(no message)"])[0]
    return line.replace(password, "***") if password else line
