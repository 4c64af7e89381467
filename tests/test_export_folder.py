# ruff: noqa: E501  (the fixture rows are laid out as tables, one record a line)
"""A CRM's whole export folder as one source: `inspect FOLDER` prints one config that validates
and builds as printed; owners and accounts as names; the CRM's own rates the right way round,
dated by close date (the figures worked out by hand in tests/salesforce_folder.py)."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from report_builder.cli import main
from report_builder.config import RateTableSource
from report_builder.data.rates import read_rates
from tests import salesforce_folder as sf

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def inspect_build(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                  as_of: str) -> tuple[str, dict]:
    """inspect -> the printed config -> validate -> build (JSON): exit 0 each time."""
    assert main(["inspect", str(folder)]) == 0
    out = capsys.readouterr().out
    config = tmp_path / "report.toml"
    config.write_text(out, encoding="utf-8")
    assert main(["validate", str(config)]) == 0
    capsys.readouterr()
    assert main(["build", str(config), "--as-of", as_of, "--format", "json", "--out",
                 str(tmp_path / "out"), "-q"]) == 0
    agenda = json.loads((tmp_path / "out" / f"pipeline-meeting-{as_of}.json").read_text())
    return out, agenda["agenda"]


def test_salesforce_folder_inspect_validate_build(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    export = sf.write_export(tmp_path / "export")
    out, agenda = inspect_build(export, tmp_path, capsys, sf.AS_OF)
    parsed = tomllib.loads(out)
    data = parsed["data"]
    assert parsed["company"]["currency"] == "USD"  # the corporate currency
    assert data["preset"] == "salesforce"
    assert {k: Path(v).name for k, v in data.items() if isinstance(v, str) and "/" in v} == {
        "deals": "Opportunity.csv", "stage_history": "OpportunityHistory.csv",
        "leads": "Lead.csv", "campaigns": "Campaign.csv",
        "campaign_members": "CampaignMember.csv", "users": "User.csv",
        "accounts": "Account.csv"}
    assert {k: Path(v).name for k, v in data["currency_rates"].items()} == {
        "path": "CurrencyType.csv", "dated": "DatedConversionRate.csv"}
    assert data["defaults"]["leads"] == {"source_channel": "(no source)"}
    assert parsed["stages"]["Qualification"]["step"] == "opportunity"  # from the history only
    # 900 EUR at 1/0.80 + 460 EUR at 1/0.80 + 920 EUR at 1/0.90 = 2,722.22 USD
    assert "#   EUR: 3 deals, 2,280.00 EUR = 2,722.22 USD" in out

    company = agenda["targets"]["company"]
    assert (company["won"], company["won_deals"]) == (3125.0, 3)
    assert company["open_pipeline"] == 5575.0
    assert [o["name"] for o in agenda["targets"]["owners"]] == ["Søren Ærø", "Jane Doe"]
    largest = agenda["pipeline"]["largest"]
    assert [(d["account"], d["owner"], d["value"]) for d in largest[:2]] == [
        ("Acme Corp", "Søren Ærø", 5000.0), ("Beta Ltd", "Jane Doe", 575.0)]
    leads = {c["name"]: c["leads"] for c in agenda["sources"]["channels"]}
    assert leads == {"Web": 2, "Partner Referral": 1, "(no source)": 1}
    assert [c["name"] for c in agenda["campaigns"]["upcoming"]] == ["User conference"]
    conference = agenda["campaigns"]["upcoming"][0]
    assert (conference["owner"], conference["budget"]) == ("Jane Doe", 10000.0)  # budgeted
    unmatched = {(n["table"], n["values"]["column"]): (n["count"], n["examples"])
                 for n in agenda["data_notes"]["notes"] if n["key"] == "unmatched_ids"}
    assert unmatched == {("deals", "owner"): (1, [sf.U9]), ("leads", "owner"): (1, [sf.U9]),
                         ("deals", "account"): (1, [sf.A9])}


def _rates(tmp_path: Path, rows: list[list[str]], dated: list[list[str]] | None = None,
           company: str = "USD"):  # noqa: ANN202
    fixed = tmp_path / "CurrencyType.csv"
    fixed.write_text("IsoCode,ConversionRate,IsCorporate,IsActive\n" +
                     "".join(",".join(r) + "\n" for r in rows))
    dated_path = None
    if dated is not None:
        dated_path = tmp_path / "DatedConversionRate.csv"
        dated_path.write_text("IsoCode,ConversionRate,StartDate,NextStartDate\n" +
                              "".join(",".join(r) + "\n" for r in dated))
    return read_rates(RateTableSource(fixed, dated_path), company)


def test_conversion_rate_is_turned_round(tmp_path: Path) -> None:
    """Corporate USD, EUR 0.92 (EUR per one USD): 1 EUR = 1/0.92 USD = 1.0869... USD; with the
    company in EUR instead, 1 USD = 0.92 EUR and 1 GBP = 0.92/0.8 = 1.15 EUR."""
    rows = [["USD", "1", "1", "1"], ["EUR", "0.92", "0", "1"], ["GBP", "0.8", "0", "1"]]
    usd = _rates(tmp_path, rows).company_rates()
    assert usd["EUR"] == pytest.approx(1 / 0.92) and usd["GBP"] == pytest.approx(1.25)
    eur = _rates(tmp_path, rows, company="EUR").company_rates()
    assert eur["USD"] == pytest.approx(0.92) and eur["GBP"] == pytest.approx(1.15)


def test_dated_rate_by_close_date(tmp_path: Path) -> None:
    """A deal converts at the rate in force on its close date: from StartDate, up to the day
    before NextStartDate; a currency without dated rates at CurrencyType's."""
    rates = _rates(tmp_path, [["USD", "1", "1", "1"], ["EUR", "0.92", "0", "1"],
                              ["GBP", "0.8", "0", "1"]],
                   [["EUR", "0.9", "0001-01-01", "2026-10-01"],
                    ["EUR", "0.8", "2026-10-01", "9999-12-31"]])
    currency = pd.Series(["EUR", "EUR", "EUR", "GBP", "USD"])
    close = pd.Series(pd.to_datetime(["2026-09-30", "2026-10-01", None, "2026-10-01",
                                      "2026-10-01"]))
    got = rates.per_deal(currency, close).round(6).tolist()
    assert got == [round(1 / 0.9, 6), 1.25, round(1 / 0.92, 6), 1.25, 1.0]


@pytest.mark.parametrize("value", ["0", "-1", "abc", ""])
def test_bad_rate_is_exit_2(tmp_path: Path, value: str,
                            capsys: pytest.CaptureFixture[str]) -> None:
    export = sf.write_export(tmp_path / "export")
    rows = [r.copy() for r in sf.CURRENCIES]
    rows[1][2] = value
    (export / "CurrencyType.csv").write_text(
        ",".join(sf.CURRENCY) + "\n" + "".join(",".join(r) + "\n" for r in rows))
    assert main(["inspect", str(export)]) == 2
    err = capsys.readouterr().err
    assert "CurrencyType.csv" in err and "ConversionRate" in err and "Traceback" not in err


def test_missing_user_table_is_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without User.csv the owners stay ids, and the config says how to get names."""
    export = sf.write_export(tmp_path / "export", leave_out=("User.csv",))
    out, agenda = inspect_build(export, tmp_path, capsys, sf.AS_OF)
    assert '# users = "User.csv": not in the export, so owners show as ids' in out
    assert {o["name"] for o in agenda["targets"]["owners"]} == {sf.U1, sf.U2}


def test_folder_without_deals_is_exit_2(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    export = sf.write_export(tmp_path / "export", leave_out=("Opportunity.csv",))
    assert main(["inspect", str(export)]) == 2
    assert "no deals export found" in capsys.readouterr().err


@pytest.mark.skipif(not (SHARED / "salesforce_export_demo").is_dir(),
                    reason="../shared/data is absent")
def test_shared_salesforce_export_folder(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """The real export (no User.csv, no currency): accounts by name, every file used."""
    out, agenda = inspect_build(SHARED / "salesforce_export_demo", tmp_path, capsys,
                                "2018-10-16")
    assert "accounts = " in out and "campaigns = " in out and "leads = " in out
    accounts = {d["account"] for d in agenda["pipeline"]["largest"]}
    assert accounts and not any(a.startswith("001") for a in accounts)


# -- a HubSpot export set: deals, contacts, companies --------------------------------------
HUBSPOT_DEALS = (["Record ID", "Deal Name", "Associated Company IDs (Primary)", "Deal owner",
                  "Deal Stage", "Amount", "Create Date", "Close Date", "Pipeline"], [
    ["101", "Acme - Pro", "9001", "Anna Berg", "Closed won", "1000", "2026-09-01 10:00", "2026-11-02 10:00", "Sales Pipeline"],
    ["102", "Beta - Pro", "9002", "Bo Lund", "Closed won", "500", "2026-08-01 10:00", "2026-10-05 10:00", "Sales Pipeline"],
    ["103", "Core - Lite", "9003", "Anna Berg", "Contract sent", "2000", "2026-10-01 10:00", "2026-12-15 10:00", "Sales Pipeline"],
    ["104", "Gone - Trial", "9999", "Bo Lund", "Appointment scheduled", "", "2026-11-01 10:00", "2026-12-20 10:00", "Sales Pipeline"],
])
HUBSPOT_CONTACTS = (["Record ID", "Create Date", "Lifecycle Stage", "Original Source",
                     "Became a Marketing Qualified Lead Date",
                     "Became a Sales Qualified Lead Date", "Associated Deal IDs",
                     "Contact owner"], [
    ["1", "2026-08-20 09:00", "Customer", "Organic Search", "2026-08-22 09:00", "2026-08-25 09:00", "101", "Anna Berg"],
    ["2", "2026-10-02 09:00", "Marketing Qualified Lead", "Paid Social", "2026-10-03 09:00", "", "", "Bo Lund"],
    ["3", "2026-11-12 09:00", "Lead", "Organic Search", "", "", "", ""],
])
HUBSPOT_COMPANIES = (["Record ID", "Company name", "Company Domain Name"], [
    ["9001", "Acme Corp", "acme.example"], ["9002", "Beta Ltd", "beta.example"],
    ["9003", "Core AS", "core.example"],
])


def write_hubspot(folder: Path) -> Path:
    from tests.test_presets import csv_bytes

    folder.mkdir(parents=True)
    for what, (header, rows) in (("deals", HUBSPOT_DEALS), ("contacts", HUBSPOT_CONTACTS),
                                 ("companies", HUBSPOT_COMPANIES)):
        (folder / f"hubspot-crm-exports-all-{what}-2026-11-23.csv").write_bytes(
            csv_bytes(header, rows, bom=True))
    return folder


def test_hubspot_export_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Deals with company ids, the companies export beside them, contacts as leads (lifecycle
    stage as status, original source as channel, MQL/SQL dates)."""
    out, agenda = inspect_build(write_hubspot(tmp_path / "export"), tmp_path, capsys,
                                "2026-11-24")
    data = tomllib.loads(out)["data"]
    assert data["preset"] == "hubspot"
    assert Path(data["leads"]).name.startswith("hubspot-crm-exports-all-contacts")
    assert Path(data["accounts"]).name.startswith("hubspot-crm-exports-all-companies")
    company = agenda["targets"]["company"]
    assert (company["won"], company["won_deals"], company["open_pipeline"]) == (1500, 2, 2000)
    assert [d["account"] for d in agenda["pipeline"]["largest"]] == ["Core AS", "9999"]
    channels = {c["name"]: (c["leads"], c["mqls"]) for c in agenda["sources"]["channels"]
                if c["leads"]}  # the deals export names no source: its deals are `(none)`
    assert channels == {"Organic Search": (2, 1), "Paid Social": (1, 1)}
    unmatched = [n for n in agenda["data_notes"]["notes"] if n["key"] == "unmatched_ids"]
    assert [(n["count"], n["examples"]) for n in unmatched] == [(1, ["9999"])]


def _inspected(export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert main(["inspect", str(export)]) == 0
    config = tmp_path / "report.toml"
    config.write_text(capsys.readouterr().out, encoding="utf-8")
    return config


def test_rate_the_tables_lack_written_out(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A deal in SEK, a currency the CRM's tables lack: validate names it; a rate written out
    beside the tables (1 SEK = 0.1 USD) converts it: won 3,125 - 1,000 USD + 5,000 SEK x 0.1
    = 2,625 USD."""
    export = sf.write_export(tmp_path / "export")
    rows = [r.copy() for r in sf.OPPORTUNITIES]
    rows[0][5], rows[0][12] = "5000", "SEK"  # O1: 5,000 SEK instead of 1,000 USD
    from tests.test_presets import csv_bytes

    (export / "Opportunity.csv").write_bytes(csv_bytes(sf.OPPORTUNITY, rows, crlf=True,
                                                       quote_all=True))
    config = _inspected(export, tmp_path, capsys)
    assert main(["validate", str(config)]) == 2
    assert "no exchange rate for SEK" in capsys.readouterr().err
    text = config.read_text().replace('dated = ', 'SEK = 0.1, dated = ')
    config.write_text(text)
    assert main(["build", str(config), "--as-of", sf.AS_OF, "--format", "json", "--out",
                 str(tmp_path / "out"), "-q"]) == 0
    agenda = json.loads((tmp_path / "out" / f"pipeline-meeting-{sf.AS_OF}.json").read_text())
    assert agenda["agenda"]["targets"]["company"]["won"] == pytest.approx(2625)


def test_company_currency_not_in_the_rate_table(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    config = _inspected(sf.write_export(tmp_path / "export"), tmp_path, capsys)
    config.write_text(config.read_text().replace('currency = "USD"', 'currency = "DKK"'))
    assert main(["validate", str(config)]) == 2
    err = capsys.readouterr().err
    assert "company.currency DKK has no rate in the CRM's table (corporate currency: USD)" in err


def test_user_table_without_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = sf.write_export(tmp_path / "export")
    config = _inspected(export, tmp_path, capsys)
    (export / "User.csv").write_text("Id,Username\r\n" + f"{sf.U1},soren@example.com\r\n")
    assert main(["validate", str(config)]) == 2
    err = capsys.readouterr().err
    assert "User.csv" in err and "has no name column (expected one of: Name, Full Name, " \
        "FirstName + LastName)" in err and "Traceback" not in err


def test_names_table_through_a_preset_without_one(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    config = _inspected(sf.write_export(tmp_path / "export"), tmp_path, capsys)
    text = config.read_text()
    users = next(line for line in text.splitlines() if line.startswith("users = "))
    path = users.split('"')[1]
    config.write_text(text.replace(users, f'users = {{ path = "{path}", preset = "pipedrive" }}'))
    assert main(["validate", str(config)]) == 2
    assert "data.users: the pipedrive preset reads no table of users; set data.preset (or the " \
        "table's preset) to one that does: salesforce" in capsys.readouterr().err


def test_a_lead_in_two_campaigns_at_once_takes_the_smallest_campaign_id(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two memberships of one lead made at the same moment: the campaign with the smallest id,
    whichever row comes first in the file (docs/metrics.md, "first lead")."""
    from report_builder.config import load_config
    from report_builder.data.load import load_dataset

    export = sf.write_export(tmp_path / "export")
    members = export / "CampaignMember.csv"
    tie = f'"00v5e00000M4AAA","{sf.C2}","00Q5e00000L4AAAAA4","","Sent","2026-10-02 08:00:00"\r\n'
    members.write_bytes(members.read_bytes() + tie.encode())  # after the lead's C1 row
    assert sf.C2 < sf.C1
    assert main(["inspect", str(export)]) == 0
    config = tmp_path / "report.toml"
    config.write_text(capsys.readouterr().out, encoding="utf-8")
    leads = load_dataset(load_config(config), as_of=dt.date.fromisoformat(sf.AS_OF)).leads
    campaign = leads.loc[leads["lead_id"] == "00Q5e00000L4AAAAA4", "campaign_id"]
    assert campaign.tolist() == [sf.C2]
