"""The deals' money per currency: how many deals, their total in that currency and in the
company currency at the rate used, so that a rate off by a factor of a thousand (or pasted the
wrong way round) is visible before any figure is built on it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    deals: int
    with_amount: int  # deals of this currency that have an amount
    total: float  # in this currency
    rate: float | None  # company currency per one unit; None: no rate given
    company_total: float | None  # in the company currency; None without a rate
    averaged: bool = False  # the deals converted at rates by close date; `rate` is their mean


def currency_totals(amounts: pd.Series, currencies: pd.Series | None, company_currency: str,
                    rates: dict[str, float], *,
                    values: pd.Series | None = None) -> list[CurrencyTotal]:
    """Per currency (the company's first, then by deal count): deals, total, converted total.
    Deals without a currency are in the company currency. `values`, the deals' amounts in the
    company currency as converted (at rates by close date), gives the converted totals."""
    code = (currencies.astype("string").str.strip().str.upper()
            if currencies is not None else pd.Series(pd.NA, index=amounts.index, dtype="string"))
    code = code.mask(code == "").fillna(company_currency.upper())
    amounts = pd.to_numeric(amounts, errors="coerce").astype("float64")
    frame = pd.DataFrame({"currency": code.to_numpy(), "amount": amounts.to_numpy()})
    grouped = frame.groupby("currency", sort=False)["amount"]
    groups = pd.DataFrame({"deals": grouped.size(), "with_amount": grouped.count(),
                           "total": grouped.sum()})
    if values is not None:
        groups["converted"] = pd.Series(values.to_numpy(dtype="float64"))\
            .groupby(frame["currency"]).sum()
    return totals_of(groups.rename_axis("currency").reset_index(), company_currency, rates)


def totals_of(groups: pd.DataFrame, company_currency: str,
              rates: dict[str, float]) -> list[CurrencyTotal]:
    """currency_totals from a row per currency (`currency`, `deals`, `with_amount`, `total`,
    and `converted` where the deals' values are known), however it was grouped."""
    known = {k.upper(): v for k, v in rates.items()} | {company_currency.upper(): 1.0}
    rows = []
    for g in groups.itertuples(index=False):
        rate = known.get(str(g.currency))
        total = float(g.total)
        company_total = None if rate is None else total * rate
        averaged = False
        converted = getattr(g, "converted", None)
        if converted is not None and total and (
                company_total is None or abs(float(converted) - company_total) > 0.005):
            # converted at rates by close date, or at a CRM rate table's the config lacks
            company_total = float(converted)
            rate, averaged = company_total / total, True
        rows.append(CurrencyTotal(str(g.currency), int(g.deals), int(g.with_amount),
                                  total, rate, company_total, averaged))
    own = company_currency.upper()
    return sorted(rows, key=lambda r: (r.currency != own, -r.deals, r.currency))


def describe_totals(totals: list[CurrencyTotal], company_currency: str) -> list[str]:
    """One line per currency, e.g. `EUR: 12 deals, 1,234,567.00 EUR = 9,209,869.82 DKK at
    1 EUR = 7.46 DKK`."""
    own = company_currency.upper()
    lines = []
    for t in totals:
        deals = f"{t.deals} deal{'s' if t.deals != 1 else ''}"
        if t.with_amount < t.deals:
            deals += f" ({t.deals - t.with_amount} without an amount)"
        line = f"{t.currency}: {deals}, {t.total:,.2f} {t.currency}"
        if t.currency == own:
            lines.append(line)
        elif t.rate is None:
            lines.append(f"{line}; no rate: 1 {t.currency} = ? {own}")
        else:
            lines.append(f"{line} = {t.company_total:,.2f} {own} at 1 {t.currency} = "
                         f"{t.rate:g} {own}" + (" on average (each deal at the rate of its "
                                                 "close date)" if t.averaged else ""))
    return lines
