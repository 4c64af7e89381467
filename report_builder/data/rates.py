"""Exchange rates read from the CRM's own tables (Salesforce `CurrencyType.csv` and
`DatedConversionRate.csv`), turned the right way round.

Salesforce's `ConversionRate` is the units of a currency per ONE unit of the corporate currency
(`IsCorporate = 1`): with corporate USD, `EUR 0.92` means 1 USD = 0.92 EUR. The pack's rates are
the other way: company currency per one unit of the other (1 EUR = 1/0.92 USD). Both tables are
relative to the corporate currency, so a company currency that is not the corporate one is
reached through it: company per X = rate(company) / rate(X).

A dated rate is in force from its `StartDate` up to the day before its `NextStartDate`; a deal
converts at the rate in force on its close date, else at `CurrencyType`'s rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from report_builder.config import RateTableSource
from report_builder.data.encoding import read_csv_raw
from report_builder.data.sources import EMPTY_MARKERS, normalise_header
from report_builder.errors import DataError, Problem

ENCODINGS = ("utf-8-sig", "cp1252")
FIXED_COLUMNS = ("isocode", "conversionrate")
DATED_COLUMNS = ("isocode", "conversionrate", "startdate", "nextstartdate")


@dataclass(frozen=True)
class CurrencyRates:
    """Rates relative to the CRM's corporate currency (units per one corporate unit)."""

    company: str
    fixed: dict[str, float]  # currency -> units per corporate unit (CurrencyType)
    dated: pd.DataFrame  # currency, start, end, rate (units per corporate unit)
    corporate: str | None = None

    @property
    def currencies(self) -> set[str]:
        """Every currency a rate is known for."""
        return set(self.fixed) | set(self.dated["currency"])

    def company_rates(self) -> dict[str, float]:
        """Company currency per one unit of each currency, at CurrencyType's rates (or, for a
        currency only the dated table has, its latest rate)."""
        latest = {str(c): float(g.sort_values("start")["rate"].iloc[-1])
                  for c, g in self.dated.groupby("currency")}
        units = {**latest, **self.fixed}
        own = units.get(self.company, 1.0)
        return {code: own / rate for code, rate in units.items()}

    def per_deal(self, currency: pd.Series, on: pd.Series) -> pd.Series:
        """Company currency per one unit of each row's currency, at the dated rate in force on
        `on` (the close date) where the table has one, else the fixed rate; NaN: no rate."""
        fixed = self.company_rates()
        code = currency.astype("string").str.strip().str.upper()
        result = code.map(fixed).astype("float64")
        if self.dated.empty:
            return result
        day = pd.to_datetime(on, errors="coerce").dt.strftime("%Y-%m-%d").astype("string")
        own = self._dated_units(pd.Series(self.company, index=code.index), day)
        # the company currency is the corporate one when the fixed table does not list it
        own = own.fillna(self.fixed.get(self.company, 1.0))
        theirs = self._dated_units(code, day)
        dated = own / theirs
        return dated.where(dated.notna(), result)

    def _dated_units(self, code: pd.Series, day: pd.Series) -> pd.Series:
        units = pd.Series(float("nan"), index=code.index)
        for row in self.dated.itertuples(index=False):
            hit = (code == row.currency) & (day >= row.start) & (day < row.end)
            units[hit.fillna(False).astype(bool).to_numpy()] = row.rate
        return units


def read_rates(source: RateTableSource, company: str) -> CurrencyRates:
    """The rate tables of `source`; a DataError naming each bad file, row and value."""
    problems: list[Problem] = []
    fixed: dict[str, float] = {}
    corporate = None
    if source.path is not None:
        frame = _read(source.path, FIXED_COLUMNS, problems)
        if frame is not None:
            active = frame.get("isactive")
            if active is not None:
                frame = frame[~active.astype("string").str.strip().isin(["0", "false", "False"])]
            rates = _positive(frame, source.path.name, problems)
            fixed = dict(zip(frame["isocode"].str.strip().str.upper(), rates, strict=True))
            if "iscorporate" in frame.columns:
                flag = frame["iscorporate"].astype("string").str.strip().isin(["1", "true",
                                                                                 "True"])
                codes = frame.loc[flag.to_numpy(), "isocode"].str.strip().str.upper()
                corporate = str(codes.iloc[0]) if len(codes) else None
    dated = pd.DataFrame({"currency": pd.Series(dtype="string"), "start": pd.Series(
        dtype="string"), "end": pd.Series(dtype="string"),
        "rate": pd.Series(dtype="float64")})
    if source.dated is not None:
        frame = _read(source.dated, DATED_COLUMNS, problems)
        if frame is not None:
            dated = pd.DataFrame({
                "currency": frame["isocode"].str.strip().str.upper(),
                "start": _dates(frame, "startdate", source.dated.name, problems),
                "end": _dates(frame, "nextstartdate", source.dated.name, problems),
                "rate": _positive(frame, source.dated.name, problems)})
    if problems:
        raise DataError(problems)
    if corporate is not None and company.upper() not in fixed:
        raise DataError([Problem(source.path.name if source.path else "", None, "IsoCode",
                                 company, f"company.currency {company} has no rate in the "
                                 f"CRM's table (corporate currency: {corporate}); set "
                                 "company.currency to a currency the table lists")])
    return CurrencyRates(company.upper(), fixed, dated.reset_index(drop=True), corporate)


def _read(path: Path, wanted: tuple[str, ...], problems: list[Problem]) -> pd.DataFrame | None:
    frame, _ = read_csv_raw(path, encodings=ENCODINGS, separator=None,
                            empty_markers=EMPTY_MARKERS)
    frame.columns = [normalise_header(c) for c in frame.columns]
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        problems.append(Problem(path.name, 1, None, None, "is not a Salesforce rate table: "
                                f"missing column(s) {', '.join(missing)} (a CurrencyType export "
                                "has IsoCode, ConversionRate, IsCorporate; DatedConversionRate "
                                "also StartDate, NextStartDate)"))
        return None
    return frame.reset_index(drop=True)


def _positive(frame: pd.DataFrame, name: str, problems: list[Problem]) -> pd.Series:
    rate = pd.to_numeric(frame["conversionrate"].astype("string").str.strip(), errors="coerce")
    bad = ~(rate > 0) | ~rate.abs().lt(float("inf"))
    for pos in bad[bad.fillna(True)].index[:10]:
        problems.append(Problem(name, int(pos) + 2, "ConversionRate",
                                str(frame["conversionrate"].iloc[pos]),
                                "should be a positive number (units of the currency per one "
                                "unit of the corporate currency)"))
    return rate.astype("float64")


def _dates(frame: pd.DataFrame, column: str, name: str, problems: list[Problem]) -> pd.Series:
    """ISO dates kept as text (`0001-01-01` and `9999-12-31` bound the first and last ranges,
    beyond what a timestamp holds); ISO text orders as the dates do."""
    text = frame[column].astype("string").str.strip().str.slice(0, 10)
    bad = ~text.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)
    for pos in bad[bad].index[:10]:
        problems.append(Problem(name, int(pos) + 2, column, str(frame[column].iloc[pos]),
                                "should be a date like 2026-11-24"))
    return text
