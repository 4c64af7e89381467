"""Load a million deals from a SQL database, all rows against only what the pack needs.

    python benchmarks/generate_data.py --deals 1000000
    python benchmarks/bench_sql.py benchmarks/data/deals-1000000 [--sqlite]

Copies the generated Parquet tables into crm.duckdb (and crm.sqlite with --sqlite) beside them,
writes one report.toml per case and loads each in its own process (so each peak memory is its
own): the Parquet folder as the baseline, `SELECT *` of every row, and a query that fetches only
the canonical columns and the deals and leads the pack looks at: open and won deals, and the
lost deals and leads since `:since`, which report-builder binds to the earliest day the pack
reads (see report_builder.data.sql.meeting_parameters: the sources window, 365 days by
default). Prints the load time, rows, peak memory and whether the headline figures equal the
baseline's. Run by hand; the figures go in the closing notes, not in assertions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

DEAL_COLUMNS = ("deal_id, name, account, owner, team, stage, amount, currency, created_date, "
                "close_date, source_channel, campaign_id, won_reason, lost_reason, "
                "last_stage_change_date, probability")
LEAD_COLUMNS = ("lead_id, created_date, source_channel, campaign_id, owner, mql_date, sql_date, "
                "meeting_date, opportunity_date, deal_id, status, rejection_reason")
AS_OF = dt.date(2026, 11, 24)


def queries(lost: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """Every open and won deal (an account's first win makes it a new customer, however old
    its earlier wins), the lost deals since :since, and the leads since :since."""
    names = ", ".join(f"'{s}'" for s in lost)
    return {
        "all": ("SELECT * FROM deals", "SELECT * FROM leads"),
        "since": (
            f"SELECT {DEAL_COLUMNS} FROM deals WHERE stage NOT IN ({names}) "
            "OR close_date >= :since OR created_date >= :since",
            f"SELECT {LEAD_COLUMNS} FROM leads WHERE created_date >= :since "
            "OR mql_date >= :since OR sql_date >= :since OR opportunity_date >= :since"),
    }


def write_databases(folder: Path, *, sqlite: bool) -> None:
    import duckdb

    target = folder / "crm.duckdb"
    if not target.exists():
        with duckdb.connect(str(target)) as db:
            for name in ("deals", "leads"):
                db.execute(f"CREATE TABLE {name} AS SELECT * FROM "
                           f"read_parquet('{folder / (name + '.parquet')}')")
    lite = folder / "crm.sqlite"
    if sqlite and not lite.exists():
        with duckdb.connect() as db, sqlite3.connect(lite) as out:
            for name in ("deals", "leads"):
                frame = db.sql(f"SELECT * FROM read_parquet('{folder / (name + '.parquet')}')")\
                    .df()
                for column in frame.columns:
                    if str(frame[column].dtype).startswith("datetime"):
                        frame[column] = frame[column].dt.strftime("%Y-%m-%d")
                frame.to_sql(name, out, index=False, chunksize=50_000)
            out.execute("CREATE INDEX deals_close ON deals (close_date)")
            out.execute("CREATE INDEX leads_created ON leads (created_date)")


def write_config(folder: Path, case: str, url: str | None, sql: tuple[str, str] | None) -> Path:
    base = (folder / "report.toml").read_text(encoding="utf-8")
    if url and sql:
        tables = (f'deals = {{ sql = "{sql[0]}", url = "{url}" }}\n'
                  f'leads = {{ sql = "{sql[1]}", url = "{url}" }}\n')
        base = base.replace('path = "."', f'path = "."\n{tables}')
    path = folder / f"report-{case}.toml"
    path.write_text(base, encoding="utf-8")
    return path


def peak_mib() -> int:
    """This process's peak memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, so
    a child would report the parent's peak (which wrote the databases)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def load_one(config_path: Path) -> dict[str, object]:
    from report_builder.config import load_config
    from report_builder.data.load import load_dataset
    from report_builder.model.build import build_agenda

    config = load_config(config_path)
    start = time.perf_counter()
    dataset = load_dataset(config, as_of=AS_OF)
    seconds = time.perf_counter() - start
    agenda = build_agenda(dataset, config, AS_OF)
    return {"seconds": round(seconds, 2), "deals": len(dataset.deals),
            "leads": len(dataset.leads),
            "peak_mib": peak_mib(),
            "headline": [[h.key, h.value, h.context_value] for h in agenda.headline]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="a folder written by generate_data.py")
    parser.add_argument("--sqlite", action="store_true", help="also SQLite (slow to write)")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(load_one(args.one)))
        return 0
    folder = args.folder.resolve()
    started = time.perf_counter()
    write_databases(folder, sqlite=args.sqlite)
    print(f"databases ready in {time.perf_counter() - started:.1f} s")
    from report_builder.config import load_config
    from report_builder.data.sql import meeting_parameters

    since = meeting_parameters(load_config(folder / "report.toml"), AS_OF)["since"]
    print(f":since is bound to {since} for the meeting of {AS_OF}")
    sql = queries(("Closed lost",))
    cases = {"parquet": write_config(folder, "parquet", None, None)}
    for engine in ("duckdb", "sqlite") if args.sqlite else ("duckdb",):
        url = f"{engine}:///crm.{engine}"
        for kind, pair in sql.items():
            cases[f"{engine} {kind}"] = write_config(folder, f"{engine}-{kind}", url, pair)
    baseline = None
    for name, path in cases.items():
        out = subprocess.run([sys.executable, __file__, str(folder), "--one", str(path)],
                             capture_output=True, text=True, check=True)
        result = json.loads(out.stdout)
        baseline = baseline or result["headline"]
        same = "same headline" if result["headline"] == baseline else "HEADLINE DIFFERS"
        print(f"{name:<16} load {result['seconds']:6.2f} s  {result['deals']:>9,} deals "
              f"{result['leads']:>9,} leads  peak {result['peak_mib']:6,} MiB  {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
