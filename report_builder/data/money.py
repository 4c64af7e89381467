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


def currency_totals(amounts: pd.Series, currencies: pd.Series | None, company_currency: str,
                    rates: dict[str, float]) -> list[CurrencyTotal]:
    """Per currency (the company's first, then by deal count): deals, total, converted total.
    Deals without a currency are in the company currency."""
    code = (currencies.astype("string").str.strip().str.upper()
            if currencies is not None else pd.Series(pd.NA, index=amounts.index, dtype="string"))
    code = code.mask(code == "").fillna(company_currency.upper())
    amounts = pd.to_numeric(amounts, errors="coerce").astype("float64")
    frame = pd.DataFrame({"currency": code.to_numpy(), "amount": amounts.to_numpy()})
    grouped = frame.groupby("currency", sort=False)["amount"]
    counts, filled, totals = grouped.size(), grouped.count(), grouped.sum()
    known = {k.upper(): v for k, v in rates.items()} | {company_currency.upper(): 1.0}
    rows = []
    for currency in counts.index:
        rate = known.get(str(currency))
        total = float(totals[currency])
        rows.append(CurrencyTotal(str(currency), int(counts[currency]), int(filled[currency]),
                                  total, rate, None if rate is None else total * rate))
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
                         f"{t.rate:g} {own}")
    return lines
