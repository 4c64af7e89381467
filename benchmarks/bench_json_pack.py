"""The JSON pack of a generated dataset, built by the CLI as a user builds it, in a fresh
process each time: its wall time and peak memory, and whether every figure equals the first
run's. Optionally the same builds by another checkout (the version before a change) first.

    python benchmarks/generate_data.py --deals 1000000
    python benchmarks/generate_data.py --deals 1000000 --leads 10000000 \\
        --out benchmarks/data/deals-1M-leads-10M
    python benchmarks/bench_json_pack.py benchmarks/data/deals-1000000/report.toml \\
        benchmarks/data/deals-1M-leads-10M/report.toml --memory-limit 200MB \\
        --before ../report-builder-0.x

Each config is built as it is and, with --memory-limit, once more with `[engine] memory_limit`
set (the data path made absolute in a copy of the config). `--before DIR` builds each config
with the checkout in DIR first (`python -m report_builder` with DIR on PYTHONPATH).
`--postgres` also copies each dataset's Parquet files into tables of a throwaway PostgreSQL
server (tests/postgres.py; the copy is timed apart) and builds with `[engine] kind =
"postgres"` reading them (`deals = { table = "bench_deals" }`), so every figure computed in
PostgreSQL is compared with DuckDB's. The history
is off (`--no-history`), so every run does the same work. Run by hand; the figures go in the
notes and the README, not in assertions.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    label: str
    wall: float
    peak_mib: float
    agenda: dict


# runs a command and prints its peak RSS in KiB: each build is measured in a process of its own,
# since a process's RUSAGE_CHILDREN holds the largest child it ever waited for
MEASURE = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def build(label: str, config: Path, out: Path, *, checkout: Path) -> Run:
    """One JSON build by the CLI of `checkout`, in a child process: wall time, peak memory."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    command = [sys.executable, "-c", MEASURE, sys.executable, "-m", "report_builder", "build",
               str(config), "--format", "json", "--no-history", "--out", str(out), "-q"]
    started = time.perf_counter()
    done = subprocess.run(command, check=True, env=env, cwd=checkout, capture_output=True,
                          text=True)
    wall = time.perf_counter() - started
    written = sorted(out.glob("pipeline-meeting-*.json"))[-1]
    agenda = json.loads(written.read_text(encoding="utf-8"))["agenda"]
    return Run(label, wall, int(done.stdout.split()[-1]) / 1024, agenda)


def with_memory_limit(config: Path, limit: str, folder: Path) -> Path:
    """A copy of `config` with `[engine] memory_limit` set and its data path made absolute."""
    text = config.read_text(encoding="utf-8")
    data_path = tomllib.loads(text).get("data", {}).get("path", ".")
    absolute = (config.parent / data_path).resolve()
    text = text.replace(f'path = "{data_path}"', f'path = "{absolute}"', 1)
    copy = folder / f"{config.parent.name}-{limit}.toml"
    copy.write_text(f'{text}\n[engine]\nmemory_limit = "{limit}"\n', encoding="utf-8")
    return copy


PASSWORD_VARIABLE = "BENCH_POSTGRES_PASSWORD"
TABLES = ("deals", "leads", "targets", "campaigns")


def copy_to_postgres(config: Path, url: str) -> float:
    """The dataset's Parquet files as tables bench_<table> of the database (as a company's
    database holds its CRM's tables); the seconds it took."""
    import pyarrow.parquet as pq

    from report_builder.config import EngineConfig
    from report_builder.engine import connect
    from report_builder.engine.backends import put_arrow

    started = time.perf_counter()
    data = config.parent / tomllib.loads(config.read_text("utf-8"))["data"].get("path", ".")
    con = connect(EngineConfig("postgres", url=url, password_env=PASSWORD_VARIABLE))
    for name in TABLES:
        con.drop_table(f"bench_{name}", force=True)
        put_arrow(con, f"bench_{name}", pq.read_table(data / f"{name}.parquet"), temp=False)
    con.disconnect()
    return time.perf_counter() - started


def on_postgres(config: Path, url: str, folder: Path) -> Path:
    """A copy of `config` whose engine is PostgreSQL, reading the bench_<table> tables."""
    text = config.read_text(encoding="utf-8")
    data_path = tomllib.loads(text).get("data", {}).get("path", ".")
    tables = "".join(f'{name} = {{ table = "bench_{name}" }}\n' for name in TABLES)
    text = text.replace(f'path = "{data_path}"\n', tables, 1)
    copy = folder / f"{config.parent.name}-postgres.toml"
    copy.write_text(f'{text}\n[engine]\nkind = "postgres"\nurl = "{url}"\n'
                    f'password_env = "{PASSWORD_VARIABLE}"\n', encoding="utf-8")
    return copy


def differences(a: object, b: object, where: str = "") -> list[str]:
    """Each figure that differs between two agendas (as the JSON writes them), by its path."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = list(a) + [k for k in b if k not in a]
        return [d for k in keys for d in differences(a.get(k), b.get(k), f"{where}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True))
                for d in differences(x, y, f"{where}[{i}]")]
    return [] if a == b else [f"{where}: {a!r} != {b!r}"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("configs", type=Path, nargs="+")
    parser.add_argument("--memory-limit", help='also build with this engine memory limit')
    parser.add_argument("--before", type=Path, help="a checkout of the version to compare with")
    parser.add_argument("--postgres", action="store_true",
                        help="also build each in a throwaway PostgreSQL (tests/postgres.py)")
    args = parser.parse_args()
    print(f"{'dataset':<28} {'version':<22} {'wall s':>7} {'peak MiB':>9}  same figures")
    with tempfile.TemporaryDirectory() as scratch, contextlib.ExitStack() as stack:
        folder = Path(scratch)
        url = None
        if args.postgres:
            sys.path.insert(0, str(ROOT))
            from tests.postgres import PASSWORD, postgres_server

            url = stack.enter_context(postgres_server()).url()
            os.environ[PASSWORD_VARIABLE] = PASSWORD
        for config in args.configs:
            config = config.resolve()
            runs = []
            if args.before is not None:
                runs.append(build("before", config, folder / "before",
                                  checkout=args.before.resolve()))
            runs.append(build("this version", config, folder / "now", checkout=ROOT))
            if args.memory_limit:
                limited = with_memory_limit(config, args.memory_limit, folder)
                runs.append(build(f"this, {args.memory_limit} limit", limited,
                                  folder / "limited", checkout=ROOT))
            if url is not None:
                copied = copy_to_postgres(config, url)
                print(f"{config.parent.name}: copied into PostgreSQL in {copied:.1f} s "
                      "(not in the figures)")
                runs.append(build("this, in PostgreSQL", on_postgres(config, url, folder),
                                  folder / "postgres", checkout=ROOT))
            first = runs[0]
            for run in runs:
                # where the data came from is named in the notes, and differs by design
                found = [d for d in differences(first.agenda, run.agenda)
                         if not d.startswith(".data_notes.sources.")]
                same = "-" if run is first else "yes" if not found else \
                    f"NO: {len(found)} differ, " + "; ".join(found[:3])
                print(f"{config.parent.name:<28} {run.label:<22} {run.wall:7.1f} "
                      f"{run.peak_mib:9.0f}  {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
