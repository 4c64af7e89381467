"""CRM exports (HubSpot, Salesforce, Pipedrive) read through presets into the canonical dataset.

Each fixture is written byte for byte like the real export (BOM, CRLF, quoting, encodings,
duplicate headers), from the small company's deals, so every headline figure must equal the
canonical dataset's.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from pathlib import Path

import pytest

from report_builder.cli import main
from report_builder.config import load_config
from report_builder.data.load import load_dataset
from report_builder.errors import DataError
from report_builder.model.agenda import Agenda
from report_builder.model.build import build_agenda
from tests.small_company import DEAL_COLUMNS, DEALS, write_company

AS_OF = dt.date(2026, 11, 24)
COL = {c: i for i, c in enumerate(DEAL_COLUMNS)}


def agenda_of(config: Path) -> Agenda:
    cfg = load_config(config)
    return build_agenda(load_dataset(cfg), cfg, AS_OF)


@pytest.fixture(scope="module")
def canonical(tmp_path_factory: pytest.TempPathFactory) -> Agenda:
    return agenda_of(write_company(tmp_path_factory.mktemp("canonical")))


def assert_same_figures(agenda: Agenda, canonical: Agenda) -> None:
    assert agenda.targets.company.won == 157_500
    assert agenda.headline == canonical.headline
    assert agenda.targets == canonical.targets
    assert agenda.pipeline == canonical.pipeline
    # CRMs have no "public reference" flag: the customer deck's references stay empty
    assert agenda.customers == dataclasses.replace(canonical.customers, references=())


def csv_bytes(header: list[str], rows: list[list[str]], *, encoding: str = "utf-8",
              bom: bool = False, crlf: bool = False, quote_all: bool = False,
              sep: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n" if crlf else "\n",
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode(encoding)


def use_source(config: Path, preset: str, deals: str, extra: str = "") -> None:
    text = config.read_text().replace(
        'path = "data"', f'path = "data"\npreset = "{preset}"\ndeals = "{deals}"\n{extra}')
    config.write_text(text)


# -- HubSpot ------------------------------------------------------------------------------------
HUBSPOT_HEADER = [
    "Record ID", "Deal Name", "Associated Company", "Deal owner", "HubSpot Team", "Deal Stage",
    "Amount", "Currency", "Create Date", "Close Date", "Original Source Type",
    "Original Source Data 1", "Closed Won Reason", "Closed Lost Reason", "Deal probability",
    "Pipeline", "Is Deal Closed?", 'Date entered "Won (Sales Pipeline)"',
    'Date entered "Discovery (Sales Pipeline)"', "Deal Name"]


def stamp(day: str) -> str:
    return f"{day} 11:48" if day else ""


def hubspot_rows(*, extra_pipeline: bool = False) -> list[list[str]]:
    rows = []
    for d in DEALS:
        r = dict(zip(DEAL_COLUMNS, d, strict=True))
        owner = r["owner"] + (" (Deactivated User)" if r["deal_id"] == "D4" else "")
        amount = f"{float(r['amount']):.1f}" if r["deal_id"] == "D2" else r["amount"]
        closed = r["stage"] in ("Won", "Lost")
        rows.append([r["deal_id"], r["name"], r["account"], owner, r["team"], r["stage"], amount,
                     r["currency"], stamp(r["created_date"]), stamp(r["close_date"]),
                     r["source_channel"], r["campaign_id"], r["won_reason"], r["lost_reason"],
                     r["probability"], "Sales Pipeline", "true" if closed else "false",
                     stamp(r["last_stage_change_date"]) if r["stage"] == "Won" else "",
                     "" if r["stage"] == "Won" else stamp(r["last_stage_change_date"]),
                     "duplicate"])
    if extra_pipeline:
        rows.append(["R1", "Acme renewal", "Acme", "Anna", "North", "Renewal due", "5000", "",
                     "2026-11-01 09:00", "2026-12-01 09:00", "", "", "", "", "", "Renewals",
                     "false", "", "", ""])
    return rows


@pytest.mark.parametrize("style", ["bom_crlf", "quoted_lf"])
def test_hubspot_deals_export(tmp_path: Path, canonical: Agenda, style: str) -> None:
    """Both shapes of HubSpot's CSV: UTF-8 with BOM and CRLF, or no BOM, LF, every field
    quoted; a duplicate 'Deal Name' header as in "all properties" exports."""
    config = write_company(tmp_path)
    exports = tmp_path / "exports"
    exports.mkdir()
    data = csv_bytes(HUBSPOT_HEADER, hubspot_rows(), bom=style == "bom_crlf",
                     crlf=style == "bom_crlf", quote_all=style == "quoted_lf")
    (exports / "hubspot-crm-exports-all-deals-2026-11-23.csv").write_bytes(data)
    use_source(config, "hubspot", "exports/hubspot-crm-exports-all-deals-2026-11-23.csv")
    agenda = agenda_of(config)
    assert_same_figures(agenda, canonical)
    dataset = load_dataset(load_config(config))
    assert "Anna" in set(dataset.deals["owner"])  # "(Deactivated User)" stripped
    report = dataset.mappings[0]
    assert report.mapped["deal_id"] == "Record ID" and report.mapped["stage"] == "Deal Stage"
    assert report.duplicates == ["Deal Name"]
    assert "Is Deal Closed?" in report.ignored


def test_hubspot_pipelines_and_unmapped_stages(tmp_path: Path, canonical: Agenda) -> None:
    config = write_company(tmp_path)
    path = tmp_path / "deals.csv"
    path.write_bytes(csv_bytes(HUBSPOT_HEADER, hubspot_rows(extra_pipeline=True), bom=True,
                               crlf=True))
    use_source(config, "hubspot", "deals.csv")
    with pytest.raises(DataError) as info:
        load_dataset(load_config(config))
    assert [str(p) for p in info.value.problems] == [
        "deals.csv, row 11, column 'stage': value 'Renewal due': unknown stage: map it in "
        "[stages] of report.toml (mapped now: Discovery, Proposal, Won, Lost)"]
    config.write_text(config.read_text().replace(
        'preset = "hubspot"', 'preset = "hubspot"\npipelines = ["Sales Pipeline"]'))
    assert_same_figures(agenda_of(config), canonical)


# -- Salesforce ---------------------------------------------------------------------------------
SALESFORCE_HEADER = [
    "Id", "Name", "Account Name", "OwnerId", "Owner Role", "StageName", "Amount",
    "CurrencyIsoCode", "CreatedDate", "CloseDate", "LeadSource", "CampaignId", "Win_Reason__c",
    "Loss_Reason__c", "LastStageChangeDate", "Probability", "IsClosed", "IsWon",
    "ForecastCategoryName"]


def salesforce_rows() -> list[list[str]]:
    rows = []
    for d in DEALS:
        r = dict(zip(DEAL_COLUMNS, d, strict=True))
        p = str(int(float(r["probability"]) * 100)) if r["probability"] else "#N/A"
        won, closed = r["stage"] == "Won", r["stage"] in ("Won", "Lost")
        account = "Thêta Møbler" if r["account"] == "Theta" else r["account"]
        rows.append([r["deal_id"], r["name"], account, r["owner"], r["team"], r["stage"],
                     r["amount"], r["currency"] or "DKK", f"{r['created_date']}T09:15:00.000Z",
                     r["close_date"], r["source_channel"],
                     r["campaign_id"] or "000000000000000AAA", r["won_reason"],
                     r["lost_reason"], f"{r['last_stage_change_date']}T10:00:00.000Z", p,
                     str(int(closed)), str(int(won)), "Closed" if won else "Pipeline"])
    return rows


def test_salesforce_cp1252_export(tmp_path: Path, canonical: Agenda) -> None:
    """cp1252 text, CRLF, booleans 0/1, Probability in percent, #N/A and null ids, ISO
    timestamps beside plain dates, CurrencyIsoCode per row."""
    config = write_company(tmp_path)
    data = csv_bytes(SALESFORCE_HEADER, salesforce_rows(), encoding="cp1252", crlf=True)
    assert "Thêta Møbler".encode("cp1252") in data
    (tmp_path / "Opportunity.csv").write_bytes(data)
    use_source(config, "salesforce", "Opportunity.csv")
    assert_same_figures(agenda_of(config), canonical)
    deals = load_dataset(load_config(config)).deals
    assert deals.loc[deals["deal_id"] == "D6", "probability"].item() == 0.5
    assert deals["campaign_id"].notna().sum() == 2
    assert "Thêta Møbler" in set(deals["account"])


def test_salesforce_reason_fields_spelt_two_ways(tmp_path: Path, canonical: Agenda,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Loss_Reason__c empty in every row beside Lost_Reason__c holding the reasons (another
    org's spelling): the reasons are read from the one with values, and the pack says so."""
    config = write_company(tmp_path)
    lost = SALESFORCE_HEADER.index("Loss_Reason__c")
    header = [*SALESFORCE_HEADER, "Lost_Reason__c"]
    rows = [[*r[:lost], "", *r[lost + 1:], r[lost]] for r in salesforce_rows()]
    (tmp_path / "Opportunity.csv").write_bytes(csv_bytes(header, rows))
    use_source(config, "salesforce", "Opportunity.csv")
    dataset = load_dataset(load_config(config))
    assert dataset.deals.loc[dataset.deals["deal_id"] == "D4", "lost_reason"].item() == "Price"
    note = next(n for n in dataset.notes if n.key == "column_with_values")
    assert (note.table, note.values) == ("deals", {
        "column": "lost_reason", "header": "Lost_Reason__c", "empty": "'Loss_Reason__c'"})
    assert_same_figures(agenda_of(config), canonical)
    assert main(["inspect", str(tmp_path / "Opportunity.csv")]) == 0
    assert ("# lost_reason <- 'Lost_Reason__c' (it holds values; 'Loss_Reason__c' is empty in "
            "every row)") in capsys.readouterr().out
    assert main(["validate", str(config), "-v"]) == 0
    assert ("deals: lost_reason read from 'Lost_Reason__c', the column that holds values "
            "('Loss_Reason__c' is empty in every row)") in capsys.readouterr().out


# -- Pipedrive ----------------------------------------------------------------------------------
PIPEDRIVE_HEADER = [
    "Deal - ID", "Deal - Title", "Deal - Organization", "Deal - Owner", "Deal - Stage",
    "Deal - Value", "Deal - Currency", "Deal - Deal created", "Deal - Expected close date",
    "Deal - Status", "Deal - Won time", "Deal - Lost time", "Deal - Lost reason",
    "Deal - Last stage change", "Deal - Probability", "Deal - Pipeline", "Deal - Source channel"]


def pipedrive_rows() -> list[list[str]]:
    rows = []
    for d in DEALS:
        r = dict(zip(DEAL_COLUMNS, d, strict=True))
        status = {"Won": "won", "Lost": "lost"}.get(r["stage"], "open")
        stage = "Proposal" if status != "open" else r["stage"]  # Pipedrive keeps the stage
        expected = "2027-01-31" if status != "open" else r["close_date"]
        won_time = f"{r['close_date']} 14:03:11" if status == "won" else ""
        lost_time = f"{r['close_date']} 16:20:00" if status == "lost" else ""
        rows.append([r["deal_id"], r["name"], r["account"], r["owner"], stage, r["amount"],
                     r["currency"] or "DKK", f"{r['created_date']} 08:00:00", expected, status,
                     won_time, lost_time, r["lost_reason"],
                     f"{r['last_stage_change_date']} 12:00:00",
                     f"{float(r['probability']) * 100:g}" if r["probability"] else "", "Sales",
                     r["source_channel"]])
    return rows


def test_pipedrive_export(tmp_path: Path, canonical: Agenda) -> None:
    """Won and lost deals keep their last open stage; Status and Won/Lost time decide."""
    config = write_company(tmp_path)
    (tmp_path / "deals.csv").write_bytes(csv_bytes(PIPEDRIVE_HEADER, pipedrive_rows()))
    # Pipedrive has no teams, won reasons or campaigns: take those from a small extra mapping
    use_source(config, "pipedrive", "deals.csv")
    cfg = load_config(config)
    deals = load_dataset(cfg).deals
    assert list(deals["stage"]) == [r[COL["stage"]] for r in DEALS]
    assert list(deals["close_date"].dt.strftime("%Y-%m-%d").fillna("")) == [
        r[COL["close_date"]] for r in DEALS]
    agenda = build_agenda(load_dataset(cfg), cfg, AS_OF)
    assert agenda.targets.company.won == canonical.targets.company.won == 157_500


PIPEDRIVE_REFERENCE_HEADER = [  # the names of Pipedrive's import reference ("READ ME" tab)
    "Deal - Pipedrive System ID", "Deal - Title", "Organization", "Deal - Owner",
    "Deal - Stage (pipeline)", "Deal - Value", "Deal - Currency of value", "Deal - Creation date",
    "Deal - Expected close date", "Deal - Status", "Deal - Closed on", "Deal - Lost reason",
    "Deal - Probability", "Deal - Label", "Deal - Source origin"]


def test_pipedrive_reference_headers(tmp_path: Path, canonical: Agenda) -> None:
    """The import-reference spelling of the headers; `Closed on` dates a closed deal when there
    is no won/lost time; probability in percent even where every value is 0 or 100; `Source
    origin` (how the deal was created) is not read as a channel."""
    config = write_company(tmp_path)
    rows = []
    for row in pipedrive_rows():
        status = row[9]
        closed_on = f"{row[8 if status == 'open' else 10 if status == 'won' else 11]}"
        closed_on = "" if status == "open" else closed_on
        probability = "100" if status == "won" else "0" if status == "lost" else ""
        rows.append([row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8],
                     status.capitalize(), closed_on, row[12], probability, "Hot",
                     "Manually created"])
    (tmp_path / "deals.csv").write_bytes(csv_bytes(PIPEDRIVE_REFERENCE_HEADER, rows, bom=True))
    use_source(config, "pipedrive", "deals.csv")
    dataset = load_dataset(load_config(config))
    deals = dataset.deals
    assert list(deals["stage"]) == [r[COL["stage"]] for r in DEALS]
    assert list(deals["close_date"].dt.strftime("%Y-%m-%d").fillna("")) == [
        r[COL["close_date"]] for r in DEALS]
    won = deals["stage"] == "Won"
    assert list(deals.loc[won, "probability"]) == [1.0] * int(won.sum())
    assert deals["source_channel"].isna().all()
    report = dataset.mappings[0]
    assert report.mapped["currency"] == "Deal - Currency of value"
    assert report.mapped["deal_id"] == "Deal - Pipedrive System ID"
    assert "Deal - Source origin" in report.ignored
    assert agenda_of(config).targets.company.won == canonical.targets.company.won


def test_unknown_preset_is_a_config_error(tmp_path: Path) -> None:
    config = write_company(tmp_path)
    use_source(config, "zoho", "data/deals.csv")
    assert main(["validate", str(config)]) == 2


def test_validate_prints_the_mapping(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_company(tmp_path)
    (tmp_path / "deals.csv").write_bytes(csv_bytes(HUBSPOT_HEADER, hubspot_rows(), bom=True,
                                                   crlf=True))
    use_source(config, "hubspot", "deals.csv")
    assert main(["validate", str(config)]) == 0
    out = capsys.readouterr().out
    assert "deals from deals.csv (hubspot):" in out
    assert "deal_id <- 'Record ID'" in out
    assert "duplicate headers, the first used: Deal Name" in out


def test_every_unmapped_stage_is_listed(tmp_path: Path) -> None:
    """Portals rename stages freely and have several lost-like ones: one message lists all."""
    config = write_company(tmp_path)
    rows = hubspot_rows()
    rows[3][COL["stage"]] = "Closed: lost"
    rows[4][COL["stage"]] = "Closed: abandoned"
    (tmp_path / "deals.csv").write_bytes(csv_bytes(HUBSPOT_HEADER, rows))
    use_source(config, "hubspot", "deals.csv")
    with pytest.raises(DataError) as info:
        load_dataset(load_config(config))
    assert [str(p) for p in info.value.problems] == [
        f"deals.csv, row {row}, column 'stage': value '{name}': unknown stage: map it in "
        "[stages] of report.toml (mapped now: Discovery, Proposal, Won, Lost)"
        for row, name in ((5, "Closed: lost"), (6, "Closed: abandoned"))]


def test_hubspot_xlsx_export(tmp_path: Path, canonical: Agenda) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    config = write_company(tmp_path)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Deals"
    sheet.append(HUBSPOT_HEADER)
    for row in hubspot_rows():
        sheet.append([float(v) if i == COL["amount"] and v else
                      dt.datetime.fromisoformat(v) if v and i in (8, 9, 17, 18) else v or None
                      for i, v in enumerate(row)])
    book.save(tmp_path / "deals.xlsx")
    use_source(config, "hubspot", "deals.xlsx")
    assert_same_figures(agenda_of(config), canonical)


def european(value: str) -> str:
    """100000 -> 100.000,00"""
    return f"{float(value):,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def test_european_hubspot_export(tmp_path: Path, canonical: Agenda) -> None:
    """';' separators, decimal comma with '.' thousands, day-first dates with times."""
    config = write_company(tmp_path)
    rows = hubspot_rows()
    for r in rows:
        r[COL["amount"]] = european(r[COL["amount"]]) if r[COL["amount"]] else ""
        r[14] = r[14].replace(".", ",")  # Deal probability 0,5
        for i in (8, 9, 17, 18):
            if r[i]:
                r[i] = f"{r[i][8:10]}.{r[i][5:7]}.{r[i][0:4]} {r[i][11:]}"
    (tmp_path / "deals.csv").write_bytes(csv_bytes(HUBSPOT_HEADER, rows, sep=";", bom=True,
                                                   crlf=True))
    use_source(config, "hubspot", "deals.csv")
    with pytest.raises(DataError) as info:  # 100.000,00 without data.decimal: never a guess
        load_dataset(load_config(config))
    assert "set data.decimal" in str(info.value)
    config.write_text(config.read_text().replace(
        'preset = "hubspot"', 'preset = "hubspot"\ndecimal = ","'))
    agenda = agenda_of(config)
    assert agenda.headline == canonical.headline and agenda.targets == canonical.targets


def test_ambiguous_thousands_need_data_decimal(tmp_path: Path) -> None:
    config = write_company(tmp_path)
    rows = hubspot_rows()
    rows[0][COL["amount"]] = "100.000"
    (tmp_path / "deals.csv").write_bytes(csv_bytes(HUBSPOT_HEADER, rows))
    use_source(config, "hubspot", "deals.csv")
    with pytest.raises(DataError) as info:
        load_dataset(load_config(config))
    assert [str(p) for p in info.value.problems] == [
        "deals.csv, column 'amount': value '100.000': could be a whole number with '.' between "
        "thousands (European) or a decimal fraction; set data.decimal in report.toml: \",\" for "
        "1.234,50 or \".\" for 1,234.50"]


def test_inspect_hubspot_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "hubspot-crm-exports-all-deals-2026-11-23.csv"
    path.write_bytes(csv_bytes(HUBSPOT_HEADER, hubspot_rows(extra_pipeline=True), bom=True,
                               crlf=True))
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert f'preset = "hubspot"\ndeals = "{path}"' in out
    assert '# pipelines = ["Renewals", "Sales Pipeline"]' in out
    section = out[out.index("[stages]"):out.index("[output]")].splitlines()[1:]
    stages = [line for line in section if line and not line.startswith("#")]
    assert stages == [  # a deal's stage entered earlier counts in the stage history's column
        'Discovery = {step = "opportunity", probability = 0.2}  # 2 deal(s), '
        '5 time(s) in the stage history',
        '"Renewal due" = {step = "opportunity", probability = 0.2}  # 1 deal(s)',
        'Proposal = {step = "quote", probability = 0.5}  # 2 deal(s)',
        'Won = {step = "won"}  # 4 deal(s), 4 time(s) in the stage history',
        'Lost = {step = "lost"}  # 1 deal(s)']
    # two currencies: a rate line to fill in for the other one, its direction spelt out
    assert 'currency = "DKK"' in out
    assert "\n# EUR = 0.0  # fill in: 1 EUR = ? DKK (1 deal, 1,000.00 EUR)\n" in out
    # the printed config, with the rate filled in and the pipelines kept, loads as it is
    (tmp_path / "report.toml").write_text(
        out.replace("# pipelines =", "pipelines =").replace("# EUR = 0.0", "EUR = 7.5"))
    dataset = load_dataset(load_config(tmp_path / "report.toml"))
    assert len(dataset.deals) == 10


def test_preset_over_the_data_folder(tmp_path: Path, canonical: Agenda) -> None:
    """preset = "hubspot" with data.path: deals.csv in the folder is a HubSpot export (cp1252,
    as saved by Excel on Windows); the other tables are canonical."""
    config = write_company(tmp_path)
    rows = hubspot_rows()
    rows[8][2] = "Thêta"  # D9's account, not in the figures compared
    (tmp_path / "data" / "deals.csv").write_bytes(
        csv_bytes(HUBSPOT_HEADER, rows, encoding="cp1252", crlf=True))
    config.write_text(config.read_text().replace('path = "data"',
                                                 'path = "data"\npreset = "hubspot"'))
    assert_same_figures(agenda_of(config), canonical)


HUBSPOT_CONTACTS_HEADER = [
    "Record ID", "First Name", "Create Date", "Original Source", "Original Source Drill-Down 1",
    "Contact owner", "Became a Marketing Qualified Lead Date",
    "Became a Sales Qualified Lead Date", "Became an Opportunity Date", "Associated Deal IDs",
    "Lifecycle Stage", "Lead Status"]


def test_hubspot_contacts_as_leads(tmp_path: Path) -> None:
    """Lifecycle stages and their dates feed the leads table; `Unqualified` rejects a lead;
    several associated deals (';'-joined) link the first."""
    from tests.small_company import LEAD_COLUMNS, LEADS

    rows = []
    for lead in LEADS:
        r = dict(zip(LEAD_COLUMNS, lead, strict=True))
        stage = ("Opportunity" if r["opportunity_date"] else "Sales Qualified Lead"
                 if r["sql_date"] else "Marketing Qualified Lead" if r["mql_date"] else "Lead")
        deals = f"{r['deal_id']};D7" if r["deal_id"] == "D1" else r["deal_id"]
        rows.append([r["lead_id"], "Kim", stamp(r["created_date"]), r["source_channel"],
                     r["campaign_id"], r["owner"], stamp(r["mql_date"]), stamp(r["sql_date"]),
                     stamp(r["opportunity_date"]), deals, stage,
                     "Unqualified" if r["status"] == "rejected" else "Connected"])
    config = write_company(tmp_path)
    (tmp_path / "contacts.csv").write_bytes(csv_bytes(HUBSPOT_CONTACTS_HEADER, rows, bom=True,
                                                      crlf=True))
    use_source(config, "hubspot", "data/deals.csv", 'leads = "contacts.csv"')
    config.write_text(config.read_text().replace(
        'deals = "data/deals.csv"', 'deals = { path = "data/deals.csv", preset = "canonical" }'))
    leads = load_dataset(load_config(config)).leads
    assert list(leads["status"]) == ["accepted", "accepted", "rejected", "accepted", "open",
                                     "rejected", "accepted", "accepted"]
    assert leads.loc[0, "deal_id"] == "D1"
    assert list(leads["mql_date"].dt.strftime("%Y-%m-%d").fillna("")) == [
        lead[LEAD_COLUMNS.index("mql_date")] for lead in LEADS]


def test_data_config_problems_are_all_listed(tmp_path: Path) -> None:
    from report_builder.errors import ConfigError

    config = write_company(tmp_path)
    config.write_text(config.read_text().replace('path = "data"', (
        'preset = "zoho"\ndeals = { sql = "SELECT * FROM deals" }\nleads = "nowhere.csv"\n'
        'encoding = "klingon"\ncolumns = { opportunities = { owner = "x" } }')))
    with pytest.raises(ConfigError) as info:
        load_config(config)
    assert info.value.problems == [
        "Config value 'data.deals.url': missing; a SQLAlchemy URL like \"sqlite:///crm.db\" or "
        "\"postgresql://user@host/crm\"",
        f"Config value 'data.leads.path': file {tmp_path / 'nowhere.csv'} does not exist",
        "Config value 'data.preset': unknown preset 'zoho' (known: canonical, hubspot, "
        "salesforce, pipedrive)",
        "Config value 'data.columns.opportunities': expected a table of the dataset (deals, "
        "leads, targets, campaigns, actions, stage_history) mapping canonical columns to source "
        "headers, like { owner = \"Sales Agent\" }",
        "Config value 'data.encoding': 'klingon' is not a known encoding (examples: utf-8, "
        "cp1252, latin-1)"]


def test_sources_without_a_data_folder(tmp_path: Path, canonical: Agenda) -> None:
    """No data.path: every table names its own file."""
    config = write_company(tmp_path)
    tables = "\n".join(f'{t} = "data/{t}.csv"' for t in ("deals", "leads", "targets",
                                                          "campaigns"))
    config.write_text(config.read_text().replace('path = "data"', tables))
    assert agenda_of(config) == canonical
    assert [r.table for r in load_dataset(load_config(config)).mappings] == [
        "deals", "leads", "targets", "campaigns"]


def test_validate_shows_the_mapping_beside_the_problems(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_company(tmp_path)
    (tmp_path / "deals.csv").write_bytes(
        csv_bytes(HUBSPOT_HEADER, hubspot_rows(extra_pipeline=True)))
    use_source(config, "hubspot", "deals.csv")
    assert main(["validate", str(config)]) == 2
    captured = capsys.readouterr()
    assert "stage <- 'Deal Stage'" in captured.out
    assert "value 'Renewal due': unknown stage" in captured.err


def test_canonical_leads_beside_a_hubspot_deals_export(tmp_path: Path) -> None:
    """A canonical leads.csv in the data folder keeps its statuses under the HubSpot preset."""
    from tests.small_company import LEAD_COLUMNS, LEADS

    config = write_company(tmp_path)
    (tmp_path / "deals.csv").write_bytes(csv_bytes(HUBSPOT_HEADER, hubspot_rows()))
    use_source(config, "hubspot", "deals.csv")
    dataset = load_dataset(load_config(config))
    assert list(dataset.leads["status"]) == [r[LEAD_COLUMNS.index("status")] for r in LEADS]
    assert dataset.mappings[0].mapped["last_stage_change_date"] == "(from the stage history)"


# -- an export in Danish -------------------------------------------------------------------------
# Headers as a CRM set to Danish might write them: no preset knows them (we found no published
# list of Pipedrive's or HubSpot's Danish export headers), so `inspect` prints a
# [data.columns.deals] to fill in and the export needs nothing else than [data] and [stages].
DANISH_HEADER = ["Aftale - ID", "Aftale - Titel", "Aftale - Organisation", "Aftale - Ejer",
                 "Aftale - Fase", "Aftale - Værdi", "Aftale - Valuta", "Aftale - Oprettet",
                 "Aftale - Forventet lukkedato", "Aftale - Kilde", "Aftale - Sandsynlighed"]
DANISH_STAGES = {"Discovery": "Afdækning", "Proposal": "Tilbud", "Won": "Vundet",
                 "Lost": "Tabt"}


def danish_rows(date_separator: str) -> list[list[str]]:
    rows = []
    for d in DEALS:
        r = dict(zip(DEAL_COLUMNS, d, strict=True))

        def day(iso: str) -> str:
            return date_separator.join(reversed(iso.split("-"))) if iso else ""
        amount = european(r["amount"]) if r["amount"] else ""
        amount = "1.234.567,50" if r["deal_id"] == "D8" else amount  # an open deal, not won
        p = r["probability"].replace(".", ",")
        rows.append([r["deal_id"], r["name"], r["account"], r["owner"],
                     DANISH_STAGES[r["stage"]], amount, r["currency"] or "DKK",
                     day(r["created_date"]), day(r["close_date"]), r["source_channel"], p])
    return rows


@pytest.mark.parametrize(("encoding", "bom", "date_separator"),
                         [("cp1252", False, "-"), ("utf-8", True, ".")])
def test_danish_export_through_inspect(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       encoding: str, bom: bool, date_separator: str) -> None:
    """';', decimal comma with '.' thousands, 24-11-2026 or 24.11.2026, cp1252 or UTF-8 with
    BOM: inspect's [data.columns.deals] filled in, a stage map, and the figures follow."""
    path = tmp_path / "aftaler.csv"
    path.write_bytes(csv_bytes(DANISH_HEADER, danish_rows(date_separator), encoding=encoding,
                               bom=bom, crlf=True, sep=";"))
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "no preset knows most of its headers" in out
    assert 'decimal = ","' in out
    assert "#   'Aftale - Værdi': '100.000,00'" in out
    columns = out[out.index("[data.columns.deals]"):out.index("[stages]")].splitlines()
    assert [line for line in columns if line.endswith('= ""') and not line.startswith("#")] == [
        f'{c} = ""' for c in ("deal_id", "name", "account", "owner", "stage", "amount",
                              "created_date", "close_date")]
    filled = {"deal_id": "Aftale - ID", "name": "Aftale - Titel",
              "account": "Aftale - Organisation", "owner": "Aftale - Ejer",
              "stage": "Aftale - Fase", "amount": "Aftale - Værdi",
              "created_date": "Aftale - Oprettet", "close_date": "Aftale - Forventet lukkedato",
              "currency": "Aftale - Valuta", "source_channel": "Aftale - Kilde",
              "probability": "Aftale - Sandsynlighed"}
    for canonical, header in filled.items():
        out = out.replace(f'{canonical} = ""', f'{canonical} = "{header}"')
        out = out.replace(f'# {canonical} = "{header}"', f'{canonical} = "{header}"')
    out = out.replace("currency = \"EUR\"", "currency = \"DKK\"")
    (tmp_path / "report.toml").write_text(
        out.replace("[stages]", "[data.currency_rates]\nEUR = 7.5\n\n[stages]\n"
                    '"Afdækning" = { step = "opportunity", probability = 0.2 }\n'
                    '"Tilbud" = { step = "quote", probability = 0.6 }\n'
                    '"Vundet" = { step = "won" }\n"Tabt" = { step = "lost" }\n'),
        encoding="utf-8")
    cfg = load_config(tmp_path / "report.toml")
    deals = load_dataset(cfg).deals
    assert deals.loc[deals["deal_id"] == "D8", "amount"].item() == 1_234_567.5
    assert deals.loc[deals["deal_id"] == "D6", "probability"].item() == 0.5
    assert deals.loc[deals["deal_id"] == "D3", "close_date"].item() == dt.datetime(2026, 11, 24)
    agenda = build_agenda(load_dataset(cfg), cfg, AS_OF)
    assert agenda.targets.company.won == 157_500  # 100,000 + 50,000 + 1,000 EUR x 7.5
