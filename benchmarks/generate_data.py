#!/usr/bin/env python3
"""Write a large Nordlys-shaped data set as Parquet, for benchmarking report-builder.

    python benchmarks/generate_data.py --deals 100000
    python benchmarks/generate_data.py --deals 1000000
    python benchmarks/generate_data.py --deals 100000 --teams 50

writes benchmarks/data/deals-<N>/{deals,leads,targets,campaigns}.parquet (two leads per deal
unless --leads says otherwise) and a report.toml next to them, so that

    report-builder build benchmarks/data/deals-<N>/report.toml

builds a pack from it. The tables come from examples/nordlys/generate.py: the same company,
stages and channels as the example, scaled up. Dates are stored as date32, amounts as float64.
With --teams N the company has N teams of two sellers each (the deals and their leads spread
evenly over the sellers, each quarter's company target split evenly over teams and sellers),
for `report-builder build --per team`.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "examples" / "nordlys" / "generate.py"
AS_OF = date(2026, 11, 24)
LEAD_SHARE = 0.85  # share of deals that come from a lead

REPORT_TOML = """\
# Benchmark data set: {n_deals:,} deals, {n_leads:,} leads (Nordlys ApS, scaled up).
# Written by benchmarks/generate_data.py. Build with:
#   report-builder build {toml_path}
[company]
name = "Nordlys ApS"
currency = "DKK"
locale = "da_DK"
fiscal_year_start_month = 1

[meeting]
as_of = {as_of}
cadence_anchor = 2026-01-06
cadence_days = 14
campaign_horizon_weeks = 6
stale_after_days = 30

[data]
path = "."
currency_rates = {{ EUR = 7.46 }}

[stages]
"Qualification" = {{ step = "opportunity", probability = 0.10 }}
"Discovery" = {{ step = "opportunity", probability = 0.20 }}
"Solution design" = {{ step = "opportunity", probability = 0.40 }}
"Proposal sent" = {{ step = "quote", probability = 0.60 }}
"Negotiation" = {{ step = "quote", probability = 0.80 }}
"Closed won" = {{ step = "won" }}
"Closed lost" = {{ step = "lost" }}

[output]
dir = "out"
formats = ["html", "json"]
"""


def load_generator():
    """examples/nordlys/generate.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("nordlys_generate", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def to_arrow(df: pd.DataFrame) -> pa.Table:
    """The table with dates as date32, floats as float64, booleans as bool, the rest strings."""
    fields, arrays = [], []
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            arr = pa.array(s.to_numpy("datetime64[D]"), type=pa.date32(), from_pandas=True)
        elif pd.api.types.is_bool_dtype(s):
            arr = pa.array(s.to_numpy(), type=pa.bool_())
        elif pd.api.types.is_float_dtype(s):
            arr = pa.array(s.to_numpy(), type=pa.float64(), from_pandas=True)
        elif pd.api.types.is_integer_dtype(s):
            arr = pa.array(s.to_numpy(), type=pa.int64())
        else:
            arr = pa.array(s.to_numpy(object), type=pa.string(), from_pandas=True)
        fields.append(pa.field(col, arr.type))
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def with_teams(tables: dict[str, pd.DataFrame], teams: int, seed: int) -> None:
    """`teams` teams of two sellers each, in place of the example's: each deal a seller's
    chosen at random, each lead with a deal its deal's seller (a lead without a deal keeps no
    owner where it had none, else a seller at random); the targets of each quarter the
    company's, split evenly over the teams and each team's over its two sellers."""
    rng = np.random.default_rng(seed)
    sellers = np.array([f"Seller {i + 1:03d}" for i in range(2 * teams)], dtype=object)
    team_of = {seller: f"Team {i // 2 + 1:02d}" for i, seller in enumerate(sellers)}
    deals = tables["deals"]
    deals["owner"] = sellers[rng.integers(0, len(sellers), len(deals))]
    deals["team"] = deals["owner"].map(team_of)
    leads = tables["leads"]
    owner_of_deal = dict(zip(deals["deal_id"], deals["owner"], strict=True))
    by_deal = leads["deal_id"].map(owner_of_deal)
    random_owner = pd.Series(sellers[rng.integers(0, len(sellers), len(leads))],
                             index=leads.index)
    leads["owner"] = by_deal.where(by_deal.notna(),
                                   random_owner.where(leads["owner"].notna(), None))
    company = tables["targets"][tables["targets"]["scope"] == "company"]
    figures = ["revenue_target", "new_customers_target", "meetings_target"]
    rows = [company]
    for scope, names, share in (("team", sorted(set(team_of.values())), teams),
                                ("owner", list(sellers), 2 * teams)):
        for name in names:
            part = company.assign(scope=scope, scope_value=name)
            part[figures] = (company[figures] / share).round()
            rows.append(part)
    tables["targets"] = pd.concat(rows, ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deals", type=int, required=True, help="number of deals, e.g. 100000")
    parser.add_argument("--leads", type=int, help="number of leads (default: 2 per deal)")
    parser.add_argument("--teams", type=int, help="N teams of two sellers each (default: the "
                        "example's three)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, help="folder (default: benchmarks/data/deals-<N>)")
    args = parser.parse_args(argv)
    if args.deals < 1:
        parser.error("--deals must be at least 1")
    n_leads = args.leads if args.leads is not None else 2 * args.deals
    suffix = f"-teams-{args.teams}" if args.teams else ""
    out = args.out or ROOT / "benchmarks" / "data" / f"deals-{args.deals}{suffix}"

    gen = load_generator()
    t0 = time.perf_counter()
    tables = gen.generate(args.deals, n_leads, seed=args.seed, as_of=AS_OF, lead_share=LEAD_SHARE)
    if args.teams:
        with_teams(tables, args.teams, args.seed)
    t1 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    for name in ("deals", "leads", "targets", "campaigns"):
        pq.write_table(to_arrow(tables[name]), out / f"{name}.parquet", compression="zstd")
    toml_path = out / "report.toml"
    shown = toml_path.relative_to(ROOT) if toml_path.is_relative_to(ROOT) else toml_path
    toml_path.write_text(
        REPORT_TOML.format(
            n_deals=args.deals, n_leads=n_leads, as_of=AS_OF.isoformat(), toml_path=shown
        ),
        encoding="utf-8",
    )
    t2 = time.perf_counter()
    sizes = ", ".join(f"{name} {len(df):,}" for name, df in tables.items())
    print(f"{sizes} rows -> {out}")
    print(f"generated in {t1 - t0:.1f} s, written in {t2 - t1:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
