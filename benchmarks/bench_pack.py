"""The whole pack as a user builds it, timed: every figure of the "Fast at every size" table in
one run, each build a fresh process (`report-builder build`, the history off) measured for wall
time and peak memory, the median of `--runs`.

    python benchmarks/bench_pack.py
    python benchmarks/bench_pack.py --runs 3 --large benchmarks/data/deals-1000000/report.toml \\
        --teams benchmarks/data/deals-100000-teams-50/report.toml --before ../report-builder-0.x

Rows: the example company's five formats (HTML, PDF, JSON, the meeting deck, the customer
deck); the same five with the naive chart export (a browser started and stopped for each chart,
`plotly.io.to_image`, as without ChartExporter: benchmarks/naive_pack.py); the PDF alone;
HTML and JSON; with `--large` (benchmarks/generate_data.py's data) the five formats of that
dataset; and with `--teams` (a dataset of `generate_data.py --teams N`) a pack per team
(`build --per team`) in HTML, JSON and PDF, in HTML and JSON, and in JSON. The peak memory is
the largest process's: a build of several PDFs lays them out in processes of their own, one a
core, each about as large as the build's. `--before DIR` builds each row with the checkout in
DIR too (the naive row is run once, by this checkout). Run by hand; the figures go in the notes
and the README, not in assertions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "nordlys" / "report.toml"
ALL_FORMATS = "html,pdf,json,pptx,customer-deck"
# runs a command and prints its peak RSS in KiB (the largest child waited for)
MEASURE = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


@dataclass(frozen=True)
class Row:
    what: str
    config: Path
    formats: str
    naive: bool = False  # the charts exported with a browser per chart
    per: str | None = None  # a pack per team ("team") or seller ("owner")


@dataclass(frozen=True)
class Figure:
    wall: float  # s, the median of the runs
    peak_mib: float  # the largest of the runs


def measure(row: Row, checkout: Path, runs: int) -> Figure:
    """`row` built `runs` times by the checkout in `checkout`, each in a fresh process."""
    walls, peaks = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as out:
            if row.naive:
                build = [sys.executable, str(ROOT / "benchmarks" / "naive_pack.py"),
                         str(row.config), out, row.formats]
            else:
                build = [sys.executable, "-m", "report_builder", "build", str(row.config),
                         "--format", row.formats, "--no-history", "--out", out, "-q",
                         *(["--per", row.per] if row.per else [])]
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", MEASURE, *build], check=True,
                                  env={**os.environ, "PYTHONPATH": str(checkout)},
                                  cwd=checkout, capture_output=True, text=True)
            walls.append(time.perf_counter() - started)
            peaks.append(int(done.stdout.split()[-1]) / 1024)
    return Figure(statistics.median(walls), max(peaks))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="builds per row (median wall)")
    parser.add_argument("--large", type=Path, help="a generated dataset's report.toml")
    parser.add_argument("--teams", type=Path,
                        help="a generated dataset's report.toml (--teams N): a pack per team")
    parser.add_argument("--before", type=Path, help="another checkout, built side by side")
    args = parser.parse_args()

    rows = [Row("example, all five formats", EXAMPLE, ALL_FORMATS),
            Row("example, five formats, a browser per chart", EXAMPLE, ALL_FORMATS,
                naive=True),
            Row("example, PDF alone", EXAMPLE, "pdf"),
            Row("example, HTML + JSON", EXAMPLE, "html,json")]
    if args.large is not None:
        rows.append(Row(f"{args.large.parent.name}, all five formats", args.large.resolve(),
                        ALL_FORMATS))
    if args.teams is not None:
        teams = args.teams.resolve()
        rows += [Row(f"{args.teams.parent.name}, a pack per team, {formats}", teams, formats,
                     per="team") for formats in ("html,json,pdf", "html,json", "json")]
    checkouts = [("this version", ROOT)]
    if args.before is not None:
        checkouts.insert(0, ("before", args.before.resolve()))

    print(f"{os.cpu_count()} cores; median of {args.runs} runs; history off\n")
    width = max(len(row.what) for row in rows) + 2
    print(f"{'what':<{width}}{'version':<14}{'wall s':>8}{'peak MiB':>10}")
    found: dict[str, Figure] = {}
    for row in rows:
        for label, checkout in checkouts:
            if row.naive and label != "this version":
                continue
            figure = measure(row, checkout, args.runs)
            if label == "this version":
                found[row.what] = figure
            print(f"{row.what:<{width}}{label:<14}{figure.wall:>8.1f}{figure.peak_mib:>10.0f}",
                  flush=True)
    ours, naive = found[rows[0].what], found[rows[1].what]
    print(f"\nthe example's five formats: {naive.wall / ours.wall:.1f}x faster than with a "
          "browser per chart")
    print("reproduce: python benchmarks/bench_pack.py " + " ".join(sys.argv[1:]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
