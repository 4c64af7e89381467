"""`report-builder init`: the starter workbook as Excel and LibreOffice see it, and the pack it
builds as written, after a user replaced the examples with their own rows, and as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from report_builder.cli import main
from report_builder.config import load_config
from report_builder.data.schema import LEAD_STATUSES, TABLES, TARGET_SCOPES
from report_builder.starter import first_meeting, init_company
from report_builder.starter.instructions import starter_text
from tests.office import SOFFICE, convert_to_pdf, needs_libreoffice, page_texts, profile_dir

TODAY = dt.date(2026, 11, 26)  # a Thursday: the first meeting is Tuesday 2026-12-01
MEETING = "2026-12-01"


def _init(folder: Path, *, locale: str = "en_GB", fmt: str = "xlsx") -> Path:
    result = init_company(folder, company="Acme ApS", currency="DKK", locale=locale, fmt=fmt,
                          today=TODAY)
    return result.config


def _build(config: Path, out: Path) -> dict:
    assert main(["build", str(config), "--as-of", MEETING, "--format", "html,json",
                 "--out", str(out)]) == 0
    return json.loads((out / f"pipeline-meeting-{MEETING}.json").read_text())["agenda"]


def _list_values(book: openpyxl.Workbook, sheet: Worksheet, column: str) -> list[str]:
    """The values a column's drop-down offers: the Lists range its validation points at."""
    letter = next(i for i, c in enumerate(sheet[1]) if c.value == column)
    cell = f"{openpyxl.utils.get_column_letter(letter + 1)}2"
    validation = next(v for v in sheet.data_validations.dataValidation if cell in v.sqref)
    assert validation.type == "list"
    ref = validation.formula1.replace("'", "")
    sheet_name, cells = ref.split("!")
    return [c.value for (c,) in book[sheet_name][cells.replace("$", "")]]


def test_first_meeting_is_the_next_tuesday() -> None:
    assert first_meeting(dt.date(2026, 11, 26)) == dt.date(2026, 12, 1)
    assert first_meeting(dt.date(2026, 12, 1)) == dt.date(2026, 12, 1)  # today is a Tuesday
    assert first_meeting(dt.date(2026, 11, 30)) == dt.date(2026, 12, 1)


def test_workbook_sheets_headers_and_lists(tmp_path: Path) -> None:
    config = load_config(_init(tmp_path / "acme"))
    book = openpyxl.load_workbook(tmp_path / "acme" / "pipeline.xlsx")
    assert book.sheetnames == ["Instructions", "deals", "leads", "targets", "campaigns", "actions",
                               "Lists"]
    assert book["Lists"].sheet_state == "hidden"
    assert book.active.title == "Instructions"
    for table in TABLES.values():
        sheet = book[table.name]
        assert [c.value for c in sheet[1]] == [c.name for c in table.columns]
        assert sheet.freeze_panes == "B2"
        assert all(c.font.b for c in sheet[1])
        ids = [row[0].value for row in sheet.iter_rows(min_row=2) if row[0].value]
        if table.name == "actions":  # empty, with its header: the meeting fills it in
            assert ids == []
            continue
        assert ids and (table.name == "targets" or all(i.startswith("EX-") for i in ids))
        for column in sheet.column_dimensions.values():
            assert column.width and 9 <= column.width <= 43  # 42 and the cell margins
    deals = book["deals"]
    assert _list_values(book, deals, "stage") == list(config.stages)
    assert _list_values(book, deals, "source_channel")[:3] == ["Webinar", "Events", "Paid search"]
    assert _list_values(book, deals, "public_reference") == ["yes", "no"]
    assert _list_values(book, book["leads"], "status") == list(LEAD_STATUSES)
    assert _list_values(book, book["targets"], "scope") == list(TARGET_SCOPES)
    assert _list_values(book, book["actions"], "team") == ["marketing", "sales"]
    assert _list_values(book, book["actions"], "status") == ["open", "done", "cancelled"]
    assert _list_values(book, book["campaigns"], "channel") == \
        _list_values(book, deals, "source_channel")
    kinds = {(v.type, str(v.sqref)) for v in deals.data_validations.dataValidation}
    assert ("date", "I2:I2000") in kinds and ("date", "J2:J2000") in kinds  # created, close
    assert ("decimal", "G2:G2000") in kinds  # amount
    stage = next(v for v in deals.data_validations.dataValidation if str(v.sqref) == "F2:F2000")
    assert stage.errorStyle in (None, "stop")  # the default: an unknown stage is refused
    channel = next(v for v in deals.data_validations.dataValidation if str(v.sqref) == "K2:K2000")
    assert channel.errorStyle == "warning"  # other channels are fine
    names = [row[1].value for row in deals.iter_rows(min_row=2)]
    assert all(n.startswith("Example: ") for n in names)
    assert isinstance(deals["I2"].value, dt.datetime) and deals["I2"].number_format == "yyyy-mm-dd"
    assert isinstance(deals["G2"].value, int | float)


def test_instructions_sheet_in_the_config_language(tmp_path: Path) -> None:
    _init(tmp_path / "acme", locale="da_DK")
    sheet = openpyxl.load_workbook(tmp_path / "acme" / "pipeline.xlsx")["Instructions"]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert texts[0] == "Pipeline-regneark for Acme ApS"
    assert "Mødets fem punkter" in texts
    assert sum(t.startswith(("1. ", "2. ", "3. ", "4. ", "5. ")) for t in texts) == 5
    words = starter_text("da")
    sheets = {words[f"sheet.{t}"] for t in TABLES}
    columns = [(r[0].value, r[1].value) for r in sheet.iter_rows() if r[0].value in sheets]
    assert columns == [(words[f"sheet.{t.name}"], words[f"header.{t.name}.{c.name}"])
                       for t in TABLES.values() for c in t.columns]
    assert ("Aftaler", "Aftale-id") in columns and ("Mål", "Omsætningsmål") in columns
    assert "Kvalificering" in openpyxl.load_workbook(tmp_path / "acme" / "pipeline.xlsx")[
        "Lists"]["A2"].value


def test_the_danish_workbook_has_danish_sheets_headers_and_lists(tmp_path: Path) -> None:
    _init(tmp_path / "acme", locale="da_DK")
    book = openpyxl.load_workbook(tmp_path / "acme" / "pipeline.xlsx")
    assert book.sheetnames == ["Instructions", "Aftaler", "Leads", "Mål", "Kampagner",
                               "Handlingspunkter", "Lists"]
    deals, leads = book["Aftaler"], book["Leads"]
    assert [c.value for c in deals[1]][:6] == ["Aftale-id", "Navn", "Kunde", "Sælger", "Team",
                                               "Fase"]
    assert _list_values(book, leads, "Status") == ["åben", "accepteret", "afvist", "pleje"]
    assert _list_values(book, book["Mål"], "Niveau") == ["virksomhed", "team", "sælger"]
    statuses = {row[10].value for row in leads.iter_rows(min_row=2)}
    assert statuses <= {"åben", "accepteret", "afvist", "pleje"} and len(statuses) > 1


def test_the_starter_reads_back_in_either_language(tmp_path: Path) -> None:
    """The Danish CSV folder, and the same folder with English headers and values in some
    tables (a colleague's English copy): the same pack."""
    danish = _init(tmp_path / "da", locale="da_DK", fmt="csv")
    mixed_folder = tmp_path / "mixed"
    shutil.copytree(tmp_path / "da", mixed_folder)
    words = starter_text("da")
    english = {**{words[f"header.{t.name}.{c.name}"]: c.name for t in TABLES.values()
                  for c in t.columns if t.name in ("leads", "targets")},
               **{v: k.rsplit(".", 1)[1] for k, v in words.items() if k.startswith("value.")}}
    for table in ("leads", "targets"):
        path = mixed_folder / "pipeline" / f"{table}.csv"
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = [[english.get(cell, cell) for cell in row] for row in csv.reader(fh)]
        assert rows[0][0] in ("lead_id", "quarter")  # now in English
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(rows)
    from_danish = _build(danish, tmp_path / "out-da")
    from_mixed = _build(mixed_folder / "report.toml", tmp_path / "out-mixed")
    for section in ("targets", "pipeline", "sources", "customers"):
        assert from_mixed[section] == from_danish[section], section
    assert from_danish["pipeline"]["open_count"] > 0


def test_instruction_texts_cover_both_languages_and_every_column() -> None:
    texts = {language: starter_text(language) for language in ("en", "da")}
    assert set(texts["en"]) == set(texts["da"])
    for table in TABLES.values():
        for column in table.columns:
            assert f"{table.name}.{column.name}" in texts["en"]


@pytest.mark.parametrize("locale", ["en_GB", "da_DK"])
def test_fresh_template_builds_a_small_pack(tmp_path: Path, locale: str) -> None:
    config = _init(tmp_path / "acme", locale=locale)
    assert main(["validate", str(config)]) == 0
    agenda = _build(config, tmp_path / "out")
    company = agenda["targets"]["company"]
    assert (company["target"], company["won"], company["won_deals"]) == (600_000, 165_000, 2)
    assert company["open_pipeline"] == 300_000  # the open deals closing this quarter
    assert agenda["pipeline"]["open_count"] == 5 and agenda["pipeline"]["overdue_count"] == 1
    assert agenda["pipeline"]["stale_count"] == 1
    assert len(agenda["campaigns"]["upcoming"]) == 2
    assert agenda["data_notes"]["notes"] == []


def test_config_has_every_setting(tmp_path: Path) -> None:
    text = _init(tmp_path / "acme", locale="da_DK").read_text(encoding="utf-8")
    config = load_config(tmp_path / "acme" / "report.toml")
    assert (config.company.name, config.company.currency, config.company.locale) == \
        ("Acme ApS", "DKK", "da_DK")
    assert config.meeting.cadence_anchor == dt.date(2026, 12, 1) and config.meeting.as_of is None
    assert config.output.formats == ("html", "pdf", "json")
    assert [(s.step, s.probability) for s in config.stages.values()] == [
        ("opportunity", 0.1), ("opportunity", 0.2), ("quote", 0.5), ("quote", 0.7),
        ("won", 1.0), ("lost", 0.0)]
    settings = ["name", "currency", "locale", "fiscal_year_start_month", "# logo",
                "cadence_anchor", "cadence_days", "# as_of", "campaign_horizon_weeks",
                "stale_after_days", "sources_window_days", "top_n", "path", "# date_format",
                "decimal", "currency_rates", "formats", "dir", "# templates",
                "page_orientation", "# browser", "# template", "reference_days", "# [email]",
                "# host", "# password_env", "# attach"]
    lines = [line.strip() for line in text.splitlines()]
    for setting in settings:
        assert any(line.startswith(f"{setting} ") for line in lines), setting


def test_user_rows_replace_the_examples(tmp_path: Path) -> None:
    """As a user would: delete the example rows, type rows of their own, build."""
    config = _init(tmp_path / "acme")
    path = tmp_path / "acme" / "pipeline.xlsx"
    book = openpyxl.load_workbook(path)
    for name in TABLES:
        book[name].delete_rows(2, book[name].max_row)
    day = dt.datetime
    book["deals"].append(["D-1", "Nordic Foods - Pro", "Nordic Foods", "Mia", "Sales",
                          "Closed won", 90000, None, day(2026, 10, 1), day(2026, 11, 20),
                          "Webinar", "C-1", "Fast start", None, day(2026, 11, 20), None, "yes"])
    book["deals"].append(["D-2", "Hav - Pro", "Hav", "Mia", "Sales", "Proposal", 50000, "EUR",
                          day(2026, 11, 2), day(2026, 12, 20), "Partner", None, None, None,
                          day(2026, 11, 25), 0.6, None])
    book["deals"].append(["D-3", "Sol - Lite", "Sol", "Ole", "Sales", "Closed lost", 20000, None,
                          day(2026, 9, 1), day(2026, 11, 10), None, None, None, "Price",
                          day(2026, 11, 10), None, None])
    book["leads"].append(["L-1", day(2026, 9, 20), "Webinar", "C-1", "Mia", day(2026, 9, 21),
                          day(2026, 9, 25), day(2026, 9, 28), day(2026, 10, 1), "D-1",
                          "accepted", None])
    book["leads"].append(["L-2", day(2026, 11, 24), "Paid search", None, None, None, None, None,
                          None, None, "open", None])
    book["targets"].append(["2026-Q4", "company", None, 400000, 3, 5])
    book["targets"].append(["2026-Q4", "owner", "Mia", 250000, None, None])
    book["campaigns"].append(["C-1", "Autumn webinar", "Webinar", day(2026, 9, 10),
                              day(2026, 9, 30), "Ida", 10000, "30 MQLs", "Call attendees", "no"])
    book.save(path)

    text = (tmp_path / "acme" / "report.toml").read_text(encoding="utf-8")
    (tmp_path / "acme" / "report.toml").write_text(
        text.replace("currency_rates = {}", "currency_rates = { EUR = 7.46 }"), encoding="utf-8")
    agenda = _build(config, tmp_path / "out")
    company = agenda["targets"]["company"]
    assert (company["target"], company["won"], company["won_deals"]) == (400_000, 90_000, 1)
    assert company["open_pipeline"] == pytest.approx(50_000 * 7.46)
    assert company["weighted_pipeline"] == pytest.approx(50_000 * 7.46 * 0.6)
    assert agenda["data_notes"]["notes"] == []


def test_csv_folder_builds_the_same_pack(tmp_path: Path) -> None:
    config = _init(tmp_path / "csv", fmt="csv")
    folder = tmp_path / "csv" / "pipeline"
    assert sorted(p.name for p in folder.iterdir()) == [
        "README.md", "actions.csv", "campaigns.csv", "deals.csv", "leads.csv", "targets.csv"]
    assert (folder / "deals.csv").read_bytes().startswith(b"\xef\xbb\xbfdeal_id,name,")
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "### deals.csv" in readme and "`close_date`" in readme and "Closed won" in readme
    from_csv = _build(config, tmp_path / "out-csv")
    from_xlsx = _build(_init(tmp_path / "xlsx"), tmp_path / "out-xlsx")
    assert from_csv["targets"] == from_xlsx["targets"]
    assert from_csv["pipeline"] == from_xlsx["pipeline"]


def test_cli_init_then_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "my-company"
    assert main(["init", str(folder), "--company", "Acme ApS", "--currency", "DKK",
                 "--locale", "da_DK"]) == 0
    out = capsys.readouterr().out
    assert f"wrote {folder / 'report.toml'}" in out and f"wrote {folder / 'pipeline.xlsx'}" in out
    assert main(["validate", str(folder / "report.toml")]) == 0
    assert "valid (8 deals, 8 leads, 8 targets, 3 campaigns, 0 actions); 0 data note(s)" in \
        capsys.readouterr().out


def test_refuses_a_folder_that_is_not_empty(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "acme"
    folder.mkdir()
    (folder / "report.toml").write_text("# mine\n", encoding="utf-8")
    args = ["init", str(folder), "--company", "Acme"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "is not empty" in err and "--force" in err and "replacing report.toml" in err
    assert (folder / "report.toml").read_text(encoding="utf-8") == "# mine\n"
    assert not (folder / "pipeline.xlsx").exists()
    assert main([*args, "--force"]) == 0
    assert load_config(folder / "report.toml").company.name == "Acme"
    assert sorted(p.name for p in folder.iterdir()) == ["pipeline.xlsx", "report.toml"]


def test_empty_folder_is_fine(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path), "--company", "Acme"]) == 0
    assert load_config(tmp_path / "report.toml").company.currency == "EUR"


@pytest.mark.parametrize(("flags", "message"), [
    (["--locale", "xx_YY"], "--locale 'xx_YY' is not a known locale"),
    (["--currency", "KRONER"], "--currency 'KRONER' is not an ISO 4217 code"),
    (["--company", " "], "--company is empty"),
])
def test_bad_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str],
                   message: str) -> None:
    assert main(["init", str(tmp_path / "acme"), "--company", "Acme", *flags]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "acme").exists()


@pytest.mark.libreoffice
@needs_libreoffice
def test_libreoffice_opens_the_workbook(tmp_path: Path,
                                        tmp_path_factory: pytest.TempPathFactory) -> None:
    """A real spreadsheet client opens it: the Instructions and the four tables are printed,
    the hidden Lists sheet is not."""
    assert SOFFICE is not None
    _init(tmp_path / "acme")
    workbook = tmp_path / "acme" / "pipeline.xlsx"
    try:
        pdf = convert_to_pdf([workbook], tmp_path, profile_dir(tmp_path_factory))[workbook]
    except AssertionError as exc:
        if "source file could not be loaded" in str(exc):
            pytest.skip("LibreOffice Calc is not installed (apt-get install libreoffice-calc)")
        raise
    pages = page_texts(pdf)
    assert pages[0].startswith("Pipeline workbook for Acme ApS")
    headers = [" ".join(c.name for c in table.columns) for table in TABLES.values()]
    for header in headers:
        assert any(page.startswith(header) for page in pages), header
    text = " ".join(pages)
    assert "EX-D-001 Example: Fjord Foods - annual plan" in text
    assert not any(page.startswith("Stage Channel Lead status") for page in pages)  # hidden
