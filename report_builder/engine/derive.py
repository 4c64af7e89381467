"""The deals' derived columns computed in the engine, as data/load.py derives them on frames:
`step` (from the stage map), `value` (the amount in the company currency, 0 when missing) and
`win_probability` (the deal's own, else its stage's default).

Not here yet: rates by close date (a CRM rate table's dated rates) and the last stage change
filled from a stage history; a dataset needing them is loaded through the data layer.
"""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from report_builder.config import Config


def _mapped(column: ir.StringColumn, mapping: Mapping[str, object], result: str) -> ir.Value:
    """`column` through `mapping` (null where it has no entry)."""
    if not mapping:
        return ibis.null(result)
    return column.cases(*((ibis.literal(key), ibis.literal(value, type=result))
                          for key, value in mapping.items()), else_=ibis.null(result))


def with_deal_columns(deals: ir.Table, config: Config) -> ir.Table:
    stages = config.stages.values()
    step = _mapped(deals.stage, {s.name: s.step for s in stages}, "string")
    default_p = _mapped(deals.stage, {s.name: s.probability for s in stages}, "float64")
    rates = {**{k.upper(): v for k, v in config.data.currency_rates.items()},
             config.company.currency.upper(): 1.0}
    rate = _mapped(deals.currency.upper(), rates, "float64")
    rate = deals.currency.isnull().ifelse(ibis.literal(1.0), rate)
    return deals.mutate(step=step,
                        value=deals.amount.fill_null(0.0) * rate,
                        win_probability=deals.probability.coalesce(default_p))
