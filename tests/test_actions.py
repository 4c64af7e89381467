"""The actions from the last meeting: which action lands in which list, the checks on the table,
and the same figures in every format of the example pack."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from bs4 import BeautifulSoup
from pptx import Presentation
from pypdf import PdfReader

from report_builder.build import BuildResult
from report_builder.config import load_config
from report_builder.data.load import load_dataset
from report_builder.errors import DataError
from report_builder.model.build import build_agenda
from tests.small_company import write_company, write_csv

AS_OF = dt.date(2026, 11, 24)  # since the last meeting: 11-24 Nov 2026
HEADER = ["action_id", "text", "owner", "team", "agreed_on", "due", "status", "closed_on"]
ACTIONS = [
    ["X-1", "Call lost deals", "Ann", "sales", "2026-10-27", "2026-11-10", "open", ""],
    ["X-2", "Write SQL definition", "Bo", "marketing", "2026-11-10", "2026-11-11", "done",
     "2026-11-12"],
    ["X-3", "Partner list", "Ann", "sales", "2026-11-10", "2026-11-24", "open", ""],
    ["X-4", "Extend campaign", "Bo", "marketing", "2026-11-10", "2026-11-20", "cancelled",
     "2026-11-11"],
    ["X-5", "Price sheet", "Cy", "sales", "2026-11-10", "2026-12-01", "done", "2026-11-25"],
    ["X-6", "Agreed after the meeting", "Cy", "sales", "2026-11-25", "2026-12-05", "open", ""],
    ["X-7", "Old, done, undated", "Bo", "marketing", "2026-10-13", "2026-10-27", "done", ""],
    ["X-8", "Fix lead status", "Ann", "sales", "2026-10-27", "2026-11-23", "open", ""],
]


def company(tmp_path: Path, rows: list[list[str]] | None = ACTIONS) -> Path:
    config = write_company(tmp_path)
    if rows is not None:
        write_csv(tmp_path / "data" / "actions.csv", HEADER, rows)
    return config


def agenda_of(config_path: Path):  # type: ignore[no-untyped-def]
    config = load_config(config_path)
    dataset = load_dataset(config)
    return build_agenda(dataset, config, AS_OF), dataset


def ids(rows: tuple) -> list[str]:  # type: ignore[type-arg]
    return [r.action_id for r in rows]


def test_each_action_lands_in_its_lists(tmp_path: Path) -> None:
    agenda, _ = agenda_of(company(tmp_path))
    ac = agenda.actions
    assert ac is not None
    # due 11-24 Nov, any status; X-1 was due before the period, X-5 after the meeting
    assert ids(ac.due_since) == ["X-2", "X-4", "X-8", "X-3"]
    assert (ac.due_since_count, ac.due_since_done) == (4, 1)
    # open at the meeting: overdue first; X-5 was closed only after the meeting; X-6 not known
    assert ids(ac.open) == ["X-1", "X-8", "X-3", "X-5"]
    assert (ac.open_count, ac.overdue_count) == (4, 2)
    assert [(a.overdue, a.days_overdue) for a in ac.open] == \
        [(True, 14), (True, 1), (False, None), (False, None)]
    assert ac.open[3].status == "open" and ac.open[3].closed_on is None
    # closed 11-24 Nov; X-7 is done without a date: closed, but not "since"
    assert ids(ac.closed_since) == ["X-4", "X-2"]
    assert (ac.closed_since_count, ac.done_since_count) == (2, 1)
    assert ac.closed_since[0].status == "cancelled"
    assert ac.closed_since[1].closed_on == dt.date(2026, 11, 12)
    note = next(n for n in agenda.data_notes.notes if n.key == "no_closed_on")
    assert (note.table, note.count, note.examples) == ("actions", 1, ("X-7",))
    assert agenda.data_notes.row_counts["actions"] == 8


def test_no_actions_table_no_section(tmp_path: Path) -> None:
    agenda, _ = agenda_of(company(tmp_path, rows=None))
    assert agenda.actions is None
    assert any(n.key == "missing_table" and n.table == "actions"
               for n in agenda.data_notes.notes)
    assert "actions" not in agenda.data_notes.row_counts


def test_an_empty_actions_table_gives_empty_lists(tmp_path: Path) -> None:
    agenda, _ = agenda_of(company(tmp_path, rows=[]))
    assert agenda.actions is not None
    assert (agenda.actions.open, agenda.actions.open_count) == ((), 0)


def test_wrong_team_status_and_dates_are_errors(tmp_path: Path) -> None:
    rows = [list(r) for r in ACTIONS]
    rows[0][3] = "finance"
    rows[1][6] = "pending"
    rows[2][5] = "2026-11-01"  # due before agreed (2026-11-10)
    rows[3][0] = "X-2"  # duplicate id
    config = load_config(company(tmp_path, rows))
    with pytest.raises(DataError) as info:
        load_dataset(config)
    problems = [str(p) for p in info.value.problems]
    assert "actions.csv, row 2, column 'team': value 'finance': unknown team; expected one of: " \
        "marketing, sales" in problems
    assert "actions.csv, row 3, column 'status': value 'pending': unknown action status; " \
        "expected one of: open, done, cancelled" in problems
    assert any(p.startswith("actions.csv, row 4, column 'due': value '2026-11-01") and
               "before agreed_on" in p for p in problems)
    duplicate = [p for p in problems if "duplicate action_id" in p]
    assert len(duplicate) == 1 and ", 2 rows (" in duplicate[0]  # one value, named once


def test_actions_from_a_workbook_sheet_a_source_and_sql(tmp_path: Path) -> None:
    config = company(tmp_path, rows=None)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Aftaler"
    sheet.append(HEADER)
    for row in ACTIONS:
        sheet.append([dt.date.fromisoformat(v) if "-" in v and v[:4].isdigit() else v
                      for v in row])
    book.save(tmp_path / "meetings.xlsx")
    text = config.read_text(encoding="utf-8")
    own = text.replace("[data]\n", '[data]\nactions = { path = "meetings.xlsx", sheet = '
                       '"Aftaler" }\n', 1)
    config.write_text(own, encoding="utf-8")
    agenda, dataset = agenda_of(config)
    assert dataset.sources["actions"] == "meetings.xlsx, sheet 'Aftaler'"
    assert agenda.actions is not None and ids(agenda.actions.open) == ["X-1", "X-8", "X-3", "X-5"]

    with sqlite3.connect(tmp_path / "crm.db") as db:
        db.execute(f"CREATE TABLE actions ({', '.join(HEADER)})")
        db.executemany("INSERT INTO actions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [[v or None for v in r] for r in ACTIONS])
    config.write_text(text.replace("[data]\n", '[data]\nactions = { sql = "SELECT * FROM '
                                   'actions", url = "sqlite:///crm.db" }\n', 1),
                      encoding="utf-8")
    agenda, _ = agenda_of(config)
    assert agenda.actions is not None and agenda.actions.overdue_count == 2


# -- the example pack: the same figures in every format ------------------------------------------

@pytest.fixture(scope="module")
def example(example_pack: BuildResult) -> dict[str, Path]:
    """The example's pack (conftest.py), for its meeting on AS_OF."""
    assert example_pack.agenda.as_of == AS_OF
    return example_pack.files


def test_example_figures_agree_in_every_format(example: dict[str, Path]) -> None:
    # hand-counted from examples/nordlys/generate.py (_ACTIONS) for the meeting on 24 Nov 2026
    data = json.loads(example["json"].read_text(encoding="utf-8"))["agenda"]["actions"]
    assert (data["due_since_count"], data["due_since_done"], data["open_count"],
            data["overdue_count"], data["closed_since_count"], data["done_since_count"]) == \
        (6, 2, 7, 4, 4, 3)
    assert [a["action_id"] for a in data["open"] if a["overdue"]] == \
        ["A-013", "A-002", "A-012", "A-005"]
    assert [a["days_overdue"] for a in data["open"] if a["overdue"]] == [21, 14, 10, 3]

    soup = BeautifulSoup(example["html"].read_text(encoding="utf-8"), "html.parser")
    section = soup.find("section", id="actions")
    assert section is not None and section.find("h2").get_text() == "Opfølgning fra sidste møde"
    assert [s.get_text(strip=True) for s in section.select(".stat-value")] == ["6", "7", "4", "4"]
    overdue = [tr["data-action"] for tr in section.select("table.open tr.overdue")]
    assert overdue == ["A-013", "A-002", "A-012", "A-005"]
    assert len(section.select("table.open tbody tr")) == 7
    assert len(section.select("table.closed-since tbody tr")) == 4
    nav = [a["href"] for a in soup.select("nav.agenda-nav a")]
    assert nav.index("#actions") == nav.index("#headline") + 1  # the opening point

    pages = [p.extract_text() for p in PdfReader(str(example["pdf"])).pages]
    contents = next(p for p in pages if "Dagsorden" in p)
    assert "Opfølgning fra sidste møde" in contents
    page = next(i for i, p in enumerate(pages) if p.lstrip().split("\n")[1:2] ==
                ["Opfølgning fra sidste møde"] or "Aftalt på tidligere møder" in p)
    text = pages[page].lower()  # the badges are set in capitals
    assert "10 dage over fristen" in text and "21 dage over fristen" in text
    # the point shows the overdue actions; its appendix part (A) every list in full
    assert all(a["action_id"] in pages[page] for a in data["open"] if a["overdue"])
    appendix = next(i for i, p in enumerate(pages) if "Bilag A" in p)
    assert appendix > page
    assert all(a["action_id"] in "".join(pages[appendix:appendix + 2]) for a in data["open"])

    slides = list(Presentation(str(example["pptx"])).slides)
    titles = [s.shapes.title.text if s.shapes.title is not None else "" for s in slides]
    first = titles.index("Opfølgning fra sidste møde")
    assert titles[first - 1] == "Overblik" and titles[first + 1].startswith("1. ")
    backup = titles.index("Opfølgning fra sidste møde", titles.index("Bilag"))
    assert titles[backup + 1].startswith("Opfølgning fra")  # the full lists, continued
    texts = "".join(shape.text_frame.text for shape in slides[first].shapes
                    if shape.has_text_frame)
    cells = [c.text for s in slides[backup:backup + 3] for shape in s.shapes if shape.has_table
             for row in shape.table.rows for c in row.cells]
    assert "Over fristen: 4" in texts and "Åbne punkter: 7" in texts
    assert cells.count("21 dage over fristen") == 1 and cells.count("10 dage over fristen") == 2
    notes = slides[first].notes_slide.notes_text_frame.text
    assert "Åbne: 7, heraf 4 over fristen." in notes
    assert "Lukket siden sidste møde: 4 (3 udført, 1 annulleret)." in notes
