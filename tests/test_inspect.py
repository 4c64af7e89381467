"""`inspect` writes a whole report.toml that validates and builds as printed, through a TOML
writer: hostile stage, pipeline and column names come back exactly as they are."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import pytest

from report_builder.cli import main
from report_builder.config import load_config
from report_builder.data.guess import stage_step
from report_builder.starter.config_text import config_text
from report_builder.starter.examples import Stage
from tests.test_presets import csv_bytes

MEETING = "2026-11-24"
EVIL_STAGE = 'Zz lost" = { step = "lost" }\n[email]\nhost = "smtp.evil.example"'
EVIL_PIPELINE = 'Pipe """ [x]\n[email]'
HEADER = ["Record ID", "Deal Name", "Associated Company", "Deal owner", "Deal Stage", "Amount",
          "Create Date", "Close Date", "Pipeline"]


def export(rows: list[list[str]]) -> list[list[str]]:
    return [r + ["Sales Pipeline"] if len(r) == len(HEADER) - 1 else r for r in rows]


# deal, name, account, owner, stage, amount, created, closed
DEALS = [
    ["1", "A", "Acme", "Anna", "Closed won", "1000", "2026-09-01 10:00", "2026-11-20 10:00"],
    ["2", "B", "Beta", "Bo", "Closed won", "500", "2026-08-01 10:00", "2026-10-05 10:00"],
    ["3", "C", "Core", "Anna", "Proposal", "2000", "2026-10-01 10:00", "2026-12-15 10:00"],
    ["4", "D", "Dane", "Bo", "", "700", "2026-10-02 10:00", "2026-12-20 10:00"],  # no stage
    ["5", "E", "Echo", "", "Closed lost", "300", "2026-09-03 10:00", "2026-11-02 10:00"],
]


def inspect(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["inspect", str(path)]) == 0
    return capsys.readouterr().out


def test_inspect_config_validates_and_builds_as_printed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty stage gets `(no stage)` of its own (lost), an empty owner `(no owner)`; the
    printed file is a whole config: the build's figures are those worked out by hand."""
    path = tmp_path / "deals.csv"
    path.write_bytes(csv_bytes(HEADER, export(DEALS), bom=True, crlf=True))
    out = inspect(path, capsys)
    parsed = tomllib.loads(out)
    assert parsed["data"]["defaults"]["deals"] == {"stage": "(no stage)", "owner": "(no owner)"}
    assert parsed["stages"]["(no stage)"] == {"step": "lost"}
    assert parsed["stages"]["Closed won"] == {"step": "won"}
    assert "" not in parsed["stages"]
    assert "# 1 deal(s) with an empty stage: counted as lost" in out
    config = tmp_path / "report.toml"
    config.write_text(out, encoding="utf-8")
    assert main(["validate", str(config)]) == 0
    assert main(["build", str(config), "--as-of", MEETING, "--format", "json", "--out",
                 str(tmp_path / "out"), "-q"]) == 0
    agenda = json.loads((tmp_path / "out" / f"pipeline-meeting-{MEETING}.json").read_text())
    company = agenda["agenda"]["targets"]["company"]
    assert (company["won"], company["won_deals"]) == (1500, 2)
    assert company["open_pipeline"] == 2000  # deal 4, without a stage, is not open


def test_hostile_names_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Quotes, newlines, brackets and triple quotes in a stage and a pipeline name: the same
    names come back from the TOML, and no [email] table appears."""
    rows = export(DEALS[:3])
    rows[0][4] = EVIL_STAGE
    rows[1][-1] = EVIL_PIPELINE
    path = tmp_path / "deals.csv"
    path.write_bytes(csv_bytes(HEADER, rows))
    out = inspect(path, capsys)
    parsed = tomllib.loads(out)
    assert set(parsed) == {"company", "meeting", "data", "stages", "output"}
    assert parsed["stages"][EVIL_STAGE] == {"step": "lost"}
    assert set(parsed["stages"]) == {EVIL_STAGE, "Closed won", "Proposal"}
    # the commented pipelines line gives back the names when uncommented
    line = next(x for x in out.splitlines() if x.startswith("# pipelines = "))
    assert tomllib.loads(line[2:])["pipelines"] == sorted([EVIL_PIPELINE, "Sales Pipeline"])
    assert all(not x.startswith("[email") for x in out.splitlines())


def test_hostile_headers_of_an_unknown_export(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Headers no preset knows are listed as comments: a header holding a newline and a table
    header stays inside its comment."""
    header = ['Aftale """ ID', 'Titel\n[email]\nhost = "x"', "Fase [1]"]
    path = tmp_path / "aftaler.csv"
    path.write_bytes(csv_bytes(header, [["1", "A", "Ny"], ["2", "B", "Vundet"]]))
    out = inspect(path, capsys)
    parsed = tomllib.loads(out)
    assert "email" not in parsed
    assert parsed["data"]["columns"]["deals"]["deal_id"] == ""
    assert "#   'Titel\\n[email]\\nhost = \"x\"': 'A'" in out


@pytest.mark.parametrize(("file_name", "table"), [
    ("Leads.csv", "leads"), ("kampagner_campaigns.csv", "campaigns"), ("export.csv", "deals")])
def test_an_export_no_preset_knows_is_read_as_the_table_its_name_says(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], file_name: str, table: str) -> None:
    """Headers no preset knows (a lead-scoring set's `Lead Number`, `Lead Origin`): the file's
    name decides which table's columns inspect asks for; a name that says nothing: deals."""
    path = tmp_path / file_name
    path.write_bytes(csv_bytes(["Lead Number", "Lead Origin", "Converted"],
                               [["660737", "API", "0"], ["660728", "Landing Page", "1"]]))
    parsed = tomllib.loads(inspect(path, capsys))
    assert list(parsed["data"]["columns"]) == [table]


def test_the_usual_names_of_an_unknown_exports_headers_are_its_columns(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A data set with a spreadsheet's headers (Maven Analytics' CRM sample): no preset knows
    them, but `opportunity_id`, `sales_agent`, `deal_stage`, `engage_date` and `close_value`
    say which columns they are. inspect names them in [data.columns.deals] for the user to
    check, fills in what the export lacks (the deals' names) and maps every stage, so the
    printed file builds, with the figures worked out by hand."""
    header = ["opportunity_id", "sales_agent", "product", "account", "deal_stage",
              "engage_date", "close_date", "close_value"]
    rows = [["1C1I7A6R", "Moses Frase", "GTX Plus Basic", "Cancity", "Won", "2026-10-20",
             "2026-11-02", "1054"],
            ["Z063OYW0", "Darcel Schlecht", "GTXPro", "Isdom", "Won", "2026-09-25",
             "2026-10-11", "4514"],
            ["EC4QE1BX", "Darcel Schlecht", "MG Special", "Cancity", "Lost", "2026-10-18",
             "2026-11-09", "0"],
            ["MV1LWRNH", "Moses Frase", "GTX Basic", "", "Engaging", "2026-10-25", "", ""],
            ["PE84CX4O", "Zane Levy", "GTX Basic", "", "Prospecting", "", "", ""]]
    path = tmp_path / "sales_pipeline.csv"
    path.write_bytes(csv_bytes(header, rows))
    out = inspect(path, capsys)
    parsed = tomllib.loads(out)
    assert parsed["data"]["columns"]["deals"] == {
        "deal_id": "opportunity_id", "owner": "sales_agent", "stage": "deal_stage",
        "amount": "close_value", "created_date": "engage_date"}
    assert "found by the usual name of their header: check each" in out
    assert parsed["data"]["defaults"]["deals"] == {"name": ""}
    assert parsed["stages"] == {"Engaging": {"step": "opportunity", "probability": 0.2},
                                "Prospecting": {"step": "opportunity", "probability": 0.2},
                                "Won": {"step": "won"}, "Lost": {"step": "lost"}}
    config = tmp_path / "report.toml"
    config.write_text(out, encoding="utf-8")
    assert main(["build", str(config), "--as-of", MEETING, "--format", "json", "--out",
                 str(tmp_path / "out"), "-q"]) == 0
    agenda = json.loads((tmp_path / "out" / f"pipeline-meeting-{MEETING}.json").read_text())
    company = agenda["agenda"]["targets"]["company"]
    assert (company["won"], company["won_deals"]) == (1054 + 4514, 2)


def test_init_config_round_trips_hostile_names(tmp_path: Path) -> None:
    stages = (Stage(EVIL_STAGE, "opportunity", 0.2), Stage("Closed won", "won", None))

    def text(data_path: str) -> str:
        return config_text(company='Acme """\n[email]', currency="DKK", locale="da_DK",
                           anchor=dt.date(2026, 11, 24), data_path=data_path, stages=stages)

    parsed = tomllib.loads(text('data "x"\n.xlsx'))
    assert parsed["company"]["name"] == 'Acme """\n[email]'
    assert parsed["data"]["path"] == 'data "x"\n.xlsx'
    assert parsed["stages"][EVIL_STAGE] == {"step": "opportunity", "probability": 0.2}
    assert "email" not in parsed
    (tmp_path / "report.toml").write_text(text("."), encoding="utf-8")
    config = load_config(tmp_path / "report.toml")
    assert config.stages[EVIL_STAGE].probability == 0.2
    assert config.company.name == 'Acme """\n[email]'


SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
RECOGNISED = ["hubspot_deals_stage_history/hubspot-crm-exports-deals-2026-04-14.csv",
              "pipedrive_deals_polish/deals.csv", "salesforce_export_demo/Opportunity.csv",
              "salesforce_sample_fizzly/Opportunity.csv",
              # no preset knows it: its columns are found by their headers' usual names
              "maven_crm_sales_opportunities/sales_pipeline.csv"]


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is absent")
@pytest.mark.parametrize("export_path", RECOGNISED)
def test_real_exports_validate_as_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          export_path: str) -> None:
    out = inspect(SHARED / export_path, capsys)
    config = tmp_path / "report.toml"
    config.write_text(out, encoding="utf-8")
    assert main(["validate", str(config), "--as-of", MEETING]) == 0
    assert ": valid (" in capsys.readouterr().out


@pytest.mark.parametrize(("stage", "step"), [
    ("CW - Churned", "won"), ("7. CW - Trial", "won"), ("8. Closed Won", "won"),
    ("9. Closed lost", "lost"), ("Closed Won Lost", "lost"), ("Crowdfunding", "opportunity"),
    ("Proposal/Price Quote", "quote"), ("Vundet", "won"), ("Tabt", "lost")])
def test_stage_step_guesses(stage: str, step: str) -> None:
    """HubSpot portals write `CW` for closed won: a churned or trial customer was won, not an
    open deal (694 of them would have swollen the open pipeline of a real export)."""
    assert stage_step(stage, None)[0] == step
