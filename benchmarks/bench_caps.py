"""Time the full pack (every format) for the example and for the example with many distinct
categories and one very long deal name, to show the caps keep the build near the example's time.

    python benchmarks/bench_caps.py                      # 100,000 sources, a 1M-character name
    python benchmarks/bench_caps.py --sources 2000 --profile

The example company is copied to a temporary folder with its newest leads (and added ones, made
days before the meeting) each in its own lead source, every lost deal with its own lost reason,
every rejected lead with its own rejection reason, and the first open deal named with
`--name-length` characters (and made the largest, so every format lists it). Run by hand; the
figures go in the closing notes, not in assertions.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import datetime as dt
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

from report_builder.build import build
from report_builder.config import load_config

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "nordlys"
AS_OF = dt.date(2026, 11, 24)
FORMATS = ["html", "pdf", "json", "pptx", "customer-deck"]


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or ()), list(reader)


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, columns)
        writer.writeheader()
        writer.writerows(rows)


def make_company(folder: Path, *, sources: int, name_length: int) -> Path:
    """The example in `folder` with `sources` distinct lead sources; returns its report.toml."""
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("generate.py"))
    columns, leads = _rows(folder / "data" / "leads.csv")
    for i in range(len(leads), sources):  # more leads, created days before the meeting
        leads.append({**{k: "" for k in columns}, "lead_id": f"L-X{i:07d}",
                      "created_date": "2026-11-20", "status": "open"})
    newest_first = sorted(leads, key=lambda lead: lead["created_date"], reverse=True)
    for i, lead in enumerate(newest_first[:sources]):
        lead["source_channel"] = f"Source {i:06d} " + "x" * 20
        if lead["rejection_reason"]:
            lead["rejection_reason"] = f"Rejection reason {i:06d}"
    _write(folder / "data" / "leads.csv", columns, leads)
    columns, deals = _rows(folder / "data" / "deals.csv")
    for i, deal in enumerate(deals):
        if deal["lost_reason"]:
            deal["lost_reason"] = f"Lost reason {i:06d}"
        if deal["won_reason"]:
            deal["won_reason"] = f"Won reason {i:06d}"
    if name_length:  # the largest open deal, so it is in the lists every format shows
        first_open = next(d for d in deals if not d["stage"].startswith("Closed"))
        first_open["name"] = ("Deal " * (name_length // 5 + 1))[:name_length]
        first_open["amount"] = "99000000"
        first_open["currency"] = ""
        first_open["close_date"] = "2026-12-15"
    _write(folder / "data" / "deals.csv", columns, deals)
    config = folder / "report.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'dir = "../../out"', 'dir = "out"'), encoding="utf-8")
    return config


def timed_build(config: Path, out: Path, label: str, *, profile: bool = False) -> float:
    settings = load_config(config)
    profiler = cProfile.Profile() if profile else None
    steps: list[tuple[str, float]] = []
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    build(settings, as_of=AS_OF, formats=FORMATS, out_dir=out, history=False,
          progress=lambda step: steps.append((step, time.perf_counter())))
    if profiler:
        profiler.disable()
    took = time.perf_counter() - start
    marks = [(name, at - start) for name, at in steps]
    print(f"{label:<40} {took:7.2f} s")
    for name, at in marks:
        print(f"    {at:7.2f} s  {name[:70]}")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=int, default=100_000)
    parser.add_argument("--name-length", type=int, default=1_000_000)
    parser.add_argument("--profile", action="store_true", help="profile the capped build")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-caps-") as tmp:
        base = Path(tmp)
        example = base / "example"
        shutil.copytree(EXAMPLE, example)
        timed_build(example / "report.toml", base / "out-example", "example")
        config = make_company(base / "capped", sources=args.sources,
                              name_length=args.name_length)
        timed_build(config, base / "out-capped",
                    f"{args.sources:,} sources, {args.name_length:,}-char name",
                    profile=args.profile)
        for path in sorted((base / "out-capped").iterdir()):
            print(f"  {path.name:<44} {path.stat().st_size / 1e6:8.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
