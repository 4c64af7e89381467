"""Bad input: each class of problem is reported with its file, row, column and value."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pandas as pd
import pytest

from report_builder.cli import main
from report_builder.config import load_config
from report_builder.data.load import load_dataset
from report_builder.errors import DataError
from tests.small_company import DEALS, LEADS, write_company


def deals_with(row: int, column: int, value: str) -> list[list[str]]:
    rows = copy.deepcopy(DEALS)
    rows[row][column] = value
    return rows


def problems_of(tmp_path: Path, **kw: object) -> list[str]:
    config = load_config(write_company(tmp_path, **kw))  # type: ignore[arg-type]
    with pytest.raises(DataError) as info:
        load_dataset(config)
    return [str(p) for p in info.value.problems]


def test_unknown_stage(tmp_path: Path) -> None:
    # DEALS[1] is the file's row 3 (the header is row 1); column 5 is stage
    assert problems_of(tmp_path, deals=deals_with(1, 5, "Negotiation")) == [
        "deals.csv, row 3, column 'stage': value 'Negotiation': unknown stage: map it in "
        "[stages] of report.toml (mapped now: Discovery, Proposal, Won, Lost)"]


def test_unparseable_date(tmp_path: Path) -> None:
    assert problems_of(tmp_path, deals=deals_with(0, 8, "2026-13-45")) == [
        "deals.csv, row 2, column 'created_date': value '2026-13-45': is not a date; expected "
        "dates like 2026-11-24 (%Y-%m-%d)"]


def test_unparseable_amount(tmp_path: Path) -> None:
    assert problems_of(tmp_path, deals=deals_with(3, 6, "80k")) == [
        "deals.csv, row 5, column 'amount': value '80k': is not an amount; expected a number "
        "like 1234567.50 (decimal separator '.', set by data.decimal)"]


def test_duplicate_ids(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, deals=deals_with(2, 0, "D1"))
    assert problems == [  # one value, named once with its rows
        "deals.csv, 2 rows (2, 4), column 'deal_id': value 'D1': duplicate deal_id: each "
        "deal_id may appear once"]


def test_unknown_campaign(tmp_path: Path) -> None:
    leads = copy.deepcopy(LEADS)
    leads[4][3] = "C99"
    assert problems_of(tmp_path, leads=leads) == [
        "leads.csv, row 6, column 'campaign_id': value 'C99': refers to a campaign not in the "
        "campaigns table; add it there or clear the cell"]


def test_missing_required_column(tmp_path: Path) -> None:
    config = write_company(tmp_path)
    deals = config.parent / "data" / "deals.csv"
    lines = deals.read_text().splitlines()
    deals.write_text("\n".join(",".join(line.split(",")[:5] + line.split(",")[6:])
                               for line in lines) + "\n")  # drop the stage column
    with pytest.raises(DataError) as info:
        load_dataset(load_config(config))
    message = str(info.value.problems[0])
    assert message.startswith("deals.csv, row 1: missing required column(s): stage (found: ")


def test_unknown_currency_and_lead_status(tmp_path: Path) -> None:
    leads = copy.deepcopy(LEADS)
    leads[0][10] = "won"
    problems = problems_of(tmp_path, deals=deals_with(0, 7, "SEK"), leads=leads)
    assert problems == [
        "deals.csv, row 2, column 'currency': value 'SEK': no exchange rate for SEK; add SEK = "
        "the DKK per one SEK under [data.currency_rates] in report.toml (1 SEK = ? DKK)",
        "leads.csv, row 2, column 'status': value 'won': unknown lead status; expected one of: "
        "open, accepted, rejected, nurture"]


def test_every_problem_is_listed_not_just_the_first(tmp_path: Path) -> None:
    rows = deals_with(0, 6, "lots")
    rows[1][9] = "soon"
    rows[2][5] = "Maybe"
    problems = problems_of(tmp_path, deals=rows)
    assert [p.split(": value")[0] for p in problems] == [
        "deals.csv, row 2, column 'amount'", "deals.csv, row 3, column 'close_date'",
        "deals.csv, row 4, column 'stage'"]


def test_each_bad_value_named_once_with_every_missing_rate(tmp_path: Path) -> None:
    """Many rows, three currencies without a rate and two bad amounts: every currency and
    value is named once, with its count and first rows, whatever the number of rows."""
    base = DEALS[0]
    rows = []
    for i in range(60):  # rows 2-61 of the file
        row = list(base)
        row[0] = f"X{i}"
        row[7] = ("SEK", "NOK", "USD")[i % 3] if i < 45 else ""
        row[6] = "80k" if i in (50, 55) else ("lots" if i == 58 else row[6])
        rows.append(row)
    problems = problems_of(tmp_path, deals=rows)
    assert problems == [
        "deals.csv, 2 rows (52, 57), column 'amount': value '80k': is not an amount; expected a "
        "number like 1234567.50 (decimal separator '.', set by data.decimal)",
        "deals.csv, row 60, column 'amount': value 'lots': is not an amount; expected a number "
        "like 1234567.50 (decimal separator '.', set by data.decimal)",
        *(f"deals.csv, 15 rows ({', '.join(str(first + 3 * k) for k in range(5))}, ...), "
          f"column 'currency': value '{code}': no exchange rate for {code}; add {code} = the DKK "
          f"per one {code} under [data.currency_rates] in report.toml (1 {code} = ? DKK)"
          for code, first in (("SEK", 2), ("NOK", 3), ("USD", 4)))]


def test_dates_detected_over_the_whole_table(tmp_path: Path) -> None:
    """05/03/2026 may be 5 March or 3 May: the table's other dates decide, never one value."""
    config = write_company(tmp_path)
    leads = config.parent / "data" / "leads.csv"
    text = re.sub(r"2026-(\d\d)-(\d\d)", r"\2/\1/2026", leads.read_text())
    leads.write_text(text)
    dataset = load_dataset(load_config(config))
    # opportunity_date alone (01/09, 01/11, 01/10, 12/11) fits both; the table's 20/08 does not
    assert dataset.leads.loc[0, "opportunity_date"] == pd.Timestamp("2026-09-01")
    assert dataset.leads.loc[7, "sql_date"] == pd.Timestamp("2026-11-12")

    ambiguous = "\n".join(line for i, line in enumerate(text.splitlines())
                          if i == 0 or line.startswith(("L1,", "L7,")))
    leads.write_text(re.sub(r"\d\d/(\d\d)/2026", r"05/\1/2026", ambiguous) + "\n")
    problems = problems_of_config(config)
    assert len(problems) == 1
    assert problems[0].endswith("every date fits both day-first and month-first; set "
                                "data.date_format in report.toml, e.g. \"%d/%m/%Y\" or "
                                "\"%m/%d/%Y\"")

    config.write_text(config.read_text().replace('path = "data"',
                                                 'path = "data"\ndate_format = "%d/%m/%Y"'))
    problems = problems_of_config(config)  # now the deals' ISO dates do not fit
    assert problems[0] == ("deals.csv, row 2, column 'created_date': value '2026-09-01': is not "
                           "a date; expected dates like 24/11/2026 (%d/%m/%Y)")


def problems_of_config(config: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        load_dataset(load_config(config))
    return [str(p) for p in info.value.problems]


def test_cli_exit_code_2_and_nothing_written(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    config = write_company(tmp_path, deals=deals_with(1, 5, "Negotiation"))
    out = tmp_path / "out"
    assert main(["build", str(config), "--format", "json", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "deals.csv, row 3, column 'stage': value 'Negotiation'" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_cli_unknown_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_company(tmp_path)
    assert main(["build", str(config), "--format", "docx", "--out", str(tmp_path / "o")]) == 2
    assert 'Unknown format "docx", did you mean one of: html, json' in capsys.readouterr().err


def test_config_errors_are_all_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_company(tmp_path)
    text = config.read_text().replace('currency = "DKK"', 'currency = "kroner"')
    text = text.replace("probability = 0.2", "probability = 20")
    config.write_text(text.replace('locale = "en_GB"', 'locale = "xx_YY"'))
    assert main(["validate", str(config)]) == 2
    err = capsys.readouterr().err
    assert "3 problem(s)" in err
    assert "Config value 'company.locale': 'xx_YY' is not a known locale" in err
    assert "Config value 'company.currency': 'KRONER' is not an ISO 4217 code" in err
    assert "Config value 'stages.Discovery.probability': 20 should be a number from 0 to 1" in err
