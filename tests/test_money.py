"""Money sanity: the deals per currency in `validate` and `inspect`; amounts that are not finite
numbers and empty deals files are bad input (exit 2, named), never a traceback."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest

from report_builder.cli import main
from report_builder.config import load_config
from report_builder.data.load import load_dataset
from report_builder.data.money import CurrencyTotal, currency_totals
from tests.small_company import DEAL_COLUMNS, DEALS, write_company
from tests.test_presets import csv_bytes

AMOUNT = DEAL_COLUMNS.index("amount")


def test_currency_totals_by_hand() -> None:
    amounts = pd.Series(["100", "50.5", None, "2000", "10"])
    currencies = pd.Series(["eur", "EUR", "EUR", None, "SEK"])
    assert currency_totals(amounts, currencies, "DKK", {"EUR": 7.46}) == [
        CurrencyTotal("DKK", 1, 1, 2000.0, 1.0, 2000.0),
        CurrencyTotal("EUR", 3, 2, 150.5, 7.46, 150.5 * 7.46),
        CurrencyTotal("SEK", 1, 1, 10.0, None, None)]


def test_validate_prints_the_deals_per_currency(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    config = write_company(tmp_path)
    assert main(["validate", str(config)]) == 0
    out = capsys.readouterr().out.splitlines()
    at = out.index("Deals per currency (the pack's amounts are in DKK):")
    assert out[at + 1:at + 3] == [
        "  DKK: 8 deals, 660,000.00 DKK",
        "  EUR: 1 deal, 1,000.00 EUR = 7,500.00 DKK at 1 EUR = 7.5 DKK"]


def test_inspect_prints_the_amounts_per_currency(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    header = ["Id", "Name", "StageName", "Amount", "CurrencyIsoCode", "CloseDate", "CreatedDate"]
    rows = [["006A", "A", "Closed Won", "1000", "USD", "2026-10-01", "2026-09-01"],
            ["006B", "B", "Prospecting", "", "USD", "2026-12-01", "2026-09-01"],
            ["006C", "C", "Closed Won", "250.5", "GBP", "2026-10-01", "2026-09-01"]]
    path = tmp_path / "Opportunity.csv"
    path.write_bytes(csv_bytes(header, rows))
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert '\ncurrency = "USD"  # the most common currency' in out
    assert "\n#   USD: 2 deals (1 without an amount), 1,000.00 USD\n" in out
    assert "\n#   GBP: 1 deal, 250.50 GBP; no rate: 1 GBP = ? USD\n" in out
    assert "\n# GBP = 0.0  # fill in: 1 GBP = ? USD (1 deal, 250.50 GBP)\n" in out


@pytest.mark.parametrize("bad", ["inf", "1e999", "-Infinity", "nan"])
def test_amounts_that_are_not_finite_numbers(tmp_path: Path, bad: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    deals = copy.deepcopy(DEALS)
    deals[4][AMOUNT] = bad  # D5, an open deal, row 6 of the file
    config = write_company(tmp_path, deals=deals)
    out = tmp_path / "out"
    assert main(["build", str(config), "--format", "json", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"deals.csv, row 6, column 'amount': value '{bad}': is not " in err
    assert "Traceback" not in err and not out.exists()


@pytest.mark.parametrize(("content", "message"), [
    (b"", "deals.csv: is empty: not even a header row; export it again"),
    (b"deal_id,name,account,owner,stage,amount,created_date,close_date\r\n",
     "deals.csv: has no deals: a header but no rows below it"),
])
def test_empty_deals_file(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                          content: bytes, message: str) -> None:
    config = write_company(tmp_path, leads=[])  # no leads either: nothing to make a pack of
    (config.parent / "data" / "deals.csv").write_bytes(content)
    out = tmp_path / "out"
    assert main(["build", str(config), "--format", "json", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and not out.exists()
    assert main(["validate", str(config)]) == 2
    assert main(["inspect", str(config.parent / "data" / "deals.csv")]) == 2


def test_header_only_deals_beside_leads(tmp_path: Path) -> None:
    """A leads-only pack (examples/x_education) keeps a header-only deals.csv: a data note."""
    config = write_company(tmp_path)
    (config.parent / "data" / "deals.csv").write_text(",".join(DEAL_COLUMNS) + "\n")
    dataset = load_dataset(load_config(config))
    assert len(dataset.deals) == 0 and len(dataset.leads) == 8
    assert [n.values for n in dataset.notes if n.key == "no_deal_rows"] == [
        {"source": "deals.csv"}]
