"""Time loading and the sections computed so far in the engine (targets, pipeline) on a
generated dataset, three ways, each in its own process (so each peak memory is its own):

- pandas:  the data layer loads every row into pandas; the pandas sections (today's path)
- arrow:   the same load, the frames handed to DuckDB through Arrow; the engine's sections
           (the path of CSV and XLSX files)
- parquet: the Parquet files scanned lazily by DuckDB, never loaded whole; the engine's sections
- postgres: the tables already in PostgreSQL (copied in before, not timed: the company's
  database); the engine's sections computed there ([engine] kind = "postgres"). The database
  is --postgres-url, else a throwaway server (tests/postgres.py: initdb, a unix socket)

    python benchmarks/generate_data.py --deals 1000000
    python benchmarks/bench_engine.py benchmarks/data/deals-1000000/report.toml
    python benchmarks/bench_engine.py benchmarks/data/deals-1000000/report.toml --memory-limit 200MB
    python benchmarks/bench_engine.py benchmarks/data/deals-1000000/report.toml \
        --paths pandas,parquet,postgres

Prints a table, and whether each path gave the pandas path's figures. Run by hand; the figures
go in the notes, not in assertions.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from report_builder.config import EngineConfig, load_config
from report_builder.data.load import load_dataset
from report_builder.engine import EngineTables, connect, register_dataset, scan_parquet_folder
from report_builder.engine.backends import put_arrow
from report_builder.engine.tables import TABLES, frame_to_arrow
from report_builder.model import engine_pipeline, engine_targets, pipeline, targets
from report_builder.model.engine_view import make_engine_view
from report_builder.model.view import make_view
from report_builder.renderers.json import to_plain

PATHS = ("pandas", "arrow", "parquet", "postgres")
ROOT = Path(__file__).resolve().parent.parent


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def run(path: str, config_path: Path, as_of: dt.date, memory_limit: str | None,
        out: Path, postgres_url: str | None = None) -> None:
    """One path, in this process: its timings, peak and sections pickled to `out`."""
    config = load_config(config_path)
    if memory_limit:
        config = dataclasses.replace(
            config, engine=dataclasses.replace(config.engine, memory_limit=memory_limit))
    start = time.perf_counter()
    if path == "postgres":
        con = connect(EngineConfig("postgres", url=postgres_url))
        tables = EngineTables(con, **{name: con.table(f"bench_{name}") for name in TABLES})
    elif path == "parquet":
        tables = scan_parquet_folder(connect(config.engine), config.data.path, config)
    else:
        dataset = load_dataset(config, as_of=as_of)
        if path == "arrow":
            tables = register_dataset(connect(config.engine), dataset)
    loaded = time.perf_counter()
    if path == "pandas":
        view = make_view(dataset, config, as_of)
        sections = (targets.build_targets(view), pipeline.build_pipeline(view))
    else:
        engine_view = make_engine_view(tables, config, as_of)
        sections = (engine_targets.build_targets(engine_view),
                    engine_pipeline.build_pipeline(engine_view))
    done = time.perf_counter()
    out.write_bytes(pickle.dumps({"load": loaded - start, "model": done - loaded,
                                  "peak": peak_mib(), "sections": sections}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("config", type=Path)
    parser.add_argument("--as-of", default="2026-11-24")
    parser.add_argument("--paths", default=",".join(PATHS))
    parser.add_argument("--memory-limit", help='the engine\'s memory limit, like "200MB"')
    parser.add_argument("--postgres-url", help="the database of the postgres path (its "
                        "bench_* tables are replaced); default: a throwaway server")
    parser.add_argument("--run", choices=PATHS, help=argparse.SUPPRESS)  # one path, in a child
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--copy-to", help=argparse.SUPPRESS)  # the copy into PostgreSQL, alone
    args = parser.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    if args.run:
        run(args.run, args.config, as_of, args.memory_limit, args.out, args.postgres_url)
        return 0
    if args.copy_to:
        _copy_to_postgres(args.config, as_of, args.copy_to)
        return 0
    results = {}
    paths = args.paths.split(",")
    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        if "postgres" in paths and not args.postgres_url:
            args.postgres_url = _throwaway_postgres(stack)
        if "postgres" in paths:  # in a child: the children after it would inherit the peak
            started = time.perf_counter()
            subprocess.run([sys.executable, __file__, str(args.config), "--as-of", args.as_of,
                            "--copy-to", args.postgres_url], check=True)
            print(f"copied into PostgreSQL in {time.perf_counter() - started:.1f} s (not in "
                  "the figures below)")
        for path in paths:
            out = Path(folder) / f"{path}.pickle"
            command = [sys.executable, __file__, str(args.config), "--as-of", args.as_of,
                       "--run", path, "--out", str(out)]
            if args.memory_limit:
                command += ["--memory-limit", args.memory_limit]
            if path == "postgres":
                command += ["--postgres-url", args.postgres_url]
            started = time.perf_counter()
            subprocess.run(command, check=True)
            results[path] = {**pickle.loads(out.read_bytes()),
                             "wall": time.perf_counter() - started}
    reference = results.get("pandas", {}).get("sections")
    limit = f", engine memory limit {args.memory_limit}" if args.memory_limit else ""
    print(f"{args.config} at {as_of}{limit}: targets and pipeline sections")
    print(f"{'path':<8} {'load s':>8} {'model s':>8} {'total s':>8} {'process s':>10} "
          f"{'peak MiB':>9}  same figures as pandas")
    for path, r in results.items():
        same = "-" if reference is None or path == "pandas" else _same(reference, r["sections"])
        print(f"{path:<8} {r['load']:8.2f} {r['model']:8.2f} {r['load'] + r['model']:8.2f} "
              f"{r['wall']:10.2f} {r['peak']:9.0f}  {same}")
    for path, r in results.items():
        if reference is not None and path != "pandas" and \
                to_plain(r["sections"]) != to_plain(reference):
            print(f"{path}: " + "; ".join(differences(reference, r["sections"])))
    return 0


def _throwaway_postgres(stack: contextlib.ExitStack) -> str:
    """A throwaway PostgreSQL server (the tests'), stopped when `stack` closes; its URL."""
    sys.path.insert(0, str(ROOT))
    from tests.postgres import postgres_server

    return str(stack.enter_context(postgres_server()).url(with_password=True))


def _copy_to_postgres(config_path: Path, as_of: dt.date, url: str) -> None:
    """The dataset's checked tables as lasting tables bench_<table> of the database, as a
    company's database would hold them."""
    dataset = load_dataset(load_config(config_path), as_of=as_of)
    con = connect(EngineConfig("postgres", url=url))
    for name in TABLES:
        con.drop_table(f"bench_{name}", force=True)
        put_arrow(con, f"bench_{name}", frame_to_arrow(name, getattr(dataset, name)),
                  temp=False)
    con.disconnect()


def _same(expected: tuple, found: tuple) -> str:
    if found == expected:
        return "yes, exactly"
    if to_plain(found) == to_plain(expected):  # sums in another order differ past the JSON's
        return "yes, as the JSON writes them (4 places)"
    return "NO"


def differences(expected: tuple, found: tuple) -> list[str]:
    """Each figure that differs as the JSON writes it, by its path, with both values."""
    return _differing("", to_plain(expected), to_plain(found))


def _differing(where: str, a: object, b: object) -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for key in a for d in _differing(f"{where}.{key}", a[key], b.get(key))]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True))
                for d in _differing(f"{where}[{i}]", x, y)]
    return [] if a == b else [f"{where}: {a!r} != {b!r}"]


if __name__ == "__main__":
    sys.exit(main())
