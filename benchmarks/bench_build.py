"""Time the build's stages on a generated dataset and print them with the peak memory.

    python benchmarks/generate_data.py --deals 1000000
    python benchmarks/bench_build.py benchmarks/data/deals-1000000/report.toml

Run by hand; the figures go in the closing notes, not in assertions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time
from pathlib import Path

from report_builder.config import load_config
from report_builder.engine import connect, read_engine_dataset
from report_builder.model.build import agenda_in_engine
from report_builder.renderers.base import get_renderer
from report_builder.renderers.context import render_context


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("config", type=Path)
    parser.add_argument("--as-of", default="2026-11-24")
    parser.add_argument("--formats", default="json,html")
    args = parser.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)

    config = load_config(args.config)
    start = time.perf_counter()
    source = read_engine_dataset(connect(config.engine), config, as_of=as_of)
    loaded = time.perf_counter()
    rows = source.facts.row_counts
    print(f"load   {loaded - start:7.2f} s  {rows['deals']:>9,} deals "
          f"{rows['leads']:>9,} leads   peak {peak_mib():7.0f} MiB  (read and checked where "
          f"the engine allows: Parquet scanned)")
    actions = None if source.dataset is None else source.dataset.actions
    agenda = agenda_in_engine(source.tables, source.facts, config, as_of, actions=actions)
    modelled = time.perf_counter()
    print(f"model  {modelled - loaded:7.2f} s                                  "
          f"peak {peak_mib():7.0f} MiB")
    context = render_context(agenda)
    for name in args.formats.split(","):
        renderer = get_renderer(name)
        before = time.perf_counter()
        size = len(renderer.render(agenda, context))
        print(f"{name:<6} {time.perf_counter() - before:7.2f} s  {size / 1e6:8.2f} MB"
              f"                      peak {peak_mib():7.0f} MiB")
    print(f"total  {time.perf_counter() - start:7.2f} s  (Python {sys.version.split()[0]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
