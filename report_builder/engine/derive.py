"""The deals' derived columns computed in the engine, as data/load.py derives them on frames:
`step` (from the stage map), `value` (the amount in the company currency, 0 when missing; at
the CRM rate table's rate in force on the close date where it has one) and `win_probability`
(the deal's own, else its stage's default).

Not here: the last stage change filled from a stage history; a dataset with one is read
through the data layer (engine/sources.py).
"""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from report_builder.config import Config
from report_builder.data.rates import CurrencyRates


def _mapped(column: ir.StringColumn, mapping: Mapping[str, object], result: str) -> ir.Value:
    """`column` through `mapping` (null where it has no entry)."""
    if not mapping:
        return ibis.null(result)
    return column.cases(*((ibis.literal(key), ibis.literal(value, type=result))
                          for key, value in mapping.items()), else_=ibis.null(result))


def with_deal_columns(deals: ir.Table, config: Config,
                      table: CurrencyRates | None = None) -> ir.Table:
    """`deals` with step, value and win_probability; `table`, the CRM's rate table, converts
    each deal at the dated rate in force on its close date (data/rates.py per_deal)."""
    stages = config.stages.values()
    step = _mapped(deals.stage, {s.name: s.step for s in stages}, "string")
    default_p = _mapped(deals.stage, {s.name: s.probability for s in stages}, "float64")
    rates = {**{k.upper(): v for k, v in config.data.currency_rates.items()},
             config.company.currency.upper(): 1.0}
    rate = _mapped(deals.currency.upper(), rates, "float64")
    if table is not None and not table.dated.empty:
        deals, dated = _dated_rates(deals, table)
        rate = dated.coalesce(rate)
    rate = deals.currency.isnull().ifelse(ibis.literal(1.0), rate)
    derived = deals.mutate(step=step, value=deals.amount.fill_null(0.0) * rate,
                           win_probability=deals.probability.coalesce(default_p))
    return derived.drop(*(c for c in derived.columns if c.startswith("_rate_")))


def _dated_rates(deals: ir.Table, table: CurrencyRates) -> tuple[ir.Table, ir.Value]:
    """The deals joined to the dated rates of their currency and of the company currency on
    their close date; and company currency per unit at those rates (null: no dated rate)."""
    dated = ibis.memtable(table.dated.astype({"currency": "string", "start": "string",
                                              "end": "string", "rate": "float64"}))
    day = deals.close_date.strftime("%Y-%m-%d")
    code = deals.currency.strip().upper()
    theirs = dated.select(_rate_code=dated.currency, _rate_start=dated.start,
                          _rate_end=dated.end, _rate_theirs=dated.rate)
    joined = deals.left_join(theirs, [code == theirs._rate_code, day >= theirs._rate_start,
                                      day < theirs._rate_end])
    own = dated.filter(dated.currency == table.company)
    own = own.select(_rate_own_start=own.start, _rate_own_end=own.end, _rate_own=own.rate)
    day = joined.close_date.strftime("%Y-%m-%d")
    joined = joined.left_join(own, [day >= own._rate_own_start, day < own._rate_own_end])
    own_units = joined._rate_own.fill_null(table.fixed.get(table.company, 1.0))
    return joined, own_units / joined._rate_theirs
