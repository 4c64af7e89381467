"""Time reading and checking a generated dataset two ways, each in its own process (so each peak
memory is its own):

- pandas: the data layer reads every row into pandas, parses and checks it (load_dataset)
- engine: the engine scans the files where they lie and checks them by queries
  (read_engine_dataset: mapping, checks, the notes' counts)

    python benchmarks/bench_checks.py benchmarks/data/deals-1000000/report.toml
    python benchmarks/bench_checks.py benchmarks/data/deals-1000000/report.toml --memory-limit 200MB

Prints a table, and whether the engine counted the pandas path's notes. Run by hand; the
figures go in the notes, not in assertions.
"""

from __future__ import annotations

import argparse
import dataclasses
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from report_builder.config import load_config

PATHS = ("pandas", "engine")


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def run(path: str, config_path: Path, memory_limit: str | None, out: Path) -> None:
    """One path, in this process: its time, peak memory and notes pickled to `out`."""
    config = load_config(config_path)
    if memory_limit:
        config = dataclasses.replace(
            config, engine=dataclasses.replace(config.engine, memory_limit=memory_limit))
    start = time.perf_counter()
    if path == "pandas":
        from report_builder.data.load import load_dataset

        dataset = load_dataset(config)
        notes, rows = tuple(dataset.notes), {t: len(getattr(dataset, t))
                                            for t in ("deals", "leads", "targets", "campaigns")}
    else:
        from report_builder.engine import connect, read_engine_dataset

        engine = read_engine_dataset(connect(config.engine), config)
        notes, rows = engine.facts.notes, engine.facts.row_counts
    seconds = time.perf_counter() - start
    out.write_bytes(pickle.dumps((seconds, peak_mib(), notes, rows)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("--memory-limit", help="the engine's [engine] memory_limit, e.g. 200MB")
    parser.add_argument("--path", choices=PATHS, help=argparse.SUPPRESS)  # one run, internal
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.path:
        run(args.path, args.config, args.memory_limit, args.out)
        return
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for path in PATHS:
            out = Path(folder) / path
            limit = ["--memory-limit", args.memory_limit] if args.memory_limit else []
            subprocess.run([sys.executable, __file__, str(args.config), "--path", path,
                            "--out", str(out), *limit], check=True)
            results[path] = pickle.loads(out.read_bytes())
    print(f"{'path':8} {'read+check s':>12} {'peak MiB':>9}  same notes and rows as pandas")
    for path, (seconds, peak, notes, rows) in results.items():
        same = "-" if path == "pandas" else \
            "yes" if (notes, rows) == results["pandas"][2:] else "NO"
        print(f"{path:8} {seconds:12.2f} {peak:9.0f}  {same}")


if __name__ == "__main__":
    main()
