"""The deals per currency, counted in the engine (for `validate`: a rate off by a factor of a
thousand shows at once, without fetching the deals)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pandas as pd

from report_builder.engine.fetch import fetch


def currency_groups(deals: ir.Table, company_currency: str) -> pd.DataFrame:
    """A row per currency (deals without one in the company's): `currency`, `deals`,
    `with_amount`, `total` and `converted` (the deals' values in the company currency), as
    data/money.py's `totals_of` reads them."""
    code = deals.currency.cast("string").strip().upper() if "currency" in deals.columns \
        else ibis.null("string")
    code = code.nullif("").fill_null(company_currency.upper())
    amount = deals.amount.cast("float64")
    grouped = deals.mutate(code=code, amount_=amount).group_by("code").aggregate(
        deals=ibis._.count(), with_amount=ibis._.amount_.count(),
        total=ibis._.amount_.sum().fill_null(0.0), converted=ibis._.value.sum().fill_null(0.0))
    return fetch(grouped.rename(currency="code"))
