"""Exact strings from the Formatter: Babel's locale data, whole currency units, a dash for None."""

from __future__ import annotations

import datetime as dt

import pytest

from report_builder.formatting import MISSING, NBSP, Formatter

DA = Formatter("da_DK", "DKK")
EN = Formatter("en_GB", "EUR")


def test_money_danish_kroner() -> None:
    assert DA.money(1_234_567) == f"1.234.567{NBSP}kr."
    assert DA.money(1_234_567).replace(NBSP, " ") == "1.234.567 kr."


def test_money_british_euro() -> None:
    assert EN.money(1_234_567) == "€1,234,567"


def test_money_rounds_to_whole_units() -> None:
    assert EN.money(1_234_567.6) == "€1,234,568"
    assert DA.money(-45_000.2) == f"-45.000{NBSP}kr."


def test_money_letter_symbol_is_spaced_from_the_number() -> None:
    assert Formatter("en_GB", "DKK").money(1_234_567) == f"DKK{NBSP}1,234,567"


@pytest.mark.parametrize(
    ("fmt", "value", "expected"),
    [
        (DA, 1_234_567, f"1,2{NBSP}mio.{NBSP}kr."),
        (DA, 35_400, f"35,4{NBSP}tkr."),  # Danish business writing, not CLDR's "t kr."
        (DA, 2_500_000_000, f"2,5{NBSP}mia.{NBSP}kr."),
        (Formatter("da_DK", "EUR"), 35_400, f"35,4{NBSP}t{NBSP}€"),
        # German has no short form for thousands: the whole amount, grouped
        (Formatter("de_DE", "EUR"), 35_400, f"35.400{NBSP}€"),
        (Formatter("de_DE", "EUR"), 1_234_567, f"1,2{NBSP}Mio.{NBSP}€"),
        (EN, 1_234_567, "€1.2m"),
        (EN, 23_456, "€23.5k"),
        (EN, 999, "€999"),
    ],
)
def test_money_short(fmt: Formatter, value: float, expected: str) -> None:
    assert fmt.money_short(value) == expected


def test_money_short_with_one_decimal_for_amounts_compared_in_a_sentence() -> None:
    assert DA.money_short(6_969_164) == f"7{NBSP}mio.{NBSP}kr."
    assert DA.money_short(6_969_164, one_decimal=True) == f"7,0{NBSP}mio.{NBSP}kr."
    assert DA.money_short(15_100_000, one_decimal=True) == f"15,1{NBSP}mio.{NBSP}kr."
    assert DA.money_short(35_000, one_decimal=True) == f"35{NBSP}tkr."  # thousands as they are
    assert EN.money_short(7_000_000, one_decimal=True) == "€7.0m"
    assert EN.money_short(2_000_000_000, one_decimal=True) == "€2.0bn"


def test_percent() -> None:
    assert DA.percent(0.253) == f"25{NBSP}%"
    assert EN.percent(0.253) == "25%"


def test_count() -> None:
    assert DA.count(1234) == "1.234"
    assert EN.count(1234) == "1,234"


def test_ratio() -> None:
    assert DA.ratio(2.44) == "2,4×"
    assert EN.ratio(2.44) == "2.4×"


def test_days() -> None:
    assert DA.days(12) == "12 dage"
    assert EN.days(1) == "1 day"


def test_dates() -> None:
    day = dt.date(2026, 11, 24)
    assert DA.date(day) == "24. nov. 2026"
    assert EN.date(day) == "24 Nov 2026"
    assert DA.day_month(day) == "24. nov."
    assert EN.day_month(day) == "24 Nov"


@pytest.mark.parametrize("kind", ["money", "money_short", "percent", "count", "ratio", "days",
                                  "date", "day_month"])
def test_missing_values_show_a_dash(kind: str) -> None:
    assert MISSING == "\u2013"
    assert EN.value(None, kind) == MISSING
    assert DA.value(None, kind) == MISSING


def test_nan_shows_a_dash() -> None:
    assert EN.money(float("nan")) == MISSING


def test_value_dispatches_by_kind() -> None:
    assert EN.value(0.5, "percent") == EN.percent(0.5)
    assert EN.value(1_234, "money") == EN.money(1_234)
    with pytest.raises(ValueError, match="unknown figure kind"):
        EN.value(1, "furlongs")


def test_plotly_separators() -> None:
    assert DA.plotly_separators == ",."
    assert EN.plotly_separators == ".,"


def test_date_ranges_as_each_language_writes_them() -> None:
    nov_11, nov_24 = dt.date(2026, 11, 11), dt.date(2026, 11, 24)
    assert DA.date_range(nov_11, nov_24) == "11.–24. nov. 2026"
    assert EN.date_range(nov_11, nov_24) == "11\u2009–\u200924 Nov 2026"
    assert DA.date_range(dt.date(2026, 10, 27), nov_24) == "27. okt.–24. nov. 2026"
    assert DA.date_range(dt.date(2026, 12, 1), dt.date(2027, 2, 26)) == \
        "1. dec. 2026–26. feb. 2027"
    assert DA.date_range(nov_24, nov_24) == "24. nov. 2026"
    assert DA.date_range(None, nov_24) == f"{MISSING} – 24. nov. 2026"


def test_quarters_as_each_language_writes_them() -> None:
    assert DA.quarter("2026-Q4") == "4. kvt. 2026"
    assert EN.quarter("2026-Q4") == "Q4 2026"
    assert Formatter("de_DE", "EUR").quarter("2027-Q1") == "Q1 2027"
    assert DA.quarter(None) == MISSING
    with pytest.raises(ValueError, match="2026-Q4"):
        DA.quarter("Q4")
